"""Tables of the elderly canteen: each canteen's price and subsidies, the residents registered
with it, and their meal bookings (served or not)."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from gridwork.store.tables import metadata
from gridwork.store.types import BigId, UTCDateTime

canteens = Table(
    "canteens",
    metadata,
    Column("facility_id", BigId, ForeignKey("facilities.id"), primary_key=True),
    Column("meal_price_fen", Integer, nullable=False, comment="price of a meal, in fen"),
    Column("subsidy_60_fen", Integer, nullable=False, comment="per meal, aged 60–69"),
    Column("subsidy_70_fen", Integer, nullable=False, comment="per meal, aged 70–79"),
    Column("subsidy_80_fen", Integer, nullable=False, comment="per meal, aged 80 and over"),
    Column("updated_at", UTCDateTime, nullable=False),
    comment="An elderly canteen's meal price and subsidies (a facility of kind canteen).",
)

canteen_members = Table(
    "canteen_members",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("province_code", String(2), nullable=False),
    Column("facility_id", BigId, ForeignKey("facilities.id"), nullable=False),
    Column("resident_id", BigId, ForeignKey("residents.id"), nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
    Column("by_label", String(64), nullable=False),
    UniqueConstraint("facility_id", "resident_id", name="one_membership_each"),
    comment="A resident registered with an elderly canteen.",
)

meal_bookings = Table(
    "meal_bookings",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("province_code", String(2), nullable=False),
    Column("member_id", BigId, ForeignKey("canteen_members.id"), nullable=False),
    Column("facility_id", BigId, ForeignKey("facilities.id"), nullable=False),
    Column("day", Date, nullable=False),
    Column("meal", String(8), nullable=False),
    Column("status", String(10), nullable=False),
    Column("served_at", UTCDateTime, nullable=True),
    CheckConstraint("meal IN ('lunch', 'dinner')", name="known_meal"),
    CheckConstraint("status IN ('booked', 'served', 'cancelled')", name="known_status"),
    UniqueConstraint("member_id", "day", "meal", name="one_meal_each"),
    Index("ix_meal_bookings_day", "facility_id", "day", "meal"),
    comment="A meal booked (or served without booking) for a canteen member.",
)
