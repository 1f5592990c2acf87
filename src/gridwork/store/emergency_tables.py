"""Emergency operations: the declaration and its units, everything done to it, a welfare
task per affected household, and counters per unit for the live board."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
)

from gridwork.store.tables import CODE, metadata
from gridwork.store.types import BigId, UTCDateTime

emergencies = Table(
    "emergencies",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("province_code", String(2), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(12), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("declared_by", BigId, ForeignKey("users.id"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("polygon", Text, nullable=True, comment="the drawn area, GeoJSON, if declared so"),
    CheckConstraint(
        "kind IN ('flood', 'fire', 'epidemic', 'heat_wave', 'earthquake', 'other')",
        name="known_kind",
    ),
    CheckConstraint("status IN ('active', 'ended')", name="known_status"),
    comment="A declared emergency over a set of units.",
)

emergency_areas = Table(
    "emergency_areas",
    metadata,
    Column("emergency_id", BigId, ForeignKey("emergencies.id"), primary_key=True),
    Column("area_code", String(CODE), ForeignKey("areas.code"), primary_key=True),
    Column("added_at", UTCDateTime, nullable=False),
    Column("removed_at", UTCDateTime, nullable=True),
    comment="The units an emergency covers (narrowing marks them removed).",
)

emergency_log = Table(
    "emergency_log",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("emergency_id", BigId, ForeignKey("emergencies.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_label", String(64), nullable=False),
    Column("action", String(16), nullable=False),
    Column("detail", Text, nullable=True),
    Index("ix_emergency_log_emergency_id", "emergency_id"),
    comment="Everything done to an emergency, in order.",
)

emergency_tasks = Table(
    "emergency_tasks",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("emergency_id", BigId, ForeignKey("emergencies.id"), nullable=False),
    Column("province_code", String(2), nullable=False),
    Column("household_id", BigId, ForeignKey("households.id"), nullable=False),
    Column("grid_code", String(CODE), nullable=False),
    Column("priority", SmallInteger, nullable=False, comment="1 most vulnerable … 9 others"),
    Column("assignee_id", BigId, ForeignKey("users.id"), nullable=True),
    Column("position", Integer, nullable=False, comment="walking order within the assignee"),
    Column("status", String(12), nullable=False),
    Column("need", Text, nullable=True),
    Column("case_id", BigId, ForeignKey("cases.id"), nullable=True),
    Column("done_at", UTCDateTime, nullable=True),
    Column("done_by", String(64), nullable=True),
    CheckConstraint(
        "status IN ('open', 'safe', 'needs_help', 'unreachable', 'withdrawn')",
        name="known_status",
    ),
    Index("ix_emergency_tasks_emergency_id_assignee_id", "emergency_id", "assignee_id"),
    Index("ix_emergency_tasks_emergency_id_grid_code", "emergency_id", "grid_code"),
    comment="A welfare check per affected household, vulnerable first.",
)

emergency_lists = Table(
    "emergency_lists",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("emergency_id", BigId, ForeignKey("emergencies.id"), nullable=False),
    Column("grid_code", String(CODE), nullable=False),
    Column("assignee_id", BigId, ForeignKey("users.id"), nullable=True),
    Column("size", Integer, nullable=False),
    Column(
        "households",
        LargeBinary,
        nullable=False,
        comment="household ids in walking order, 8 bytes each, little-endian",
    ),
    Column("priorities", LargeBinary, nullable=False, comment="each household's priority, a byte"),
    Column("withdrawn_at", UTCDateTime, nullable=True),
    Index("ix_emergency_lists_emergency_id_assignee_id", "emergency_id", "assignee_id"),
    Index("ix_emergency_lists_emergency_id_grid_code", "emergency_id", "grid_code"),
    comment=(
        "One worker's welfare checks in one grid, in walking order, as decided at declaration; "
        "a check gets its emergency_tasks row when something is done to it."
    ),
)

emergency_counts = Table(
    "emergency_counts",
    metadata,
    Column("emergency_id", BigId, ForeignKey("emergencies.id"), primary_key=True),
    Column("area_code", String(CODE), primary_key=True),
    Column("total", Integer, nullable=False),
    Column("vulnerable", Integer, nullable=False),
    Column("done", Integer, nullable=False),
    Column("vulnerable_done", Integer, nullable=False),
    Column("safe", Integer, nullable=False),
    Column("needs_help", Integer, nullable=False),
    Column("unreachable", Integer, nullable=False),
    comment="Live board counters per unit (and every ancestor) of an emergency.",
)

commendations = Table(
    "commendations",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("emergency_id", BigId, ForeignKey("emergencies.id"), nullable=False),
    Column("user_id", BigId, ForeignKey("users.id"), nullable=False),
    Column("by_label", String(64), nullable=False),
    Column("note", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_commendations_emergency", "emergency_id"),
    comment="A worker commended for their service during an emergency.",
)

emergency_alert_progress = Table(
    "emergency_alert_progress",
    metadata,
    Column("emergency_id", BigId, ForeignKey("emergencies.id"), primary_key=True),
    Column("after_task_id", BigId, nullable=False, comment="households up to this task alerted"),
    Column("updated_at", UTCDateTime, nullable=False),
    comment="How far alerting an emergency's households has gone (done in batches).",
)
