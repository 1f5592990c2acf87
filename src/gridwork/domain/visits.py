"""Door-to-door visit rules: who is visited how often, and how urgent a due visit is."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from gridwork.domain.people import Flag


class Outcome(StrEnum):
    """How a visit went. `met` and `refused` complete the due visit; `not_home` does not."""

    MET = "met"
    NOT_HOME = "not_home"
    REFUSED = "refused"


COMPLETES_DUE = frozenset({Outcome.MET, Outcome.REFUSED})


@dataclass(frozen=True)
class VisitRule:
    """Residents matching every condition are visited every `interval_days`."""

    code: str
    description: str
    min_age: int | None
    lives_alone: bool
    any_flag: frozenset[Flag]
    interval_days: int
    priority: int

    def matches(self, age: int, flags: Iterable[Flag]) -> bool:
        """Whether a resident of `age` with `flags` falls under this rule."""
        held = set(flags)
        if self.min_age is not None and age < self.min_age:
            return False
        if self.lives_alone and Flag.LIVES_ALONE not in held:
            return False
        return not self.any_flag or bool(self.any_flag & held)


def applicable_rule(
    rules: Iterable[VisitRule], age: int, flags: Iterable[Flag]
) -> VisitRule | None:
    """The rule that applies: the most frequent visits win, then the higher priority."""
    held = frozenset(flags)
    matching = [r for r in rules if r.matches(age, held)]
    return min(matching, key=lambda r: (r.interval_days, r.priority, r.code), default=None)


class Band(StrEnum):
    """Urgency of a due visit as a worker's list groups it."""

    OVERDUE = "overdue"
    TODAY = "today"
    UPCOMING = "upcoming"


BAND_ORDER = {Band.OVERDUE: 0, Band.TODAY: 1, Band.UPCOMING: 2}


def band_of(due_at: datetime, now: datetime) -> Band:
    """Overdue once the due time has passed; today if due within a day."""
    if due_at < now:
        return Band.OVERDUE
    if due_at < now + timedelta(days=1):
        return Band.TODAY
    return Band.UPCOMING


def next_due(base: datetime, rule: VisitRule) -> datetime:
    """When the next visit falls due after `base` (a visit, or registration)."""
    return base + timedelta(days=rule.interval_days)
