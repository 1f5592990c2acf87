"""Who may manage whose account: administrators, over users whose grants lie in their subtree."""

from __future__ import annotations

from collections.abc import Iterable

from gridwork.domain.access import ROOT, Actor, Grant, Role

# Roles whose holders create, end and re-grant staff accounts within their unit's subtree.
USER_MANAGERS = frozenset({Role.ADMIN, Role.CITY_ADMIN, Role.DISTRICT_ADMIN})


def managed_subtrees(actor: Actor) -> list[str]:
    """The area codes under which `actor` manages accounts (empty: they manage none)."""
    return [g.area_code for g in actor.grants if g.role in USER_MANAGERS]


def is_manager(actor: Actor) -> bool:
    """Whether `actor` may manage any accounts at all."""
    return bool(managed_subtrees(actor))


def may_manage(actor: Actor, grants: Iterable[Grant]) -> bool:
    """Whether `actor` may manage a user holding `grants`: each of them lies within one of the
    actor's managed subtrees. A user with no grant left is managed from the root only."""
    subtrees = managed_subtrees(actor)
    held = list(grants)
    if not held:
        return ROOT in subtrees
    return all(any(g.area_code.startswith(s) for s in subtrees) for g in held)


# A manager hands out only roles below their own: the country's admin any, a city
# administrator district administrators and below, a district administrator no manager role.
_MANAGER_RANK = {Role.ADMIN: 3, Role.CITY_ADMIN: 2, Role.DISTRICT_ADMIN: 1}
# The unit levels (code lengths) a role is granted at by an administrator, so that a
# community's registry cannot be opened to a whole district by granting `community_staff`
# there. (`gridwork users` on the command line is the operator's and not bound by it.)
ROLE_CODE_LENGTHS: dict[Role, frozenset[int]] = {
    Role.GRID_WORKER: frozenset({12, 15}),
    Role.COMMUNITY_STAFF: frozenset({12}),
    Role.LEGAL_STAFF: frozenset({12}),
    Role.STREET_ADMIN: frozenset({9}),
    Role.DISTRICT_ADMIN: frozenset({6}),
    Role.CITY_ADMIN: frozenset({4}),
    Role.AUDITOR: frozenset({4, 6, 9, 12, 15}),
    Role.ADMIN: frozenset({0, 2}),
}


def _rank(actor: Actor) -> int:
    return max((_MANAGER_RANK.get(g.role, 0) for g in actor.grants), default=0)


def may_grant(actor: Actor, grant: Grant, *, removing: bool = False) -> bool:
    """Whether `actor` may hand out (or, `removing`, take back) `grant`: within their
    subtree, a role below their own (a district administrator cannot make anyone as much as
    they are), and, when handing out, at a unit of the role's level."""
    subtrees = managed_subtrees(actor)
    if _MANAGER_RANK.get(grant.role, 0) >= _rank(actor):
        return False
    if not removing and len(grant.area_code) not in ROLE_CODE_LENGTHS[grant.role]:
        return False
    return (grant.area_code != ROOT and any(grant.area_code.startswith(s) for s in subtrees)) or (
        ROOT in subtrees
    )
