"""Volunteers and alley chiefs, and the households they look after."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from gridwork.domain.errors import NotFound
from gridwork.domain.ids import parse_id
from gridwork.services import helpers
from gridwork.web.deps import ActorDep, DbDep, PagingDep
from gridwork.web.people_schemas import HelperIn, PairingIn

router = APIRouter(prefix="/api/v1/helpers", tags=["workforce"])


@router.post("", status_code=201)
def create(db: DbDep, actor: ActorDep, body: HelperIn) -> JSONResponse:
    """A volunteer or alley chief of a community."""
    with db.transaction(write=True) as conn:
        view = helpers.create_helper(
            conn, actor, body.community_code, body.kind, body.name, body.phone
        )
    return JSONResponse(view, status_code=201)


@router.get("")
def index(
    db: DbDep,
    actor: ActorDep,
    paging: PagingDep,
    area: Annotated[str | None, Query(max_length=15)] = None,
) -> Any:
    """Helpers in your communities."""
    with db.transaction() as conn:
        return helpers.list_helpers(conn, actor, paging, area).as_dict()


@router.post("/{helper_id}/households")
def pair(db: DbDep, actor: ActorDep, helper_id: str, body: PairingIn) -> Any:
    """Pair the helper with households of their community (20 at most)."""
    number = parse_id(helper_id)
    if number is None:
        raise NotFound(f"no helper {helper_id}")
    with db.transaction(write=True) as conn:
        return helpers.pair_households(
            conn, actor, number, body.household_ids, replace=body.replace
        )
