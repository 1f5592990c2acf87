"""Workgroups and volunteer teams: the community's desk forms teams from the helpers on its
registry, keeps their duty roster and records the hours they gave and the cases they took.
Names are read by the grid's workers and the desk; units above see totals only."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, RowMapping, func, insert, select
from sqlalchemy.exc import IntegrityError

from gridwork.domain.access import REGISTRY_EDITORS, REGISTRY_READERS, Actor
from gridwork.domain.areas import Level
from gridwork.domain.errors import Conflict, InvalidInput, NotFound
from gridwork.domain.ids import parse_id
from gridwork.domain.names import plain_name
from gridwork.domain.teams import MAX_HOURS_PER_ENTRY, MAX_SHIFT_CHARS, TeamKind
from gridwork.services.clock import utcnow
from gridwork.services.community import community_row
from gridwork.services.emergency_lists import materialise
from gridwork.services.registry import check_reader, require_role
from gridwork.store.emergency_tables import emergency_tasks
from gridwork.store.people_tables import helpers
from gridwork.store.scope import in_subtree, scope_codes, scope_filter
from gridwork.store.tables import cases
from gridwork.store.team_tables import team_duties, team_members, teams, volunteer_hours

ROSTER_DAYS = 14


def create_team(
    conn: Connection, actor: Actor, community_code: str, kind: str, name: str
) -> dict[str, Any]:
    """Form a team in a community (its desk)."""
    unit = community_row(conn, community_code)
    require_role(actor, community_code, REGISTRY_EDITORS, "form teams", f"no area {community_code}")
    if unit["level"] != Level.COMMUNITY.value:
        raise InvalidInput("a team belongs to a community", field="community_code")
    try:
        parsed = TeamKind(kind)
    except ValueError:
        names = ", ".join(k.value for k in TeamKind)
        raise InvalidInput(f"kind is one of {names}", field="kind") from None
    words = name.strip()
    if not 1 <= len(words) <= 100:
        raise InvalidInput("a team needs a name of 1–100 characters", field="name")
    plain_name(words)
    team_id = conn.execute(
        insert(teams)
        .values(community_code=community_code, kind=parsed.value, name=words, created_at=utcnow())
        .returning(teams.c.id)
    ).scalar_one()
    return {"id": team_id, "community_code": community_code, "kind": parsed.value, "name": words}


def _team(conn: Connection, actor: Actor, team_ref: str, wanted: frozenset[Any]) -> RowMapping:
    row = (
        conn.execute(select(teams).where(teams.c.id == parse_id(team_ref))).mappings().first()
        if parse_id(team_ref) is not None
        else None
    )
    if row is None:
        raise NotFound(f"no team {team_ref}")
    require_role(actor, row["community_code"], wanted, "work with this team", f"no team {team_ref}")
    return row


def _helper_of(conn: Connection, team: RowMapping, helper_id: int) -> None:
    found = conn.execute(
        select(helpers.c.id).where(
            helpers.c.id == helper_id,
            helpers.c.community_code == team["community_code"],
            helpers.c.archived_at.is_(None),
        )
    ).first()
    if found is None:
        raise InvalidInput(f"no helper {helper_id} in the team's community", field="helper_id")


def _member(conn: Connection, team_id: int, helper_id: int) -> None:
    if (
        conn.execute(
            select(team_members.c.helper_id).where(
                team_members.c.team_id == team_id, team_members.c.helper_id == helper_id
            )
        ).first()
        is None
    ):
        raise InvalidInput(f"helper {helper_id} is not in this team", field="helper_id")


def add_member(conn: Connection, actor: Actor, team_ref: str, helper_id: int) -> dict[str, Any]:
    """A helper of the community joins the team."""
    team = _team(conn, actor, team_ref, REGISTRY_EDITORS)
    _helper_of(conn, team, helper_id)
    try:
        with conn.begin_nested():
            conn.execute(
                insert(team_members).values(
                    team_id=team["id"], helper_id=helper_id, joined_at=utcnow()
                )
            )
    except IntegrityError:
        raise Conflict("already in this team", reason="member") from None
    return {"team_id": team["id"], "helper_id": helper_id}


def add_duty(
    conn: Connection, actor: Actor, team_ref: str, helper_id: int, day: date, shift: str
) -> dict[str, Any]:
    """Put a member on the duty roster."""
    team = _team(conn, actor, team_ref, REGISTRY_EDITORS)
    _member(conn, team["id"], helper_id)
    words = shift.strip()
    if not 1 <= len(words) <= MAX_SHIFT_CHARS:
        raise InvalidInput(f"say the shift in 1–{MAX_SHIFT_CHARS} characters", field="shift")
    today = utcnow().date()
    if not today - timedelta(days=1) <= day <= today + timedelta(days=366):
        raise InvalidInput("a duty is from today to a year ahead", field="day")
    duty_id = conn.execute(
        insert(team_duties)
        .values(team_id=team["id"], helper_id=helper_id, day=day, shift=words)
        .returning(team_duties.c.id)
    ).scalar_one()
    return {"id": duty_id, "helper_id": helper_id, "day": day, "shift": words}


def add_hours(
    conn: Connection,
    actor: Actor,
    team_ref: str,
    helper_id: int,
    on_date: date,
    hours: float,
    note: str | None = None,
    case_id: int | None = None,
    task_id: int | None = None,
) -> dict[str, Any]:
    """Record hours a member gave (and the case or emergency task they took, if any)."""
    team = _team(conn, actor, team_ref, REGISTRY_EDITORS)
    _member(conn, team["id"], helper_id)
    if not 0 < hours <= MAX_HOURS_PER_ENTRY:
        raise InvalidInput("hours must be more than 0 and at most 24", field="hours")
    today = utcnow().date()
    if not today - timedelta(days=366) <= on_date <= today:
        raise InvalidInput("hours are recorded for the past year, not the future", field="on_date")
    if case_id is not None:
        area = conn.execute(select(cases.c.area_code).where(cases.c.id == case_id)).scalar()
        if area is None or not actor.covers(area):
            raise InvalidInput(f"no case {case_id} you can see", field="case_id")
    if task_id is not None:
        materialise(conn, [task_id])
        grid = conn.execute(
            select(emergency_tasks.c.grid_code).where(emergency_tasks.c.id == task_id)
        ).scalar()
        if grid is None or not actor.covers(grid):
            raise InvalidInput(f"no emergency task {task_id} you can see", field="task_id")
    entry_id = conn.execute(
        insert(volunteer_hours)
        .values(
            province_code=team["community_code"][:2],
            team_id=team["id"],
            helper_id=helper_id,
            on_date=on_date,
            hours=round(hours, 2),
            note=(note or "").strip()[:2000] or None,
            case_id=case_id,
            task_id=task_id,
            recorded_by=actor.username,
            created_at=utcnow(),
        )
        .returning(volunteer_hours.c.id)
    ).scalar_one()
    return {
        "id": entry_id,
        "helper_id": helper_id,
        "hours": round(hours, 2),
        "case_id": case_id,
        "task_id": task_id,
    }


def team_view(conn: Connection, actor: Actor, team_ref: str) -> dict[str, Any]:
    """A team with its members and their hours, the coming duty roster, the cases taken."""
    team = _team(conn, actor, team_ref, REGISTRY_READERS)
    members = list(
        conn.execute(
            select(helpers.c.id, helpers.c.name, helpers.c.kind)
            .join(team_members, team_members.c.helper_id == helpers.c.id)
            .where(team_members.c.team_id == team["id"])
            .order_by(helpers.c.name, helpers.c.id)
        ).mappings()
    )
    totals: dict[int, float] = defaultdict(float)
    for helper_id, hours in conn.execute(
        select(volunteer_hours.c.helper_id, func.sum(volunteer_hours.c.hours))
        .where(volunteer_hours.c.team_id == team["id"])
        .group_by(volunteer_hours.c.helper_id)
    ).all():
        totals[int(helper_id)] = round(float(hours), 2)
    today = utcnow().date()
    roster = conn.execute(
        select(team_duties.c.day, team_duties.c.shift, helpers.c.name)
        .join(helpers, helpers.c.id == team_duties.c.helper_id)
        .where(
            team_duties.c.team_id == team["id"],
            team_duties.c.day.between(today, today + timedelta(days=ROSTER_DAYS)),
        )
        .order_by(team_duties.c.day, team_duties.c.shift)
    ).mappings()
    taken = conn.execute(
        select(cases.c.id, cases.c.reference, cases.c.status, func.sum(volunteer_hours.c.hours))
        .join(volunteer_hours, volunteer_hours.c.case_id == cases.c.id)
        .where(volunteer_hours.c.team_id == team["id"])
        .group_by(cases.c.id, cases.c.reference, cases.c.status)
        .order_by(cases.c.id.desc())
        .limit(100)
    ).all()
    tasks = conn.execute(
        select(
            emergency_tasks.c.id,
            emergency_tasks.c.emergency_id,
            emergency_tasks.c.status,
            func.sum(volunteer_hours.c.hours),
        )
        .join(volunteer_hours, volunteer_hours.c.task_id == emergency_tasks.c.id)
        .where(volunteer_hours.c.team_id == team["id"])
        .group_by(emergency_tasks.c.id, emergency_tasks.c.emergency_id, emergency_tasks.c.status)
        .order_by(emergency_tasks.c.id.desc())
        .limit(100)
    ).all()
    return {
        "id": team["id"],
        "community_code": team["community_code"],
        "kind": team["kind"],
        "name": team["name"],
        "members": [{**m, "hours": totals.get(m["id"], 0.0)} for m in members],
        "hours": round(sum(totals.values()), 2),
        "roster": [dict(r) for r in roster],
        "cases": [
            {"id": c[0], "reference": c[1], "status": c[2], "hours": round(float(c[3]), 2)}
            for c in taken
        ],
        "tasks": [
            {"id": t[0], "emergency_id": t[1], "status": t[2], "hours": round(float(t[3]), 2)}
            for t in tasks
        ],
    }


def teams_for(conn: Connection, actor: Actor, area: str | None = None) -> list[dict[str, Any]]:
    """The teams in the actor's communities with member counts and hours (no names)."""
    check_reader(actor)
    where = [scope_filter(teams.c.community_code, scope_codes(actor, REGISTRY_READERS))]
    if area:
        where.append(in_subtree(teams.c.community_code, area))
    members = (
        select(team_members.c.team_id, func.count().label("n"))
        .group_by(team_members.c.team_id)
        .subquery()
    )
    given = (
        select(volunteer_hours.c.team_id, func.sum(volunteer_hours.c.hours).label("h"))
        .group_by(volunteer_hours.c.team_id)
        .subquery()
    )
    rows = conn.execute(
        select(teams, members.c.n, given.c.h)
        .outerjoin(members, members.c.team_id == teams.c.id)
        .outerjoin(given, given.c.team_id == teams.c.id)
        .where(*where)
        .order_by(teams.c.community_code, teams.c.name)
        .limit(200)
    ).mappings()
    return [
        {
            "id": r["id"],
            "community_code": r["community_code"],
            "kind": r["kind"],
            "name": r["name"],
            "members": int(r["n"] or 0),
            "hours": round(float(r["h"] or 0), 2),
        }
        for r in rows
    ]


def hours_by_kind(conn: Connection, actor: Actor, code: str) -> dict[str, Any]:
    """Volunteer hours under a unit by team kind (anyone whose grant covers it; totals)."""
    unit = community_row(conn, code)
    if not actor.covers(code):
        raise NotFound(f"no area {code}")
    found = {k.value: {"teams": 0, "hours": 0.0} for k in TeamKind}
    for kind, number in conn.execute(
        select(teams.c.kind, func.count())
        .where(in_subtree(teams.c.community_code, code))
        .group_by(teams.c.kind)
    ).all():
        found[kind]["teams"] = int(number)
    for kind, hours in conn.execute(
        select(teams.c.kind, func.sum(volunteer_hours.c.hours))
        .join(volunteer_hours, volunteer_hours.c.team_id == teams.c.id)
        .where(in_subtree(teams.c.community_code, code))
        .group_by(teams.c.kind)
    ).all():
        found[kind]["hours"] = round(float(hours or 0), 2)
    return {"area": unit["code"], "name": unit["name"], "by_kind": found}


def helpers_for_team(conn: Connection, actor: Actor, team_ref: str) -> list[dict[str, Any]]:
    """The community's active helpers, to choose members from (the desk)."""
    team = _team(conn, actor, team_ref, REGISTRY_EDITORS)
    rows = conn.execute(
        select(helpers.c.id, helpers.c.name, helpers.c.kind)
        .where(helpers.c.community_code == team["community_code"], helpers.c.archived_at.is_(None))
        .order_by(helpers.c.name, helpers.c.id)
        .limit(500)
    ).mappings()
    return [dict(r) for r in rows]
