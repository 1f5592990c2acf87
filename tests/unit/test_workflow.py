from __future__ import annotations

import pytest

from gridwork.domain.errors import TransitionNotAllowed
from gridwork.domain.workflow import TRANSITIONS, Action, Status, allowed_actions, next_status

HAPPY_PATH = [
    (Action.ACCEPT, Status.SUBMITTED, Status.ACCEPTED),
    (Action.DISPATCH, Status.ACCEPTED, Status.DISPATCHED),
    (Action.START, Status.DISPATCHED, Status.IN_PROGRESS),
    (Action.RESOLVE, Status.IN_PROGRESS, Status.RESOLVED),
    (Action.CLOSE, Status.RESOLVED, Status.CLOSED),
    (Action.RATE, Status.CLOSED, Status.CLOSED),
]


@pytest.mark.parametrize(("action", "before", "after"), HAPPY_PATH)
def test_the_happy_path_follows_the_table(action: Action, before: Status, after: Status) -> None:
    assert next_status(action, before) is after


def test_return_sends_a_resolved_case_back_to_dispatched() -> None:
    assert next_status(Action.RETURN, Status.RESOLVED) is Status.DISPATCHED


def test_escalate_and_reopen_land_in_accepted() -> None:
    for state in (Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS):
        assert next_status(Action.ESCALATE, state) is Status.ACCEPTED
    assert next_status(Action.REOPEN, Status.CLOSED) is Status.ACCEPTED


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
def test_every_pair_outside_the_table_is_refused(action: Action, status: Status) -> None:
    if (action, status) in TRANSITIONS:
        return
    with pytest.raises(TransitionNotAllowed) as caught:
        next_status(action, status)
    assert caught.value.code == "transition_not_allowed"
    assert caught.value.details["allowed"] == sorted(a.value for a in allowed_actions(status))


def test_terminal_states_allow_almost_nothing() -> None:
    assert allowed_actions(Status.REJECTED) == []
    assert allowed_actions(Status.CLOSED) == [Action.REOPEN, Action.RATE]
