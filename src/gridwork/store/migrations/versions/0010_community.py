"""community services: facilities and proposals

Revision ID: 0010_community
Revises: 0009_commendations
Create Date: 2026-11-23 23:45:52.675657
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_community"
down_revision: str | None = "0009_commendations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "facilities",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("community_code", sa.String(length=15), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lng", sa.Float(), nullable=True),
        sa.Column("opening_hours", sa.String(length=200), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column(
            "run_by", sa.String(length=100), nullable=True, comment="who runs it (an organisation)"
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('canteen', 'elderly_care', 'health', 'legal_aid', 'activity_room', 'other')",
            name=op.f("ck_facilities_known_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["community_code"], ["areas.code"], name=op.f("fk_facilities_community_code_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilities")),
        comment="A community's facility: canteen, care station, health station, legal aid, rooms.",
    )
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.create_index("ix_facilities_community", ["community_code"], unique=False)

    op.create_table(
        "proposals",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("community_code", sa.String(length=15), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "proposer_hash", sa.String(length=64), nullable=False, comment="keyed hash of the phone"
        ),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("supporters", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=64), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "case_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
            comment="the work, if any",
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'considering', 'accepted', 'declined')",
            name=op.f("ck_proposals_known_status"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_proposals_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["community_code"], ["areas.code"], name=op.f("fk_proposals_community_code_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposals")),
        comment="A resident's proposal to improve their community, and the answer to it.",
    )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_proposals_community", ["community_code", "created_at"], unique=False
        )

    op.create_table(
        "proposal_supports",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "proposal_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "supporter_hash",
            sa.String(length=64),
            nullable=False,
            comment="keyed hash of the phone",
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_supports_proposal_id_proposals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_supports")),
        sa.UniqueConstraint("proposal_id", "supporter_hash", name="one_each"),
        comment="One resident's support for a proposal (one each).",
    )


def downgrade() -> None:
    op.drop_table("proposal_supports")
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_index("ix_proposals_community")

    op.drop_table("proposals")
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.drop_index("ix_facilities_community")

    op.drop_table("facilities")
