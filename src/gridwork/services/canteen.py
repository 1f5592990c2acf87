"""The elderly canteen: staff set the meal price and subsidies, register residents aged 60
and over, and record meals served; residents (or the desk) book meals up to two weeks ahead;
the monthly statement gives each member's meals and subsidy, and the canteen's totals by
tier. Lists with names are personal data: their reads are audited (purpose `canteen`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from gridwork.domain.access import Actor, Role
from gridwork.domain.canteen import (
    ELIGIBLE_AGE,
    MAX_PRICE_FEN,
    TIERS,
    BookingStatus,
    Meal,
    age_in,
    bookable,
    subsidy_fen,
    tier_for,
)
from gridwork.domain.community import COMMUNITY_KEEPERS, FacilityKind
from gridwork.domain.errors import Conflict, InvalidInput, NotFound
from gridwork.domain.ids import parse_id
from gridwork.services.clock import utcnow
from gridwork.services.community import resident_of
from gridwork.services.disclosure import RESIDENT, disclose
from gridwork.services.registry import require_role
from gridwork.store.canteen_tables import canteen_members, canteens, meal_bookings
from gridwork.store.community_tables import facilities
from gridwork.store.people_tables import residents

DESK = frozenset({Role.COMMUNITY_STAFF})  # names and meals of residents: the desk only
Caller = Actor | str


def _canteen(conn: Connection, facility_ref: str) -> RowMapping:
    row = (
        conn.execute(
            select(facilities).where(
                facilities.c.id == parse_id(facility_ref),
                facilities.c.kind == FacilityKind.CANTEEN.value,
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"no canteen {facility_ref}")
    return row


def _stored_prices(conn: Connection, facility_id: int) -> tuple[int, dict[int, int]] | None:
    """The meal price and the subsidy by tier, in fen (None until set)."""
    row = conn.execute(select(canteens).where(canteens.c.facility_id == facility_id)).first()
    if row is None:
        return None
    return row.meal_price_fen, {
        60: row.subsidy_60_fen,
        70: row.subsidy_70_fen,
        80: row.subsidy_80_fen,
    }


def _prices(conn: Connection, facility_id: int) -> tuple[int, dict[int, int]]:
    found = _stored_prices(conn, facility_id)
    if found is None:
        raise Conflict("set the canteen's meal price and subsidies first", reason="no_prices")
    return found


def set_prices(
    conn: Connection, actor: Actor, facility_ref: str, price_fen: int, subsidies: dict[int, int]
) -> dict[str, Any]:
    """The meal price and the subsidy per meal for each tier (community staff and above)."""
    place = _canteen(conn, facility_ref)
    require_role(
        actor,
        place["community_code"],
        COMMUNITY_KEEPERS,
        "set canteen prices",
        f"no canteen {facility_ref}",
    )
    if not 0 <= price_fen <= MAX_PRICE_FEN:
        raise InvalidInput("the meal price must be 0–100 yuan", field="meal_price_fen")
    if set(subsidies) != set(TIERS) or any(not 0 <= v <= price_fen for v in subsidies.values()):
        raise InvalidInput(
            "give a subsidy for 60, 70 and 80, each at most the price", field="subsidy_fen"
        )
    values = {
        "meal_price_fen": price_fen,
        "subsidy_60_fen": subsidies[60],
        "subsidy_70_fen": subsidies[70],
        "subsidy_80_fen": subsidies[80],
        "updated_at": utcnow(),
    }
    done = conn.execute(
        update(canteens).where(canteens.c.facility_id == place["id"]).values(**values)
    )
    if not done.rowcount:
        conn.execute(insert(canteens).values(facility_id=place["id"], **values))
    return {
        "facility_id": place["id"],
        "meal_price_fen": price_fen,
        "subsidy_fen": {str(k): v for k, v in subsidies.items()},
    }


def register(conn: Connection, actor: Actor, facility_ref: str, resident_id: int) -> dict[str, Any]:
    """Register a resident of the community aged 60 or over with the canteen (the desk)."""
    place = _canteen(conn, facility_ref)
    require_role(
        actor,
        place["community_code"],
        DESK,
        "register canteen members",
        f"no canteen {facility_ref}",
    )
    person = resident_of(conn, place["community_code"], resident_id=resident_id)
    today = utcnow().date()
    if age_in(today.year, person["birth_year"]) < ELIGIBLE_AGE:
        raise InvalidInput(
            f"the canteen serves residents aged {ELIGIBLE_AGE} and over", field="resident_id"
        )
    try:
        with conn.begin_nested():
            member_id = conn.execute(
                insert(canteen_members)
                .values(
                    province_code=place["province_code"],
                    facility_id=place["id"],
                    resident_id=person["id"],
                    registered_at=utcnow(),
                    by_label=actor.username,
                )
                .returning(canteen_members.c.id)
            ).scalar_one()
    except IntegrityError:
        raise Conflict("this resident is registered already", reason="registered") from None
    return {
        "id": member_id,
        "facility_id": place["id"],
        "resident_id": person["id"],
        "tier": tier_for(person["birth_year"], today),
    }


def _member(conn: Connection, facility_id: int, resident_id: int) -> int:
    found = conn.execute(
        select(canteen_members.c.id).where(
            canteen_members.c.facility_id == facility_id,
            canteen_members.c.resident_id == resident_id,
        )
    ).scalar()
    if found is None:
        raise NotFound("not registered with this canteen: ask the community's desk")
    return int(found)


def book(
    conn: Connection,
    caller: Caller,
    facility_ref: str,
    day: date,
    meal: str,
    resident_id: int | None = None,
) -> dict[str, Any]:
    """Book a meal (a member for themselves, or the desk for a member)."""
    place = _canteen(conn, facility_ref)
    code = place["community_code"]
    if isinstance(caller, str):
        person = resident_of(conn, code, phone=caller)
    else:
        require_role(caller, code, DESK, "book meals", f"no canteen {facility_ref}")
        if resident_id is None:
            raise InvalidInput("say whose meal it is (resident_id)", field="resident_id")
        person = resident_of(conn, code, resident_id=resident_id)
    member_id = _member(conn, place["id"], person["id"])
    try:
        chosen = Meal(meal)
    except ValueError:
        raise InvalidInput("meal is lunch or dinner", field="meal") from None
    if not bookable(day, utcnow().date()):
        raise InvalidInput("meals are booked from today up to 14 days ahead", field="day")
    existing = conn.execute(
        select(meal_bookings.c.id, meal_bookings.c.status).where(
            meal_bookings.c.member_id == member_id,
            meal_bookings.c.day == day,
            meal_bookings.c.meal == chosen.value,
        )
    ).first()
    if existing is not None and existing.status != BookingStatus.CANCELLED.value:
        raise Conflict(f"this meal is {existing.status} already", reason="booked")
    if existing is not None:
        conn.execute(
            update(meal_bookings)
            .where(meal_bookings.c.id == existing.id)
            .values(status=BookingStatus.BOOKED.value)
        )
        booking_id = existing.id
    else:
        booking_id = conn.execute(
            insert(meal_bookings)
            .values(
                province_code=place["province_code"],
                member_id=member_id,
                facility_id=place["id"],
                day=day,
                meal=chosen.value,
                status=BookingStatus.BOOKED.value,
            )
            .returning(meal_bookings.c.id)
        ).scalar_one()
    return {
        "id": booking_id,
        "day": day,
        "meal": chosen.value,
        "status": BookingStatus.BOOKED.value,
    }


def serve(
    conn: Connection, actor: Actor, facility_ref: str, day: date, meal: str, resident_id: int
) -> dict[str, Any]:
    """Record a meal served to a member (booked or not)."""
    place = _canteen(conn, facility_ref)
    require_role(
        actor, place["community_code"], DESK, "record meals served", f"no canteen {facility_ref}"
    )
    member_id = _member(conn, place["id"], resident_id)
    try:
        chosen = Meal(meal)
    except ValueError:
        raise InvalidInput("meal is lunch or dinner", field="meal") from None
    if day > utcnow().date():
        raise InvalidInput("a meal is served today or earlier", field="day")
    now = utcnow()
    existing = conn.execute(
        select(meal_bookings.c.id, meal_bookings.c.status).where(
            meal_bookings.c.member_id == member_id,
            meal_bookings.c.day == day,
            meal_bookings.c.meal == chosen.value,
        )
    ).first()
    if existing is not None and existing.status == BookingStatus.SERVED.value:
        raise Conflict("this meal was served already", reason="served")
    if existing is not None:
        conn.execute(
            update(meal_bookings)
            .where(meal_bookings.c.id == existing.id)
            .values(status=BookingStatus.SERVED.value, served_at=now)
        )
    else:
        conn.execute(
            insert(meal_bookings).values(
                province_code=place["province_code"],
                member_id=member_id,
                facility_id=place["id"],
                day=day,
                meal=chosen.value,
                status=BookingStatus.SERVED.value,
                served_at=now,
            )
        )
    return {
        "resident_id": resident_id,
        "day": day,
        "meal": chosen.value,
        "status": BookingStatus.SERVED.value,
    }


def day_sheet(
    conn: Connection, actor: Actor, facility_ref: str, day: date, *, key: str
) -> dict[str, Any]:
    """The day's bookings and meals served, by meal, with the members' names (audited)."""
    place = _canteen(conn, facility_ref)
    require_role(
        actor,
        place["community_code"],
        DESK,
        "read the canteen's lists",
        f"no canteen {facility_ref}",
    )
    members = list(
        conn.execute(
            select(canteen_members.c.resident_id, residents.c.name, residents.c.birth_year)
            .join(residents, residents.c.id == canteen_members.c.resident_id)
            .where(canteen_members.c.facility_id == place["id"])
            .order_by(residents.c.name, canteen_members.c.resident_id)
        ).mappings()
    )
    status: dict[tuple[int, str], str] = {}
    for row in conn.execute(
        select(canteen_members.c.resident_id, meal_bookings.c.meal, meal_bookings.c.status)
        .join(canteen_members, canteen_members.c.id == meal_bookings.c.member_id)
        .where(meal_bookings.c.facility_id == place["id"], meal_bookings.c.day == day)
    ):
        status[(row.resident_id, row.meal)] = row.status
    disclose(conn, actor, "canteen", "list", RESIDENT, [m["resident_id"] for m in members], key=key)
    counts = {m.value: {"booked": 0, "served": 0} for m in Meal}
    for (_, meal), state in status.items():
        if state in counts[meal]:
            counts[meal][state] += 1
    return {
        "facility_id": place["id"],
        "name": place["name"],
        "day": day,
        "counts": counts,
        "members": [
            {
                "resident_id": m["resident_id"],
                "name": m["name"],
                "tier": tier_for(m["birth_year"], day),
                **{meal.value: status.get((m["resident_id"], meal.value)) for meal in Meal},
            }
            for m in members
        ],
    }


def statement(
    conn: Connection, actor: Actor, facility_ref: str, month: str, *, key: str
) -> dict[str, Any]:
    """A month's statement: each member's meals served, their price, the subsidy and what the
    member paid; the canteen's totals by tier (the desk; audited)."""
    place = _canteen(conn, facility_ref)
    require_role(
        actor,
        place["community_code"],
        DESK,
        "read canteen statements",
        f"no canteen {facility_ref}",
    )
    try:
        first = datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise InvalidInput("month is YYYY-MM", field="month") from None
    if not 2000 <= first.year <= 2999:
        raise InvalidInput("month is YYYY-MM", field="month")
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    price, subsidies = _prices(conn, place["id"])
    rows = conn.execute(
        select(
            canteen_members.c.resident_id,
            residents.c.name,
            residents.c.birth_year,
            func.count().label("meals"),
        )
        .select_from(meal_bookings)
        .join(canteen_members, canteen_members.c.id == meal_bookings.c.member_id)
        .join(residents, residents.c.id == canteen_members.c.resident_id)
        .where(
            and_(
                meal_bookings.c.facility_id == place["id"],
                meal_bookings.c.status == BookingStatus.SERVED.value,
                meal_bookings.c.day >= first,
                meal_bookings.c.day < after,
            )
        )
        .group_by(canteen_members.c.resident_id, residents.c.name, residents.c.birth_year)
        .order_by(residents.c.name, canteen_members.c.resident_id)
    ).mappings()
    people = []
    by_tier: dict[str, dict[str, int]] = defaultdict(
        lambda: {"members": 0, "meals": 0, "subsidy_fen": 0}
    )
    for r in rows:
        tier = tier_for(r["birth_year"], first)
        each = subsidy_fen(tier, price, subsidies)
        meals = int(r["meals"])
        people.append(
            {
                "resident_id": r["resident_id"],
                "name": r["name"],
                "tier": tier,
                "meals": meals,
                "price_fen": meals * price,
                "subsidy_fen": meals * each,
                "paid_fen": meals * (price - each),
            }
        )
        bucket = by_tier[str(tier)]
        bucket["members"] += 1
        bucket["meals"] += meals
        bucket["subsidy_fen"] += meals * each
    disclose(conn, actor, "canteen", "list", RESIDENT, [p["resident_id"] for p in people], key=key)
    return {
        "facility_id": place["id"],
        "name": place["name"],
        "month": month,
        "meal_price_fen": price,
        "members": people,
        "by_tier": dict(by_tier),
        "totals": {
            "meals": sum(p["meals"] for p in people),
            "price_fen": sum(p["price_fen"] for p in people),
            "subsidy_fen": sum(p["subsidy_fen"] for p in people),
            "paid_fen": sum(p["paid_fen"] for p in people),
        },
    }


def prices_of(conn: Connection, facility_ref: str) -> dict[str, Any] | None:
    """The canteen's price and subsidies in fen (None until set)."""
    found = _stored_prices(conn, _canteen(conn, facility_ref)["id"])
    if found is None:
        return None
    price, tiers = found
    return {"meal_price_fen": price, "subsidy_fen": {str(k): v for k, v in tiers.items()}}
