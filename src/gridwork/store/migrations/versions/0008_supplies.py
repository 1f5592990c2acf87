"""supplies: community depots, stock by kind, movements

Revision ID: 0008_supplies
Revises: 0007_event_media
Create Date: 2026-11-23 23:29:44.514672
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_supplies"
down_revision: str | None = "0007_event_media"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "depots",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("community_code", sa.String(length=15), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"], ["areas.code"], name=op.f("fk_depots_community_code_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_depots")),
        comment="A community's store of emergency supplies.",
    )
    with op.batch_alter_table("depots", schema=None) as batch_op:
        batch_op.create_index("ix_depots_community", ["community_code"], unique=False)

    op.create_table(
        "depot_stock",
        sa.Column("depot_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False, comment="short below this"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('water', 'food', 'medicine', 'other')", name=op.f("ck_depot_stock_kind")
        ),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_depot_stock_quantity")),
        sa.ForeignKeyConstraint(
            ["depot_id"], ["depots.id"], name=op.f("fk_depot_stock_depot_id_depots")
        ),
        sa.PrimaryKeyConstraint("depot_id", "kind", name=op.f("pk_depot_stock")),
        comment="What a depot holds of each kind.",
    )
    op.create_table(
        "supply_movements",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("depot_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=12), nullable=False, comment="restock or delivery"),
        sa.Column(
            "emergency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("task_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("actor_label", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["depot_id"], ["depots.id"], name=op.f("fk_supply_movements_depot_id_depots")
        ),
        sa.ForeignKeyConstraint(
            ["emergency_id"],
            ["emergencies.id"],
            name=op.f("fk_supply_movements_emergency_id_emergencies"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["emergency_tasks.id"],
            name=op.f("fk_supply_movements_task_id_emergency_tasks"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_movements")),
        comment="Every change to a depot's stock, with who made it and why.",
    )
    with op.batch_alter_table("supply_movements", schema=None) as batch_op:
        batch_op.create_index("ix_supply_movements_depot", ["depot_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("supply_movements", schema=None) as batch_op:
        batch_op.drop_index("ix_supply_movements_depot")

    op.drop_table("supply_movements")
    op.drop_table("depot_stock")
    with op.batch_alter_table("depots", schema=None) as batch_op:
        batch_op.drop_index("ix_depots_community")

    op.drop_table("depots")
