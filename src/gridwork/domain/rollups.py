"""Counters per (unit, day, category): what each case event adds, and the four rates.

Each event counts at the unit that owned the case when it happened (its submission at the
unit it was routed to) and at every ancestor of that unit. Escalation therefore leaves the
grid's history at the grid; re-homing (re-delineation) moves the case's counts from the old
unit to the new one. Days are UTC calendar days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from gridwork.domain.sla import DEADLINE_HOURS, Urgency

COUNTERS = (
    "received",
    "accepted",
    "responded_on_time",
    "rejected",
    "resolved",
    "closed",
    "closed_on_time",
    "returned",
    "escalated",
    "reopened",
    "rating_sum",
    "rating_count",
    "satisfied",
)
SATISFIED_FROM = 4  # a rating of 4 or 5 counts as satisfied
TIMED_ACTIONS = frozenset({"accept", "close"})  # the only counts that read the deadline


@dataclass
class CaseClock:
    """What counting needs to remember about a case between its events."""

    urgency: Urgency
    submitted_at: datetime
    started_at: datetime | None = None  # last accept, escalate or reopen: the deadline's start
    resolved_at: datetime | None = None


def deltas(action: str, at: datetime, clock: CaseClock, rating: int | None) -> dict[str, int]:
    """What one event adds to its unit's counters (judged on the clock *before* the event)."""
    hours = timedelta(hours=DEADLINE_HOURS[clock.urgency])
    if action == "submit":
        return {"received": 1}
    if action == "accept":
        on_time = at <= clock.submitted_at + hours
        return {"accepted": 1, "responded_on_time": int(on_time)}
    if action == "close":
        on_time = (
            clock.started_at is not None
            and clock.resolved_at is not None
            and clock.resolved_at <= clock.started_at + hours
        )
        return {"closed": 1, "closed_on_time": int(on_time)}
    if action == "rate" and rating is not None:
        return {"rating_sum": rating, "rating_count": 1, "satisfied": int(rating >= SATISFIED_FROM)}
    simple = {
        "reject": "rejected",
        "resolve": "resolved",
        "return": "returned",
        "escalate": "escalated",
        "reopen": "reopened",
    }
    return {simple[action]: 1} if action in simple else {}


def advance(clock: CaseClock, action: str, at: datetime) -> None:
    """Move the clock past an event."""
    if action in ("accept", "escalate", "reopen"):
        clock.started_at = at
    if action == "resolve":
        clock.resolved_at = at
    if action in ("return", "reopen"):
        clock.resolved_at = None


def rates(totals: dict[str, int]) -> dict[str, float | None]:
    """The four accountability rates (None where nothing was counted):
    response: acceptances within the category's deadline of submission, of all acceptances;
    resolution: closures, of closures and returns (resolutions the check accepted);
    on-time closure: closures whose resolution met the deadline, of all closures;
    satisfaction: ratings of 4 or 5, of all ratings."""

    def share(part: str, whole: int) -> float | None:
        return round(totals[part] / whole, 4) if whole else None

    return {
        "response": share("responded_on_time", totals["accepted"]),
        "resolution": share("closed", totals["closed"] + totals["returned"]),
        "on_time_closure": share("closed_on_time", totals["closed"]),
        "satisfaction": share("satisfied", totals["rating_count"]),
        "mean_rating": (
            round(totals["rating_sum"] / totals["rating_count"], 2)
            if totals["rating_count"]
            else None
        ),
    }


@dataclass(frozen=True)
class Event:
    """The parts of a case event that counting reads."""

    action: str
    at: datetime
    area_code: str  # the owning unit after the event
    rating: int | None = None


Contribution = tuple[str, date, dict[str, int]]  # (unit, day, counter deltas)


def replay(events: list[Event], urgency: Urgency) -> list[Contribution]:
    """Every contribution a case's events make, in order, with re-homing applied: a rehome
    moves what the case had counted at its old unit to the new one."""
    if not events:
        return []
    clock = CaseClock(urgency, events[0].at)
    out: list[list[object]] = []
    unit = events[0].area_code
    for event in events:
        if event.action == "rehome":
            for entry in out:
                if entry[0] == unit:
                    entry[0] = event.area_code
            unit = event.area_code
            continue
        counted = deltas(event.action, event.at, clock, event.rating)
        if counted:
            owner = event.area_code if event.action == "submit" else unit
            out.append([owner, event.at.date(), counted])
        advance(clock, event.action, event.at)
        unit = event.area_code
    return [(str(u), d, c) for u, d, c in out]  # type: ignore[misc]


EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)


def day_in_range(day: date) -> bool:
    """Whether a day asked of the reports lies in the years they can answer for (and that
    date arithmetic on it stays within the calendar)."""
    return EARLIEST_DAY <= day <= LATEST_DAY


def month_after(first: date) -> date:
    """The first day of the next month."""
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def split_period(start: date, end: date) -> tuple[list[date], list[tuple[date, date]]]:
    """[start, end] as whole months (their first days) and the leftover day ranges, so a long
    period reads monthly counters and only its ragged edges from the daily ones."""
    months: list[date] = []
    month = start if start.day == 1 else month_after(start.replace(day=1))
    while month_after(month) - timedelta(days=1) <= end:
        months.append(month)
        month = month_after(month)
    if not months:
        return [], [(start, end)]
    edges = []
    if start < months[0]:
        edges.append((start, months[0] - timedelta(days=1)))
    after = month_after(months[-1])
    if after <= end:
        edges.append((after, end))
    return months, edges
