"""Point → grid routing: one point (public) or a batch of up to 100,000 (staff)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from gridwork.web.deps import ActorDep, LocatorDep

router = APIRouter(prefix="/api/v1/locate", tags=["locate"])


class PointsIn(BaseModel):
    """Points as [lng, lat] pairs, WGS-84."""

    points: list[Annotated[list[float], Field(min_length=2, max_length=2)]] = Field(
        max_length=100_000
    )


@router.get("")
async def locate_one(
    locator: LocatorDep,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lng: Annotated[float, Query(ge=-180, le=180)],
) -> dict[str, Any]:
    """The grid (and community) a point belongs to."""
    if locator.is_fresh():
        # Answered from memory in microseconds: no thread hop, no database.
        return locator.locate(lng, lat).as_dict()
    # The version check (and perhaps a rebuild) touches the database: off the event loop.
    found = await run_in_threadpool(locator.locate, lng, lat)
    return found.as_dict()


@router.post("")
def locate_many(locator: LocatorDep, _actor: ActorDep, body: PointsIn) -> dict[str, Any]:
    """Locations of many points, in order; null for a point outside the jurisdiction."""
    points = [(p[0], p[1]) for p in body.points]
    found = locator.locate_many(points)
    return {"results": [f.as_dict() if f else None for f in found]}
