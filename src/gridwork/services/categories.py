"""Reading the case categories."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from gridwork.domain.sla import DEADLINE_HOURS, Urgency
from gridwork.store.tables import categories


def list_categories(conn: Connection) -> list[dict[str, Any]]:
    """Active categories with their urgency and deadline in hours."""
    rows = conn.execute(
        select(categories).where(categories.c.active.is_(True)).order_by(categories.c.code)
    ).mappings()
    return [
        {
            "code": r["code"],
            "name": r["name_zh"],
            "name_en": r["name_en"],
            "urgency": r["urgency"],
            "deadline_hours": DEADLINE_HOURS[Urgency(r["urgency"])],
        }
        for r in rows
    ]
