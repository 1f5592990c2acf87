"""Reading the hierarchy: one unit with its path and counts, children, search by name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, RowMapping, func, select

from gridwork.domain.access import Actor
from gridwork.domain.areas import Level, ancestor_codes, is_valid_code
from gridwork.domain.errors import InvalidInput, NotFound
from gridwork.services.area_counts import counts_of
from gridwork.services.paging import Page, PageRequest
from gridwork.store.scope import scope_codes, scope_filter
from gridwork.store.tables import areas

MAX_QUERY = 50


def _summary(row: RowMapping) -> dict[str, Any]:
    return {
        "code": row["code"],
        "name": row["name"],
        "level": row["level"],
        "kind": row["kind"],
        "is_pseudo": row["is_pseudo"],
        "parent_code": row["parent_code"],
    }


def get_area_for(conn: Connection, actor: Actor, code: str) -> dict[str, Any]:
    """A unit in the actor's scope, with its ancestors and descendant counts."""
    if not is_valid_code(code) or not actor.covers(code):
        raise NotFound(f"no area {code}")
    row = conn.execute(select(areas).where(areas.c.code == code)).mappings().first()
    if row is None:
        raise NotFound(f"no area {code}")
    path_rows = conn.execute(
        select(areas.c.code, areas.c.name, areas.c.level)
        .where(areas.c.code.in_(ancestor_codes(code)))
        .order_by(areas.c.code)
    ).mappings()
    result = _summary(row)
    result["path"] = [dict(r) for r in path_rows]
    result["counts"] = counts_of(conn, code)
    return result


def list_children_for(conn: Connection, actor: Actor, code: str, paging: PageRequest) -> Page:
    """The units directly beneath `code`, by code."""
    if not is_valid_code(code) or not actor.covers(code):
        raise NotFound(f"no area {code}")
    if conn.execute(select(areas.c.code).where(areas.c.code == code)).first() is None:
        raise NotFound(f"no area {code}")
    where = areas.c.parent_code == code
    total = conn.execute(select(func.count()).select_from(areas).where(where)).scalar_one()
    rows = conn.execute(
        select(areas)
        .where(where)
        .order_by(areas.c.code)
        .limit(paging.page_size)
        .offset(paging.offset)
    ).mappings()
    return Page([_summary(r) for r in rows], paging.page, paging.page_size, total)


def escape_like(text: str) -> str:
    """`text` for a LIKE pattern that matches it literally (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_areas_for(
    conn: Connection,
    actor: Actor,
    q: str,
    paging: PageRequest,
    level: str | None = None,
) -> Page:
    """Units in the actor's scope whose name contains `q`, by code."""
    q = q.strip()
    if not q:
        raise InvalidInput("q must not be empty", field="q")
    if len(q) > MAX_QUERY:
        raise InvalidInput(f"q is longer than {MAX_QUERY} characters", field="q")
    where = [
        areas.c.name.like(f"%{escape_like(q)}%", escape="\\"),
        scope_filter(areas.c.code, scope_codes(actor)),
    ]
    if level is not None:
        if level not in {lv.value for lv in Level}:
            raise InvalidInput(f"unknown level {level!r}", field="level")
        where.append(areas.c.level == level)
    # One scan gives the page and the total (a name search cannot use an index).
    rows = (
        conn.execute(
            select(areas, func.count().over().label("total"))
            .where(*where)
            .order_by(areas.c.code)
            .limit(paging.page_size)
            .offset(paging.offset)
        )
        .mappings()
        .all()
    )
    if rows:
        total = rows[0]["total"]
    else:
        total = conn.execute(select(func.count()).select_from(areas).where(*where)).scalar_one()
    return Page([_summary(r) for r in rows], paging.page, paging.page_size, total)


def unit_exists(conn: Connection, code: str) -> bool:
    """Whether a unit with this code exists."""
    return conn.execute(select(areas.c.code).where(areas.c.code == code)).first() is not None


def unit_in_scope(conn: Connection, actor: Actor, code: str) -> dict[str, Any]:
    """`{code, name, level}` of a unit the actor's grants cover; NotFound otherwise."""
    if not is_valid_code(code) or not actor.covers(code):
        raise NotFound(f"no area {code}")
    row = (
        conn.execute(select(areas.c.code, areas.c.name, areas.c.level).where(areas.c.code == code))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"no area {code}")
    return dict(row)
