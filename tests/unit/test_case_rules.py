from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gridwork.domain.areas import Level
from gridwork.domain.cases import (
    can_escalate_from,
    check_rating,
    check_reopen_window,
    escalation_target,
    new_reference,
)
from gridwork.domain.errors import InvalidInput, TransitionNotAllowed
from gridwork.domain.sla import Urgency, deadline_for

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_deadlines_follow_the_four_urgency_classes() -> None:
    hours = {u: (deadline_for(u, NOW) - NOW) / timedelta(hours=1) for u in Urgency}
    assert hours == {
        Urgency.URGENT: 2,
        Urgency.HIGH: 24,
        Urgency.NORMAL: 168,
        Urgency.COMPLEX: 360,
    }


def test_escalation_goes_to_the_nearest_real_ancestor() -> None:
    guiyang = [("52", Level.PROVINCE, False), ("5201", Level.CITY, False)]
    assert escalation_target(guiyang) == "5201"
    beijing = [("11", Level.PROVINCE, False), ("1101", Level.CITY, True)]
    assert escalation_target(beijing) == "11"


def test_escalation_stops_at_city_level() -> None:
    assert not can_escalate_from(Level.CITY)
    assert not can_escalate_from(Level.PROVINCE)
    assert can_escalate_from(Level.DISTRICT)
    with pytest.raises(TransitionNotAllowed):
        escalation_target([])


def test_reopen_is_allowed_only_within_seven_days() -> None:
    check_reopen_window(NOW - timedelta(days=6, hours=23), NOW)
    with pytest.raises(TransitionNotAllowed, match="7 days"):
        check_reopen_window(NOW - timedelta(days=7, minutes=1), NOW)


@pytest.mark.parametrize("bad", [None, 0, 6, -1, True])
def test_ratings_are_whole_numbers_from_one_to_five(bad: int | None) -> None:
    with pytest.raises(InvalidInput):
        check_rating(bad)
    assert check_rating(5) == 5


def test_references_are_readable_and_distinct() -> None:
    refs = {new_reference() for _ in range(1000)}
    assert len(refs) == 1000
    assert all(r.startswith("GW-") and len(r) == 12 and "O" not in r for r in refs)
