"""Cases: intake, reading within scope (or by reference and secret), and actions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse

from gridwork.domain.publication import Publicity
from gridwork.services.cases import (
    ActionRequest,
    act_on_case,
    get_case_for,
    get_case_for_resident,
    list_cases_for,
    reissue_case_secret,
)
from gridwork.services.intake import Report, reporting_channel, sender_scope
from gridwork.services.intake_batch import Intake, submit_reports
from gridwork.services.publication import PublicityChange, PublicityView, set_publicity
from gridwork.web.database import Database
from gridwork.web.deps import (
    ActorDep,
    DbDep,
    MaybeActorDep,
    PagingDep,
    SettingsDep,
    ZoneDep,
    actor_required,
    optional_actor,
)
from gridwork.web.group_commit import Batched
from gridwork.web.render import to_json
from gridwork.web.schemas import ActionIn, CaseIn, PublicityIn, PublicityOut

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])
SecretHeader = Annotated[
    str | None, Header(alias="X-Case-Secret", description="the secret given at creation")
]


IdempotencyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="a retry with the same key and body returns the same case; anonymous "
        "senders must use a random UUID (or 22+ base64url characters)",
    ),
]


@router.post("", status_code=201)
async def create(
    request: Request, body: CaseIn, idempotency_key: IdempotencyHeader = None
) -> JSONResponse:
    """Report a problem; anyone may. The answer carries the case secret for the reporter."""
    # The busiest endpoint reads the app's parts directly instead of through five
    # dependencies: FastAPI's dependency solving cost more than the rest of the request.
    state = request.app.state
    actor = await optional_actor(request)
    report = Report(
        category=body.category,
        description=body.description,
        area_code=body.area_code,
        lat=body.lat,
        lng=body.lng,
        reporter_name=body.reporter.name if body.reporter else None,
        reporter_phone=body.reporter.phone if body.reporter else None,
        channel=reporting_channel(actor, body.channel),
        address=body.address,
        attributes=body.attributes or {},
        publicity=Publicity.PRIVATE if body.private else Publicity.PUBLIC,
    )
    idempotency = (sender_scope(actor), idempotency_key) if idempotency_key is not None else None
    intake = Intake(actor, report, state.settings.secret_key, state.locator, idempotency)
    database: Database = state.db
    view, secret, replayed = await database.run_grouped(Batched(submit_reports, intake))
    view["secret"] = secret
    # The first answer was 201; a replay says so but otherwise answers the same.
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return JSONResponse(to_json(view, state.zone), status_code=201, headers=headers)


@router.get("")
def index(
    db: DbDep,
    zone: ZoneDep,
    actor: ActorDep,
    paging: PagingDep,
    area: Annotated[str | None, Query(description="only cases in this unit's subtree")] = None,
    status: Annotated[str | None, Query(description="comma-separated statuses")] = None,
    category: Annotated[str | None, Query()] = None,
) -> Any:
    """Cases in scope, newest first."""
    statuses = [s.strip() for s in status.split(",") if s.strip()] if status else None
    with db.transaction() as conn:
        page = list_cases_for(conn, actor, paging, area=area, statuses=statuses, category=category)
    return to_json(page.as_dict(), zone)


@router.get("/{case_ref}")
def show(
    db: DbDep,
    settings: SettingsDep,
    zone: ZoneDep,
    actor: MaybeActorDep,
    case_ref: str,
    secret: SecretHeader = None,
) -> Any:
    """A case with its timeline: staff by id, the reporter by reference and secret."""
    if actor is None and secret is not None:
        with db.transaction() as conn:
            view = get_case_for_resident(
                conn,
                case_ref,
                secret,
                secret_key=settings.secret_key,
                previous_keys=settings.previous_keys,
            )
    else:
        staff = actor_required(actor)
        with db.transaction(write=True) as conn:  # the read is audited
            view = get_case_for(conn, staff, case_ref, key=settings.secret_key)
    return to_json(view, zone)


@router.post("/{case_ref}/secret")
def new_secret(
    db: DbDep,
    settings: SettingsDep,
    actor: MaybeActorDep,
    case_ref: str,
    secret: SecretHeader = None,
) -> dict[str, str | None]:
    """Re-issue a case's follow-up code: the reporter with the current one gets the new one
    in the answer; staff handling the case get `secret: null`, the new code is sent to the
    reporter's phone. The old code stops working at once."""
    if actor is None and secret is None:
        actor_required(actor)
    with db.transaction(write=True) as conn:
        reference, fresh = reissue_case_secret(
            conn,
            actor,
            case_ref,
            secret=secret,
            secret_key=settings.secret_key,
            previous_keys=settings.previous_keys,
        )
    return {"reference": reference, "secret": fresh}


@router.post("/{case_ref}/actions")
def act(
    db: DbDep,
    settings: SettingsDep,
    zone: ZoneDep,
    actor: MaybeActorDep,
    case_ref: str,
    body: ActionIn,
    secret: SecretHeader = None,
) -> Any:
    """Take one workflow action (residents: rate or reopen, with their secret)."""
    if actor is None and secret is None:
        actor_required(actor)
    request = ActionRequest(
        body.action, body.note, body.assignee, body.rating, public_note=body.public_note
    )
    with db.transaction(write=True) as conn:
        view = act_on_case(
            conn,
            actor,
            case_ref,
            request,
            secret=secret,
            secret_key=settings.secret_key,
            previous_keys=settings.previous_keys,
        )
    return to_json(view, zone)


@router.put("/{case_ref}/publicity", response_model=PublicityOut)
def publicity(
    db: DbDep, settings: SettingsDep, actor: ActorDep, case_ref: str, body: PublicityIn
) -> PublicityView:
    """Staff: hide a case from the public, publish it again, or redact its public text or
    photo (audited). Cases begun at a household, or reported privately, stay unpublished."""
    change = PublicityChange(body.publicity, body.public_description, body.public_media)
    with db.transaction(write=True) as conn:
        return set_publicity(conn, actor, case_ref, change, key=settings.secret_key)
