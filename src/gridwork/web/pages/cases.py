"""Staff pages for cases: a worker's list, the desk's queues, search, one case and its
actions. Everyone sees only the cases their grants cover."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from gridwork.domain.errors import GridworkError
from gridwork.services.cases import (
    ActionRequest,
    act_on_case,
    actions_for,
    dispatch_targets,
    get_case_for,
    list_cases_for,
)
from gridwork.services.categories import list_categories
from gridwork.services.duplicates import duplicates_of, may_merge, merge_case
from gridwork.services.paging import PageRequest
from gridwork.services.publication import PublicityChange, publicity_of, set_publicity
from gridwork.web.deps import DbDep, MaybeActorDep, SettingsDep
from gridwork.web.errors import status_for
from gridwork.web.pages.common import PagesDep, safe_next, to_signin
from gridwork.web.photos import photo_from, photo_url, storing

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
# The desk's three queues: new reports, accepted cases to dispatch, resolutions to check.
DESK_QUEUES = (("intake", "submitted"), ("accepted", "accepted"), ("checking", "resolved"))
OPEN = ["submitted", "accepted", "dispatched", "in_progress", "resolved"]


def category_names(conn: Any) -> dict[str, dict[str, Any]]:
    """Categories by code, for showing their names in the reader's language."""
    return {c["code"]: c for c in list_categories(conn)}


def _page_number(value: str) -> int:
    return int(value) if value.isdigit() and 0 < int(value) < 10_000 else 1


@router.get("/work")
def my_cases(
    request: Request, pages: PagesDep, actor: MaybeActorDep, db: DbDep, page: str = "1"
) -> Response:
    """A grid worker's open cases, the nearest deadline first."""
    if actor is None:
        return to_signin(request)
    with db.transaction() as conn:
        listed = list_cases_for(
            conn,
            actor,
            PageRequest(_page_number(page), PAGE_SIZE),
            statuses=["dispatched", "in_progress", "resolved"],
            mine=True,
            oldest_deadline_first=True,
        )
        names = category_names(conn)
    return pages.render(request, "work.html", actor, listed=listed, category_names=names)


@router.get("/desk")
def desk(request: Request, pages: PagesDep, actor: MaybeActorDep, db: DbDep) -> Response:
    """Community staff's queues: new reports to accept, cases to dispatch, resolutions to check."""
    if actor is None:
        return to_signin(request)
    with db.transaction() as conn:
        queues = {
            queue: list_cases_for(
                conn,
                actor,
                PageRequest(1, PAGE_SIZE),
                statuses=[status],
                oldest_deadline_first=True,
            )
            for queue, status in DESK_QUEUES
        }
        names = category_names(conn)
    return pages.render(
        request,
        "desk.html",
        actor,
        category_names=names,
        intake=queues["intake"],
        accepted=queues["accepted"],
        checking=queues["checking"],
    )


@router.get("/cases")
def search(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    q: str = "",
    status: str = "",
    category: str = "",
    area: str = "",
    overdue: str = "",
    escalated: str = "",
    page: str = "1",
) -> Response:
    """Every case in scope, filtered and paged."""
    if actor is None:
        return to_signin(request)
    filters: dict[str, Any] = {
        "q": q[:100],
        "status": status[:20],
        "category": category[:40],
        "area": area[:15],
        "overdue": overdue == "1",
        "escalated": escalated == "1",
    }
    error = None
    with db.transaction() as conn:
        categories = list_categories(conn)
        try:
            listed = list_cases_for(
                conn,
                actor,
                PageRequest(_page_number(page), PAGE_SIZE),
                area=filters["area"] or None,
                statuses=OPEN if status == "open" else ([status] if status else None),
                category=filters["category"] or None,
                overdue=bool(filters["overdue"]),
                escalated=bool(filters["escalated"]),
                text=filters["q"] or None,
            )
        except GridworkError as problem:
            error, listed = problem, None
    return pages.render(
        request,
        "cases.html",
        actor,
        status_code=422 if error else 200,
        listed=listed,
        filters=filters,
        categories=categories,
        category_names={c["code"]: c for c in categories},
        error=error,
    )


def _case_page(
    request: Request,
    pages: PagesDep,
    actor: Any,
    db: Any,
    settings: Any,
    case_ref: str,
    **extra: Any,
) -> Response:
    with db.transaction(write=True) as conn:  # reading the reporter's contact is audited
        view = get_case_for(conn, actor, case_ref, key=settings.secret_key)
        targets = dispatch_targets(conn, view)
        names = category_names(conn)
        similar = duplicates_of(conn, actor, str(view["id"]))
        publicity = publicity_of(conn, actor, view["id"])
    return pages.render(
        request,
        "case.html",
        actor,
        case=view,
        actions=actions_for(actor, view),
        may_merge=may_merge(actor, view),
        similar=similar,
        publicity=publicity,
        targets=targets,
        category_names=names,
        **extra,
    )


@router.get("/cases/{case_ref}")
def case_page(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    case_ref: str,
    done: str = "",
) -> Response:
    if actor is None:
        return to_signin(request)
    return _case_page(request, pages, actor, db, settings, case_ref, done=done[:20])


@router.post("/cases/{case_ref}/act")
async def act(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    case_ref: str,
    action: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
    assignee: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=200)] = "",
    public_note: Annotated[str, Form(max_length=8)] = "",
    photo: UploadFile | None = None,
) -> Response:
    """One workflow action from a case page (or a queue's quick buttons)."""
    if actor is None:
        return to_signin(request)
    try:
        picture = await photo_from(request, photo)  # in memory until the action is stored
        media_url = photo_url(request, picture) if picture else None

        def work(conn: Any) -> dict[str, Any]:
            done = act_on_case(
                conn,
                actor,
                case_ref,
                ActionRequest(
                    action,
                    note or None,
                    assignee or None,
                    media_url=media_url,
                    public_note=bool(public_note),
                ),
                secret_key=settings.secret_key,
            )
            if picture is not None:
                picture.keep()
            return done

        await storing(picture, db.run_write(work))
    except GridworkError as error:
        return _case_page(
            request,
            pages,
            actor,
            db,
            settings,
            case_ref,
            status_code=status_for(error),
            error=error,
            tried=action,
            form={"note": note, "assignee": assignee},
        )
    target = safe_next(next, f"/cases/{case_ref}")
    joiner = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{joiner}done={action}", status_code=303)


@router.post("/cases/{case_ref}/merge")
def merge(
    request: Request,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    case_ref: str,
    into: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Merge this case, a duplicate, into `into`; the desk lands on the surviving case."""
    if actor is None:
        return to_signin(request)
    with db.transaction(write=True) as conn:
        survivor = merge_case(conn, actor, case_ref, into, key=settings.secret_key)
    return RedirectResponse(f"/cases/{survivor['id']}?done=merge", status_code=303)


@router.post("/cases/{case_ref}/publicity")
def change_publicity(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    case_ref: str,
    publicity: Annotated[str, Form(max_length=16)] = "",
    public_description: Annotated[str, Form(max_length=4000)] = "",
    public_media: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Hide, publish or redact what the public sees of a case (desk and above)."""
    if actor is None:
        return to_signin(request)
    change = PublicityChange(publicity, public_description or None, bool(public_media))
    try:
        with db.transaction(write=True) as conn:
            set_publicity(conn, actor, case_ref, change, key=settings.secret_key)
    except GridworkError as error:
        return _case_page(
            request,
            pages,
            actor,
            db,
            settings,
            case_ref,
            status_code=status_for(error),
            error=error,
        )
    return RedirectResponse(f"/cases/{case_ref}?done=publicity", status_code=303)
