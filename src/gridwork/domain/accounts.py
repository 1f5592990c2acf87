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


def may_grant(actor: Actor, grant: Grant) -> bool:
    """Whether `actor` may hand out `grant`: within their subtree, and `admin` only from the
    root (a district administrator cannot make anyone more than they are)."""
    subtrees = managed_subtrees(actor)
    if grant.role is Role.ADMIN and ROOT not in subtrees:
        return False
    return (grant.area_code != ROOT and any(grant.area_code.startswith(s) for s in subtrees)) or (
        ROOT in subtrees
    )
