"""Residents' pages (no account needed): report a problem, follow it, rate the result."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response

from gridwork.config import Settings
from gridwork.domain.access import Actor
from gridwork.domain.errors import GridworkError, InvalidInput, NotFound
from gridwork.domain.publication import Publicity
from gridwork.services.cases import (
    ActionRequest,
    act_on_case,
    get_case_for_resident,
    reissue_case_secret,
)
from gridwork.services.categories import list_categories
from gridwork.services.duplicates import suggestions
from gridwork.services.intake import (
    Report,
    questions_for,
    reporting_channel,
    sender_scope,
    submit_report,
)
from gridwork.services.outlines import grid_outlines_near, map_centre
from gridwork.web.cookies import set_private_cookie
from gridwork.web.database import Database
from gridwork.web.deps import DbDep, LocatorDep, MaybeActorDep, SettingsDep
from gridwork.web.origin import refuse_cross_site
from gridwork.web.pages.common import PagesDep
from gridwork.web.pages.resident_session import resident_scope
from gridwork.web.pages.templating import Pages
from gridwork.web.photos import photo_from, photo_url, storing

router = APIRouter(include_in_schema=False)
CASE_COOKIE = "gridwork_case_"  # + reference; holds the case secret, only for /track/<ref>
CASE_DAYS = 400  # long enough to follow a case to its rating and a reopening
Text = Annotated[str, Form(max_length=4000)]


def _case_cookie_path(reference: str) -> str:
    return f"/track/{reference}"


@router.get("/")
def home(request: Request, pages: PagesDep, actor: MaybeActorDep) -> Response:
    return pages.render(request, "home.html", actor)


def _form_context(db: Any, chosen: str | None) -> dict[str, Any]:
    with db.transaction() as conn:
        categories = list_categories(conn)
        centre = map_centre(conn)
        questions = questions_for(conn, chosen) if chosen else []
    return {"categories": categories, "centre": centre, "questions": questions}


@router.get("/report")
def report_form(request: Request, pages: PagesDep, actor: MaybeActorDep, db: DbDep) -> Response:
    return pages.render(
        request,
        "report.html",
        actor,
        form={},
        idempotency=secrets.token_urlsafe(16),
        **_form_context(db, None),
    )


@router.get("/report/questions")
def report_questions(request: Request, pages: PagesDep, db: DbDep, category: str = "") -> Response:
    """The chosen category's extra questions (swapped into the form by htmx)."""
    with db.transaction() as conn:
        questions = questions_for(conn, category[:40]) if category else []
    return pages.render(request, "_questions.html", questions=questions, form={})


@router.get("/report/nearby")
def report_nearby(
    request: Request, pages: PagesDep, db: DbDep, category: str = "", lat: str = "", lng: str = ""
) -> Response:
    """Open reports of the chosen category within 50 m of the pin (swapped in by htmx)."""
    try:
        point = (float(lat), float(lng))
    except ValueError:
        point = None
    nearby: list[dict[str, Any]] = []
    if category and point is not None and -90 <= point[0] <= 90 and -180 <= point[1] <= 180:
        with db.transaction() as conn:
            nearby = suggestions(conn, category[:40], *point)
    return pages.render(request, "_nearby.html", nearby=nearby)


@router.get("/map/grids.json")
def grids_near(db: DbDep, lat: float, lng: float) -> Response:
    """Grid outlines around a point, for the report map (public: no personal data)."""
    with db.transaction() as conn:
        return JSONResponse(grid_outlines_near(conn, lat, lng))


def _number(value: str, field: str) -> float | None:
    if not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        raise InvalidInput("put a pin on the map", field=field) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidInput("put a pin on the map", field=field)
    return number


@router.post("/report")
async def report(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    locator: LocatorDep,
    category: Annotated[str, Form(max_length=40)] = "",
    description: Text = "",
    lat: Annotated[str, Form(max_length=40)] = "",
    lng: Annotated[str, Form(max_length=40)] = "",
    address: Annotated[str, Form(max_length=300)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
    phone: Annotated[str, Form(max_length=40)] = "",
    idempotency: Annotated[str, Form(max_length=64)] = "",
    private: Annotated[str, Form(max_length=8)] = "",
    photo: UploadFile | None = None,
) -> Response:
    form = await request.form()
    answers: dict[str, Any] = {}
    for key in form:
        if key.startswith("attribute[") and key.endswith("]"):
            values = [str(v) for v in form.getlist(key) if str(v)]
            code = key[len("attribute[") : -1].removesuffix("][")
            if values:
                answers[code] = values if key.endswith("[]]") or len(values) > 1 else values[0]
    entered = {
        "category": category,
        "description": description,
        "lat": lat,
        "lng": lng,
        "address": address,
        "name": name,
        "phone": phone,
        "private": bool(private),
        "answers": answers,
    }
    try:
        if lat.strip() == "" or lng.strip() == "":
            raise InvalidInput("put a pin on the map where the problem is", field="lat")
        point = _number(lat, "lat"), _number(lng, "lng")
        # Checked and re-encoded in memory; on disk only once the case is stored (below).
        picture = await photo_from(request, photo)
        submitted = Report(
            category=category,
            description=description,
            lat=point[0],
            lng=point[1],
            reporter_name=name or None,
            reporter_phone=phone or None,
            channel=reporting_channel(actor, None),
            address=address or None,
            attributes=answers,
            media_url=photo_url(request, picture) if picture else None,
            publicity=Publicity.PRIVATE if private else Publicity.PUBLIC,
        )
        scope = sender_scope(actor, resident_scope(request, db, settings))

        def store(conn: Any) -> tuple[dict[str, Any], str, bool]:
            view, secret, replayed = submit_report(
                conn,
                actor,
                submitted,
                secret_key=settings.secret_key,
                locator=locator,
                idempotency=(scope, idempotency) if idempotency else None,
            )
            if picture is not None and not replayed:  # a replay keeps the first try's photo
                picture.keep()
            return view, secret, replayed

        view, secret, _replayed = await storing(picture, db.run_write(store))
    except GridworkError as error:
        return pages.render(
            request,
            "report.html",
            actor,
            status_code=422 if isinstance(error, InvalidInput) else 409,
            form=entered,
            error=error,
            idempotency=secrets.token_urlsafe(16),
            **_form_context(db, category or None),
        )
    reference = view["reference"]
    if actor is not None:  # a worker's patrol finding goes straight to its case page
        return RedirectResponse(f"/cases/{view['id']}?done=reported", status_code=303)
    response = RedirectResponse(f"/track/{reference}?new=1", status_code=303)
    set_private_cookie(
        response,
        settings,
        CASE_COOKIE + reference,
        secret,
        CASE_DAYS * 86400,
        path=_case_cookie_path(reference),
    )
    return response


@router.get("/track")
def track_form(request: Request, pages: PagesDep, actor: MaybeActorDep) -> Response:
    return pages.render(request, "track_form.html", actor, form={})


@router.post("/track")
def track_lookup(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    reference: Annotated[str, Form(max_length=20)] = "",
    secret: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Follow a case from another device: its reference and follow-up code."""
    reference = reference.strip().upper()
    try:
        with db.transaction() as conn:
            get_case_for_resident(
                conn,
                reference,
                secret.strip(),
                secret_key=settings.secret_key,
                previous_keys=settings.previous_keys,
            )
    except NotFound as error:
        return pages.render(
            request,
            "track_form.html",
            actor,
            status_code=404,
            form={"reference": reference},
            error=error,
        )
    response = RedirectResponse(f"/track/{reference}", status_code=303)
    set_private_cookie(
        response,
        settings,
        CASE_COOKIE + reference,
        secret.strip(),
        CASE_DAYS * 86400,
        path=_case_cookie_path(reference),
    )
    return response


def _secret_for(request: Request, reference: str) -> str:
    """The case's follow-up code from this browser's cookie (a cross-site write refused)."""
    secret = request.cookies.get(CASE_COOKIE + reference, "")
    if secret:
        refuse_cross_site(request)
    return secret


@router.get("/track/{reference}")
def track(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    reference: str,
    new: str = "",
    renewed: str = "",
) -> Response:
    secret = _secret_for(request, reference)
    if not secret:
        return RedirectResponse("/track", status_code=303)
    return _track_page(
        request, pages, actor, db, settings, reference, secret, new=bool(new), renewed=bool(renewed)
    )


def _track_page(
    request: Request,
    pages: Pages,
    actor: Actor | None,
    db: Database,
    settings: Settings,
    reference: str,
    secret: str,
    **extra: Any,
) -> Response:
    """The reporter's page of their case (read with the secret their browser holds)."""
    with db.transaction() as conn:
        view = get_case_for_resident(
            conn,
            reference,
            secret,
            secret_key=settings.secret_key,
            previous_keys=settings.previous_keys,
        )
    return pages.render(request, "track.html", actor, case=view, secret=secret, **extra)


@router.post("/track/{reference}/rate")
def rate(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    reference: str,
    rating: Annotated[str, Form(max_length=2)] = "",
    comment: Annotated[str, Form(max_length=1000)] = "",
    action: Annotated[str, Form(max_length=10)] = "rate",
) -> Response:
    """The resident's verdict: a rating of 1–5 (and a comment), or reopening the case."""
    secret = _secret_for(request, reference)
    if not secret:
        return RedirectResponse("/track", status_code=303)
    chosen = "reopen" if action == "reopen" else "rate"
    try:
        stars = int(rating) if chosen == "rate" and rating.isdigit() else None
        if chosen == "rate" and stars is None:
            raise InvalidInput("choose from 1 to 5 stars", field="rating")
        with db.transaction(write=True) as conn:
            act_on_case(
                conn,
                None,
                reference,
                ActionRequest(chosen, note=comment or None, rating=stars),
                secret=secret,
                secret_key=settings.secret_key,
                previous_keys=settings.previous_keys,
            )
    except GridworkError as error:
        return _track_page(
            request,
            pages,
            actor,
            db,
            settings,
            reference,
            secret,
            status_code=422,
            error=error,
            form={"rating": rating, "comment": comment},
        )
    return RedirectResponse(f"/track/{reference}?thanks=1", status_code=303)


@router.post("/track/{reference}/new-code")
def new_code(request: Request, db: DbDep, settings: SettingsDep, reference: str) -> Response:
    """The reporter gets a new follow-up code; the old one (perhaps seen by someone else)
    stops working at once."""
    secret = _secret_for(request, reference)
    if not secret:
        return RedirectResponse("/track", status_code=303)
    with db.transaction(write=True) as conn:
        ref, fresh = reissue_case_secret(
            conn,
            None,
            reference,
            secret=secret,
            secret_key=settings.secret_key,
            previous_keys=settings.previous_keys,
        )
    assert fresh is not None  # the reporter's own re-issue answers with the new code
    response = RedirectResponse(f"/track/{ref}?renewed=1", status_code=303)
    set_private_cookie(
        response, settings, CASE_COOKIE + ref, fresh, CASE_DAYS * 86400, path=_case_cookie_path(ref)
    )
    return response
