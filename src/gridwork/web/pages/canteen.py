"""Canteen pages: the desk's page of one elderly canteen (prices, members, the day's meals,
the monthly statement) and residents booking a meal from the community's public page."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from gridwork.domain.errors import InvalidInput
from gridwork.domain.ids import parse_id
from gridwork.services import canteen
from gridwork.services.clock import utcnow
from gridwork.web.deps import DbDep, MaybeActorDep, SettingsDep
from gridwork.web.pages.common import PagesDep, to_signin
from gridwork.web.pages.resident_session import resident_phone

router = APIRouter(include_in_schema=False)
Small = Annotated[str, Form(max_length=12)]


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("give the day", field="day") from None


def _fen(value: str, field: str) -> int:
    try:
        return round(float(value) * 100)
    except ValueError:
        raise InvalidInput("amounts are in yuan, such as 12.5", field=field) from None


@router.post("/community/{code}/canteens/{facility_id}/book")
def resident_book(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    code: str,
    facility_id: str,
    day: Small = "",
    meal: Small = "",
) -> Response:
    """A signed-in member books a meal."""
    phone = resident_phone(request, db, settings)
    if phone is None:
        return RedirectResponse(f"/me/signin?next={quote(f'/community/{code}')}", status_code=303)
    with db.transaction(write=True) as conn:
        canteen.book(conn, phone, facility_id, _day(day), meal)
    return RedirectResponse(f"/community/{code}?done=booked", status_code=303)


@router.get("/canteens/{facility_id}")
def desk(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    facility_id: str,
    day: str = "",
    done: str = "",
) -> Response:
    """The desk: the day's members and meals (an audited read), prices, registering."""
    if actor is None:
        return to_signin(request)
    chosen = _day(day) if day else utcnow().date()
    with db.transaction(write=True) as conn:
        sheet = canteen.day_sheet(conn, actor, facility_id, chosen, key=settings.secret_key)
        prices = canteen.prices_of(conn, facility_id)
    return pages.render(
        request,
        "canteen.html",
        actor,
        sheet=sheet,
        prices=prices,
        month=chosen.strftime("%Y-%m"),
        done=done[:20],
    )


@router.post("/canteens/{facility_id}/prices")
def set_prices(
    request: Request,
    actor: MaybeActorDep,
    db: DbDep,
    facility_id: str,
    price: Small = "",
    s60: Small = "",
    s70: Small = "",
    s80: Small = "",
) -> Response:
    if actor is None:
        return to_signin(request)
    tiers = {60: _fen(s60, "s60"), 70: _fen(s70, "s70"), 80: _fen(s80, "s80")}
    with db.transaction(write=True) as conn:
        canteen.set_prices(conn, actor, facility_id, _fen(price, "price"), tiers)
    return RedirectResponse(f"/canteens/{facility_id}?done=prices", status_code=303)


@router.post("/canteens/{facility_id}/members")
def register(
    request: Request, actor: MaybeActorDep, db: DbDep, facility_id: str, resident_id: Small = ""
) -> Response:
    if actor is None:
        return to_signin(request)
    number = parse_id(resident_id.strip())
    if number is None:
        raise InvalidInput("give the resident's number from the registry", field="resident_id")
    with db.transaction(write=True) as conn:
        canteen.register(conn, actor, facility_id, number)
    return RedirectResponse(f"/canteens/{facility_id}?done=registered", status_code=303)


@router.post("/canteens/{facility_id}/served")
def served(
    request: Request,
    actor: MaybeActorDep,
    db: DbDep,
    facility_id: str,
    resident_id: Small = "",
    day: Small = "",
    meal: Small = "",
) -> Response:
    if actor is None:
        return to_signin(request)
    number = parse_id(resident_id.strip())
    if number is None:
        raise InvalidInput("choose the member", field="resident_id")
    when = _day(day)
    with db.transaction(write=True) as conn:
        canteen.serve(conn, actor, facility_id, when, meal, number)
    return RedirectResponse(f"/canteens/{facility_id}?day={when}&done=served", status_code=303)


@router.get("/canteens/{facility_id}/statement")
def statement(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    facility_id: str,
    month: str = "",
) -> Response:
    """The printable monthly statement (an audited read)."""
    if actor is None:
        return to_signin(request)
    chosen = month[:7] or utcnow().date().strftime("%Y-%m")
    with db.transaction(write=True) as conn:
        found = canteen.statement(conn, actor, facility_id, chosen, key=settings.secret_key)
    return pages.render(request, "canteen_statement.html", actor, s=found)
