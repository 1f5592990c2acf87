"""Tables of emergency supplies: community depots, their stock by kind, and every movement."""

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
)

from gridwork.store.tables import CODE, metadata
from gridwork.store.types import BigId, UTCDateTime

KINDS = "'water', 'food', 'medicine', 'other'"

depots = Table(
    "depots",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("province_code", String(2), nullable=False),
    Column("community_code", String(CODE), ForeignKey("areas.code"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_depots_community", "community_code"),
    comment="A community's store of emergency supplies.",
)

depot_stock = Table(
    "depot_stock",
    metadata,
    Column("depot_id", BigId, ForeignKey("depots.id"), primary_key=True),
    Column("kind", String(12), primary_key=True),
    Column("quantity", Integer, nullable=False),
    Column("threshold", Integer, nullable=False, comment="short below this"),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint(f"kind IN ({KINDS})", name="kind"),
    CheckConstraint("quantity >= 0", name="quantity"),
    comment="What a depot holds of each kind.",
)

supply_movements = Table(
    "supply_movements",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("depot_id", BigId, ForeignKey("depots.id"), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("delta", Integer, nullable=False),
    Column("reason", String(12), nullable=False, comment="restock or delivery"),
    Column("emergency_id", BigId, ForeignKey("emergencies.id"), nullable=True),
    Column("task_id", BigId, ForeignKey("emergency_tasks.id"), nullable=True),
    Column("actor_label", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("note", Text, nullable=True),
    Index("ix_supply_movements_depot", "depot_id", "at"),
    comment="Every change to a depot's stock, with who made it and why.",
)
