"""Emergency operations: declare over units, a welfare task per household (the most
vulnerable first, balanced over the grid's workers, in walking order), record outcomes (a
need becomes an urgent case), widen, narrow, reassign, end; a live board per unit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

import numpy as np
from sqlalchemy import Connection, RowMapping, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from gridwork.domain.access import (
    EMERGENCY_COMMANDERS,
    WELFARE_CHECKERS,
    Actor,
    Grant,
    Role,
    may_check_welfare,
)
from gridwork.domain.areas import Level, ancestor_codes, is_valid_code
from gridwork.domain.emergencies import (
    NEED_CATEGORY,
    OTHERS,
    PRIORITY_REASONS,
    Kind,
    Outcome,
    priorities,
)
from gridwork.domain.errors import Conflict, InvalidInput, NotFound
from gridwork.domain.ids import parse_id
from gridwork.domain.notifications import Kind as NoticeKind
from gridwork.domain.notifications import user_recipient
from gridwork.domain.people import Flag
from gridwork.domain.publication import Publicity
from gridwork.geo.projection import LocalMetric
from gridwork.geo.route import morton_keys
from gridwork.services.area_counts import counts_of
from gridwork.services.clock import utcnow
from gridwork.services.disclosure import RESIDENT, disclose
from gridwork.services.emergency_lists import (
    Planned,
    assigned,
    households_with_checks,
    last_position,
    materialise,
    withdraw,
    write_lists,
)
from gridwork.services.emergency_polygon import area_text, buildings_inside, parse_area
from gridwork.services.intake import Report, submit_report_once
from gridwork.services.notifications import Message, notify_each
from gridwork.services.registry import require_role
from gridwork.store.emergency_tables import (
    emergencies,
    emergency_areas,
    emergency_counts,
    emergency_log,
    emergency_tasks,
)
from gridwork.store.packed import packed_ints, unpack_ints
from gridwork.store.people_tables import households, resident_flags, residents
from gridwork.store.scope import minimal_codes, scope_filter
from gridwork.store.tables import areas, buildings, grants, users

COUNTS = ("total", "vulnerable", "done", "vulnerable_done", "safe", "needs_help", "unreachable")
MAX_AREAS = 200
MAX_LISTED = 2000  # a worker's list on one page
MAX_REASSIGN = 2000


def _emergency(conn: Connection, ref: str) -> RowMapping:
    number = parse_id(ref)
    row = (
        conn.execute(select(emergencies).where(emergencies.c.id == number)).mappings().first()
        if number is not None
        else None
    )
    if row is None:
        raise NotFound(f"no emergency {ref}")
    return row


def active_codes(conn: Connection, emergency_id: int) -> list[str]:
    """The units an emergency covers now."""
    return list(
        conn.execute(
            select(emergency_areas.c.area_code).where(
                emergency_areas.c.emergency_id == emergency_id,
                emergency_areas.c.removed_at.is_(None),
            )
        ).scalars()
    )


def seen(conn: Connection, actor: Actor, ref: str) -> tuple[RowMapping, list[str]]:
    """The emergency and its units, if it touches the actor's part of the hierarchy."""
    row = _emergency(conn, ref)
    codes = active_codes(conn, row["id"])
    if not touches(actor, codes):
        raise NotFound(f"no emergency {ref}")
    return row, codes


def touches(actor: Actor, codes: list[str]) -> bool:
    """The actor sees an emergency that touches their part of the hierarchy."""
    return any(
        actor.covers(c) or any(g.area_code.startswith(c) for g in actor.grants) for c in codes
    )


def command_over(actor: Actor, codes: list[str], missing: str) -> None:
    """404 if the actor cannot see the units, 403 unless they may command over all of them."""
    for code in codes:
        require_role(actor, code, EMERGENCY_COMMANDERS, "command emergencies", missing)


def _log(
    conn: Connection, emergency_id: int, actor: str, action: str, detail: str, at: datetime
) -> None:
    conn.execute(
        emergency_log.insert().values(
            emergency_id=emergency_id, at=at, actor_label=actor, action=action, detail=detail
        )
    )


def _add_counts(conn: Connection, emergency_id: int, per_unit: dict[str, dict[str, int]]) -> None:
    """Add to the board counters of each unit given (callers include every ancestor)."""
    rows = [
        {"emergency_id": emergency_id, "area_code": code, **{k: v.get(k, 0) for k in COUNTS}}
        for code, v in per_unit.items()
        if any(v.values())
    ]
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(emergency_counts)
    statement = statement.on_conflict_do_update(
        index_elements=["emergency_id", "area_code"],
        set_={k: emergency_counts.c[k] + statement.excluded[k] for k in COUNTS},
    )
    conn.execute(statement, rows)  # one statement, compiled once, for every unit


def _with_ancestors(per_grid: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for grid, values in per_grid.items():
        for code in [*ancestor_codes(grid), grid]:
            for k, v in values.items():
                out[code][k] += v
    return out


def _priorities(
    conn: Connection, codes: list[str], year: int, *, most_of_province: bool
) -> tuple[np.ndarray, np.ndarray]:
    """The most urgent priority in each household that has a flagged resident:
    (household ids, their priorities)."""
    bits = {Flag.LIVES_ALONE.value: 1, Flag.DISABILITY.value: 2, Flag.NEEDS_ASSISTANCE.value: 4}
    bit = case(*((resident_flags.c.flag == name, value) for name, value in bits.items()), else_=0)
    # Over most of a province, reading its flagged residents and keeping those in the area
    # is several times faster than visiting every resident of the area (their grid index
    # would be used otherwise, so it is turned off by `|| ''`).
    grid = residents.c.grid_code + "" if most_of_province else residents.c.grid_code
    packed = conn.execute(
        select(packed_ints(residents.c.id, residents.c.household_id, residents.c.birth_year, bit))
        .select_from(resident_flags)
        .join(residents, residents.c.id == resident_flags.c.resident_id)
        .where(
            resident_flags.c.flag.in_(list(bits)),
            resident_flags.c.province_code.in_(sorted({c[:2] for c in codes})),
            scope_filter(grid, codes),
            residents.c.archived_at.is_(None),
        )
    ).scalar()
    rows = unpack_ints(packed, 4)
    if not len(rows):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    rows = rows[np.argsort(rows[:, 0], kind="stable")]
    person, home, born, flag = rows.T
    # One entry per person: their flags ORed together.
    starts = np.r_[0, np.flatnonzero(np.diff(person)) + 1]
    held = np.bitwise_or.reduceat(flag, starts)
    each = priorities(year - born[starts], (held & 1) > 0, (held & 2) > 0, (held & 4) > 0)
    # The household takes its most vulnerable member.
    households_of = home[starts]
    order = np.lexsort((each, households_of))
    first = np.r_[True, np.diff(households_of[order]) != 0]
    chosen = order[first]
    return households_of[chosen], each[chosen]


def _places(conn: Connection, codes: list[str], building: np.ndarray) -> np.ndarray:
    """A walking key per household (Z-order over its building's location; households with
    no building on record share the centre's)."""
    communities = sorted({c[:12] for c in codes})  # a grid's buildings are its community's
    spots = conn.execute(
        select(buildings.c.id, buildings.c.lon, buildings.c.lat).where(
            scope_filter(buildings.c.community_code, communities)
        )
    ).all()
    if not spots:
        return np.zeros(len(building), dtype=np.int64)
    ids = np.array([b[0] for b in spots], dtype=np.int64)
    lonlat = np.array([(b[1], b[2]) for b in spots], dtype=np.float64)
    centre = lonlat.mean(axis=0)
    metric = LocalMetric(float(centre[0]), float(centre[1]))
    keys = morton_keys(metric.forward(np.vstack([lonlat, centre]))).astype(np.int64)
    at, found = _positions(ids, building)
    walking: np.ndarray = np.where(found, keys[at], keys[-1])  # the centre's key is the last
    return walking


def _positions(ids: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of `wanted`: an index into `ids`, and whether `ids` holds it there."""
    sorter = np.argsort(ids)
    at = sorter[np.minimum(np.searchsorted(ids, wanted, sorter=sorter), len(ids) - 1)]
    return at, ids[at] == wanted


def _workers(conn: Connection, grids: list[str]) -> dict[str, list[int]]:
    """The grid workers of each grid (a grant on the grid or on its community)."""
    rows = conn.execute(
        select(grants.c.user_id, grants.c.area_code)
        .join(users, users.c.id == grants.c.user_id)
        .where(
            grants.c.role == Role.GRID_WORKER.value,
            users.c.is_active.is_(True),
            scope_filter(grants.c.area_code, sorted({g[:12] for g in grids})),
        )
        .order_by(grants.c.user_id)
    ).all()
    by_code: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        by_code[r.area_code].append(r.user_id)
    return {grid: by_code.get(grid[:12], []) + by_code.get(grid, []) for grid in grids}


def _generate(
    conn: Connection,
    emergency_id: int,
    codes: list[str],
    now: datetime,
    within: set[int] | None = None,
    *,
    fresh: bool = False,
) -> tuple[int, int]:
    """Checks for every active household under `codes` that has none in force yet (only
    those in the buildings `within`, when given), dealt into lists; (households, checks)."""
    found = conn.execute(
        select(
            households.c.grid_code,
            packed_ints(households.c.id, func.coalesce(households.c.building_id, -1)),
        )
        .where(scope_filter(households.c.grid_code, codes), households.c.archived_at.is_(None))
        .group_by(households.c.grid_code)
        .order_by(households.c.grid_code)
    ).all()
    grid_names = [r[0] for r in found]
    parts = [unpack_ints(r[1], 2) for r in found]
    both = np.concatenate(parts) if parts else np.empty((0, 2), dtype=np.int64)
    grid = np.repeat(np.arange(len(parts), dtype=np.int64), [len(p) for p in parts])
    keep = np.ones(len(both), dtype=bool)
    if within is not None:
        keep &= np.isin(both[:, 1], np.fromiter(within, dtype=np.int64, count=len(within)))
    if not fresh and len(both):  # widening: households that have a check in force keep it
        keep &= ~np.isin(both[:, 0], households_with_checks(conn, emergency_id))
    if not keep.all():
        both, grid = both[keep], grid[keep]
        used = np.unique(grid)
        grid_names = [grid_names[g] for g in used.tolist()]
        grid = np.searchsorted(used, grid)
    n = len(both)
    if not n:
        return 0, 0
    ids, building = both[:, 0].copy(), both[:, 1].copy()
    place = _places(conn, codes, building)
    province_grids = sum(
        counts_of(conn, province).get(Level.GRID.value, 0) for province in {c[:2] for c in codes}
    )
    flagged, urgent = _priorities(
        conn, codes, now.year, most_of_province=len(grid_names) * 4 >= province_grids
    )
    priority = np.full(n, OTHERS, dtype=np.int64)
    if len(flagged):
        at, hit = _positions(ids, flagged)
        priority[at[hit]] = urgent[hit]
    # Balanced load: within each grid, deal households to its workers in priority order, so
    # every worker gets an equal share and an equal share of the vulnerable.
    order = np.lexsort((place, priority, grid))
    rank_in_grid = np.empty(n, dtype=np.int64)
    starts = np.searchsorted(grid[order], np.arange(len(grid_names)))
    rank_in_grid[order] = np.arange(n) - starts[grid[order]]
    workers = _workers(conn, grid_names)
    teams = [workers.get(name) or [] for name in grid_names]
    size = np.array([len(t) for t in teams], dtype=np.int64)
    offset = np.r_[0, np.cumsum(size)[:-1]]
    flat = np.array([u for t in teams for u in t] + [-1], dtype=np.int64)
    staffed = size[grid] > 0
    pick = np.where(staffed, offset[grid] + rank_in_grid % np.maximum(size[grid], 1), len(flat) - 1)
    assignee = flat[pick]
    # Walking order per worker and grid: the vulnerable first (most urgent first), then the
    # rest, each part block by block (Z-order over the building locations).
    vulnerable = priority < OTHERS
    walk = np.lexsort((place, np.where(vulnerable, priority, OTHERS), grid, assignee))
    by_worker, by_grid = assignee[walk], grid[walk]
    cuts = np.flatnonzero((np.diff(by_worker) != 0) | (np.diff(by_grid) != 0)) + 1
    bounds = np.r_[0, cuts, n].tolist()
    homes, ranks = ids[walk], priority[walk]
    write_lists(
        conn,
        emergency_id,
        (
            Planned(
                grid_names[int(by_grid[a])],
                int(by_worker[a]) if by_worker[a] >= 0 else None,
                homes[a:b],
                ranks[a:b],
            )
            for a, b in pairwise(bounds)
        ),
    )
    totals = np.bincount(grid, minlength=len(grid_names))
    weak = np.bincount(grid, weights=vulnerable, minlength=len(grid_names)).astype(np.int64)
    per_grid = {
        name: {"total": int(totals[i]), "vulnerable": int(weak[i])}
        for i, name in enumerate(grid_names)
    }
    _add_counts(conn, emergency_id, _with_ancestors(per_grid))
    _alert_workers(conn, emergency_id, assignee, now)
    return n, n


def _alert_workers(
    conn: Connection, emergency_id: int, assignee: np.ndarray, now: datetime
) -> None:
    """Tell each worker dealt checks how many (through the channel they chose), in one
    insert whatever the number of workers."""
    users, counts = np.unique(assignee[assignee >= 0], return_counts=True)
    notify_each(
        conn,
        [
            (
                user_recipient(user_id),
                Message(
                    NoticeKind.EMERGENCY_ALERT,
                    f"紧急事件 #{emergency_id}",
                    f"您有 {count} 户需要排查，请按顺序联系，确认平安或记录需求。",
                    f"/emergencies/{emergency_id}/tasks",
                ),
            )
            for user_id, count in zip(users.tolist(), counts.tolist(), strict=True)
        ],
        now=now,
    )


def declare(
    conn: Connection,
    actor: Actor,
    kind: str,
    area_codes: list[str],
    started_at: datetime | None = None,
    *,
    polygon: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Declare an emergency over units, or over a drawn area (GeoJSON polygon, WGS-84); a
    task is generated for every household in them."""
    now = now or utcnow()
    try:
        parsed = Kind(kind)
    except ValueError:
        names = ", ".join(k.value for k in Kind)
        raise InvalidInput(f"kind is one of {names}", field="kind") from None
    within: set[int] | None = None
    drawn: str | None = None
    if polygon is not None:
        if area_codes:
            raise InvalidInput("give either area_codes or a polygon", field="polygon")
        area = parse_area(polygon)
        within, grids = buildings_inside(conn, area)
        if not grids:
            raise InvalidInput("no building on record lies inside the polygon", field="polygon")
        codes = grids
        drawn = area_text(area)
    else:
        codes = _checked_codes(conn, area_codes)
    command_over(actor, codes, f"no area {codes[0]}")
    started = started_at or now
    if started > now + timedelta(minutes=5):
        raise InvalidInput("started_at is in the future", field="started_at")
    if started < now - timedelta(days=30):
        raise InvalidInput("started_at is more than 30 days ago", field="started_at")
    emergency_id = conn.execute(
        emergencies.insert()
        .values(
            province_code=codes[0][:2],
            kind=parsed.value,
            status="active",
            started_at=started,
            declared_by=actor.user_id,
            created_at=now,
            polygon=drawn,
        )
        .returning(emergencies.c.id)
    ).scalar_one()
    conn.execute(
        emergency_areas.insert(),
        [{"emergency_id": emergency_id, "area_code": c, "added_at": now} for c in codes],
    )
    households_n, tasks_n = _generate(conn, emergency_id, codes, now, within, fresh=True)
    _log(
        conn,
        emergency_id,
        actor.username,
        "declare",
        f"{parsed.value} over {'a drawn area in ' if drawn else ''}{', '.join(codes)}; "
        f"{tasks_n} tasks",
        now,
    )
    return {
        "id": emergency_id,
        "kind": parsed.value,
        "area_codes": codes,
        "households": households_n,
        "tasks": tasks_n,
    }


def _checked_codes(conn: Connection, area_codes: list[str]) -> list[str]:
    if not area_codes:
        raise InvalidInput("name at least one unit (area_codes)", field="area_codes")
    if len(area_codes) > MAX_AREAS:
        raise InvalidInput(f"at most {MAX_AREAS} units", field="area_codes")
    for code in area_codes:
        if not is_valid_code(code):
            raise InvalidInput(f"malformed area code {code!r}", field="area_codes")
    codes = minimal_codes(area_codes)
    found = set(conn.execute(select(areas.c.code).where(areas.c.code.in_(codes))).scalars())
    missing = [c for c in codes if c not in found]
    if missing:
        raise InvalidInput(f"no area {missing[0]}", field="area_codes")
    return codes


def change_areas(
    conn: Connection,
    actor: Actor,
    ref: str,
    add: list[str],
    remove: list[str],
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Widen (new households get tasks) or narrow (their open tasks are withdrawn)."""
    now = now or utcnow()
    row, current = seen(conn, actor, ref)
    command_over(actor, current, f"no emergency {ref}")
    if row["status"] != "active":
        raise Conflict("this emergency has ended")
    added = 0
    if add:
        codes = [c for c in _checked_codes(conn, add) if not any(c.startswith(k) for k in current)]
        command_over(actor, codes, f"no area {add[0]}")
        for code in codes:
            existing = conn.execute(
                select(emergency_areas.c.area_code).where(
                    emergency_areas.c.emergency_id == row["id"], emergency_areas.c.area_code == code
                )
            ).first()
            if existing:
                conn.execute(
                    update(emergency_areas)
                    .where(
                        emergency_areas.c.emergency_id == row["id"],
                        emergency_areas.c.area_code == code,
                    )
                    .values(removed_at=None, added_at=now)
                )
            else:
                conn.execute(
                    emergency_areas.insert().values(
                        emergency_id=row["id"], area_code=code, added_at=now
                    )
                )
        if codes:
            _, added = _generate(conn, row["id"], codes, now)
            _log(
                conn,
                row["id"],
                actor.username,
                "widen",
                f"added {', '.join(codes)}; {added} tasks",
                now,
            )
    withdrawn = 0
    if remove:
        gone = [c for c in minimal_codes(remove) if c in current]
        if len(gone) != len(set(remove)):
            raise InvalidInput("only units the emergency covers can be removed", field="remove")
        if set(gone) == set(current):
            raise InvalidInput(
                "an emergency keeps at least one unit; end it instead", field="remove"
            )
        conn.execute(
            update(emergency_areas)
            .where(
                emergency_areas.c.emergency_id == row["id"], emergency_areas.c.area_code.in_(gone)
            )
            .values(removed_at=now)
        )
        withdrawn = _withdraw(conn, row["id"], gone, now)
        _log(
            conn,
            row["id"],
            actor.username,
            "narrow",
            f"removed {', '.join(gone)}; {withdrawn} open tasks withdrawn",
            now,
        )
    return {
        "id": row["id"],
        "area_codes": active_codes(conn, row["id"]),
        "tasks_added": added,
        "tasks_withdrawn": withdrawn,
    }


def _withdraw(conn: Connection, emergency_id: int, codes: list[str], now: datetime) -> int:
    per_grid = withdraw(conn, emergency_id, codes, now)
    _add_counts(conn, emergency_id, _with_ancestors(per_grid))
    return -sum(v["total"] for v in per_grid.values())


def _task(conn: Connection, emergency_id: int, task_ref: str) -> RowMapping:
    number = parse_id(task_ref)
    if number is not None:
        materialise(conn, [number])
    row = (
        conn.execute(
            select(emergency_tasks).where(
                emergency_tasks.c.id == number, emergency_tasks.c.emergency_id == emergency_id
            )
        )
        .mappings()
        .first()
        if number is not None
        else None
    )
    if row is None:
        raise NotFound(f"no task {task_ref}")
    return row


def record_outcome(
    conn: Connection,
    actor: Actor,
    ref: str,
    task_ref: str,
    outcome: str,
    need: str | None,
    *,
    secret_key: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """A worker records what the welfare check found; a need becomes an urgent case."""
    now = now or utcnow()
    emergency = _emergency(conn, ref)
    task = _task(conn, emergency["id"], task_ref)
    # Being the assignee is not enough: a check handed over before assignees were
    # checked (or to someone whose grant has since changed) is recorded by a checker only.
    require_role(
        actor, task["grid_code"], WELFARE_CHECKERS, "record welfare checks", f"no task {task_ref}"
    )
    try:
        found = Outcome(outcome)
    except ValueError:
        names = ", ".join(o.value for o in Outcome)
        raise InvalidInput(f"outcome is one of {names}", field="outcome") from None
    case_id = settle_task(
        conn,
        emergency,
        task,
        found,
        need,
        actor=actor,
        label=actor.username,
        secret_key=secret_key,
        now=now,
    )
    return {"id": task["id"], "status": found.value, "case_id": case_id, "done_at": now}


def settle_task(
    conn: Connection,
    emergency: RowMapping,
    task: Mapping[Any, Any],
    found: Outcome,
    need: str | None,
    *,
    actor: Actor | None,
    label: str,
    secret_key: str,
    now: datetime,
) -> int | None:
    """Record what a check found (by a worker, or by the household itself): a need becomes
    an urgent case, and the board's counters move. Returns the case id, if any."""
    if task["status"] == "withdrawn":
        raise Conflict("this task was withdrawn when the emergency was narrowed")
    text = (need or "").strip() or None
    if found is Outcome.NEEDS_HELP and text is None:
        raise InvalidInput("say what help is needed (need)", field="need")
    if found is not Outcome.NEEDS_HELP and text is not None:
        raise InvalidInput("a need goes with needs_help", field="need")
    case_id: int | None = task["case_id"]
    if text is not None and case_id is None:
        home = conn.execute(
            select(households.c.address).where(households.c.id == task["household_id"])
        ).scalar_one()
        created = submit_report_once(
            conn,
            actor,
            Report(
                category=NEED_CATEGORY,
                description=f"[{emergency['kind']} #{emergency['id']}] {text}",
                area_code=task["grid_code"],
                channel="patrol" if actor is not None else "web",
                address=home,
                publicity=Publicity.RESTRICTED,  # a household's need, found at its door
            ),
            secret_key=secret_key,
        )
        case_id = created.row["id"]
    delta: dict[str, int] = {found.value: 1}
    if task["status"] == "open":
        delta["done"] = 1
        delta["vulnerable_done"] = int(task["priority"] < OTHERS)
    else:
        delta[task["status"]] = delta.get(task["status"], 0) - 1
    conn.execute(
        update(emergency_tasks)
        .where(emergency_tasks.c.id == task["id"])
        .values(status=found.value, need=text, case_id=case_id, done_at=now, done_by=label)
    )
    _add_counts(conn, emergency["id"], _with_ancestors({task["grid_code"]: delta}))
    return case_id


def reassign(
    conn: Connection,
    actor: Actor,
    ref: str,
    task_ids: list[int],
    username: str,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Hand tasks to another worker, in one action."""
    now = now or utcnow()
    emergency, _ = seen(conn, actor, ref)
    worker = conn.execute(
        select(users.c.id).where(users.c.username == username, users.c.is_active.is_(True))
    ).scalar_one_or_none()
    if worker is None:
        raise InvalidInput(f"no active user {username!r}", field="assignee")
    held = [
        Grant(Role(r.role), r.area_code)
        for r in conn.execute(
            select(grants.c.role, grants.c.area_code).where(grants.c.user_id == worker)
        )
    ]
    if len(task_ids) > MAX_REASSIGN:
        raise InvalidInput(f"at most {MAX_REASSIGN} tasks at once", field="task_ids")
    materialise(conn, task_ids)
    tasks = conn.execute(
        select(emergency_tasks.c.id, emergency_tasks.c.grid_code).where(
            emergency_tasks.c.emergency_id == emergency["id"], emergency_tasks.c.id.in_(task_ids)
        )
    ).all()
    if len(tasks) != len(set(task_ids)):
        raise NotFound("some of those tasks are not in this emergency")
    for t in tasks:
        require_role(actor, t.grid_code, EMERGENCY_COMMANDERS, "reassign tasks", f"no task {t.id}")
    for t in tasks:  # the household's address and vulnerability go to a checker of its grid
        if not may_check_welfare(g.role for g in held if g.covers(t.grid_code)):
            raise InvalidInput(
                f"{username} does not make welfare checks in grid {t.grid_code}", field="assignee"
            )
    last = last_position(conn, emergency["id"], worker)
    for offset, t in enumerate(sorted(tasks), start=1):
        conn.execute(
            update(emergency_tasks)
            .where(emergency_tasks.c.id == t.id)
            .values(assignee_id=worker, position=last + offset)
        )
    _log(
        conn, emergency["id"], actor.username, "reassign", f"{len(tasks)} tasks to {username}", now
    )
    return {"reassigned": len(tasks), "assignee": username}


def end(conn: Connection, actor: Actor, ref: str, *, now: datetime | None = None) -> dict[str, Any]:
    """End the emergency; the report stays readable."""
    now = now or utcnow()
    row, codes = seen(conn, actor, ref)
    command_over(actor, codes, f"no emergency {ref}")
    if row["status"] != "active":
        raise Conflict("this emergency has already ended")
    conn.execute(
        update(emergencies)
        .where(emergencies.c.id == row["id"])
        .values(status="ended", ended_at=now)
    )
    _log(conn, row["id"], actor.username, "end", "ended", now)
    return report(conn, actor, ref)


def board(conn: Connection, actor: Actor, ref: str, area: str | None = None) -> dict[str, Any]:
    """Tasks done of total, unreachable households and needs found, for a unit and each of
    its children (read from counters: the same cost while thousands of checks come in)."""
    row, codes = seen(conn, actor, ref)
    unit = area or next((c for c in codes if actor.covers(c)), codes[0])
    if not is_valid_code(unit) or not actor.covers(unit):
        raise NotFound(f"no emergency {ref} at {unit}")
    children = conn.execute(
        select(areas.c.code, areas.c.name).where(areas.c.parent_code == unit).order_by(areas.c.code)
    ).all()
    wanted = [unit, *(c.code for c in children)]
    counts = {
        r["area_code"]: {k: r[k] for k in COUNTS}
        for r in conn.execute(
            select(emergency_counts).where(
                emergency_counts.c.emergency_id == row["id"],
                emergency_counts.c.area_code.in_(wanted),
            )
        ).mappings()
    }
    zero = dict.fromkeys(COUNTS, 0)
    return {
        "id": row["id"],
        "kind": row["kind"],
        "status": row["status"],
        "area": unit,
        **counts.get(unit, zero),
        "children": [
            {"code": c.code, "name": c.name, **counts[c.code]} for c in children if c.code in counts
        ],
    }


def my_tasks(conn: Connection, actor: Actor, ref: str, *, key: str) -> dict[str, Any]:
    """The signed-in worker's tasks in walking order (no names: the address and why). Where
    a household lives and why it is checked first is its people's personal data: the
    listing is audited for each of them (purpose: emergency)."""
    row, _ = seen(conn, actor, ref)
    mine = assigned(conn, row["id"], actor.user_id)[:MAX_LISTED]
    homes = {t["household_id"] for t in mine}
    people = conn.execute(
        select(residents.c.id).where(residents.c.household_id.in_(homes)).order_by(residents.c.id)
    ).scalars()
    disclose(conn, actor, "emergency", "list", RESIDENT, people, key=key)
    places = {
        r.id: r
        for r in conn.execute(
            select(
                households.c.id,
                households.c.reference,
                households.c.address,
                buildings.c.lon,
                buildings.c.lat,
            )
            .outerjoin(buildings, buildings.c.id == households.c.building_id)
            .where(households.c.id.in_({t["household_id"] for t in mine}))
        )
    }
    items = []
    for t in mine:
        place = places.get(t["household_id"])
        items.append(
            {
                "id": t["id"],
                "priority": t["priority"],
                "status": t["status"],
                "position": t["position"],
                "grid_code": t["grid_code"],
                "reference": place.reference if place else None,
                "address": place.address if place else None,
                "lon": place.lon if place else None,
                "lat": place.lat if place else None,
                "why": PRIORITY_REASONS.get(t["priority"], PRIORITY_REASONS[OTHERS]),
            }
        )
    return {"id": row["id"], "kind": row["kind"], "status": row["status"], "items": items}


def report(conn: Connection, actor: Actor, ref: str) -> dict[str, Any]:
    """The emergency with its units, its timeline and coverage (during or after)."""
    row, codes = seen(conn, actor, ref)
    timeline = [
        dict(r)
        for r in conn.execute(
            select(
                emergency_log.c.at,
                emergency_log.c.actor_label,
                emergency_log.c.action,
                emergency_log.c.detail,
            )
            .where(emergency_log.c.emergency_id == row["id"])
            .order_by(emergency_log.c.id)
        ).mappings()
    ]
    reached = conn.execute(
        select(func.min(emergency_tasks.c.done_at), func.max(emergency_tasks.c.done_at)).where(
            emergency_tasks.c.emergency_id == row["id"],
            emergency_tasks.c.priority < OTHERS,
            emergency_tasks.c.done_at.is_not(None),
        )
    ).one()
    found = (
        conn.execute(
            select(
                *(func.coalesce(func.sum(emergency_counts.c[k]), 0).label(k) for k in COUNTS)
            ).where(
                emergency_counts.c.emergency_id == row["id"],
                emergency_counts.c.area_code.in_(codes),
            )
        )
        .mappings()
        .one()
    )  # the units are disjoint subtrees, so their sums add up
    totals = {k: int(found[k]) for k in COUNTS}
    last_vulnerable = reached[1]
    return {
        "id": row["id"],
        "kind": row["kind"],
        "status": row["status"],
        "started_at": row["started_at"],
        "ended_at": row["ended_at"],
        "area_codes": codes,
        **totals,
        "hours_to_reach_vulnerable": (
            round((last_vulnerable - row["started_at"]).total_seconds() / 3600, 1)
            if last_vulnerable is not None and totals["vulnerable_done"] == totals["vulnerable"]
            else None
        ),
        "timeline": timeline,
    }
