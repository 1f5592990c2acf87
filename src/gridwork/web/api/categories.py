"""GET /api/v1/categories: what a resident can report, with urgency and deadline."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from gridwork.services.categories import list_categories
from gridwork.web.deps import DbDep

router = APIRouter(prefix="/api/v1/categories", tags=["categories"])


@router.get("")
def categories(db: DbDep) -> list[dict[str, Any]]:
    """Every active category (public)."""
    with db.transaction() as conn:
        return list_categories(conn)
