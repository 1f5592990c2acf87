"""Mediation pages for the community's legal staff: their mediations, opening one with its
parties, and one mediation (consents, sessions, outcome, who read it). Each view of a
mediation is an audited read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from gridwork.domain.errors import GridworkError, InvalidInput
from gridwork.domain.mediation import DisputeKind, Outcome
from gridwork.services import mediations
from gridwork.web.deps import DbDep, MaybeActorDep, SettingsDep, ZoneDep
from gridwork.web.errors import status_for
from gridwork.web.pages.common import PagesDep, to_signin

router = APIRouter(include_in_schema=False)
Short = Annotated[str, Form(max_length=100)]
Long = Annotated[str, Form(max_length=4000)]


def _list_page(request: Request, pages: PagesDep, actor: Any, db: Any, **extra: Any) -> Response:
    with db.transaction() as conn:
        listed = mediations.mediations_for(conn, actor)
    codes = sorted({g.area_code for g in actor.grants if g.role.value == "legal_staff"})
    return pages.render(
        request,
        "mediations.html",
        actor,
        listed=listed,
        codes=codes,
        kinds=[k.value for k in DisputeKind],
        **extra,
    )


@router.get("/mediations")
def index(request: Request, pages: PagesDep, actor: MaybeActorDep, db: DbDep) -> Response:
    """Legal staff: the mediations they handle, open ones first, and the form to open one."""
    if actor is None:
        return to_signin(request)
    return _list_page(request, pages, actor, db, form={})


@router.post("/mediations")
def open_one(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    community_code: Annotated[str, Form(max_length=15)] = "",
    kind: Annotated[str, Form(max_length=16)] = "",
    summary: Long = "",
    applicant: Short = "",
    applicant_phone: Annotated[str, Form(max_length=30)] = "",
    applicant_consents: Annotated[str, Form(max_length=3)] = "",
    respondent: Short = "",
    respondent_phone: Annotated[str, Form(max_length=30)] = "",
    respondent_consents: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    if actor is None:
        return to_signin(request)
    parties = [
        {
            "role": "applicant",
            "name": applicant,
            "phone": applicant_phone,
            "consented": bool(applicant_consents),
        },
        {
            "role": "respondent",
            "name": respondent,
            "phone": respondent_phone,
            "consented": bool(respondent_consents),
        },
    ]
    try:
        with db.transaction(write=True) as conn:
            made = mediations.open_mediation(
                conn, actor, community_code, kind, summary, parties, key=settings.secret_key
            )
    except GridworkError as error:
        form = {"community_code": community_code, "kind": kind, "summary": summary}
        form |= {"applicant": applicant, "respondent": respondent}
        return _list_page(
            request, pages, actor, db, status_code=status_for(error), error=error, form=form
        )
    return RedirectResponse(f"/mediations/{made['id']}", status_code=303)


@router.get("/mediations/{mediation_id}")
def one(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    mediation_id: str,
    done: str = "",
) -> Response:
    """One mediation in full (an audited read), with its access log."""
    if actor is None:
        return to_signin(request)
    with db.transaction(write=True) as conn:
        found = mediations.read_mediation(conn, actor, mediation_id, key=settings.secret_key)
        log = mediations.mediation_access_log(conn, actor, mediation_id)
    return pages.render(
        request,
        "mediation.html",
        actor,
        m=found,
        log=log,
        outcomes=[o.value for o in Outcome],
        done=done[:20],
    )


@router.post("/mediations/{mediation_id}/parties/{party_id}/consent")
def consent(
    request: Request,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    mediation_id: str,
    party_id: str,
) -> Response:
    if actor is None:
        return to_signin(request)
    with db.transaction(write=True) as conn:
        mediations.record_consent(conn, actor, mediation_id, party_id, key=settings.secret_key)
    return RedirectResponse(f"/mediations/{mediation_id}?done=consent", status_code=303)


@router.post("/mediations/{mediation_id}/sessions")
def add_session(
    request: Request,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    zone: ZoneDep,
    mediation_id: str,
    held_at: Annotated[str, Form(max_length=20)] = "",
    place: Annotated[str, Form(max_length=200)] = "",
    note: Long = "",
) -> Response:
    if actor is None:
        return to_signin(request)
    try:
        when = datetime.fromisoformat(held_at).replace(tzinfo=zone)
    except ValueError:
        raise InvalidInput("give the date and time of the session", field="held_at") from None
    with db.transaction(write=True) as conn:
        mediations.add_session(
            conn, actor, mediation_id, when, place, note, key=settings.secret_key
        )
    return RedirectResponse(f"/mediations/{mediation_id}?done=session", status_code=303)


@router.post("/mediations/{mediation_id}/outcome")
def close(
    request: Request,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    mediation_id: str,
    outcome: Annotated[str, Form(max_length=12)] = "",
    note: Long = "",
) -> Response:
    if actor is None:
        return to_signin(request)
    with db.transaction(write=True) as conn:
        mediations.close_mediation(
            conn, actor, mediation_id, outcome, note, key=settings.secret_key
        )
    return RedirectResponse(f"/mediations/{mediation_id}?done=outcome", status_code=303)
