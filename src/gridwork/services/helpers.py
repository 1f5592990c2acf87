"""Volunteers and alley chiefs (街巷长), each paired to 10–20 households of their community."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, func, select

from gridwork.domain.access import REGISTRY_EDITORS, REGISTRY_READERS, Actor
from gridwork.domain.areas import Level, is_valid_code
from gridwork.domain.errors import InvalidInput, NotFound
from gridwork.domain.people import clean_name, clean_phone
from gridwork.services.clock import utcnow
from gridwork.services.paging import Page, PageRequest
from gridwork.services.registry import check_reader, require_role
from gridwork.store.people_tables import helper_households, helpers, households
from gridwork.store.scope import in_subtree, scope_codes, scope_filter
from gridwork.store.tables import areas

KINDS = ("volunteer", "alley_chief")
MIN_HOUSEHOLDS, MAX_HOUSEHOLDS = 10, 20


def _helper(conn: Connection, helper_id: int) -> RowMapping:
    row = conn.execute(select(helpers).where(helpers.c.id == helper_id)).mappings().first()
    if row is None:
        raise NotFound(f"no helper {helper_id}")
    return row


def _view(conn: Connection, row: RowMapping) -> dict[str, Any]:
    paired = (
        conn.execute(
            select(helper_households.c.household_id)
            .where(helper_households.c.helper_id == row["id"])
            .order_by(helper_households.c.household_id)
        )
        .scalars()
        .all()
    )
    return {
        "id": row["id"],
        "community_code": row["community_code"],
        "kind": row["kind"],
        "name": row["name"],
        "phone": row["phone"],
        "households": list(paired),
        "paired_enough": MIN_HOUSEHOLDS <= len(paired) <= MAX_HOUSEHOLDS,
        "archived": row["archived_at"] is not None,
    }


def create_helper(
    conn: Connection,
    actor: Actor,
    community_code: str,
    kind: str,
    name: str,
    phone: str | None,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """A volunteer or alley chief of a community."""
    now = now or utcnow()
    if not is_valid_code(community_code):
        raise InvalidInput(f"malformed community code {community_code!r}", field="community_code")
    require_role(
        actor, community_code, REGISTRY_EDITORS, "manage helpers", f"no area {community_code}"
    )
    level = conn.execute(
        select(areas.c.level).where(areas.c.code == community_code)
    ).scalar_one_or_none()
    if level != Level.COMMUNITY.value:
        raise InvalidInput(f"{community_code} is not a community", field="community_code")
    if kind not in KINDS:
        raise InvalidInput(f"kind is one of {', '.join(KINDS)}", field="kind")
    helper_id = conn.execute(
        helpers.insert()
        .values(
            province_code=community_code[:2],
            community_code=community_code,
            kind=kind,
            name=clean_name(name),
            phone=clean_phone(phone),
            created_at=now,
        )
        .returning(helpers.c.id)
    ).scalar_one()
    return _view(conn, _helper(conn, helper_id))


def pair_households(
    conn: Connection,
    actor: Actor,
    helper_id: int,
    household_ids: list[int],
    *,
    replace: bool = False,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Pair a helper with households of their community (20 at most in all)."""
    now = now or utcnow()
    row = _helper(conn, helper_id)
    require_role(
        actor, row["community_code"], REGISTRY_EDITORS, "manage helpers", f"no helper {helper_id}"
    )
    wanted = list(dict.fromkeys(household_ids))
    found = conn.execute(
        select(households.c.id, households.c.community_code, households.c.archived_at).where(
            households.c.id.in_(wanted)
        )
    ).all()
    known = {h.id: h for h in found}
    for household_id in wanted:
        h = known.get(household_id)
        if h is None or h.community_code != row["community_code"] or h.archived_at is not None:
            raise InvalidInput(
                f"household {household_id} is not an active household of this community",
                field="household_ids",
            )
    if replace:
        conn.execute(delete(helper_households).where(helper_households.c.helper_id == helper_id))
    existing = set(
        conn.execute(
            select(helper_households.c.household_id).where(
                helper_households.c.helper_id == helper_id
            )
        ).scalars()
    )
    new = [h for h in wanted if h not in existing]
    if len(existing) + len(new) > MAX_HOUSEHOLDS:
        raise InvalidInput(
            f"a helper looks after {MAX_HOUSEHOLDS} households at most "
            f"({len(existing)} already, {len(new)} more asked)",
            field="household_ids",
        )
    if new:
        conn.execute(
            helper_households.insert(),
            [{"helper_id": helper_id, "household_id": h, "created_at": now} for h in new],
        )
    return _view(conn, _helper(conn, helper_id))


def list_helpers(
    conn: Connection, actor: Actor, paging: PageRequest, area: str | None = None
) -> Page:
    """Helpers in the actor's communities."""
    check_reader(actor)
    where = [
        scope_filter(helpers.c.community_code, scope_codes(actor, REGISTRY_READERS)),
        helpers.c.archived_at.is_(None),
    ]
    if area:
        if not is_valid_code(area):
            raise InvalidInput(f"malformed area code {area!r}", field="area")
        where.append(in_subtree(helpers.c.community_code, area))
    total = conn.execute(select(func.count()).select_from(helpers).where(*where)).scalar_one()
    rows = (
        conn.execute(
            select(helpers)
            .where(*where)
            .order_by(helpers.c.id)
            .limit(paging.page_size)
            .offset(paging.offset)
        )
        .mappings()
        .all()
    )
    return Page([_view(conn, r) for r in rows], paging.page, paging.page_size, total)
