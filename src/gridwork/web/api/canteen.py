"""The elderly canteen: prices and subsidies, members, meal bookings, meals served, the day's
sheet and the monthly subsidy statement."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gridwork.domain.errors import InvalidInput
from gridwork.services import canteen
from gridwork.web.deps import ActorDep, CallerDep, DbDep, SettingsDep, ZoneDep
from gridwork.web.people_schemas import Strict
from gridwork.web.render import to_json
from gridwork.web.schemas import Id

router = APIRouter(prefix="/api/v1/canteens", tags=["elderly canteen"])


class PricesIn(BaseModel):
    """A meal's price and the subsidy per meal by age tier, in fen (1 yuan = 100 fen)."""

    model_config = Strict
    meal_price_fen: int = Field(ge=0, le=10_000)
    subsidy_fen: dict[str, int] = Field(description='{"60": …, "70": …, "80": …}')


class MemberIn(BaseModel):
    """A resident to register."""

    model_config = Strict
    resident_id: Id


class MealIn(BaseModel):
    """A meal to book or record as served."""

    model_config = Strict
    day: date
    meal: str = Field(max_length=8, description="lunch or dinner")
    resident_id: Id | None = Field(default=None, description="staff: whose meal")


@router.put("/{facility_id}")
def prices(db: DbDep, actor: ActorDep, facility_id: str, body: PricesIn) -> Any:
    """Set the price and subsidies (community staff and the administrators above)."""
    try:
        tiers = {int(k): v for k, v in body.subsidy_fen.items()}
    except ValueError:
        tiers = {}
    with db.transaction(write=True) as conn:
        return canteen.set_prices(conn, actor, facility_id, body.meal_price_fen, tiers)


@router.post("/{facility_id}/members", status_code=201)
def register(db: DbDep, actor: ActorDep, facility_id: str, body: MemberIn) -> Any:
    """Register a resident aged 60 or over (the community's desk)."""
    with db.transaction(write=True) as conn:
        return canteen.register(conn, actor, facility_id, body.resident_id)


@router.post("/{facility_id}/bookings", status_code=201)
def book(db: DbDep, zone: ZoneDep, caller: CallerDep, facility_id: str, body: MealIn) -> Any:
    """Book a meal: a member (resident token) for themselves, or the desk for a member."""
    with db.transaction(write=True) as conn:
        made = canteen.book(conn, caller, facility_id, body.day, body.meal, body.resident_id)
    return to_json(made, zone)


@router.post("/{facility_id}/served")
def served(db: DbDep, zone: ZoneDep, actor: ActorDep, facility_id: str, body: MealIn) -> Any:
    """Record a meal served to a member (booked or walk-in)."""
    if body.resident_id is None:
        raise InvalidInput("say whose meal it was (resident_id)", field="resident_id")
    with db.transaction(write=True) as conn:
        done = canteen.serve(conn, actor, facility_id, body.day, body.meal, body.resident_id)
    return to_json(done, zone)


@router.get("/{facility_id}/day")
def day_sheet(
    db: DbDep,
    settings: SettingsDep,
    zone: ZoneDep,
    actor: ActorDep,
    facility_id: str,
    day: Annotated[date, Query(alias="date")],
) -> Any:
    """The day's bookings and meals served, with names (the desk; audited)."""
    with db.transaction(write=True) as conn:
        found = canteen.day_sheet(conn, actor, facility_id, day, key=settings.secret_key)
    return to_json(found, zone)


@router.get("/{facility_id}/statement")
def statement(
    db: DbDep,
    settings: SettingsDep,
    actor: ActorDep,
    facility_id: str,
    month: Annotated[str, Query(max_length=7, description="YYYY-MM")],
) -> Any:
    """The month's subsidy statement per member and per canteen (the desk; audited)."""
    with db.transaction(write=True) as conn:
        return canteen.statement(conn, actor, facility_id, month, key=settings.secret_key)
