"""Who may do what: roles, the actions each may take, and what a grant covers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from gridwork.domain.workflow import Action


class Role(StrEnum):
    """A user's role within the unit of a grant."""

    GRID_WORKER = "grid_worker"
    COMMUNITY_STAFF = "community_staff"
    STREET_ADMIN = "street_admin"
    DISTRICT_ADMIN = "district_admin"
    CITY_ADMIN = "city_admin"
    AUDITOR = "auditor"
    ADMIN = "admin"
    LEGAL_STAFF = "legal_staff"  # a community's legal adviser or mediator (调解员)


_HANDLER = frozenset({Action.START, Action.RESOLVE, Action.ESCALATE})
_DESK = frozenset(Action) - {Action.RATE}

# Ratings are the resident's own verdict: staff never rate on a resident's behalf.
ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.GRID_WORKER: _HANDLER,
    Role.COMMUNITY_STAFF: _DESK,
    Role.STREET_ADMIN: _DESK,
    Role.DISTRICT_ADMIN: _DESK,
    Role.CITY_ADMIN: _DESK,
    Role.AUDITOR: frozenset(),
    Role.ADMIN: _DESK,
    Role.LEGAL_STAFF: frozenset(),
}
# What an anonymous resident holding the case secret may do with their own case.
RESIDENT_ACTIONS = frozenset({Action.RATE, Action.REOPEN})

# Roles that may create grids (and, later, edit the hierarchy below a community).
GRID_EDITORS = frozenset(
    {Role.COMMUNITY_STAFF, Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.CITY_ADMIN, Role.ADMIN}
)

ROOT = ""  # a grant at the root covers the whole country (admin only)


@dataclass(frozen=True)
class Grant:
    """A role held over one unit and everything beneath it."""

    role: Role
    area_code: str

    def covers(self, code: str | None) -> bool:
        """Whether `code` lies in this grant's subtree."""
        return code is not None and code.startswith(self.area_code)


@dataclass(frozen=True)
class Actor:
    """An authenticated user as the services see them."""

    user_id: int
    username: str
    grants: tuple[Grant, ...] = field(default_factory=tuple)

    def covers(self, code: str | None) -> bool:
        """Whether any grant covers `code`."""
        return any(g.covers(code) for g in self.grants)

    def roles_over(self, codes: Iterable[str | None]) -> set[Role]:
        """The roles the actor holds over any of `codes`."""
        wanted = [c for c in codes if c is not None]
        return {g.role for g in self.grants if any(g.covers(c) for c in wanted)}


def may_take(roles: Iterable[Role], action: Action) -> bool:
    """Whether one of `roles` permits `action`."""
    return any(action in ROLE_ACTIONS[r] for r in roles)


def may_edit_grids(roles: Iterable[Role]) -> bool:
    """Whether one of `roles` may create grids."""
    return any(r in GRID_EDITORS for r in roles)


# The people side. Least privilege: a resident's record is read by the grid's workers and the
# community's staff, who know them; administrators above see aggregates (staffing, coverage),
# and auditors see who read what, never the records themselves.
REGISTRY_READERS = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF})
REGISTRY_EDITORS = frozenset({Role.COMMUNITY_STAFF})
ACCESS_LOG_READERS = frozenset({Role.COMMUNITY_STAFF, Role.AUDITOR})
VISITORS = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF})


def holds_any(roles: Iterable[Role], wanted: frozenset[Role]) -> bool:
    """Whether one of `roles` is in `wanted`."""
    return any(r in wanted for r in roles)


# Who declares, widens, narrows and ends emergencies and reassigns their tasks.
EMERGENCY_COMMANDERS = frozenset(
    {Role.COMMUNITY_STAFF, Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.CITY_ADMIN, Role.ADMIN}
)


# Least privilege on cases. A reporter's name and phone are for the people who work the case
# (to call back, to find the place): its workers and the desk staff and supervisors of the
# units that own or handle it. Roles that take no action on cases (auditors, legal staff)
# see the case without them.
REPORTER_READERS = frozenset(r for r, actions in ROLE_ACTIONS.items() if actions)
# Whom a case may be dispatched to: a worker or a community's desk staff. Being assignee
# lets one start, resolve and escalate, so the assignee must hold one of these roles.
CASE_ASSIGNEES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF})
# Who makes welfare checks in an emergency (sees the household's address and why it comes
# first, and records whether it is safe): the grid's workers and the community's staff.
WELFARE_CHECKERS = VISITORS


def may_see_reporter(roles: Iterable[Role]) -> bool:
    """Whether one of `roles` (over a case's units, or as its assignee) shows its reporter."""
    return holds_any(roles, REPORTER_READERS)


def may_be_assigned(roles: Iterable[Role]) -> bool:
    """Whether a user holding `roles` over a case's unit may be its assignee."""
    return holds_any(roles, CASE_ASSIGNEES)


def may_check_welfare(roles: Iterable[Role]) -> bool:
    """Whether a user holding `roles` over a grid may be given, and record, its welfare checks."""
    return holds_any(roles, WELFARE_CHECKERS)
