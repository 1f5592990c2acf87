"""Community services: facility records (public), and residents' proposals, their support
and the staff's answers, with the public tally of what was asked and what was done."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, desc, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from gridwork.domain.access import Actor
from gridwork.domain.areas import Level, is_valid_code
from gridwork.domain.community import (
    COMMUNITY_KEEPERS,
    FacilityKind,
    ProposalStatus,
    answer_due,
    may_answer,
)
from gridwork.domain.errors import Conflict, InvalidInput, NotFound
from gridwork.domain.ids import parse_id
from gridwork.domain.names import plain_name
from gridwork.domain.publication import mask_text
from gridwork.services.clock import utcnow
from gridwork.services.intake import Report, submit_report_once
from gridwork.services.registry import require_role
from gridwork.services.users import keyed_hash
from gridwork.store.community_tables import facilities, proposal_supports, proposals
from gridwork.store.people_tables import residents
from gridwork.store.scope import in_subtree
from gridwork.store.tables import areas

FACILITY_FIELDS = ("name", "address", "lat", "lng", "opening_hours", "capacity", "run_by")
PUBLIC_LIMIT = 200


def community_row(conn: Connection, code: str) -> RowMapping:
    """The unit `code` (code, name, level), or NotFound."""
    row = (
        conn.execute(select(areas.c.code, areas.c.name, areas.c.level).where(areas.c.code == code))
        .mappings()
        .first()
        if is_valid_code(code)
        else None
    )
    if row is None:
        raise NotFound(f"no area {code}")
    return row


def _checked_facility(values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key in FACILITY_FIELDS:
        if key not in values:
            continue
        value = values[key]
        if isinstance(value, str):
            value = value.strip() or None
        clean[key] = value
    if "name" in clean and not clean["name"]:
        raise InvalidInput("a facility needs a name", field="name")
    for key in ("name", "run_by"):
        if isinstance(clean.get(key), str):
            plain_name(clean[key], field=key)
    lat, lng = clean.get("lat"), clean.get("lng")
    if (lat is None) != (lng is None):
        raise InvalidInput("give both lat and lng, or neither", field="lat")
    if lat is not None and lng is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise InvalidInput("lat must lie in -90..90 and lng in -180..180", field="lat")
    if clean.get("capacity") is not None and not 0 <= clean["capacity"] <= 100_000:
        raise InvalidInput("capacity must be from 0 to 100,000", field="capacity")
    return clean


def create_facility(
    conn: Connection, actor: Actor, community_code: str, kind: str, values: dict[str, Any]
) -> dict[str, Any]:
    """Record a facility of a community (its staff and the administrators above)."""
    unit = community_row(conn, community_code)
    require_role(
        actor,
        community_code,
        COMMUNITY_KEEPERS,
        "keep facility records",
        f"no area {community_code}",
    )
    if unit["level"] != Level.COMMUNITY.value:
        raise InvalidInput("a facility belongs to a community", field="community_code")
    try:
        parsed = FacilityKind(kind)
    except ValueError:
        names = ", ".join(k.value for k in FacilityKind)
        raise InvalidInput(f"kind is one of {names}", field="kind") from None
    clean = _checked_facility(values)
    if not clean.get("name"):
        raise InvalidInput("a facility needs a name", field="name")
    now = utcnow()
    facility_id = conn.execute(
        facilities.insert()
        .values(
            province_code=community_code[:2],
            community_code=community_code,
            kind=parsed.value,
            created_at=now,
            updated_at=now,
            **clean,
        )
        .returning(facilities.c.id)
    ).scalar_one()
    return _facility_view(_facility(conn, facility_id))


def _facility(conn: Connection, facility_id: int | None) -> RowMapping:
    row = (
        conn.execute(select(facilities).where(facilities.c.id == facility_id)).mappings().first()
        if facility_id is not None
        else None
    )
    if row is None:
        raise NotFound(f"no facility {facility_id}")
    return row


def update_facility(
    conn: Connection, actor: Actor, facility_ref: str, values: dict[str, Any]
) -> dict[str, Any]:
    """Change a facility's details, or archive it (`archived: true`)."""
    row = _facility(conn, parse_id(facility_ref))
    require_role(
        actor,
        row["community_code"],
        COMMUNITY_KEEPERS,
        "keep facility records",
        f"no facility {facility_ref}",
    )
    clean = _checked_facility({**{k: row[k] for k in ("lat", "lng")}, **values})
    now = utcnow()
    if values.get("archived") is True:
        clean["archived_at"] = now
    conn.execute(
        update(facilities).where(facilities.c.id == row["id"]).values(updated_at=now, **clean)
    )
    return _facility_view(_facility(conn, row["id"]))


def _facility_view(row: RowMapping) -> dict[str, Any]:
    return {
        "id": row["id"],
        "community_code": row["community_code"],
        "kind": row["kind"],
        **{k: row[k] for k in FACILITY_FIELDS},
        "archived": row["archived_at"] is not None,
    }


def facilities_of(conn: Connection, code: str) -> dict[str, Any]:
    """The facilities of a unit's communities (public: places, hours, who runs them)."""
    unit = community_row(conn, code)
    rows = conn.execute(
        select(facilities)
        .where(in_subtree(facilities.c.community_code, code), facilities.c.archived_at.is_(None))
        .order_by(facilities.c.community_code, facilities.c.kind, facilities.c.id)
        .limit(PUBLIC_LIMIT)
    ).mappings()
    return {"area": unit["code"], "name": unit["name"], "items": [_facility_view(r) for r in rows]}


def resident_of(
    conn: Connection,
    community_code: str,
    *,
    phone: str | None = None,
    resident_id: int | None = None,
) -> RowMapping:
    """A current resident on the community's registry, found by the phone a resident signed
    in with or by the registry number staff give; NotFound otherwise."""
    where = [
        residents.c.anonymised_at.is_(None),
        residents.c.archived_at.is_(None),
        in_subtree(residents.c.grid_code, community_code),
        residents.c.phone == phone if phone is not None else residents.c.id == resident_id,
    ]
    row = conn.execute(select(residents).where(*where).limit(1)).mappings().first()
    if row is None:
        raise NotFound(
            f"your phone is not on the registry of community {community_code}"
            if phone is not None
            else f"no resident {resident_id} in community {community_code}"
        )
    return row


def propose(
    conn: Connection, phone: str, community_code: str, title: str, body: str, *, secret_key: str
) -> dict[str, Any]:
    """A resident of the community proposes an improvement (their phone is kept only as a
    keyed hash, to stop them supporting their own proposal twice)."""
    unit = community_row(conn, community_code)
    if unit["level"] != Level.COMMUNITY.value:
        raise InvalidInput("a proposal is made to a community", field="community_code")
    resident_of(conn, community_code, phone=phone)
    title, body = title.strip(), body.strip()
    if not 1 <= len(title) <= 100:
        raise InvalidInput("title must be 1–100 characters", field="title")
    if not 1 <= len(body) <= 4000:
        raise InvalidInput("say what you propose, in up to 4,000 characters", field="body")
    now = utcnow()
    who = keyed_hash(secret_key, f"proposer:{phone}")
    proposal_id = conn.execute(
        proposals.insert()
        .values(
            province_code=community_code[:2],
            community_code=community_code,
            title=title,
            body=body,
            proposer_hash=who,
            status=ProposalStatus.OPEN.value,
            supporters=1,
            answer_due_at=answer_due(now),
            created_at=now,
        )
        .returning(proposals.c.id)
    ).scalar_one()
    conn.execute(
        proposal_supports.insert().values(
            proposal_id=proposal_id,
            supporter_hash=keyed_hash(secret_key, f"supporter:{phone}"),
            at=now,
        )
    )
    return _proposal_view(_proposal(conn, proposal_id))


def _proposal(conn: Connection, proposal_id: int | None) -> RowMapping:
    row = (
        conn.execute(select(proposals).where(proposals.c.id == proposal_id)).mappings().first()
        if proposal_id is not None
        else None
    )
    if row is None:
        raise NotFound(f"no proposal {proposal_id}")
    return row


def support(conn: Connection, phone: str, proposal_ref: str, *, secret_key: str) -> dict[str, Any]:
    """Another resident of the community supports a proposal (one each)."""
    row = _proposal(conn, parse_id(proposal_ref))
    resident_of(conn, row["community_code"], phone=phone)
    try:
        with conn.begin_nested():
            conn.execute(
                proposal_supports.insert().values(
                    proposal_id=row["id"],
                    supporter_hash=keyed_hash(secret_key, f"supporter:{phone}"),
                    at=utcnow(),
                )
            )
    except IntegrityError:
        raise Conflict("you support this proposal already", reason="already_supported") from None
    conn.execute(
        update(proposals)
        .where(proposals.c.id == row["id"])
        .values(supporters=proposals.c.supporters + 1)
    )
    return _proposal_view(_proposal(conn, row["id"]))


def answer(
    conn: Connection,
    actor: Actor,
    proposal_ref: str,
    status: str,
    text: str,
    *,
    category: str = "other",
    secret_key: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Staff answer: considering, accepted (it becomes a case: the work), or declined (with
    reasons). Settled proposals stay settled."""
    now = now or utcnow()
    row = _proposal(conn, parse_id(proposal_ref))
    require_role(
        actor,
        row["community_code"],
        COMMUNITY_KEEPERS,
        "answer proposals",
        f"no proposal {proposal_ref}",
    )
    try:
        wanted = ProposalStatus(status)
    except ValueError:
        raise InvalidInput("answer considering, accepted or declined", field="status") from None
    if not may_answer(ProposalStatus(row["status"]), wanted):
        raise Conflict(f"this proposal is {row['status']} already", reason="settled")
    words = text.strip()
    if not 1 <= len(words) <= 4000:
        raise InvalidInput("write the answer residents will read", field="answer")
    case_id = row["case_id"]
    if wanted is ProposalStatus.ACCEPTED and case_id is None:
        made = submit_report_once(
            conn,
            actor,
            Report(
                category=category,
                description=f"[proposal #{row['id']}] {row['title']}: {row['body']}"[:4000],
                area_code=row["community_code"],
                channel="web",
            ),
            secret_key=secret_key,
        )
        case_id = made.row["id"]
    conn.execute(
        update(proposals)
        .where(proposals.c.id == row["id"])
        .values(
            status=wanted.value,
            answer=words,
            answered_by=actor.username,
            answered_at=row["answered_at"] or now,
            case_id=case_id,
        )
    )
    return _proposal_view(_proposal(conn, row["id"]))


def _proposal_view(row: RowMapping) -> dict[str, Any]:
    """A proposal as anyone may see it: no proposer or supporter identities, and the
    publication rule's masking of phones, ID numbers and e-mail addresses in its text."""
    return {
        "id": row["id"],
        "community_code": row["community_code"],
        "title": mask_text(row["title"]),
        "body": mask_text(row["body"]),
        "status": row["status"],
        "supporters": row["supporters"],
        "answer": mask_text(row["answer"]),
        "answered_at": row["answered_at"],
        "answer_due_at": row["answer_due_at"],
        "case_id": row["case_id"],
        "created_at": row["created_at"],
    }


def demands(conn: Connection, code: str) -> dict[str, Any]:
    """What residents asked for and what was done, for a community or any unit above it:
    counts by status, answers on time, and the proposals, newest first (public)."""
    unit = community_row(conn, code)
    where = in_subtree(proposals.c.community_code, code)
    counts = dict.fromkeys((s.value for s in ProposalStatus), 0)
    for status, number in conn.execute(
        select(proposals.c.status, func.count()).where(where).group_by(proposals.c.status)
    ).all():
        counts[status] = int(number)
    on_time = conn.execute(
        select(func.count()).where(
            where,
            proposals.c.answered_at.is_not(None),
            proposals.c.answered_at <= proposals.c.answer_due_at,
        )
    ).scalar_one()
    rows = conn.execute(
        select(proposals)
        .where(where)
        .order_by(desc(proposals.c.created_at), desc(proposals.c.id))
        .limit(PUBLIC_LIMIT)
    ).mappings()
    return {
        "area": unit["code"],
        "name": unit["name"],
        "total": sum(counts.values()),
        "by_status": counts,
        "answered_on_time": int(on_time),
        "items": [_proposal_view(r) for r in rows],
    }


def proposals_for(conn: Connection, actor: Actor) -> list[dict[str, Any]]:
    """Proposals in the communities the actor answers for: unanswered first (the nearest
    deadline first), then the rest, newest first."""
    codes = [g.area_code for g in actor.grants if g.role in COMMUNITY_KEEPERS]
    if not codes:
        return []
    settled = proposals.c.status.in_(["accepted", "declined"])
    rows = conn.execute(
        select(proposals)
        .where(or_(*(in_subtree(proposals.c.community_code, c) for c in codes)))
        .order_by(settled, proposals.c.answer_due_at, desc(proposals.c.id))
        .limit(PUBLIC_LIMIT)
    ).mappings()
    return [_proposal_view(r) for r in rows]


def facilities_kept_by(conn: Connection, actor: Actor) -> list[dict[str, Any]]:
    """Every facility (archived too) in the communities the actor keeps, for the desk."""
    codes = [g.area_code for g in actor.grants if g.role in COMMUNITY_KEEPERS]
    if not codes:
        return []
    rows = conn.execute(
        select(facilities)
        .where(or_(*(in_subtree(facilities.c.community_code, c) for c in codes)))
        .order_by(
            facilities.c.community_code, facilities.c.archived_at.is_not(None), facilities.c.id
        )
        .limit(PUBLIC_LIMIT)
    ).mappings()
    return [_facility_view(r) for r in rows]
