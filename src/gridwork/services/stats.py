"""A unit's dashboard figures for a period, read from the counters only: whole months from
the monthly counters and the ragged edges from the daily ones, so the cost is the same
whether the unit has a thousand cases or ten million."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Table, func, select

from gridwork.domain.access import Actor
from gridwork.domain.errors import InvalidInput
from gridwork.domain.rollups import (
    COUNTERS,
    EARLIEST_DAY,
    LATEST_DAY,
    day_in_range,
    rates,
    split_period,
)
from gridwork.services.areas import unit_in_scope
from gridwork.services.clock import utcnow
from gridwork.store.tables import case_counts, case_counts_monthly

MAX_DAYS = 3 * 366
DAILY_UP_TO = 92  # longer periods show a monthly trend


def _sums(
    conn: Connection, table: Table, period: str, code: str, first: date, last: date, group: str
) -> list[dict[str, Any]]:
    column = table.c[period]
    keys = table.c[group] if group != period else column
    sums = [func.coalesce(func.sum(table.c[n]), 0).label(n) for n in COUNTERS]
    rows = conn.execute(
        select(keys.label("key"), *sums)
        .where(table.c.area_code == code, column >= first, column <= last)
        .group_by(keys)
    ).mappings()
    return [dict(r) for r in rows]


def unit_stats(
    conn: Connection, actor: Actor, code: str, start: date | None = None, end: date | None = None
) -> dict[str, Any]:
    """Totals, the four rates, counts by category and a trend (daily up to 92 days,
    otherwise monthly) for [start, end]."""
    for name, day in (("from", start), ("to", end)):
        if day is not None and not day_in_range(day):
            raise InvalidInput(f"dates from {EARLIEST_DAY} to {LATEST_DAY}", field=name)
    end = end or utcnow().date()
    start = start or max(end - timedelta(days=29), EARLIEST_DAY)
    if start > end:
        raise InvalidInput("from must not be after to", field="from")
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput(f"a period of at most {MAX_DAYS} days", field="from")
    unit = unit_in_scope(conn, actor, code)
    daily = (end - start).days < DAILY_UP_TO
    months, edges = ([], [(start, end)]) if daily else split_period(start, end)
    by_category: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    trend: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))

    def add(rows: list[dict[str, Any]], into: dict[Any, dict[str, int]], key: Any) -> None:
        for row in rows:
            target = into[key(row["key"])]
            for name in target:
                target[name] += int(row[name])

    if months:
        first, last = months[0], months[-1]
        table, period = case_counts_monthly, "month"
        add(_sums(conn, table, period, code, first, last, "category_code"), by_category, str)
        add(_sums(conn, table, period, code, first, last, period), trend, lambda k: k)
    for first, last in edges:
        add(_sums(conn, case_counts, "day", code, first, last, "category_code"), by_category, str)
        bucket = (lambda k: k) if daily else (lambda k: k.replace(day=1))
        add(_sums(conn, case_counts, "day", code, first, last, "day"), trend, bucket)
    totals = {name: sum(c[name] for c in by_category.values()) for name in COUNTERS}
    return {
        **unit,
        "from": start,
        "to": end,
        "totals": totals,
        "rates": rates(totals),
        "by_category": dict(sorted(by_category.items())),
        "trend": {
            "granularity": "day" if daily else "month",
            "points": [{"period": k, **v, "rates": rates(v)} for k, v in sorted(trend.items())],
        },
    }
