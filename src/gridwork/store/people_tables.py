"""The people side: households, residents and their service flags, helpers, door-to-door
visits, the audit log of personal-data reads, and residents' one-time sign-in codes.

There is deliberately no column for a national ID number, political or religious data or
any "key person" category, and the flag column only admits the four service flags.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
)

from gridwork.store.tables import CODE, metadata
from gridwork.store.types import BigId, UTCDateTime

FLAGS_SQL = "'lives_alone', 'disability', 'low_income', 'needs_assistance'"

households = Table(
    "households",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("reference", String(16), nullable=False, unique=True, comment="public reference"),
    Column("province_code", String(2), nullable=False),
    Column("community_code", String(CODE), ForeignKey("areas.code"), nullable=False),
    Column("grid_code", String(CODE), ForeignKey("areas.code"), nullable=False),
    Column("building_id", BigId, ForeignKey("buildings.id"), nullable=True),
    Column("address", String(300), nullable=False),
    Column("archived_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_households_grid_code", "grid_code"),
    Index("ix_households_building_id", "building_id"),
    comment="A dwelling and who lives there, in one grid.",
)

residents = Table(
    "residents",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("province_code", String(2), nullable=False),
    Column("household_id", BigId, ForeignKey("households.id"), nullable=False),
    Column("grid_code", String(CODE), nullable=False, comment="the household's grid"),
    Column("name", String(100), nullable=True, comment="NULL once anonymised"),
    Column("phone", String(32), nullable=True),
    Column("birth_year", SmallInteger, nullable=False),
    Column("sex", String(8), nullable=True),
    Column("archived_at", UTCDateTime, nullable=True),
    Column("anonymised_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("sex IS NULL OR sex IN ('female', 'male')", name="sex_known"),
    CheckConstraint("birth_year BETWEEN 1880 AND 2200", name="birth_year_range"),
    Index("ix_residents_grid_code", "grid_code"),
    Index("ix_residents_household_id", "household_id"),
    Index("ix_residents_phone", "phone"),
    comment="People of a household: the least the service needs (no national ID number).",
)

resident_flags = Table(
    "resident_flags",
    metadata,
    Column("resident_id", BigId, ForeignKey("residents.id"), primary_key=True),
    Column("flag", String(24), primary_key=True),
    Column("province_code", String(2), nullable=False),
    Column("basis", String(16), nullable=False, comment="consent or programme"),
    Column("programme", String(100), nullable=True, comment="the named programme, if any"),
    Column("need", Text, nullable=True, comment="what help is needed (needs_assistance)"),
    Column("set_by", BigId, ForeignKey("users.id"), nullable=True, comment="NULL: generated"),
    Column("set_at", UTCDateTime, nullable=False),
    CheckConstraint(f"flag IN ({FLAGS_SQL})", name="known_flag"),
    CheckConstraint(
        "(basis = 'consent') OR (basis = 'programme' AND programme IS NOT NULL)",
        name="basis_named",
    ),
    Index("ix_resident_flags_flag", "flag"),
    comment="Service flags, each with its basis and who set it.",
)

helpers = Table(
    "helpers",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("province_code", String(2), nullable=False),
    Column("community_code", String(CODE), ForeignKey("areas.code"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("name", String(100), nullable=False),
    Column("phone", String(32), nullable=True),
    Column("archived_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("kind IN ('volunteer', 'alley_chief')", name="known_kind"),
    Index("ix_helpers_community_code", "community_code"),
    comment="Volunteers and alley chiefs (街巷长), each paired to 10-20 households.",
)

helper_households = Table(
    "helper_households",
    metadata,
    Column("helper_id", BigId, ForeignKey("helpers.id"), primary_key=True),
    Column("household_id", BigId, ForeignKey("households.id"), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_helper_households_household_id", "household_id"),
    comment="Which households each helper looks after.",
)

visit_rules = Table(
    "visit_rules",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("description", String(200), nullable=False),
    Column("min_age", SmallInteger, nullable=True),
    Column("lives_alone", Boolean, nullable=False, comment="applies only to people living alone"),
    Column("any_flag", String(100), nullable=True, comment="comma-separated; one must be set"),
    Column("interval_days", Integer, nullable=False),
    Column("priority", Integer, nullable=False, comment="lower is more urgent"),
    Column("active", Boolean, nullable=False),
    CheckConstraint("interval_days BETWEEN 1 AND 366", name="interval_range"),
    comment="Who is visited how often; the shortest matching interval applies.",
)

visits = Table(
    "visits",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("province_code", String(2), nullable=False),
    Column("resident_id", BigId, ForeignKey("residents.id"), nullable=False),
    Column("grid_code", String(CODE), nullable=False),
    Column("worker_id", BigId, ForeignKey("users.id"), nullable=False),
    Column("visited_at", UTCDateTime, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("note", Text, nullable=True),
    Column("need", Text, nullable=True),
    Column("case_id", BigId, ForeignKey("cases.id"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("outcome IN ('met', 'not_home', 'refused')", name="known_outcome"),
    Index("ix_visits_resident_id_visited_at", "resident_id", "visited_at"),
    Index("ix_visits_grid_code_visited_at", "grid_code", "visited_at"),
    comment="Door-to-door visits as logged by workers.",
)

visit_dues = Table(
    "visit_dues",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("province_code", String(2), nullable=False),
    Column("resident_id", BigId, ForeignKey("residents.id"), nullable=False),
    Column("grid_code", String(CODE), nullable=False),
    Column("rule_code", String(40), nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("status", String(12), nullable=False),
    Column("visit_id", BigId, ForeignKey("visits.id"), nullable=True),
    Column("done_at", UTCDateTime, nullable=True),
    Column("on_time", Boolean, nullable=True),
    Column("flagged_at", UTCDateTime, nullable=True, comment="when the sweep flagged it overdue"),
    CheckConstraint("status IN ('open', 'done', 'cancelled')", name="known_status"),
    Index("ix_visit_dues_grid_code_status_due_at", "grid_code", "status", "due_at"),
    Index("ix_visit_dues_resident_id_status", "resident_id", "status"),
    Index("ix_visit_dues_status_due_at", "status", "due_at"),
    comment="Each visit a rule makes due, and whether it was done on time.",
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_id", BigInteger, nullable=True),
    Column("actor_label", String(64), nullable=False),
    Column("purpose", String(24), nullable=False),
    Column("action", String(16), nullable=False, comment="read, list or export"),
    Column("subject", String(16), nullable=False, comment="resident or case"),
    Column("subject_id", BigInteger, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_log_subject_subject_id", "subject", "subject_id"),
    comment="Append-only, hash-chained record of every read of personal data.",
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    comment="One row: the last entry of the audit chain (locked while appending).",
)

resident_codes = Table(
    "resident_codes",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("phone_hash", String(64), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
    Index("ix_resident_codes_phone_hash", "phone_hash"),
    comment="One-time sign-in codes for residents, stored only as keyed hashes.",
)

resident_tokens = Table(
    "resident_tokens",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("phone", String(32), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    comment="Signed-in residents' tokens, stored only as keyed hashes.",
)
