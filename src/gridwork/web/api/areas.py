"""The hierarchy: one unit, its children, search by name, and creating grids."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from gridwork.services.areas import get_area_for, list_children_for, search_areas_for
from gridwork.services.geometry_read import area_geometry_for
from gridwork.services.grids import create_grid
from gridwork.web.deps import ActorDep, DbDep, PagingDep, ZoneDep
from gridwork.web.render import to_json
from gridwork.web.schemas import GridIn

router = APIRouter(prefix="/api/v1/areas", tags=["areas"])


@router.get("")
def search(
    db: DbDep,
    actor: ActorDep,
    paging: PagingDep,
    q: Annotated[str, Query(max_length=50, description="part of a unit's name")],
    level: Annotated[str | None, Query(description="only units of this level")] = None,
) -> dict[str, Any]:
    """Units in scope whose name contains `q`."""
    with db.transaction() as conn:
        return search_areas_for(conn, actor, q, paging, level).as_dict()


@router.get("/{code}")
def area(db: DbDep, actor: ActorDep, code: str) -> dict[str, Any]:
    """One unit with its path and descendant counts."""
    with db.transaction() as conn:
        return get_area_for(conn, actor, code)


@router.get("/{code}/children")
def children(db: DbDep, actor: ActorDep, paging: PagingDep, code: str) -> dict[str, Any]:
    """The units directly beneath `code`."""
    with db.transaction() as conn:
        return list_children_for(conn, actor, code, paging).as_dict()


@router.post("/{code}/grids", status_code=201)
def new_grid(db: DbDep, actor: ActorDep, zone: ZoneDep, code: str, body: GridIn) -> JSONResponse:
    """Create a grid under a community."""
    with db.transaction(write=True) as conn:
        grid = create_grid(conn, actor, code, body.name)
    return JSONResponse(to_json(grid, zone), status_code=201)


@router.get("/{code}/geometry")
def geometry(db: DbDep, actor: ActorDep, code: str) -> dict[str, Any]:
    """GeoJSON of the unit and its children (and a grid's buildings)."""
    with db.transaction() as conn:
        return area_geometry_for(conn, actor, code)
