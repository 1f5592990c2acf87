"""emergencies: drawn areas and commendations

Revision ID: 0009_commendations
Revises: 0008_supplies
Create Date: 2026-11-23 23:35:51.680817
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_commendations"
down_revision: str | None = "0008_supplies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "commendations",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "emergency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("by_label", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["emergency_id"],
            ["emergencies.id"],
            name=op.f("fk_commendations_emergency_id_emergencies"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_commendations_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commendations")),
        comment="A worker commended for their service during an emergency.",
    )
    with op.batch_alter_table("commendations", schema=None) as batch_op:
        batch_op.create_index("ix_commendations_emergency", ["emergency_id"], unique=False)

    with op.batch_alter_table("emergencies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "polygon",
                sa.Text(),
                nullable=True,
                comment="the drawn area, GeoJSON, if declared so",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("emergencies", schema=None) as batch_op:
        batch_op.drop_column("polygon")

    with op.batch_alter_table("commendations", schema=None) as batch_op:
        batch_op.drop_index("ix_commendations_emergency")

    op.drop_table("commendations")
