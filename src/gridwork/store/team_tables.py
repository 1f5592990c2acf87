"""Tables of workgroups and volunteer teams: the team, its members (helpers on the registry),
its duty roster, and the hours its volunteers gave (with the case they took, if any)."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
)

from gridwork.store import emergency_tables  # noqa: F401  (emergency_tasks, referred to)
from gridwork.store.tables import CODE, metadata
from gridwork.store.types import BigId, UTCDateTime

teams = Table(
    "teams",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("community_code", String(CODE), ForeignKey("areas.code"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("name", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint(
        "kind IN ('legal', 'neighbourhood_help', 'recreation', 'other')", name="known_kind"
    ),
    Index("ix_teams_community", "community_code"),
    comment="A community's workgroup or volunteer team.",
)

team_members = Table(
    "team_members",
    metadata,
    Column("team_id", BigId, ForeignKey("teams.id"), primary_key=True),
    Column("helper_id", BigId, ForeignKey("helpers.id"), primary_key=True),
    Column("joined_at", UTCDateTime, nullable=False),
    comment="A volunteer (a helper on the registry) in a team.",
)

team_duties = Table(
    "team_duties",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("team_id", BigId, ForeignKey("teams.id"), nullable=False),
    Column("helper_id", BigId, ForeignKey("helpers.id"), nullable=False),
    Column("day", Date, nullable=False),
    Column("shift", String(40), nullable=False, comment="such as 'morning' or '9:00-12:00'"),
    Index("ix_team_duties_team_day", "team_id", "day"),
    comment="A volunteer's turn on the team's duty roster.",
)

volunteer_hours = Table(
    "volunteer_hours",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("province_code", String(2), nullable=False),
    Column("team_id", BigId, ForeignKey("teams.id"), nullable=False),
    Column("helper_id", BigId, ForeignKey("helpers.id"), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("hours", Float, nullable=False),
    Column("note", Text, nullable=True),
    Column("case_id", BigId, ForeignKey("cases.id"), nullable=True, comment="the case taken"),
    Column(
        "task_id",
        BigId,
        ForeignKey("emergency_tasks.id"),
        nullable=True,
        comment="the emergency task taken",
    ),
    Column("recorded_by", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("hours > 0 AND hours <= 24", name="plausible_hours"),
    Index("ix_volunteer_hours_team", "team_id", "on_date"),
    comment="Hours a volunteer gave, and the case they took, if any.",
)
