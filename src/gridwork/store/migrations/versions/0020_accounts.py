"""accounts: last sign-in, sessions told apart from API tokens, shared sign-in throttling

Revision ID: 0020_accounts
Revises: 0019_publication
Create Date: 2026-11-30 12:24:49.736611
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_accounts"
down_revision: str | None = "0019_publication"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "key",
            sa.String(length=200),
            nullable=False,
            comment="account, client or account+client",
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failures")),
        comment="Recent failed sign-ins, shared by every process for throttling.",
    )
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.create_index("ix_sign_in_failures_key_at", ["key", "at"], unique=False)
        batch_op.create_index("ix_sign_in_failures_at", ["at"], unique=False)

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.String(length=8),
                server_default="token",
                nullable=False,
                comment="token (API bearer) or session (web cookie)",
            )
        )
        batch_op.create_index("ix_api_tokens_user_id", ["user_id"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): a batch rebuild would drop and re-create `users`,
    # which other tables' rows reference.
    op.execute("ALTER TABLE users DROP COLUMN password_changed_at")
    op.execute("ALTER TABLE users DROP COLUMN last_sign_in_at")
    op.drop_index("ix_api_tokens_user_id", table_name="api_tokens")
    op.execute("ALTER TABLE api_tokens DROP COLUMN kind")
    op.drop_index("ix_sign_in_failures_at", table_name="sign_in_failures")
    op.drop_index("ix_sign_in_failures_key_at", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")
