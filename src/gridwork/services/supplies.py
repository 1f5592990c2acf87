"""Community depots of emergency supplies: stocking them, recording what goes out, and the
levels and shortages a street or district sees for everything below it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, select, update

from gridwork.domain.access import Actor
from gridwork.domain.areas import Level
from gridwork.domain.errors import Conflict, InvalidInput, NotFound
from gridwork.domain.ids import parse_id
from gridwork.domain.names import plain_name
from gridwork.domain.supplies import MAX_QUANTITY, SUPPLY_KEEPERS, Movement, SupplyKind, is_short
from gridwork.services.areas import unit_in_scope
from gridwork.services.clock import utcnow
from gridwork.services.registry import require_role
from gridwork.store.emergency_tables import emergencies
from gridwork.store.scope import in_subtree
from gridwork.store.supply_tables import depot_stock, depots, supply_movements
from gridwork.store.tables import areas


def _kind(value: str) -> SupplyKind:
    try:
        return SupplyKind(value)
    except ValueError:
        names = ", ".join(k.value for k in SupplyKind)
        raise InvalidInput(f"kind is one of {names}", field="kind") from None


def _quantity(value: int, field: str, *, allow_zero: bool = False) -> int:
    low = 0 if allow_zero else 1
    if not low <= value <= MAX_QUANTITY:
        raise InvalidInput(f"{field} must be from {low} to {MAX_QUANTITY:,}", field=field)
    return value


def _depot(conn: Connection, actor: Actor, ref: str | int, what: str) -> RowMapping:
    number = parse_id(str(ref))
    row = (
        conn.execute(select(depots).where(depots.c.id == number)).mappings().first()
        if number is not None
        else None
    )
    if row is None:
        raise NotFound(f"no depot {ref}")
    require_role(actor, row["community_code"], SUPPLY_KEEPERS, what, f"no depot {ref}")
    return row


def create_depot(
    conn: Connection, actor: Actor, community_code: str, name: str, *, now: datetime | None = None
) -> dict[str, Any]:
    """A new depot in a community, holding nothing yet."""
    now = now or utcnow()
    level = conn.execute(
        select(areas.c.level).where(areas.c.code == community_code)
    ).scalar_one_or_none()
    if level is None:
        raise NotFound(f"no area {community_code}")
    require_role(actor, community_code, SUPPLY_KEEPERS, "keep depots", f"no area {community_code}")
    if level != Level.COMMUNITY.value:
        raise InvalidInput("a depot belongs to a community", field="community_code")
    clean = name.strip()
    if not 1 <= len(clean) <= 100:
        raise InvalidInput("name must be 1–100 characters", field="name")
    plain_name(clean)
    depot_id = conn.execute(
        depots.insert()
        .values(
            province_code=community_code[:2],
            community_code=community_code,
            name=clean,
            created_at=now,
        )
        .returning(depots.c.id)
    ).scalar_one()
    return {"id": depot_id, "community_code": community_code, "name": clean, "stock": []}


def _move(
    conn: Connection,
    depot: RowMapping,
    kind: SupplyKind,
    delta: int,
    reason: Movement,
    label: str,
    now: datetime,
    **extra: Any,
) -> None:
    conn.execute(
        supply_movements.insert().values(
            depot_id=depot["id"],
            kind=kind.value,
            delta=delta,
            reason=reason.value,
            actor_label=label,
            at=now,
            **extra,
        )
    )


def restock(
    conn: Connection,
    actor: Actor,
    depot_ref: str | int,
    kind: str,
    add: int,
    threshold: int | None = None,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Add stock of a kind (and optionally set the level below which it counts as short)."""
    now = now or utcnow()
    depot = _depot(conn, actor, depot_ref, "keep depots")
    parsed = _kind(kind)
    _quantity(add, "add", allow_zero=threshold is not None)
    if threshold is not None:
        _quantity(threshold, "threshold", allow_zero=True)
    held = (
        conn.execute(
            select(depot_stock).where(
                depot_stock.c.depot_id == depot["id"], depot_stock.c.kind == parsed.value
            )
        )
        .mappings()
        .first()
    )
    if held is None:
        conn.execute(
            depot_stock.insert().values(
                depot_id=depot["id"],
                kind=parsed.value,
                quantity=add,
                threshold=threshold or 0,
                updated_at=now,
            )
        )
    else:
        if held["quantity"] + add > MAX_QUANTITY:
            raise InvalidInput(f"a depot holds at most {MAX_QUANTITY:,} of a kind", field="add")
        values: dict[str, Any] = {"quantity": held["quantity"] + add, "updated_at": now}
        if threshold is not None:
            values["threshold"] = threshold
        conn.execute(
            update(depot_stock)
            .where(depot_stock.c.depot_id == depot["id"], depot_stock.c.kind == parsed.value)
            .values(**values)
        )
    if add:
        _move(conn, depot, parsed, add, Movement.RESTOCK, actor.username, now)
    return depot_view(conn, depot)


def deliver(
    conn: Connection,
    actor: Actor,
    depot_ref: str | int,
    kind: str,
    quantity: int,
    *,
    note: str | None = None,
    emergency_id: int | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Record supplies handed out from a depot; its stock goes down (never below zero)."""
    now = now or utcnow()
    depot = _depot(conn, actor, depot_ref, "hand out supplies")
    parsed = _kind(kind)
    _quantity(quantity, "quantity")
    if emergency_id is not None and (
        conn.execute(select(emergencies.c.id).where(emergencies.c.id == emergency_id)).first()
        is None
    ):
        raise InvalidInput(f"no emergency {emergency_id}", field="emergency_id")
    # The guarded update refuses to overdraw even when two deliveries race.
    changed = conn.execute(
        update(depot_stock)
        .where(
            depot_stock.c.depot_id == depot["id"],
            depot_stock.c.kind == parsed.value,
            depot_stock.c.quantity >= quantity,
        )
        .values(quantity=depot_stock.c.quantity - quantity, updated_at=now)
    ).rowcount
    if changed != 1:
        left = conn.execute(
            select(depot_stock.c.quantity).where(
                depot_stock.c.depot_id == depot["id"], depot_stock.c.kind == parsed.value
            )
        ).scalar_one_or_none()
        raise Conflict(f"the depot holds only {left or 0} of {parsed.value}", reason="short")
    text = (note or "").strip()[:500] or None
    _move(
        conn,
        depot,
        parsed,
        -quantity,
        Movement.DELIVERY,
        actor.username,
        now,
        note=text,
        emergency_id=emergency_id,
    )
    return depot_view(conn, depot)


def depot_view(conn: Connection, depot: RowMapping) -> dict[str, Any]:
    """A depot with its stock by kind and whether each is short."""
    stock = [
        {
            "kind": r["kind"],
            "quantity": r["quantity"],
            "threshold": r["threshold"],
            "short": is_short(r["quantity"], r["threshold"]),
        }
        for r in conn.execute(
            select(depot_stock)
            .where(depot_stock.c.depot_id == depot["id"])
            .order_by(depot_stock.c.kind)
        ).mappings()
    ]
    return {
        "id": depot["id"],
        "community_code": depot["community_code"],
        "name": depot["name"],
        "stock": stock,
    }


def supplies_under(conn: Connection, actor: Actor, code: str) -> dict[str, Any]:
    """Every depot under a unit, the totals by kind, and the shortages (what a street or a
    district watches)."""
    unit = unit_in_scope(conn, actor, code)
    rows = (
        conn.execute(
            select(depots, areas.c.name.label("community_name"))
            .join(areas, areas.c.code == depots.c.community_code)
            .where(in_subtree(depots.c.community_code, code))
            .order_by(depots.c.community_code, depots.c.id)
        )
        .mappings()
        .all()
    )
    listed = []
    totals: dict[str, int] = {k.value: 0 for k in SupplyKind}
    shortages = []
    for row in rows:
        view = {**depot_view(conn, row), "community_name": row["community_name"]}
        listed.append(view)
        for item in view["stock"]:
            totals[item["kind"]] += item["quantity"]
            if item["short"]:
                shortages.append(
                    {
                        "depot_id": view["id"],
                        "depot": view["name"],
                        "community_code": view["community_code"],
                        **item,
                    }
                )
    return {
        "area": unit["code"],
        "name": unit["name"],
        "totals": totals,
        "shortages": shortages,
        "depots": listed,
    }
