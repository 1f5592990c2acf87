"""Tables of activities and classes: the activity, residents' sign-ups, attendance per
session, and the reminders sent."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
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

activities = Table(
    "activities",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("community_code", String(CODE), ForeignKey("areas.code"), nullable=False),
    Column("facility_id", BigId, ForeignKey("facilities.id"), nullable=True),
    Column("kind", String(16), nullable=False),
    Column("title", String(100), nullable=False),
    Column("description", Text, nullable=True),
    Column("starts_at", UTCDateTime, nullable=False, comment="the first session"),
    Column("duration_minutes", Integer, nullable=False),
    Column("recurrence", String(8), nullable=False),
    Column("sessions", Integer, nullable=False),
    Column("ends_at", UTCDateTime, nullable=False, comment="when the last session ends"),
    Column("capacity", Integer, nullable=True, comment="places; none: unlimited"),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("cancelled_at", UTCDateTime, nullable=True),
    CheckConstraint(
        "kind IN ('tai_chi', 'calligraphy', 'music', 'law_lecture', 'health_talk', 'other')",
        name="known_kind",
    ),
    CheckConstraint("recurrence IN ('once', 'weekly', 'monthly')", name="known_recurrence"),
    Index("ix_activities_community", "community_code", "ends_at"),
    comment="A community activity or class, with its schedule and places.",
)

activity_signups = Table(
    "activity_signups",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("province_code", String(2), nullable=False),
    Column("activity_id", BigId, ForeignKey("activities.id"), nullable=False),
    Column("resident_id", BigId, ForeignKey("residents.id"), nullable=False),
    Column("status", String(12), nullable=False),
    Column("signed_at", UTCDateTime, nullable=False),
    Column("by_label", String(64), nullable=False, comment="the resident, or the staff member"),
    CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled')", name="known_status"),
    UniqueConstraint("activity_id", "resident_id", name="one_signup_each"),
    Index("ix_activity_signups_activity", "activity_id", "status", "signed_at"),
    comment="A resident's place (or place on the waitlist) in an activity.",
)

activity_attendance = Table(
    "activity_attendance",
    metadata,
    Column("activity_id", BigId, ForeignKey("activities.id"), primary_key=True),
    Column("session", Integer, primary_key=True, comment="0 for the first session"),
    Column("resident_id", BigId, ForeignKey("residents.id"), primary_key=True),
    Column("recorded_by", String(64), nullable=False),
    comment="Who came to a session.",
)

activity_reminders = Table(
    "activity_reminders",
    metadata,
    Column("activity_id", BigId, ForeignKey("activities.id"), primary_key=True),
    Column("session", Integer, primary_key=True),
    Column("sent_at", UTCDateTime, nullable=False),
    comment="Reminders queued for a session (once each).",
)
