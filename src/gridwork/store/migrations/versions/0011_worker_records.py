"""workers' training records and commendations

Revision ID: 0011_worker_records
Revises: 0010_community
Create Date: 2026-11-24 00:21:19.275139
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_worker_records"
down_revision: str | None = "0010_community"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "worker_records",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False, comment="training or commendation"),
        sa.Column(
            "title", sa.String(length=200), nullable=False, comment="the course, or what it was for"
        ),
        sa.Column("hours", sa.Float(), nullable=True, comment="training hours"),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("by_label", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('training', 'commendation')", name=op.f("ck_worker_records_known_kind")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_worker_records_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_records")),
        comment="A worker's training and commendations, as their community recorded them.",
    )
    with op.batch_alter_table("worker_records", schema=None) as batch_op:
        batch_op.create_index("ix_worker_records_user", ["user_id", "on_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("worker_records", schema=None) as batch_op:
        batch_op.drop_index("ix_worker_records_user")

    op.drop_table("worker_records")
