"""The schema. Every table that grows with residents or cases carries `province_code`
so a national deployment can partition by province without changing queries."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)

from gridwork.domain.rollups import COUNTERS
from gridwork.store.types import BigId, UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

CODE = 15  # longest unit code (grid)

areas = Table(
    "areas",
    metadata,
    Column("code", String(CODE), primary_key=True, comment="statistical division code"),
    Column("name", String(100), nullable=False),
    Column("level", String(16), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("parent_code", String(CODE), ForeignKey("areas.code"), nullable=True),
    Column("is_pseudo", Boolean, nullable=False, default=False),
    Column("province_code", String(2), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_areas_parent_code", "parent_code"),
    comment="Units of the hierarchy, from province down to grid; codes are paths.",
)

area_counts = Table(
    "area_counts",
    metadata,
    Column("code", String(CODE), ForeignKey("areas.code"), primary_key=True),
    Column("level", String(16), primary_key=True),
    Column("n", Integer, nullable=False),
    comment="Maintained number of descendants of each unit, per level.",
)

categories = Table(
    "categories",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("name_zh", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
    Column("urgency", String(16), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column(
        "sensitive",
        Boolean,
        nullable=False,
        default=False,
        server_default=false(),
        comment="cases of this kind are never published (care, disputes, emergencies' needs)",
    ),
    comment="Kinds of report a resident can make, each with an urgency class.",
)

users = Table(
    "users",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("is_active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_sign_in_at", UTCDateTime, nullable=True),
    Column("password_changed_at", UTCDateTime, nullable=True),
    comment="Staff and worker accounts (residents need no account).",
)

grants = Table(
    "grants",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("user_id", BigId, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(32), nullable=False),
    Column("area_code", String(CODE), nullable=False, comment="'' is the whole country"),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("user_id", "role", "area_code"),
    comment="A role held over a unit and its subtree.",
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("user_id", BigId, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column(
        "kind",
        String(8),
        nullable=False,
        server_default="token",
        comment="token (API bearer) or session (web cookie)",
    ),
    Index("ix_api_tokens_user_id", "user_id"),
    comment="Bearer tokens and web sessions, stored only as keyed hashes; deleting a row "
    "ends it in every process.",
)

sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("key", String(200), nullable=False, comment="account, client or account+client"),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_sign_in_failures_key_at", "key", "at"),
    Index("ix_sign_in_failures_at", "at"),  # pruning past the longest window stays cheap
    comment="Recent failed sign-ins, shared by every process for throttling.",
)

cases = Table(
    "cases",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("secret_hash", String(64), nullable=False),
    Column(
        "secret_version",
        Integer,
        nullable=False,
        server_default="0",
        comment="bumped when the follow-up code is re-issued; the old one stops working",
    ),
    Column("province_code", String(2), nullable=False),
    Column("area_code", String(CODE), ForeignKey("areas.code"), nullable=False),
    Column("handler_unit", String(CODE), ForeignKey("areas.code"), nullable=True),
    Column("assignee_id", BigId, ForeignKey("users.id"), nullable=True),
    Column("category_code", String(40), ForeignKey("categories.code"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("description", Text, nullable=False),
    Column("reporter_name", String(100), nullable=True),
    Column("reporter_phone", String(32), nullable=True),
    Column("lat", Float, nullable=True),
    Column("lng", Float, nullable=True),
    Column("outside_grid", Boolean, nullable=False, default=False),
    Column("attributes", Text, nullable=True, comment="JSON answers to the extra questions"),
    Column("address", String(300), nullable=True, comment="as the reporter gave it"),
    Column("media_url", String(500), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("accepted_at", UTCDateTime, nullable=True),
    Column("deadline_at", UTCDateTime, nullable=True),
    Column("resolved_at", UTCDateTime, nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("rating", SmallInteger, nullable=True),
    Column("rating_comment", Text, nullable=True),
    Column("return_count", Integer, nullable=False, default=0),
    Column("escalation_count", Integer, nullable=False, default=0),
    Column("reopen_count", Integer, nullable=False, default=0),
    Column("event_count", Integer, nullable=False, default=0),
    Column(
        "merged_into_id",
        BigId,
        ForeignKey("cases.id"),
        nullable=True,
        comment="the surviving case, when this one was merged into it as a duplicate",
    ),
    Column(
        "publicity",
        String(16),
        nullable=False,
        default="public",
        server_default="public",
        comment="public, private (the reporter's wish), hidden (by staff) or restricted",
    ),
    Column(
        "public_description",
        Text,
        nullable=True,
        comment="what the public sees instead of the description, when staff redacted it",
    ),
    Column(
        "public_media",
        Boolean,
        nullable=False,
        default=True,
        server_default=true(),
        comment="whether the public sees the reporter's photo",
    ),
    Column(
        "anonymised_at",
        UTCDateTime,
        nullable=True,
        comment="when retention removed the reporter's personal data",
    ),
    CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5)", name="rating_range"),
    Index("ix_cases_area_code_status", "area_code", "status"),
    Index("ix_cases_status_deadline_at", "status", "deadline_at"),
    Index("ix_cases_handler_unit", "handler_unit"),
    Index("ix_cases_assignee_id", "assignee_id"),
    Index("ix_cases_reporter_phone", "reporter_phone"),
    Index("ix_cases_closed_at", "closed_at"),
    Index("ix_cases_category_lat", "category_code", "lat"),
    Index("ix_cases_merged_into_id", "merged_into_id"),
    comment="Current projection of each case; the history is in case_events.",
)

case_events = Table(
    "case_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("case_id", BigId, ForeignKey("cases.id"), nullable=False),
    Column("province_code", String(2), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("action", String(16), nullable=False),
    Column("actor_id", BigId, ForeignKey("users.id"), nullable=True),
    Column("actor_label", String(64), nullable=False, comment="username, resident or system"),
    Column("at", UTCDateTime, nullable=False),
    Column("from_status", String(16), nullable=True),
    Column("to_status", String(16), nullable=False),
    Column("area_code", String(CODE), nullable=False, comment="owning unit after the event"),
    Column("note", Text, nullable=True),
    Column("rating", SmallInteger, nullable=True),
    Column("media_url", String(500), nullable=True, comment="a photo of what was done"),
    Column(
        "public",
        Boolean,
        nullable=False,
        default=False,
        server_default=false(),
        comment="staff marked the note for the public (Open311 status_notes)",
    ),
    UniqueConstraint("case_id", "seq"),
    comment="Append-only history of every action on every case.",
)

area_geometries = Table(
    "area_geometries",
    metadata,
    Column("code", String(CODE), ForeignKey("areas.code"), primary_key=True),
    Column("geojson", Text, nullable=False, comment="GeoJSON geometry, WGS-84 lon/lat"),
    Column("min_lon", Float, nullable=False),
    Column("min_lat", Float, nullable=False),
    Column("max_lon", Float, nullable=False),
    Column("max_lat", Float, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    comment="Boundaries of communities, grids and other units.",
)

buildings = Table(
    "buildings",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("province_code", String(2), nullable=False),
    Column("community_code", String(CODE), ForeignKey("areas.code"), nullable=False),
    Column("grid_code", String(CODE), ForeignKey("areas.code"), nullable=True),
    Column("external_id", String(64), nullable=True, comment="the source's id, for re-imports"),
    Column("name", String(100), nullable=True),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("footprint", Text, nullable=True, comment="GeoJSON polygon, if known"),
    Column("floors", Integer, nullable=True),
    Column("households", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("households >= 0", name="households_not_negative"),
    UniqueConstraint("community_code", "external_id"),
    Index("ix_buildings_grid_code", "grid_code"),
    comment="Residential buildings: a point (and footprint) with households and floors.",
)

geo_state = Table(
    "geo_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", BigId, nullable=False),
    comment="One row; its version is bumped whenever grid geometry changes.",
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("area_code", String(CODE), nullable=False, comment="'' is the whole country"),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    comment="Integrators' keys (Open311), stored only as keyed hashes, scoped to a subtree.",
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("scope", String(80), nullable=False, comment="who sent it: api key, user or anonymous"),
    Column("key", String(200), nullable=False),
    Column(
        "body_hash",
        String(64),
        nullable=True,
        comment="SHA-256 of the first request's report; a reuse with another body is refused",
    ),
    Column("case_id", BigId, ForeignKey("cases.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("scope", "key"),
    comment="Retried intake requests answer with the case the first attempt created.",
)

category_attributes = Table(
    "category_attributes",
    metadata,
    Column("category_code", String(40), ForeignKey("categories.code"), primary_key=True),
    Column("code", String(40), primary_key=True),
    Column("datatype", String(20), nullable=False),
    Column("required", Boolean, nullable=False),
    Column("description", String(200), nullable=False),
    Column("position", Integer, nullable=False),
    Column("choices", Text, nullable=True, comment="JSON list of [key, name] for list types"),
    comment="A category's extra questions (Open311 service definition attributes).",
)

case_counts = Table(
    "case_counts",
    metadata,
    Column("area_code", String(CODE), primary_key=True),
    Column("day", Date, primary_key=True, comment="UTC calendar day of the events"),
    Column("category_code", String(40), primary_key=True),
    *(Column(name, Integer, nullable=False, default=0) for name in COUNTERS),
    comment="Counters per (unit, day, category), kept with the case events.",
    sqlite_with_rowid=False,  # rows clustered by (unit, day): a dashboard reads one range
)

case_counts_monthly = Table(
    "case_counts_monthly",
    metadata,
    Column("area_code", String(CODE), primary_key=True),
    Column("month", Date, primary_key=True, comment="first day of the UTC month"),
    Column("category_code", String(40), primary_key=True),
    *(Column(name, Integer, nullable=False, default=0) for name in COUNTERS),
    comment="The same counters per month, so long periods read few rows.",
    sqlite_with_rowid=False,
)
