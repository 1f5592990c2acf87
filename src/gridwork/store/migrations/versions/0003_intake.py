"""Intake: integrators' API keys, idempotency keys, category questions; case answers.

Revision ID: 0003_intake
Revises: 0002_geometry
Create Date: 2026-11-23 17:45:49.820898
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_intake"
down_revision: str | None = "0002_geometry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "area_code", sa.String(length=15), nullable=False, comment="'' is the whole country"
        ),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_api_keys_name")),
        comment="Integrators' keys (Open311), stored only as keyed hashes, scoped to a subtree.",
    )
    op.create_table(
        "category_attributes",
        sa.Column("category_code", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("datatype", sa.String(length=20), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "choices", sa.Text(), nullable=True, comment="JSON list of [key, name] for list types"
        ),
        sa.ForeignKeyConstraint(
            ["category_code"],
            ["categories.code"],
            name=op.f("fk_category_attributes_category_code_categories"),
        ),
        sa.PrimaryKeyConstraint("category_code", "code", name=op.f("pk_category_attributes")),
        comment="A category's extra questions (Open311 service definition attributes).",
    )
    op.create_table(
        "idempotency_keys",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "scope",
            sa.String(length=80),
            nullable=False,
            comment="who sent it: api key, user or anonymous",
        ),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_idempotency_keys_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_idempotency_keys_scope_key")),
        comment="Retried intake requests answer with the case the first attempt created.",
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "attributes",
                sa.Text(),
                nullable=True,
                comment="JSON answers to the extra questions",
            )
        )
        batch_op.add_column(
            sa.Column(
                "address", sa.String(length=300), nullable=True, comment="as the reporter gave it"
            )
        )
        batch_op.add_column(sa.Column("media_url", sa.String(length=500), nullable=True))

    questions = sa.table(
        "category_attributes",
        sa.column("category_code", sa.String),
        sa.column("code", sa.String),
        sa.column("datatype", sa.String),
        sa.column("required", sa.Boolean),
        sa.column("description", sa.String),
        sa.column("position", sa.Integer),
        sa.column("choices", sa.Text),
    )
    # The seeded questions as they were at this revision.
    op.bulk_insert(
        questions,
        [
            {
                "category_code": "road",
                "code": "blocking",
                "datatype": "singlevaluelist",
                "required": False,
                "description": "Does it block the way? 是否影响通行？",
                "position": 1,
                "choices": '[["no", "不影响 No"], ["partly", "部分影响 Partly"], '
                '["fully", "完全阻断 Fully"]]',
            },
            {
                "category_code": "noise",
                "code": "when",
                "datatype": "multivaluelist",
                "required": False,
                "description": "When do you hear it? 什么时间？",
                "position": 1,
                "choices": '[["day", "白天 Daytime"], ["evening", "晚上 Evening"], '
                '["night", "深夜 Night"]]',
            },
            {
                "category_code": "safety_hazard",
                "code": "danger_now",
                "datatype": "singlevaluelist",
                "required": True,
                "description": "Is anyone in danger right now? 现在是否有人身危险？",
                "position": 1,
                "choices": '[["yes", "是 Yes"], ["no", "否 No"]]',
            },
            {
                "category_code": "elderly_help",
                "code": "detail",
                "datatype": "text",
                "required": False,
                "description": "What help is needed? 需要什么帮助？",
                "position": 1,
                "choices": None,
            },
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("media_url")
        batch_op.drop_column("address")
        batch_op.drop_column("attributes")

    op.drop_table("idempotency_keys")
    op.drop_table("category_attributes")
    op.drop_table("api_keys")
