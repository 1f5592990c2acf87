"""The one scope filter: a grant covers its unit's subtree, which is a range of codes."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlalchemy.sql.elements import ColumnClause

from gridwork.domain.access import ROOT, Actor, Role
from gridwork.domain.areas import subtree_upper_bound


def in_subtree(column: ColumnElement[str] | ColumnClause[str], code: str) -> ColumnElement[bool]:
    """`column` lies in `code`'s subtree: an index range scan on any backend."""
    return and_(column >= code, column < subtree_upper_bound(code))


def minimal_codes(codes: Iterable[str]) -> list[str]:
    """Drop codes already covered by a shorter one, so the filter has no redundant ranges."""
    kept: list[str] = []
    for code in sorted(set(codes), key=lambda c: (len(c), c)):
        if not any(code.startswith(k) for k in kept):
            kept.append(code)
    return kept


def scope_codes(actor: Actor, roles: Iterable[Role] | None = None) -> list[str]:
    """Codes of the subtrees `actor` may read (optionally only through `roles`)."""
    wanted = set(roles) if roles is not None else None
    return minimal_codes(g.area_code for g in actor.grants if wanted is None or g.role in wanted)


def scope_filter(
    column: ColumnElement[str] | ColumnClause[str], codes: Iterable[str]
) -> ColumnElement[bool]:
    """`column` lies in any of the subtrees; no codes means nothing is visible."""
    codes = list(codes)
    if ROOT in codes:
        return true()  # the whole country: no range to scan
    ranges = [in_subtree(column, c) for c in codes]
    if not ranges:
        return false()
    return or_(*ranges)
