"""Keeping the counters per (unit, day, category) in step with case events, in the same
transaction; recomputing them from the events to verify or rebuild them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, RowMapping, Table, delete, select, text
from sqlalchemy.dialects import sqlite

from gridwork.domain.areas import ancestor_codes
from gridwork.domain.rollups import (
    COUNTERS,
    TIMED_ACTIONS,
    CaseClock,
    Contribution,
    Event,
    deltas,
    replay,
)
from gridwork.domain.sla import Urgency
from gridwork.store.bulk import bulk_insert, column_names
from gridwork.store.scope import in_subtree
from gridwork.store.tables import (
    case_counts,
    case_counts_monthly,
    case_events,
    cases,
    categories,
)

Key = tuple[str, date, str]  # (unit, day, category)


def _spread(contributions: Iterable[tuple[Contribution, str, int]]) -> dict[Key, dict[str, int]]:
    """Each (contribution, category, sign) added at its unit and every ancestor, merged."""
    merged: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for (unit, day, counted), category, sign in contributions:
        for code in [*ancestor_codes(unit), unit]:
            target = merged[(code, day, category)]
            for name, value in counted.items():
                target[name] += sign * value
    return merged


def by_month(daily: dict[Key, dict[str, int]]) -> dict[Key, dict[str, int]]:
    """Daily counters summed per (unit, first day of the month, category)."""
    merged: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for (code, day, category), values in daily.items():
        target = merged[(code, day.replace(day=1), category)]
        for name, value in values.items():
            target[name] += value
    return dict(merged)


def _upsert_into(conn: Connection, table: Table, period: str, merged: dict[Key, Any]) -> None:
    rows = [
        {"area_code": code, period: day, "category_code": category, **values}
        for (code, day, category), values in merged.items()
        if any(values.values())
    ]
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        # One statement for every row, its columns passed as arrays: an executemany is a
        # round of the protocol per row, and psycopg's Python work per row cost more than
        # the upsert itself. The keys are distinct (merged above), as one statement needs.
        columns = ["area_code", period, "category_code", *COUNTERS]
        arrays = {name: [row[name] for row in rows] for name in columns}
        conn.execute(_unnest_upsert(table, period), arrays)
        return
    # One statement, compiled once and cached, run for every row (rows inlined with
    # .values() would make a new statement to compile on every case event).
    conn.execute(_upsert_statement(table, period), rows)


@cache
def _upsert_statement(table: Table, period: str) -> Any:
    statement = sqlite.insert(table)
    return statement.on_conflict_do_update(
        index_elements=["area_code", period, "category_code"],
        set_={name: table.c[name] + statement.excluded[name] for name in COUNTERS},
    )


@cache
def _unnest_upsert(table: Table, period: str) -> Any:
    """PostgreSQL: add arrays of counter rows (one element per row) in one statement."""
    types = {"area_code": "text", period: "date", "category_code": "text"}
    columns = [*types, *COUNTERS]
    arrays = ", ".join(f"CAST(:{name} AS {types.get(name, 'integer')}[])" for name in columns)
    added = ", ".join(f"{name} = {table.name}.{name} + excluded.{name}" for name in COUNTERS)
    return text(
        f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM unnest({arrays}) "
        f"ON CONFLICT (area_code, {period}, category_code) DO UPDATE SET {added}"
    )


HELD = "gridwork.held_counts"  # connection info: counter changes held back (held_counts)


def _merged(parts: Iterable[dict[Key, dict[str, int]]]) -> dict[Key, dict[str, int]]:
    merged: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for part in parts:
        for key, values in part.items():
            target = merged[key]
            for name, value in values.items():
                target[name] += value
    return dict(merged)


@contextmanager
def held_counts(conn: Connection) -> Iterator[None]:
    """Counter changes of many units of work sharing one transaction are held back and
    written together when the block ends without error (still inside the transaction): the
    hot rows (the city's, the province's) are written once per batch instead of once per
    case. Run each unit in a `counted_savepoint`, so a unit that fails takes its changes
    with it."""
    pending: list[dict[Key, dict[str, int]]] = []
    conn.info[HELD] = pending
    try:
        yield
    finally:
        conn.info.pop(HELD, None)
    if pending:
        _upsert(conn, _merged(pending))


@contextmanager
def counted_savepoint(conn: Connection) -> Iterator[None]:
    """A savepoint whose counter changes held back (see held_counts) go with it if it is
    rolled back by an error."""
    held = conn.info.get(HELD)
    mark = len(held) if held is not None else 0
    try:
        with conn.begin_nested():
            yield
    except BaseException:
        if held is not None:
            del held[mark:]
        raise


def _upsert(conn: Connection, merged: dict[Key, dict[str, int]]) -> None:
    """Add to the daily and the monthly counters (or hold the change, see held_counts)."""
    held = conn.info.get(HELD)
    if held is not None:
        held.append(merged)
        return
    _upsert_into(conn, case_counts, "day", merged)
    _upsert_into(conn, case_counts_monthly, "month", by_month(merged))


def _urgency(conn: Connection, category: str) -> Urgency:
    value = conn.execute(
        select(categories.c.urgency).where(categories.c.code == category)
    ).scalar_one()
    return Urgency(value)


def count_event(
    conn: Connection,
    case: RowMapping | dict[str, Any],
    action: str,
    at: datetime,
    *,
    rating: int | None = None,
) -> None:
    """Count one event on `case` (its row as it was *before* the event)."""
    # Only timed counts need the category's urgency: intake (submit) skips the lookup.
    urgency = _urgency(conn, case["category_code"]) if action in TIMED_ACTIONS else Urgency.NORMAL
    clock = CaseClock(
        urgency,
        case["created_at"],
        case["accepted_at"],
        case["resolved_at"],
    )
    counted = deltas(action, at, clock, rating)
    if counted:
        contribution = (case["area_code"], at.date(), counted)
        _upsert(conn, _spread([(contribution, case["category_code"], 1)]))


def _events_of(conn: Connection, case_ids: list[int]) -> dict[int, list[Event]]:
    found: dict[int, list[Event]] = defaultdict(list)
    rows = conn.execute(
        select(
            case_events.c.case_id,
            case_events.c.action,
            case_events.c.at,
            case_events.c.area_code,
            case_events.c.rating,
        )
        .where(case_events.c.case_id.in_(case_ids))
        .order_by(case_events.c.case_id, case_events.c.seq)
    )
    for r in rows:
        found[r.case_id].append(Event(r.action, r.at, r.area_code, r.rating))
    return found


def move_case_counts(conn: Connection, case: RowMapping | dict[str, Any], new_unit: str) -> None:
    """Re-homing: what the case counted at its current unit moves to `new_unit` (call before
    the rehome event is written)."""
    old = case["area_code"]
    events = _events_of(conn, [case["id"]])[case["id"]]
    mine = [c for c in replay(events, _urgency(conn, case["category_code"])) if c[0] == old]
    category = case["category_code"]
    moves = [((old, d, c), category, -1) for _, d, c in mine]
    moves += [((new_unit, d, c), category, 1) for _, d, c in mine]
    _upsert(conn, _spread(moves))


def expected_counts(
    conn: Connection, *, batch: int = 20_000, progress: Callable[[int], object] | None = None
) -> dict[Key, dict[str, int]]:
    """The counters as the case events say they should be."""
    urgency = {
        r.code: Urgency(r.urgency)
        for r in conn.execute(select(categories.c.code, categories.c.urgency))
    }
    total: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    last = 0
    while True:
        chunk = conn.execute(
            select(cases.c.id, cases.c.category_code)
            .where(cases.c.id > last)
            .order_by(cases.c.id)
            .limit(batch)
        ).all()
        if not chunk:
            break
        events = _events_of(conn, [c.id for c in chunk])
        parts = [
            (contribution, c.category_code, 1)
            for c in chunk
            for contribution in replay(events.get(c.id, []), urgency[c.category_code])
        ]
        for key, values in _spread(parts).items():
            target = total[key]
            for name, value in values.items():
                target[name] += value
        last = chunk[-1].id
        if progress is not None:
            progress(len(chunk))
    return {k: v for k, v in total.items() if any(v.values())}


def stored_counts(
    conn: Connection, code: str | None = None, *, monthly: bool = False
) -> dict[Key, dict[str, int]]:
    """The daily (or monthly) counters as stored (under `code` if given)."""
    table, period = (case_counts_monthly, "month") if monthly else (case_counts, "day")
    query = select(table)
    if code:
        query = query.where(in_subtree(table.c.area_code, code))
    stored = {}
    for r in conn.execute(query).mappings():
        values = {name: r[name] for name in COUNTERS}
        if any(values.values()):
            stored[(r["area_code"], r[period], r["category_code"])] = values
    return stored


@dataclass
class CountCheck:
    """Differences between stored counters and the events."""

    compared: int = 0
    differences: list[str] = field(default_factory=list)


def verify_case_counts(
    conn: Connection, code: str | None = None, *, progress: Callable[[int], object] | None = None
) -> CountCheck:
    """Recompute every counter from the events and list each difference (under `code`)."""
    daily = expected_counts(conn, progress=progress)
    if code:
        daily = {k: v for k, v in daily.items() if k[0].startswith(code)}
    check = CountCheck()
    zero = dict.fromkeys(COUNTERS, 0)
    for label, expected, stored in (
        ("day", daily, stored_counts(conn, code)),
        ("month", by_month(daily), stored_counts(conn, code, monthly=True)),
    ):
        keys = sorted(set(expected) | set(stored))
        check.compared += len(keys)
        for key in keys:
            want, have = expected.get(key, zero), stored.get(key, zero)
            for name in COUNTERS:
                if want[name] != have[name]:
                    unit, when, category = key
                    check.differences.append(
                        f"{unit} {label} {when} {category} {name}: "
                        f"stored {have[name]}, events say {want[name]}"
                    )
    return check


def rebuild_case_counts(
    conn: Connection, *, progress: Callable[[int], object] | None = None
) -> int:
    """Replace every counter with what the events say; returns the daily rows written."""
    daily = expected_counts(conn, progress=progress)
    for table, period, counts in (
        (case_counts, "day", daily),
        (case_counts_monthly, "month", by_month(daily)),
    ):
        conn.execute(delete(table))
        names = column_names(table)
        rows = []
        for (code, when, category), values in counts.items():
            fields = {"area_code": code, period: when, "category_code": category, **values}
            rows.append(tuple(fields[n] for n in names))
        if conn.dialect.name == "sqlite":
            rows = [tuple(str(x) if isinstance(x, date) else x for x in row) for row in rows]
        bulk_insert(conn, table, names, rows)
    return len(daily)
