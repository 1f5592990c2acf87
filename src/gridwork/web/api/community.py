"""Community services: facilities (public list), residents' proposals and their support,
staff answers, and the public tally of what residents asked for and what was done."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from gridwork.services import community
from gridwork.services.worker_records import add_record, record_of
from gridwork.web.community_schemas import (
    AnswerIn,
    FacilityIn,
    FacilityPatch,
    ProposalIn,
    WorkerRecordIn,
)
from gridwork.web.deps import ActorDep, DbDep, ResidentDep, SettingsDep, ZoneDep
from gridwork.web.render import to_json

router = APIRouter(prefix="/api/v1", tags=["community services"])


@router.get("/areas/{code}/facilities")
def facilities(db: DbDep, code: str) -> Any:
    """The facilities of a unit's communities (public)."""
    with db.transaction() as conn:
        return community.facilities_of(conn, code)


@router.post("/facilities", status_code=201)
def create_facility(db: DbDep, actor: ActorDep, body: FacilityIn) -> Any:
    """Record a community facility (the community's staff and administrators above)."""
    values = body.model_dump(exclude={"community_code", "kind"})
    with db.transaction(write=True) as conn:
        return community.create_facility(conn, actor, body.community_code, body.kind, values)


@router.patch("/facilities/{facility_id}")
def update_facility(db: DbDep, actor: ActorDep, facility_id: str, body: FacilityPatch) -> Any:
    """Change a facility's details, or archive it."""
    values = body.model_dump(exclude_unset=True)
    with db.transaction(write=True) as conn:
        return community.update_facility(conn, actor, facility_id, values)


@router.post("/proposals", status_code=201)
def propose(
    db: DbDep, settings: SettingsDep, zone: ZoneDep, phone: ResidentDep, body: ProposalIn
) -> Any:
    """A resident (signed in with their phone) proposes an improvement to their community."""
    with db.transaction(write=True) as conn:
        made = community.propose(
            conn, phone, body.community_code, body.title, body.body, secret_key=settings.secret_key
        )
    return to_json(made, zone)


@router.post("/proposals/{proposal_id}/support")
def support(
    db: DbDep, settings: SettingsDep, zone: ZoneDep, phone: ResidentDep, proposal_id: str
) -> Any:
    """Another resident of the community supports the proposal (one each)."""
    with db.transaction(write=True) as conn:
        return to_json(
            community.support(conn, phone, proposal_id, secret_key=settings.secret_key), zone
        )


@router.post("/proposals/{proposal_id}/answer")
def answer(
    db: DbDep,
    settings: SettingsDep,
    zone: ZoneDep,
    actor: ActorDep,
    proposal_id: str,
    body: AnswerIn,
) -> Any:
    """Staff answer: considering, accepted (it becomes a case), or declined with reasons."""
    with db.transaction(write=True) as conn:
        done = community.answer(
            conn,
            actor,
            proposal_id,
            body.status,
            body.answer,
            category=body.category,
            secret_key=settings.secret_key,
        )
    return to_json(done, zone)


@router.get("/areas/{code}/demands")
def demands(db: DbDep, zone: ZoneDep, code: str) -> Any:
    """What residents asked for and what was done (public): counts and the proposals."""
    with db.transaction() as conn:
        return to_json(community.demands(conn, code), zone)


@router.get("/workers/{username}/records")
def worker_record(db: DbDep, zone: ZoneDep, actor: ActorDep, username: str) -> Any:
    """A worker's training (with total hours) and commendations, emergency ones included."""
    with db.transaction() as conn:
        return to_json(record_of(conn, actor, username), zone)


@router.post("/workers/{username}/records", status_code=201)
def add_worker_record(
    db: DbDep, zone: ZoneDep, actor: ActorDep, username: str, body: WorkerRecordIn
) -> Any:
    """Note a training (with hours) or a commendation (community staff and above)."""
    with db.transaction(write=True) as conn:
        done = add_record(conn, actor, username, body.kind, body.title, body.on_date, body.hours)
    return to_json(done, zone)
