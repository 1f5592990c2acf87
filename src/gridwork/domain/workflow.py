"""The case workflow as one table: (action, from-state) → to-state.

`Case` changes state only through `next_status`; everything else about an action
(who may do it, what it records) is decided around this table, never instead of it.
"""

from __future__ import annotations

from enum import StrEnum

from gridwork.domain.errors import TransitionNotAllowed


class Status(StrEnum):
    """Where a case is in its life."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    MERGED = "merged"  # a duplicate, merged into the case that carries the work


class Action(StrEnum):
    """What someone does to a case."""

    ACCEPT = "accept"
    REJECT = "reject"
    DISPATCH = "dispatch"
    START = "start"
    RESOLVE = "resolve"
    CLOSE = "close"
    RETURN = "return"
    ESCALATE = "escalate"
    REOPEN = "reopen"
    RATE = "rate"
    MERGE = "merge"


S = Status
TRANSITIONS: dict[tuple[Action, Status], Status] = {
    (Action.ACCEPT, S.SUBMITTED): S.ACCEPTED,  # 立案
    (Action.REJECT, S.SUBMITTED): S.REJECTED,
    (Action.DISPATCH, S.ACCEPTED): S.DISPATCHED,  # 派遣
    (Action.DISPATCH, S.DISPATCHED): S.DISPATCHED,  # re-assign before work starts
    (Action.START, S.DISPATCHED): S.IN_PROGRESS,
    (Action.RESOLVE, S.IN_PROGRESS): S.RESOLVED,  # 处置反馈
    (Action.CLOSE, S.RESOLVED): S.CLOSED,  # 核查结案
    (Action.RETURN, S.RESOLVED): S.DISPATCHED,  # 返工
    (Action.ESCALATE, S.ACCEPTED): S.ACCEPTED,  # at the parent unit
    (Action.ESCALATE, S.DISPATCHED): S.ACCEPTED,
    (Action.ESCALATE, S.IN_PROGRESS): S.ACCEPTED,
    (Action.REOPEN, S.CLOSED): S.ACCEPTED,
    (Action.RATE, S.CLOSED): S.CLOSED,
    (Action.MERGE, S.SUBMITTED): S.MERGED,  # duplicates: the surviving case carries the work
    (Action.MERGE, S.ACCEPTED): S.MERGED,
    (Action.MERGE, S.DISPATCHED): S.MERGED,
}

# Finished without a closure of their own (Open311 calls these closed too).
ENDED_STATUSES = frozenset({S.CLOSED, S.REJECTED, S.MERGED})
OPEN_STATUSES = frozenset({S.SUBMITTED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.RESOLVED})
# States in which the handling deadline runs and the sweep may escalate.
CLOCK_RUNNING = frozenset({S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS})
# Actions that need a note saying why or what was done.
NOTE_REQUIRED = frozenset({Action.REJECT, Action.RESOLVE, Action.RETURN, Action.ESCALATE})
# Actions with their own service (they need more than a note), not the generic action call.
OWN_SERVICE = frozenset({Action.MERGE})

REOPEN_WINDOW_DAYS = 7


def next_status(action: Action, current: Status) -> Status:
    """The state `action` leads to from `current`; TransitionNotAllowed if there is none."""
    try:
        return TRANSITIONS[(action, current)]
    except KeyError:
        allowed = sorted(a.value for (a, s) in TRANSITIONS if s is current)
        raise TransitionNotAllowed(
            f"cannot {action.value} a case that is {current.value}",
            action=action.value,
            status=current.value,
            allowed=allowed,
        ) from None


def allowed_actions(current: Status) -> list[Action]:
    """Every action the table allows from `current`, in a stable order."""
    return [a for a in Action if (a, current) in TRANSITIONS]


def is_open(status: Status) -> bool:
    """Whether the case still awaits work or verification."""
    return status in OPEN_STATUSES
