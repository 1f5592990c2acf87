"""Duplicates: suggestions at intake (public, no one's words or contact), the duplicates of a
case for staff, and merging one into the case that carries the work."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gridwork.services import duplicates
from gridwork.web.deps import ActorDep, DbDep, SettingsDep, ZoneDep
from gridwork.web.people_schemas import Strict
from gridwork.web.render import to_json

# Registered before the cases router, so /cases/nearby is not read as a case reference.
router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


class MergeIn(BaseModel):
    """The case a duplicate is merged into."""

    model_config = Strict
    into: int | str = Field(description="the surviving case's id")


@router.get("/nearby")
def nearby(
    db: DbDep,
    zone: ZoneDep,
    category: Annotated[str, Query(max_length=40)],
    lat: Annotated[float, Query(ge=-90, le=90)],
    lng: Annotated[float, Query(ge=-180, le=180)],
) -> Any:
    """Open reports of the category within 50 m (public: reference, status, distance)."""
    with db.transaction() as conn:
        return to_json({"items": duplicates.suggestions(conn, category, lat, lng)}, zone)


@router.get("/{case_ref}/duplicates")
def of_case(db: DbDep, zone: ZoneDep, actor: ActorDep, case_ref: str) -> Any:
    """Open cases of the same category within 50 m that the caller can see."""
    with db.transaction() as conn:
        return to_json({"items": duplicates.duplicates_of(conn, actor, case_ref)}, zone)


@router.post("/{case_ref}/merge")
def merge(
    db: DbDep, settings: SettingsDep, zone: ZoneDep, actor: ActorDep, case_ref: str, body: MergeIn
) -> Any:
    """Merge this duplicate into `into` (the desk); answers the surviving case (audited)."""
    into = str(body.into)[:20]
    with db.transaction(write=True) as conn:
        view = duplicates.merge_case(conn, actor, case_ref, into, key=settings.secret_key)
    return to_json(view, zone)
