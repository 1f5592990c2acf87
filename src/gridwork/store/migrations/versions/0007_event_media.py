"""case_events.media_url: a photo with an action (a repair, a resolution)

Revision ID: 0007_event_media
Revises: 0006_emergencies
Create Date: 2026-11-23 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_event_media"
down_revision: str | None = "0006_emergencies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case_events") as batch:
        batch.add_column(
            sa.Column(
                "media_url",
                sa.String(length=500),
                nullable=True,
                comment="a photo of what was done",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("case_events") as batch:
        batch.drop_column("media_url")
