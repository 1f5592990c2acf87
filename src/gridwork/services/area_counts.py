"""Maintained descendant counts per unit and level, so subtree counts never scan."""

from __future__ import annotations

from sqlalchemy import Connection, delete, func, select, update

from gridwork.domain.areas import LENGTH_BY_LEVEL, LEVEL_BY_LENGTH, Level, ancestor_codes
from gridwork.store.tables import area_counts, areas


def rebuild_counts(conn: Connection) -> None:
    """Recompute every unit's descendant counts from the unit table, in bulk SQL."""
    conn.execute(delete(area_counts))
    for n in sorted(LENGTH_BY_LEVEL.values())[:-1]:
        prefix = func.substr(areas.c.code, 1, n)
        conn.execute(
            area_counts.insert().from_select(
                ["code", "level", "n"],
                select(prefix, areas.c.level, func.count())
                .where(func.length(areas.c.code) > n)
                .group_by(prefix, areas.c.level),
            )
        )


def add_to_counts(conn: Connection, code: str, delta: int) -> None:
    """Adjust the counts of every ancestor of `code` for one unit added (+1) or removed."""
    level = LEVEL_BY_LENGTH[len(code)].value
    for ancestor in ancestor_codes(code):
        changed = conn.execute(
            update(area_counts)
            .where(area_counts.c.code == ancestor, area_counts.c.level == level)
            .values(n=area_counts.c.n + delta)
        ).rowcount
        if not changed and delta > 0:
            conn.execute(area_counts.insert().values(code=ancestor, level=level, n=delta))


def counts_of(conn: Connection, code: str) -> dict[str, int]:
    """Descendants of `code` per level, top-down, omitting levels with none."""
    found = dict(
        conn.execute(
            select(area_counts.c.level, area_counts.c.n).where(area_counts.c.code == code)
        ).all()
    )
    return {lv.value: found[lv.value] for lv in Level if found.get(lv.value)}
