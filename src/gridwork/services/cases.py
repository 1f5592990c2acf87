"""Cases after intake: `act_on_case`, and reading them within scope (intake is in intake.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, desc, func, or_, select, update

from gridwork.domain import cases as rules
from gridwork.domain.access import (
    CASE_ASSIGNEES,
    RESIDENT_ACTIONS,
    Actor,
    Role,
    may_be_assigned,
    may_see_reporter,
    may_take,
)
from gridwork.domain.areas import Level, ancestor_codes, is_valid_code
from gridwork.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridwork.domain.ids import parse_id
from gridwork.domain.people import Purpose
from gridwork.domain.sla import Urgency, deadline_for
from gridwork.domain.workflow import (
    CLOCK_RUNNING,
    NOTE_REQUIRED,
    OWN_SERVICE,
    Action,
    Status,
    next_status,
)
from gridwork.services.areas import escape_like
from gridwork.services.audit import Reader
from gridwork.services.case_notices import send_new_code, tell_about_case
from gridwork.services.case_views import case_summary, resident_view, staff_view
from gridwork.services.clock import utcnow
from gridwork.services.disclosure import Disclosed, disclose_case, record_change
from gridwork.services.paging import Page, PageRequest
from gridwork.services.rollups import count_event
from gridwork.services.users import keyed_hash, keyed_hashes
from gridwork.store.scope import in_subtree, scope_codes, scope_filter
from gridwork.store.tables import areas, case_events, cases, categories, grants, users

SYSTEM = "system"
RESIDENT = "resident"


@dataclass(frozen=True)
class ActionRequest:
    """One action on a case, with what it needs."""

    action: str
    note: str | None = None
    assignee: str | None = None
    rating: int | None = None
    media_url: str | None = None  # a photo already stored, e.g. of the repair
    # Staff show the note to the reporter (and the public feed, masked); None: the default
    # of the action (a reason for rejecting, what was done: addressed to the reporter).
    public_note: bool | None = None


def load_case(conn: Connection, case_id: int) -> RowMapping:
    """The case row by id; NotFound if there is none (no scope check: callers do that)."""
    row = conn.execute(select(cases).where(cases.c.id == case_id)).mappings().first()
    if row is None:
        raise NotFound(f"no case {case_id}")
    return row


def is_visible_to(actor: Actor, row: Mapping[Any, Any]) -> bool:
    """Whether the actor answers for the case: by its unit, its handling unit, or as assignee."""
    return (
        actor.covers(row["area_code"])
        or actor.covers(row["handler_unit"])
        or row["assignee_id"] == actor.user_id
    )


def roles_on_case(actor: Actor, row: Mapping[Any, Any]) -> set[Role]:
    """The roles the actor holds over the case's unit and handling unit; its assignee works it
    as a grid worker."""
    roles = actor.roles_over([row["area_code"], row["handler_unit"]])
    if row["assignee_id"] == actor.user_id:
        roles.add(Role.GRID_WORKER)
    return roles


def shows_reporter(actor: Actor, row: Mapping[Any, Any]) -> bool:
    """Whether the actor's view of the case carries the reporter's name and phone."""
    return may_see_reporter(roles_on_case(actor, row))


def case_disclosure(
    conn: Connection, actor: Actor, row: Mapping[Any, Any], action: str, *, key: str
) -> Disclosed | None:
    """The audited disclosure under which the actor sees the case's reporter, or None when
    their role does not show it (`shows_reporter`): nothing shown, nothing audited."""
    if not shows_reporter(actor, row):
        return None
    return disclose_case(conn, actor, row, action, key=key)


def _visible_filter(actor: Actor) -> Any:
    codes = scope_codes(actor)
    return or_(
        scope_filter(cases.c.area_code, codes),
        scope_filter(cases.c.handler_unit, codes),
        cases.c.assignee_id == actor.user_id,
    )


def resolve_case_id(case_ref: str) -> int:
    """The case id a reference in a path names (NotFound when it names none)."""
    number = parse_id(case_ref)
    if number is None:
        raise NotFound(f"no case {case_ref}")
    return number


def visible_case(conn: Connection, actor: Actor, case_ref: str) -> RowMapping:
    """The case `case_ref` names if the actor answers for it; NotFound for a case that is
    missing and for one out of scope alike (nothing to enumerate)."""
    row = (
        conn.execute(select(cases).where(cases.c.id == resolve_case_id(case_ref)))
        .mappings()
        .first()
    )
    if row is None or not is_visible_to(actor, row):
        raise NotFound(f"no case {case_ref}")
    return row


def get_case_for(conn: Connection, actor: Actor, case_ref: str, *, key: str) -> dict[str, Any]:
    """A case the actor may see, with its timeline; NotFound if missing or out of scope.

    The view shows the reporter's name and phone, so reading it is audited (purpose: case).
    """
    row = visible_case(conn, actor, case_ref)
    return staff_view(conn, row, case_disclosure(conn, actor, row, "read", key=key))


def _by_reference(
    conn: Connection,
    reference: str,
    secret: str,
    secret_key: str,
    previous_keys: Sequence[str] = (),
) -> RowMapping:
    row = (
        conn.execute(select(cases).where(cases.c.reference == reference.strip().upper()))
        .mappings()
        .first()
    )
    # Same answer for an unknown reference and a wrong secret: nothing to enumerate.
    if (
        row is None
        or not secret
        or row["secret_hash"] not in keyed_hashes(secret_key, previous_keys, secret)
    ):
        raise NotFound(f"no case {reference} with that secret")
    return row


def get_case_for_resident(
    conn: Connection,
    reference: str,
    secret: str,
    *,
    secret_key: str,
    previous_keys: Sequence[str] = (),
) -> dict[str, Any]:
    """A reporter's own case, by the reference and secret they were given."""
    return resident_view(conn, _by_reference(conn, reference, secret, secret_key, previous_keys))


def reissue_case_secret(
    conn: Connection,
    actor: Actor | None,
    case_ref: str,
    *,
    secret: str | None = None,
    secret_key: str,
    previous_keys: Sequence[str] = (),
) -> tuple[str, str | None]:
    """Revoke a case's follow-up code and make a new one: (reference, new secret).

    The reporter asks with the code they hold (it may have been seen by someone else);
    staff who can see the case may do it for a reporter who lost it or calls about misuse.
    Staff means the desk handling it (the roles that accept cases); they never see the new
    code (it would let them rate as the resident): it is sent to the reporter's phone, and
    the secret returned is None. The old code stops working at once. Audited.
    """
    if actor is None:
        if not secret:
            raise NotFound(f"no case {case_ref}")
        row = _by_reference(conn, case_ref, secret, secret_key, previous_keys)
        reader = Reader(None, RESIDENT)
    else:
        found = visible_case(conn, actor, case_ref)
        if not may_take(
            actor.roles_over([found["area_code"], found["handler_unit"]]), Action.ACCEPT
        ):
            raise PermissionDenied("only the desk handling the case may give a new follow-up code")
        row, reader = found, Reader.of(actor)
    version = row["secret_version"] + 1
    fresh = rules.case_secret(secret_key, row["reference"], version)
    conn.execute(
        update(cases)
        .where(cases.c.id == row["id"], cases.c.secret_version == row["secret_version"])
        .values(secret_version=version, secret_hash=keyed_hash(secret_key, fresh))
    )
    record_change(
        conn,
        reader,
        Purpose.CASE,
        "secret_reissued",
        "case",
        [row["id"]],
        key=secret_key,
    )
    if actor is not None:  # staff: the code goes to the reporter's phone, not to them
        send_new_code(conn, row, fresh, utcnow())
        return row["reference"], None
    return row["reference"], fresh


def list_cases_for(
    conn: Connection,
    actor: Actor,
    paging: PageRequest,
    *,
    area: str | None = None,
    statuses: list[str] | None = None,
    category: str | None = None,
    mine: bool = False,
    overdue: bool = False,
    escalated: bool = False,
    text: str | None = None,
    oldest_deadline_first: bool = False,
) -> Page:
    """Cases the actor may see, newest first (or most urgent first), optionally within a
    subtree, by status or category, assigned to the actor, overdue, escalated at least once,
    or matching `text` (a reference, or words in the description or address)."""
    where = [_visible_filter(actor)]
    if mine:
        where.append(cases.c.assignee_id == actor.user_id)
    if overdue:
        where.append(cases.c.status.in_([s.value for s in CLOCK_RUNNING]))
        where.append(cases.c.deadline_at < utcnow())
    if escalated:
        where.append(cases.c.escalation_count > 0)
    words = (text or "").strip()
    if words:
        if len(words) > 100:
            raise InvalidInput("search for at most 100 characters", field="q")
        pattern = "%" + escape_like(words) + "%"
        where.append(
            or_(
                cases.c.reference == words.upper(),
                cases.c.description.like(pattern, escape="\\"),
                cases.c.address.like(pattern, escape="\\"),
            )
        )
    if area:
        if not is_valid_code(area):
            raise InvalidInput(f"malformed area code {area!r}", field="area")
        where.append(in_subtree(cases.c.area_code, area))
    if statuses:
        known = {s.value for s in Status}
        unknown = [s for s in statuses if s not in known]
        if unknown:
            raise InvalidInput(f"unknown status {unknown[0]!r}", field="status")
        where.append(cases.c.status.in_(statuses))
    if category:
        where.append(cases.c.category_code == category)
    total = conn.execute(select(func.count()).select_from(cases).where(*where)).scalar_one()
    rows = conn.execute(
        select(cases)
        .where(*where)
        .order_by(
            *(
                (cases.c.deadline_at.is_(None), cases.c.deadline_at, cases.c.id)
                if oldest_deadline_first
                else (desc(cases.c.created_at), desc(cases.c.id))
            )
        )
        .limit(paging.page_size)
        .offset(paging.offset)
    ).mappings()
    return Page([case_summary(r) for r in rows], paging.page, paging.page_size, total)


def act_on_case(
    conn: Connection,
    actor: Actor | None,
    case_ref: str,
    request: ActionRequest,
    *,
    secret: str | None = None,
    secret_key: str,
    previous_keys: Sequence[str] = (),
    now: datetime | None = None,
) -> dict[str, Any]:
    """Apply one workflow action; the case changes only through the transition table."""
    now = now or utcnow()
    try:
        action = Action(request.action)
    except ValueError:
        names = ", ".join(a.value for a in Action)
        raise InvalidInput(
            f"unknown action {request.action!r}; actions are {names}", field="action"
        ) from None
    if action in OWN_SERVICE:
        raise InvalidInput(
            "merge a duplicate with POST /api/v1/cases/{id}/merge {into}", field="action"
        )
    if actor is None:
        if secret is None:
            raise NotFound(f"no case {case_ref}")
        row = _by_reference(conn, case_ref, secret, secret_key, previous_keys)
        if action not in RESIDENT_ACTIONS:
            raise PermissionDenied(f"a resident may only {' or '.join(sorted(RESIDENT_ACTIONS))}")
        label = RESIDENT
    else:
        found = visible_case(conn, actor, case_ref)
        row = found
        require_action(actor, row, action)
        label = actor.username
    apply_action(
        conn,
        row,
        action,
        request,
        actor_id=actor.user_id if actor else None,
        actor_label=label,
        now=now,
    )
    fresh = load_case(conn, row["id"])
    if actor is None:  # the reporter, holding their case's secret: their own data
        return resident_view(conn, fresh)
    return staff_view(conn, fresh, case_disclosure(conn, actor, fresh, "acted", key=secret_key))


def require_action(actor: Actor, row: RowMapping, action: Action) -> None:
    """PermissionDenied unless one of the actor's roles over the case (or its assignment to
    them) permits `action`."""
    if not may_take(roles_on_case(actor, row), action):
        raise PermissionDenied(f"your role may not {action.value} this case")


OUTWARD_BY_DEFAULT = frozenset({Action.REJECT, Action.RESOLVE})


def _outward(action: Action, asked: bool | None) -> bool:
    """Whether a staff note is addressed outward (to the reporter and the public feed)."""
    return action in OUTWARD_BY_DEFAULT if asked is None else asked


def apply_action(
    conn: Connection,
    row: RowMapping,
    action: Action,
    request: ActionRequest,
    *,
    actor_id: int | None,
    actor_label: str,
    now: datetime,
) -> None:
    """Move a case (already authorised) through `action` and append its event."""
    current = Status(row["status"])
    target = next_status(action, current)
    note = (request.note or "").strip() or None
    if action in NOTE_REQUIRED and note is None:
        raise InvalidInput(f"{action.value} needs a note saying why or what was done", field="note")
    values: dict[str, Any] = {"status": target.value, "updated_at": now}
    unit = row["area_code"]
    rating: int | None = None
    if action is Action.ACCEPT:
        values.update(accepted_at=now, deadline_at=_deadline(conn, row, now))
    elif action is Action.DISPATCH:
        values.update(_assignment(conn, row, request.assignee))
    elif action is Action.RESOLVE:
        values["resolved_at"] = now
    elif action is Action.CLOSE:
        values["closed_at"] = now
    elif action is Action.RETURN:
        values.update(resolved_at=None, return_count=row["return_count"] + 1)
    elif action is Action.ESCALATE:
        unit = _escalation_unit(conn, row["area_code"])
        values.update(
            area_code=unit,
            handler_unit=None,
            assignee_id=None,
            accepted_at=now,
            deadline_at=_deadline(conn, row, now),
            escalation_count=row["escalation_count"] + 1,
        )
    elif action is Action.REOPEN:
        rules.check_reopen_window(row["closed_at"], now)
        values.update(
            closed_at=None,
            resolved_at=None,
            rating=None,
            rating_comment=None,
            handler_unit=None,
            assignee_id=None,
            accepted_at=now,
            deadline_at=_deadline(conn, row, now),
            reopen_count=row["reopen_count"] + 1,
        )
    elif action is Action.RATE:
        if row["rating"] is not None:
            raise Conflict("this case has already been rated", reason="already_rated")
        rating = rules.check_rating(request.rating)
        values.update(rating=rating, rating_comment=note)
    seq = row["event_count"] + 1
    values["event_count"] = seq
    public = bool(note and actor_id is not None and _outward(action, request.public_note))
    # Optimistic lock: the update only lands if nobody acted since we read the row.
    changed = conn.execute(
        update(cases)
        .where(cases.c.id == row["id"], cases.c.event_count == row["event_count"])
        .values(**values)
    ).rowcount
    if changed != 1:
        raise Conflict("the case changed while you were acting on it; reload and try again")
    conn.execute(
        case_events.insert().values(
            case_id=row["id"],
            province_code=row["province_code"],
            seq=seq,
            action=action.value,
            actor_id=actor_id,
            actor_label=actor_label,
            at=now,
            from_status=current.value,
            to_status=target.value,
            area_code=unit,
            note=note,
            rating=rating,
            media_url=request.media_url,
            # Only staff publish a note, and only by saying so; a resident's words (a
            # rating comment, a reason to reopen) are never public.
            public=public,
        )
    )
    count_event(conn, row, action.value, now, rating=rating)
    outward = note if public else None
    tell_about_case(conn, row, action.value, outward, values.get("assignee_id"), now)


def _deadline(conn: Connection, row: RowMapping, now: datetime) -> datetime:
    urgency = conn.execute(
        select(categories.c.urgency).where(categories.c.code == row["category_code"])
    ).scalar_one()
    return deadline_for(Urgency(urgency), now)


def _escalation_unit(conn: Connection, code: str) -> str:
    level = Level(conn.execute(select(areas.c.level).where(areas.c.code == code)).scalar_one())
    if not rules.can_escalate_from(level):
        raise Conflict(
            "the case is owned by a city and cannot be escalated further",
            reason="top_of_hierarchy",
        )
    rows = conn.execute(
        select(areas.c.code, areas.c.level, areas.c.is_pseudo)
        .where(areas.c.code.in_(ancestor_codes(code)))
        .order_by(areas.c.code)
    ).all()
    return rules.escalation_target([(r.code, Level(r.level), bool(r.is_pseudo)) for r in rows])


def _assignment(conn: Connection, row: RowMapping, assignee: str | None) -> dict[str, Any]:
    """Dispatch to a unit (a code within the case's subtree) or a user on the same branch."""
    target = (assignee or "").strip()
    if not target:
        raise InvalidInput(
            "dispatch needs an assignee: a unit code or a username", field="assignee"
        )
    unit = row["area_code"]
    if is_valid_code(target):
        if (
            not target.startswith(unit)
            or conn.execute(select(areas.c.code).where(areas.c.code == target)).first() is None
        ):
            raise InvalidInput(f"{target} is not a unit within {unit}", field="assignee")
        return {"handler_unit": target, "assignee_id": None}
    user = conn.execute(
        select(users.c.id).where(users.c.username == target, users.c.is_active.is_(True))
    ).first()
    if user is None:
        raise InvalidInput(f"no user {target!r}", field="assignee")
    held = conn.execute(
        select(grants.c.role, grants.c.area_code).where(grants.c.user_id == user.id)
    ).all()
    on_branch = [g for g in held if g.area_code.startswith(unit) or unit.startswith(g.area_code)]
    if not on_branch:
        raise InvalidInput(f"{target} does not work within {unit}", field="assignee")
    if not may_be_assigned(Role(g.role) for g in on_branch):
        raise InvalidInput(f"{target}'s role does not work cases", field="assignee")
    return {"assignee_id": user.id, "handler_unit": None}


def actions_for(actor: Actor, view: dict[str, Any]) -> list[str]:
    """The actions a staff view's reader may take on the case now (its state allows them
    and one of the reader's roles over the case permits them)."""
    roles = actor.roles_over([view["area_code"], view["handler_unit"]])
    if view["assignee"] is not None and view["assignee"] == actor.username:
        roles.add(Role.GRID_WORKER)
    return [
        name
        for name in view["allowed_actions"]
        if Action(name) not in RESIDENT_ACTIONS | OWN_SERVICE and may_take(roles, Action(name))
    ]


def dispatch_targets(conn: Connection, view: dict[str, Any]) -> list[dict[str, str]]:
    """Whom a case may be dispatched to: the active workers and staff on its branch, then
    the units below it."""
    unit = view["area_code"]
    people = conn.execute(
        select(users.c.username, grants.c.role, grants.c.area_code)
        .join(grants, grants.c.user_id == users.c.id)
        .where(
            users.c.is_active.is_(True),
            grants.c.role.in_(sorted(r.value for r in CASE_ASSIGNEES)),
            or_(in_subtree(grants.c.area_code, unit), grants.c.area_code == unit[:12]),
        )
        .order_by(grants.c.area_code, users.c.username)
    ).all()
    units = conn.execute(
        select(areas.c.code, areas.c.name).where(areas.c.parent_code == unit).order_by(areas.c.code)
    ).all()
    return [
        {"value": p.username, "label": p.username, "role": p.role, "area": p.area_code}
        for p in people
    ] + [{"value": u.code, "label": u.name, "role": "unit", "area": u.code} for u in units]
