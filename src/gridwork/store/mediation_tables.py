"""Tables of dispute mediation: the mediation, its parties and their consent, its sessions."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text

from gridwork.store.tables import CODE, metadata
from gridwork.store.types import BigId, UTCDateTime

mediations = Table(
    "mediations",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("province_code", String(2), nullable=False),
    Column("community_code", String(CODE), ForeignKey("areas.code"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("summary", Text, nullable=True, comment="confidential; cleared on retention"),
    Column("mediator_id", BigId, ForeignKey("users.id"), nullable=False),
    Column("status", String(12), nullable=False, comment="open, or the outcome"),
    Column("outcome_note", Text, nullable=True, comment="confidential; cleared on retention"),
    Column("opened_by", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("anonymised_at", UTCDateTime, nullable=True),
    CheckConstraint(
        "kind IN ('marriage_family', 'neighbours', 'house_land', 'labour', 'other')",
        name="known_kind",
    ),
    CheckConstraint(
        "status IN ('open', 'agreement', 'legal_aid', 'court', 'withdrawn')", name="known_status"
    ),
    Index("ix_mediations_community", "community_code", "created_at"),
    comment="A confidential dispute mediation (only its mediator and legal staff read it).",
)

mediation_parties = Table(
    "mediation_parties",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("mediation_id", BigId, ForeignKey("mediations.id"), nullable=False),
    Column("role", String(12), nullable=False),
    Column("name", String(100), nullable=True, comment="cleared on retention"),
    Column("phone", String(30), nullable=True, comment="cleared on retention"),
    Column("consented_at", UTCDateTime, nullable=True),
    CheckConstraint("role IN ('applicant', 'respondent')", name="known_role"),
    Index("ix_mediation_parties_mediation", "mediation_id"),
    comment="A party to a mediation, and when they consented to it.",
)

mediation_sessions = Table(
    "mediation_sessions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("mediation_id", BigId, ForeignKey("mediations.id"), nullable=False),
    Column("held_at", UTCDateTime, nullable=False),
    Column("place", String(200), nullable=True),
    Column("note", Text, nullable=True, comment="confidential; cleared on retention"),
    Column("recorded_by", String(64), nullable=False),
    Index("ix_mediation_sessions_mediation", "mediation_id", "held_at"),
    comment="A mediation session.",
)
