"""Splitting a period into whole months and edge days; what events count."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from gridwork.domain.rollups import CaseClock, Event, deltas, replay, split_period
from gridwork.domain.sla import Urgency


def test_whole_months_and_edges() -> None:
    months, edges = split_period(date(2025, 1, 15), date(2025, 4, 10))
    assert months == [date(2025, 2, 1), date(2025, 3, 1)]
    assert edges == [(date(2025, 1, 15), date(2025, 1, 31)), (date(2025, 4, 1), date(2025, 4, 10))]
    assert split_period(date(2025, 2, 1), date(2025, 2, 28)) == ([date(2025, 2, 1)], [])
    assert split_period(date(2025, 2, 2), date(2025, 2, 27)) == (
        [],
        [(date(2025, 2, 2), date(2025, 2, 27))],
    )
    months, edges = split_period(date(2024, 12, 1), date(2025, 1, 31))
    assert months == [date(2024, 12, 1), date(2025, 1, 1)] and edges == []


def test_response_and_closure_on_time() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    clock = CaseClock(Urgency.HIGH, t0)
    assert deltas("accept", t0 + timedelta(hours=23), clock, None)["responded_on_time"] == 1
    assert deltas("accept", t0 + timedelta(hours=25), clock, None)["responded_on_time"] == 0
    late = CaseClock(Urgency.HIGH, t0, started_at=t0, resolved_at=t0 + timedelta(hours=30))
    assert deltas("close", t0 + timedelta(hours=31), late, None) == {
        "closed": 1,
        "closed_on_time": 0,
    }
    assert deltas("rate", t0, clock, 4) == {"rating_sum": 4, "rating_count": 1, "satisfied": 1}
    assert deltas("dispatch", t0, clock, None) == {}


def test_replay_moves_counts_on_rehome_but_not_on_escalation() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    grid, other, community = "520115007005001", "520115007005002", "520115007005"
    events = [
        Event("submit", t0, grid),
        Event("accept", t0, grid),
        Event("rehome", t0, other),
        Event("escalate", t0, community),
        Event("resolve", t0, community),
    ]
    units = [(unit, sorted(counted)) for unit, _, counted in replay(events, Urgency.NORMAL)]
    assert units == [
        (other, ["received"]),
        (other, ["accepted", "responded_on_time"]),
        (other, ["escalated"]),
        (community, ["resolved"]),
    ]
