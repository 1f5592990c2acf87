"""Initial schema: hierarchy, categories (seeded), users and grants, cases and events.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23 16:50:06.442398
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "areas",
        sa.Column(
            "code", sa.String(length=15), nullable=False, comment="statistical division code"
        ),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("parent_code", sa.String(length=15), nullable=True),
        sa.Column("is_pseudo", sa.Boolean(), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["areas.code"], name=op.f("fk_areas_parent_code_areas")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_areas")),
        comment="Units of the hierarchy, from province down to grid; codes are paths.",
    )
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.create_index("ix_areas_parent_code", ["parent_code"], unique=False)

    op.create_table(
        "categories",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("urgency", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_categories")),
        comment="Kinds of report a resident can make, each with an urgency class.",
    )
    op.create_table(
        "users",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
        comment="Staff and worker accounts (residents need no account).",
    )
    op.create_table(
        "api_tokens",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
        comment="Bearer tokens, stored only as keyed hashes.",
    )
    op.create_table(
        "area_counts",
        sa.Column("code", sa.String(length=15), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["code"], ["areas.code"], name=op.f("fk_area_counts_code_areas")),
        sa.PrimaryKeyConstraint("code", "level", name=op.f("pk_area_counts")),
        comment="Maintained number of descendants of each unit, per level.",
    )
    op.create_table(
        "cases",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("area_code", sa.String(length=15), nullable=False),
        sa.Column("handler_unit", sa.String(length=15), nullable=True),
        sa.Column(
            "assignee_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("category_code", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("reporter_name", sa.String(length=100), nullable=True),
        sa.Column("reporter_phone", sa.String(length=32), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lng", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("rating_comment", sa.Text(), nullable=True),
        sa.Column("return_count", sa.Integer(), nullable=False),
        sa.Column("escalation_count", sa.Integer(), nullable=False),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "rating IS NULL OR (rating BETWEEN 1 AND 5)", name=op.f("ck_cases_rating_range")
        ),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_cases_area_code_areas")
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["users.id"], name=op.f("fk_cases_assignee_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["category_code"], ["categories.code"], name=op.f("fk_cases_category_code_categories")
        ),
        sa.ForeignKeyConstraint(
            ["handler_unit"], ["areas.code"], name=op.f("fk_cases_handler_unit_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("reference", name=op.f("uq_cases_reference")),
        comment="Current projection of each case; the history is in case_events.",
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_area_code_status", ["area_code", "status"], unique=False)
        batch_op.create_index("ix_cases_assignee_id", ["assignee_id"], unique=False)
        batch_op.create_index("ix_cases_handler_unit", ["handler_unit"], unique=False)
        batch_op.create_index(
            "ix_cases_status_deadline_at", ["status", "deadline_at"], unique=False
        )

    op.create_table(
        "grants",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column(
            "area_code", sa.String(length=15), nullable=False, comment="'' is the whole country"
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_grants_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grants")),
        sa.UniqueConstraint(
            "user_id", "role", "area_code", name=op.f("uq_grants_user_id_role_area_code")
        ),
        comment="A role held over a unit and its subtree.",
    )
    op.create_table(
        "case_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "actor_label",
            sa.String(length=64),
            nullable=False,
            comment="username, resident or system",
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column(
            "area_code", sa.String(length=15), nullable=False, comment="owning unit after the event"
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_case_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
        sa.UniqueConstraint("case_id", "seq", name=op.f("uq_case_events_case_id_seq")),
        comment="Append-only history of every action on every case.",
    )

    categories = sa.table(
        "categories",
        sa.column("code", sa.String),
        sa.column("name_zh", sa.String),
        sa.column("name_en", sa.String),
        sa.column("urgency", sa.String),
        sa.column("active", sa.Boolean),
    )
    # The seeded defaults as they were at this revision (not imported from the code,
    # so later edits to the defaults do not rewrite history).
    op.bulk_insert(
        categories,
        [
            {"code": c, "name_zh": zh, "name_en": en, "urgency": u, "active": True}
            for c, zh, en, u in [
                ("road", "道路", "Road", "normal"),
                ("water", "供排水", "Water and drainage", "high"),
                ("sanitation", "环境卫生", "Sanitation", "normal"),
                ("noise", "噪音扰民", "Noise", "high"),
                ("facilities", "公共设施", "Public facilities", "normal"),
                ("elderly_help", "为老服务", "Elderly help", "high"),
                ("neighbour_dispute", "邻里纠纷", "Neighbour dispute", "complex"),
                ("safety_hazard", "安全隐患", "Safety hazard", "urgent"),
                ("other", "其他", "Other", "normal"),
            ]
        ],
    )


def downgrade() -> None:
    op.drop_table("case_events")
    op.drop_table("grants")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_status_deadline_at")
        batch_op.drop_index("ix_cases_handler_unit")
        batch_op.drop_index("ix_cases_assignee_id")
        batch_op.drop_index("ix_cases_area_code_status")

    op.drop_table("cases")
    op.drop_table("area_counts")
    op.drop_table("api_tokens")
    op.drop_table("users")
    op.drop_table("categories")
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.drop_index("ix_areas_parent_code")

    op.drop_table("areas")
