"""Tables of community services: facilities, and residents' proposals with their support."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from gridwork.store.tables import CODE, metadata
from gridwork.store.types import BigId, UTCDateTime

facilities = Table(
    "facilities",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("province_code", String(2), nullable=False),
    Column("community_code", String(CODE), ForeignKey("areas.code"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("name", String(100), nullable=False),
    Column("address", String(300), nullable=True),
    Column("lat", Float, nullable=True),
    Column("lng", Float, nullable=True),
    Column("opening_hours", String(200), nullable=True),
    Column("capacity", Integer, nullable=True),
    Column("run_by", String(100), nullable=True, comment="who runs it (an organisation)"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("archived_at", UTCDateTime, nullable=True),
    CheckConstraint(
        "kind IN ('canteen', 'elderly_care', 'health', 'legal_aid', 'activity_room', 'other')",
        name="known_kind",
    ),
    Index("ix_facilities_community", "community_code"),
    comment="A community's facility: canteen, care station, health station, legal aid, rooms.",
)

proposals = Table(
    "proposals",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("province_code", String(2), nullable=False),
    Column("community_code", String(CODE), ForeignKey("areas.code"), nullable=False),
    Column("title", String(100), nullable=False),
    Column("body", Text, nullable=False),
    Column("proposer_hash", String(64), nullable=False, comment="keyed hash of the phone"),
    Column("status", String(12), nullable=False),
    Column("supporters", Integer, nullable=False),
    Column("answer", Text, nullable=True),
    Column("answered_by", String(64), nullable=True),
    Column("answered_at", UTCDateTime, nullable=True),
    Column("answer_due_at", UTCDateTime, nullable=False),
    Column("case_id", BigId, ForeignKey("cases.id"), nullable=True, comment="the work, if any"),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint(
        "status IN ('open', 'considering', 'accepted', 'declined')", name="known_status"
    ),
    Index("ix_proposals_community", "community_code", "created_at"),
    comment="A resident's proposal to improve their community, and the answer to it.",
)

proposal_supports = Table(
    "proposal_supports",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("proposal_id", BigId, ForeignKey("proposals.id"), nullable=False),
    Column("supporter_hash", String(64), nullable=False, comment="keyed hash of the phone"),
    Column("at", UTCDateTime, nullable=False),
    UniqueConstraint("proposal_id", "supporter_hash", name="one_each"),
    comment="One resident's support for a proposal (one each).",
)

worker_records = Table(
    "worker_records",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("user_id", BigId, ForeignKey("users.id"), nullable=False),
    Column("kind", String(16), nullable=False, comment="training or commendation"),
    Column("title", String(200), nullable=False, comment="the course, or what it was for"),
    Column("hours", Float, nullable=True, comment="training hours"),
    Column("on_date", Date, nullable=False),
    Column("by_label", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("kind IN ('training', 'commendation')", name="known_kind"),
    Index("ix_worker_records_user", "user_id", "on_date"),
    comment="A worker's training and commendations, as their community recorded them.",
)
