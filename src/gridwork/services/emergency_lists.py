"""Welfare checks as decided at declaration: one list per worker and grid, in walking order.

A million households must be dealt out in seconds, so the declaration writes a few thousand
lists (household ids and priorities packed in binary) rather than a million rows. Every
check has its id from the start (`TASK_BASE + list id * CHUNK + place in the list`); it gets
its `emergency_tasks` row the first time something is done to it (an outcome recorded, a
reassignment, a narrowing, volunteer hours), and from then on the row is what counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, false, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from gridwork.domain.emergencies import OTHERS
from gridwork.store.emergency_tables import emergency_lists, emergency_tasks
from gridwork.store.scope import scope_filter

TASK_BASE = 10**12  # above any id a task row had before lists (those keep theirs)
CHUNK = 100_000  # at most this many households in one list


def task_id(list_id: int, index: int) -> int:
    """The id of the check at `index` in list `list_id`."""
    return TASK_BASE + list_id * CHUNK + index


def split_id(number: int) -> tuple[int, int] | None:
    """(list id, index) of a check's id, or None for an id from before lists."""
    if number < TASK_BASE:
        return None
    return divmod(number - TASK_BASE, CHUNK)


@dataclass(frozen=True)
class Planned:
    """The checks of one grid dealt to one worker (or to nobody), in walking order."""

    grid_code: str
    assignee_id: int | None
    households: np.ndarray  # int64
    priorities: np.ndarray  # small ints


def write_lists(conn: Connection, emergency_id: int, planned: Iterable[Planned]) -> None:
    """Store the lists (long ones in pieces of at most CHUNK households)."""
    rows: list[dict[str, Any]] = []
    for plan in planned:
        for start in range(0, len(plan.households), CHUNK):
            homes = plan.households[start : start + CHUNK]
            rows.append(
                {
                    "emergency_id": emergency_id,
                    "grid_code": plan.grid_code,
                    "assignee_id": plan.assignee_id,
                    "size": len(homes),
                    "households": homes.astype("<i8").tobytes(),
                    "priorities": plan.priorities[start : start + CHUNK].astype(np.uint8).tobytes(),
                }
            )
    if rows:
        conn.execute(emergency_lists.insert(), rows)


def _homes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<i8")


def _ranks(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.uint8)


def _status(lst: Any) -> str:
    """What an untouched check of the list is: open, or withdrawn with its list."""
    return "withdrawn" if lst["withdrawn_at"] is not None else "open"


def materialise(conn: Connection, ids: Iterable[int]) -> None:
    """Give these checks their rows (ids that name no check are left alone; the caller's
    lookup then finds nothing)."""
    wanted = {n for n in ids if split_id(n) is not None}
    if not wanted:
        return
    have = set(
        conn.execute(select(emergency_tasks.c.id).where(emergency_tasks.c.id.in_(wanted))).scalars()
    )
    wanted -= have
    by_list: dict[int, list[int]] = {}
    for n in wanted:
        place = split_id(n)
        assert place is not None
        by_list.setdefault(place[0], []).append(place[1])
    if not by_list:
        return
    rows = []
    for lst in conn.execute(
        select(emergency_lists).where(emergency_lists.c.id.in_(by_list))
    ).mappings():
        homes, ranks = _homes(lst["households"]), _ranks(lst["priorities"])
        for index in by_list[lst["id"]]:
            if index >= lst["size"]:
                continue
            rows.append(
                {
                    "id": task_id(lst["id"], index),
                    "emergency_id": lst["emergency_id"],
                    "province_code": lst["grid_code"][:2],
                    "household_id": int(homes[index]),
                    "grid_code": lst["grid_code"],
                    "priority": int(ranks[index]),
                    "assignee_id": lst["assignee_id"],
                    "position": index,
                    "status": _status(lst),
                }
            )
    if rows:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        # Two requests may touch the same check at once: the second finds the row made.
        conn.execute(dialect.insert(emergency_tasks).on_conflict_do_nothing(), rows)


def assigned(conn: Connection, emergency_id: int, user_id: int) -> list[dict[str, Any]]:
    """Every check dealt or reassigned to the user, in walking order: (id, household_id,
    grid_code, priority, position, status)."""
    lists = conn.execute(
        select(emergency_lists).where(
            emergency_lists.c.emergency_id == emergency_id,
            emergency_lists.c.assignee_id == user_id,
        )
    ).mappings()
    items: dict[int, dict[str, Any]] = {}
    grids: set[str] = set()
    for lst in lists:
        grids.add(lst["grid_code"])
        status = _status(lst)
        homes, ranks = _homes(lst["households"]), _ranks(lst["priorities"])
        for index in range(lst["size"]):
            items[task_id(lst["id"], index)] = {
                "id": task_id(lst["id"], index),
                "household_id": int(homes[index]),
                "grid_code": lst["grid_code"],
                "priority": int(ranks[index]),
                "position": index,
                "status": status,
            }
    touched = conn.execute(
        select(
            emergency_tasks.c.id,
            emergency_tasks.c.household_id,
            emergency_tasks.c.grid_code,
            emergency_tasks.c.priority,
            emergency_tasks.c.position,
            emergency_tasks.c.status,
            emergency_tasks.c.assignee_id,
        ).where(
            emergency_tasks.c.emergency_id == emergency_id,
            or_(
                emergency_tasks.c.assignee_id == user_id,
                emergency_tasks.c.grid_code.in_(grids) if grids else false(),
            ),
        )
    ).mappings()
    for row in touched:  # a row overrides its list: reassigned away, or done
        if row["assignee_id"] != user_id:
            items.pop(row["id"], None)
        else:
            items[row["id"]] = {k: row[k] for k in row if k != "assignee_id"}
    return sorted(items.values(), key=lambda t: (t["position"], t["id"]))


def last_position(conn: Connection, emergency_id: int, user_id: int) -> int:
    """The walking position of the user's last check (-1 with none)."""
    items = assigned(conn, emergency_id, user_id)
    return max((t["position"] for t in items), default=-1)


def households_with_checks(conn: Connection, emergency_id: int) -> np.ndarray:
    """Households that have a check in force in this emergency (in a list not withdrawn,
    or done)."""
    parts = [
        _homes(blob)
        for blob in conn.execute(
            select(emergency_lists.c.households).where(
                emergency_lists.c.emergency_id == emergency_id,
                emergency_lists.c.withdrawn_at.is_(None),
            )
        ).scalars()
    ]
    parts.append(
        np.fromiter(
            conn.execute(
                select(emergency_tasks.c.household_id).where(
                    emergency_tasks.c.emergency_id == emergency_id,
                    emergency_tasks.c.status != "withdrawn",
                )
            ).scalars(),
            dtype=np.int64,
        )
    )
    return np.concatenate(parts)


def withdraw(
    conn: Connection, emergency_id: int, codes: list[str], now: datetime
) -> dict[str, dict[str, int]]:
    """Withdraw the open checks in the units `codes`; how many (and how many of the
    vulnerable) per grid, as negative counts for the board."""
    per_grid: dict[str, dict[str, int]] = {}

    def take(grid: str, n: int, weak: int) -> None:
        entry = per_grid.setdefault(grid, {"total": 0, "vulnerable": 0})
        entry["total"] -= n
        entry["vulnerable"] -= weak

    touched = {
        r.id: r
        for r in conn.execute(
            select(
                emergency_tasks.c.id,
                emergency_tasks.c.grid_code,
                emergency_tasks.c.status,
                emergency_tasks.c.priority,
            ).where(
                emergency_tasks.c.emergency_id == emergency_id,
                scope_filter(emergency_tasks.c.grid_code, codes),
            )
        )
    }
    for r in touched.values():
        if r.status == "open":
            take(r.grid_code, 1, int(r.priority < OTHERS))
    made = np.fromiter(touched, dtype=np.int64, count=len(touched))
    for lst in conn.execute(
        select(
            emergency_lists.c.id,
            emergency_lists.c.grid_code,
            emergency_lists.c.size,
            emergency_lists.c.priorities,
        ).where(
            emergency_lists.c.emergency_id == emergency_id,
            emergency_lists.c.withdrawn_at.is_(None),
            scope_filter(emergency_lists.c.grid_code, codes),
        )
    ):
        ranks = _ranks(lst.priorities)
        untouched = ~np.isin(task_id(lst.id, 0) + np.arange(lst.size), made)
        take(lst.grid_code, int(untouched.sum()), int((ranks[untouched] < OTHERS).sum()))
    conn.execute(
        update(emergency_lists)
        .where(
            emergency_lists.c.emergency_id == emergency_id,
            emergency_lists.c.withdrawn_at.is_(None),
            scope_filter(emergency_lists.c.grid_code, codes),
        )
        .values(withdrawn_at=now)
    )
    conn.execute(
        update(emergency_tasks)
        .where(
            emergency_tasks.c.emergency_id == emergency_id,
            emergency_tasks.c.status == "open",
            scope_filter(emergency_tasks.c.grid_code, codes),
        )
        .values(status="withdrawn")
    )
    return per_grid


def checks_of_household(
    conn: Connection, emergency_ids: list[int], household_id: int, grid_code: str
) -> list[int]:
    """Ids of the household's checks in force in these emergencies (from the lists of its
    grid; rows made earlier are found by the caller)."""
    if not emergency_ids:
        return []
    found = []
    for lst in conn.execute(
        select(emergency_lists.c.id, emergency_lists.c.households).where(
            emergency_lists.c.emergency_id.in_(emergency_ids),
            emergency_lists.c.grid_code == grid_code,
            emergency_lists.c.withdrawn_at.is_(None),
        )
    ):
        hits = np.flatnonzero(_homes(lst.households) == household_id)
        found += [task_id(lst.id, int(i)) for i in hits]
    return found


def emergency_of(conn: Connection, number: int) -> int | None:
    """The emergency of a check named by a list-based id."""
    place = split_id(number)
    if place is None:
        return None
    found = conn.execute(
        select(emergency_lists.c.emergency_id).where(emergency_lists.c.id == place[0])
    ).scalar()
    return int(found) if found is not None else None


def households_after(
    conn: Connection, emergency_id: int, after: int, batch: int
) -> list[tuple[int, int]]:
    """(check id, household id) of the emergency's checks in force after check `after`, in
    id order, at most `batch` of them (rows from before lists first)."""
    found: list[tuple[int, int]] = []
    if after < TASK_BASE:
        found += [
            (int(r.id), int(r.household_id))
            for r in conn.execute(
                select(emergency_tasks.c.id, emergency_tasks.c.household_id)
                .where(
                    emergency_tasks.c.emergency_id == emergency_id,
                    emergency_tasks.c.id > after,
                    emergency_tasks.c.id < TASK_BASE,
                )
                .order_by(emergency_tasks.c.id)
                .limit(batch)
            )
        ]
        after = TASK_BASE - 1
    next_list, first_index = divmod(after + 1 - TASK_BASE, CHUNK)
    while len(found) < batch:
        lists = conn.execute(
            select(emergency_lists.c.id, emergency_lists.c.households)
            .where(
                emergency_lists.c.emergency_id == emergency_id,
                emergency_lists.c.withdrawn_at.is_(None),
                emergency_lists.c.id >= next_list,
            )
            .order_by(emergency_lists.c.id)
            .limit(50)
        ).all()
        if not lists:
            break
        for lst in lists:
            homes = _homes(lst.households)
            start = first_index if lst.id == next_list else 0
            stop = min(len(homes), start + batch - len(found))
            found += [(task_id(lst.id, i), int(homes[i])) for i in range(start, stop)]
            if len(found) >= batch:
                break
        next_list, first_index = lists[-1].id + 1, 0
    return found
