"""Emergency supplies: community depots, restocking, deliveries, levels and shortages."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from gridwork.services import supplies
from gridwork.web.deps import ActorDep, DbDep
from gridwork.web.supply_schemas import DeliveryIn, DepotIn, RestockIn

router = APIRouter(prefix="/api/v1", tags=["supplies"])


@router.get("/areas/{code}/supplies")
def levels(db: DbDep, actor: ActorDep, code: str) -> Any:
    """Every depot under the unit with its stock, totals by kind, and what is short."""
    with db.transaction() as conn:
        return supplies.supplies_under(conn, actor, code)


@router.post("/depots", status_code=201)
def create(db: DbDep, actor: ActorDep, body: DepotIn) -> Any:
    """A new depot in a community (community staff and administrators above it)."""
    with db.transaction(write=True) as conn:
        return supplies.create_depot(conn, actor, body.community_code, body.name)


@router.post("/depots/{depot_id}/stock")
def restock(db: DbDep, actor: ActorDep, depot_id: str, body: RestockIn) -> Any:
    """Add stock of a kind, and set the level below which it is flagged short."""
    with db.transaction(write=True) as conn:
        return supplies.restock(conn, actor, depot_id, body.kind, body.add, body.threshold)


@router.post("/depots/{depot_id}/deliveries")
def deliver(db: DbDep, actor: ActorDep, depot_id: str, body: DeliveryIn) -> Any:
    """Supplies handed out: the stock goes down, never below zero (409 when short)."""
    with db.transaction(write=True) as conn:
        return supplies.deliver(
            conn,
            actor,
            depot_id,
            body.kind,
            body.quantity,
            note=body.note,
            emergency_id=body.emergency_id,
        )
