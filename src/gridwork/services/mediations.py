"""Dispute mediation: opened by the community's legal staff with the parties (who consent),
a mediator, sessions and an outcome. Every read of a mediation's content is audited; only
its mediator and legal staff over its community may read it; everyone else sees counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, desc, func, or_, select, update

from gridwork.domain.access import Actor
from gridwork.domain.areas import Level
from gridwork.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridwork.domain.ids import parse_id
from gridwork.domain.mediation import (
    MAX_PARTIES,
    MEDIATION_LOG_READERS,
    MEDIATORS,
    OPEN,
    PARTY_ROLES,
    DisputeKind,
    Outcome,
    may_hold_sessions,
    may_read,
)
from gridwork.services.audit import reads_of
from gridwork.services.clock import utcnow
from gridwork.services.community import community_row
from gridwork.services.disclosure import MEDIATION, Disclosed, disclose
from gridwork.services.registry import require_role
from gridwork.services.users import actor_for_username
from gridwork.store.mediation_tables import mediation_parties, mediation_sessions, mediations
from gridwork.store.scope import in_subtree

PURPOSE = "mediation"
LIST_LIMIT = 200


def _party(value: dict[str, Any]) -> dict[str, Any]:
    role = str(value.get("role") or "")
    if role not in PARTY_ROLES:
        raise InvalidInput("a party is an applicant or a respondent", field="parties")
    name = str(value.get("name") or "").strip()
    if not 1 <= len(name) <= 100:
        raise InvalidInput("each party needs a name (up to 100 characters)", field="parties")
    phone = str(value.get("phone") or "").strip() or None
    if phone is not None and not (
        phone.lstrip("+").replace(" ", "").isdigit() and len(phone) <= 30
    ):
        raise InvalidInput("a party's phone is digits only", field="parties")
    return {"role": role, "name": name, "phone": phone, "consented": bool(value.get("consented"))}


def open_mediation(
    conn: Connection,
    actor: Actor,
    community_code: str,
    kind: str,
    summary: str,
    parties: list[dict[str, Any]],
    mediator: str | None = None,
    *,
    key: str,
) -> dict[str, Any]:
    """Legal staff open a mediation in their community, naming the parties and the mediator
    (a legal staff member over the community; themselves by default). The answer names the
    parties, so it is audited."""
    unit = community_row(conn, community_code)
    require_role(actor, community_code, MEDIATORS, "open mediations", f"no area {community_code}")
    if unit["level"] != Level.COMMUNITY.value:
        raise InvalidInput("a mediation belongs to a community", field="community_code")
    try:
        parsed = DisputeKind(kind)
    except ValueError:
        names = ", ".join(k.value for k in DisputeKind)
        raise InvalidInput(f"kind is one of {names}", field="kind") from None
    words = summary.strip()
    if not 1 <= len(words) <= 4000:
        raise InvalidInput(
            "say what the dispute is about (up to 4,000 characters)", field="summary"
        )
    if not 2 <= len(parties) <= MAX_PARTIES:
        raise InvalidInput(f"a mediation has 2 to {MAX_PARTIES} parties", field="parties")
    clean = [_party(p) for p in parties]
    if {p["role"] for p in clean} != set(PARTY_ROLES):
        raise InvalidInput("name at least one applicant and one respondent", field="parties")
    mediator_id = actor.user_id
    if mediator and mediator != actor.username:
        chosen = actor_for_username(conn, mediator)
        if chosen is None or not any(
            g.role in MEDIATORS and g.covers(community_code) for g in chosen.grants
        ):
            raise InvalidInput(
                f"{mediator} is not legal staff of community {community_code}", field="mediator"
            )
        mediator_id = chosen.user_id
    now = utcnow()
    mediation_id = conn.execute(
        mediations.insert()
        .values(
            province_code=community_code[:2],
            community_code=community_code,
            kind=parsed.value,
            summary=words,
            mediator_id=mediator_id,
            status=OPEN,
            opened_by=actor.username,
            created_at=now,
        )
        .returning(mediations.c.id)
    ).scalar_one()
    conn.execute(
        mediation_parties.insert(),
        [
            {
                "mediation_id": mediation_id,
                "role": p["role"],
                "name": p["name"],
                "phone": p["phone"],
                "consented_at": now if p["consented"] else None,
            }
            for p in clean
        ],
    )
    disclosed = disclose(conn, actor, PURPOSE, "opened", MEDIATION, [mediation_id], key=key)
    return _view(conn, _mediation(conn, mediation_id), disclosed)


def _mediation(conn: Connection, mediation_id: int | None) -> RowMapping:
    row = (
        conn.execute(select(mediations).where(mediations.c.id == mediation_id)).mappings().first()
        if mediation_id is not None
        else None
    )
    if row is None:
        raise NotFound(f"no mediation {mediation_id}")
    return row


def _readable(conn: Connection, actor: Actor, reference: str) -> RowMapping:
    """The mediation, if the actor may read it: 404 outside their units, 403 inside them
    without the role (the desk and administrators above see counts only)."""
    row = _mediation(conn, parse_id(reference))
    if may_read(actor, row["community_code"], row["mediator_id"]):
        return row
    if not actor.covers(row["community_code"]):
        raise NotFound(f"no mediation {reference}")
    raise PermissionDenied("mediations are read only by their mediator and legal staff")


def _view(conn: Connection, row: RowMapping, disclosed: Disclosed) -> dict[str, Any]:
    disclosed.require(MEDIATION, row["id"])
    parties = conn.execute(
        select(mediation_parties)
        .where(mediation_parties.c.mediation_id == row["id"])
        .order_by(mediation_parties.c.id)
    ).mappings()
    sessions = conn.execute(
        select(mediation_sessions)
        .where(mediation_sessions.c.mediation_id == row["id"])
        .order_by(mediation_sessions.c.held_at, mediation_sessions.c.id)
    ).mappings()
    return {
        **_summary(row),
        "summary": row["summary"],
        "outcome_note": row["outcome_note"],
        "parties": [
            {
                "id": p["id"],
                "role": p["role"],
                "name": p["name"],
                "phone": p["phone"],
                "consented_at": p["consented_at"],
            }
            for p in parties
        ],
        "sessions": [
            {
                "id": s["id"],
                "held_at": s["held_at"],
                "place": s["place"],
                "note": s["note"],
                "recorded_by": s["recorded_by"],
            }
            for s in sessions
        ],
    }


def _summary(row: RowMapping) -> dict[str, Any]:
    """What a list shows: no party, no content."""
    return {
        "id": row["id"],
        "community_code": row["community_code"],
        "kind": row["kind"],
        "status": row["status"],
        "mediator_id": row["mediator_id"],
        "opened_by": row["opened_by"],
        "created_at": row["created_at"],
        "closed_at": row["closed_at"],
    }


def read_mediation(conn: Connection, actor: Actor, reference: str, *, key: str) -> dict[str, Any]:
    """One mediation in full; the read is audited."""
    row = _readable(conn, actor, reference)
    disclosed = disclose(conn, actor, PURPOSE, "read", MEDIATION, [row["id"]], key=key)
    return _view(conn, row, disclosed)


def _open_only(row: RowMapping) -> None:
    if row["status"] != OPEN:
        raise Conflict(f"this mediation ended ({row['status']})", reason="ended")


def record_consent(
    conn: Connection, actor: Actor, reference: str, party_id: str, *, key: str
) -> dict[str, Any]:
    """A party consents to mediation (recorded by the mediator or legal staff)."""
    row = _readable(conn, actor, reference)
    _open_only(row)
    party = conn.execute(
        select(mediation_parties.c.id, mediation_parties.c.consented_at).where(
            mediation_parties.c.id == parse_id(party_id),
            mediation_parties.c.mediation_id == row["id"],
        )
    ).first()
    if party is None:
        raise NotFound(f"no party {party_id} in mediation {reference}")
    if party.consented_at is None:  # the first consent is the one recorded
        conn.execute(
            update(mediation_parties)
            .where(mediation_parties.c.id == party.id)
            .values(consented_at=utcnow())
        )
    return read_mediation(conn, actor, reference, key=key)


def add_session(
    conn: Connection,
    actor: Actor,
    reference: str,
    held_at: datetime,
    place: str | None,
    note: str | None,
    *,
    key: str,
) -> dict[str, Any]:
    """Record a session; only once every party has consented."""
    row = _readable(conn, actor, reference)
    _open_only(row)
    consents = [
        c is not None
        for c in conn.execute(
            select(mediation_parties.c.consented_at).where(
                mediation_parties.c.mediation_id == row["id"]
            )
        ).scalars()
    ]
    if not may_hold_sessions(consents):
        raise Conflict("every party must consent before a session", reason="no_consent")
    if held_at.tzinfo is None:
        raise InvalidInput("give held_at with its time zone", field="held_at")
    if not row["created_at"].year <= held_at.year <= 2999:
        raise InvalidInput("held_at is not a plausible date", field="held_at")
    conn.execute(
        mediation_sessions.insert().values(
            mediation_id=row["id"],
            held_at=held_at,
            place=(place or "").strip()[:200] or None,
            note=(note or "").strip()[:4000] or None,
            recorded_by=actor.username,
        )
    )
    return read_mediation(conn, actor, reference, key=key)


def close_mediation(
    conn: Connection, actor: Actor, reference: str, outcome: str, note: str, *, key: str
) -> dict[str, Any]:
    """End the mediation: a written agreement, referral to legal aid or court, or withdrawn."""
    row = _readable(conn, actor, reference)
    _open_only(row)
    try:
        parsed = Outcome(outcome)
    except ValueError:
        names = ", ".join(o.value for o in Outcome)
        raise InvalidInput(f"outcome is one of {names}", field="outcome") from None
    words = note.strip()
    if parsed is Outcome.AGREEMENT and not words:
        raise InvalidInput("write down what the parties agreed", field="note")
    conn.execute(
        update(mediations)
        .where(mediations.c.id == row["id"])
        .values(status=parsed.value, outcome_note=words[:4000] or None, closed_at=utcnow())
    )
    return read_mediation(conn, actor, reference, key=key)


def mediations_for(conn: Connection, actor: Actor) -> list[dict[str, Any]]:
    """The mediations the actor may read (as mediator or legal staff): open ones first."""
    codes = [g.area_code for g in actor.grants if g.role in MEDIATORS]
    if not codes:
        raise PermissionDenied("mediations are read only by their mediator and legal staff")
    where = [mediations.c.mediator_id == actor.user_id]
    where += [in_subtree(mediations.c.community_code, c) for c in codes]
    rows = conn.execute(
        select(mediations)
        .where(or_(*where))
        .order_by(mediations.c.status != OPEN, desc(mediations.c.created_at))
        .limit(LIST_LIMIT)
    ).mappings()
    return [_summary(r) for r in rows]


def mediation_counts(conn: Connection, actor: Actor, code: str) -> dict[str, Any]:
    """Counts by kind and outcome for a unit (anyone whose grant covers it): oversight
    without reading a single dispute."""
    unit = community_row(conn, code)
    if not actor.covers(code):
        raise NotFound(f"no area {code}")
    counts: dict[str, dict[str, int]] = {
        k.value: dict.fromkeys([OPEN, *(o.value for o in Outcome)], 0) for k in DisputeKind
    }
    for kind, status, number in conn.execute(
        select(mediations.c.kind, mediations.c.status, func.count())
        .where(in_subtree(mediations.c.community_code, code))
        .group_by(mediations.c.kind, mediations.c.status)
    ).all():
        counts[kind][status] = int(number)
    return {"area": unit["code"], "name": unit["name"], "by_kind": counts}


def mediation_access_log(conn: Connection, actor: Actor, reference: str) -> list[dict[str, Any]]:
    """Who read a mediation (its legal staff and auditors over the community)."""
    row = _mediation(conn, parse_id(reference))
    require_role(
        actor,
        row["community_code"],
        MEDIATION_LOG_READERS,
        "read who read a mediation",
        f"no mediation {reference}",
    )
    return reads_of(conn, "mediation", [row["id"]])
