"""Dispute mediation: confidential, read only by the mediator and the community's legal staff,
every read audited; units above see counts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from gridwork.services import mediations
from gridwork.web.deps import ActorDep, DbDep, SettingsDep, ZoneDep
from gridwork.web.mediation_schemas import MediationIn, OutcomeIn, SessionIn
from gridwork.web.render import to_json

router = APIRouter(prefix="/api/v1", tags=["mediation"])


@router.post("/mediations", status_code=201)
def open_mediation(
    db: DbDep, settings: SettingsDep, zone: ZoneDep, actor: ActorDep, body: MediationIn
) -> Any:
    """Open a mediation (the community's legal staff); the answer is audited."""
    parties = [p.model_dump() for p in body.parties]
    with db.transaction(write=True) as conn:
        made = mediations.open_mediation(
            conn,
            actor,
            body.community_code,
            body.kind,
            body.summary,
            parties,
            body.mediator,
            key=settings.secret_key,
        )
    return to_json(made, zone)


@router.get("/mediations")
def list_mediations(db: DbDep, zone: ZoneDep, actor: ActorDep) -> Any:
    """The mediations the caller handles or oversees as legal staff (no content)."""
    with db.transaction() as conn:
        return to_json({"items": mediations.mediations_for(conn, actor)}, zone)


@router.get("/mediations/{mediation_id}")
def read_mediation(
    db: DbDep, settings: SettingsDep, zone: ZoneDep, actor: ActorDep, mediation_id: str
) -> Any:
    """One mediation in full (its mediator and legal staff); the read is audited."""
    with db.transaction(write=True) as conn:
        found = mediations.read_mediation(conn, actor, mediation_id, key=settings.secret_key)
    return to_json(found, zone)


@router.post("/mediations/{mediation_id}/parties/{party_id}/consent")
def consent(
    db: DbDep,
    settings: SettingsDep,
    zone: ZoneDep,
    actor: ActorDep,
    mediation_id: str,
    party_id: str,
) -> Any:
    """Record that a party consents to mediation."""
    with db.transaction(write=True) as conn:
        done = mediations.record_consent(
            conn, actor, mediation_id, party_id, key=settings.secret_key
        )
    return to_json(done, zone)


@router.post("/mediations/{mediation_id}/sessions", status_code=201)
def add_session(
    db: DbDep,
    settings: SettingsDep,
    zone: ZoneDep,
    actor: ActorDep,
    mediation_id: str,
    body: SessionIn,
) -> Any:
    """Record a session (once every party has consented)."""
    with db.transaction(write=True) as conn:
        done = mediations.add_session(
            conn,
            actor,
            mediation_id,
            body.held_at,
            body.place,
            body.note,
            key=settings.secret_key,
        )
    return to_json(done, zone)


@router.post("/mediations/{mediation_id}/outcome")
def close_mediation(
    db: DbDep,
    settings: SettingsDep,
    zone: ZoneDep,
    actor: ActorDep,
    mediation_id: str,
    body: OutcomeIn,
) -> Any:
    """End the mediation with its outcome."""
    with db.transaction(write=True) as conn:
        done = mediations.close_mediation(
            conn, actor, mediation_id, body.outcome, body.note, key=settings.secret_key
        )
    return to_json(done, zone)


@router.get("/mediations/{mediation_id}/access-log")
def access_log(db: DbDep, zone: ZoneDep, actor: ActorDep, mediation_id: str) -> Any:
    """Who read the mediation, when and why (legal staff and auditors)."""
    with db.transaction() as conn:
        return to_json({"items": mediations.mediation_access_log(conn, actor, mediation_id)}, zone)


@router.get("/areas/{code}/mediations")
def counts(db: DbDep, actor: ActorDep, code: str) -> Any:
    """Mediations in a unit by kind and outcome (anyone over it; counts only)."""
    with db.transaction() as conn:
        return mediations.mediation_counts(conn, actor, code)
