"""Tables of notifications: the outbox (and in-app inbox), recipients' channel choices, and
community notices."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text

from gridwork.store.tables import CODE, metadata
from gridwork.store.types import BigId, UTCDateTime

notifications = Table(
    "notifications",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("recipient", String(48), nullable=False, comment="phone:… or user:…"),
    Column("channel", String(8), nullable=False),
    Column("address", String(254), nullable=True, comment="phone or e-mail; none in-app"),
    Column("kind", String(20), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("link", String(200), nullable=True),
    Column("status", String(8), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    Column("last_error", String(500), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("read_at", UTCDateTime, nullable=True),
    CheckConstraint("channel IN ('in_app', 'sms', 'email')", name="known_channel"),
    CheckConstraint("status IN ('pending', 'sent', 'failed')", name="known_status"),
    Index("ix_notifications_due", "status", "next_attempt_at"),
    Index("ix_notifications_recipient", "recipient", "created_at"),
    comment="Notifications to deliver (the outbox) and delivered (the in-app inbox).",
)

contact_preferences = Table(
    "contact_preferences",
    metadata,
    Column("recipient", String(48), primary_key=True),
    Column("channel", String(8), nullable=False),
    Column("email", String(254), nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("channel IN ('in_app', 'sms', 'email')", name="known_channel"),
    comment="How a resident (by phone) or a user chooses to be told.",
)

notices = Table(
    "notices",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("community_code", String(CODE), ForeignKey("areas.code"), nullable=False),
    Column("title", String(100), nullable=False),
    Column("body", Text, nullable=False),
    Column("published_by", String(64), nullable=False),
    Column("published_at", UTCDateTime, nullable=False),
    Column("withdrawn_at", UTCDateTime, nullable=True),
    Index("ix_notices_community", "community_code", "published_at"),
    comment="A community's public notice (公告).",
)
