"""keys: re-issuable case secrets; idempotency keys bound to the request body

Revision ID: 0021_keys
Revises: 0020_accounts
Create Date: 2026-11-30 12:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_keys"
down_revision: str | None = "0020_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column(
                "secret_version",
                sa.Integer(),
                server_default="0",
                nullable=False,
                comment="bumped when the follow-up code is re-issued; the old one stops working",
            )
        )
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.add_column(
            sa.Column(
                "body_hash",
                sa.String(length=64),
                nullable=True,
                comment="SHA-256 of the first request's report; a reuse with another body is "
                "refused",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.drop_column("body_hash")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("secret_version")
