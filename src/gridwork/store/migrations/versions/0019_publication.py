"""what the public may see of a case

Revision ID: 0019_publication
Revises: 0018_emergency_lists
Create Date: 2026-11-30 12:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_publication"
down_revision: str | None = "0018_emergency_lists"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SENSITIVE = ("elderly_help", "neighbour_dispute", "emergency_need")


def upgrade() -> None:
    # Plain ADD COLUMN (a constant default) on both engines: no table is rebuilt.
    op.add_column(
        "categories",
        sa.Column(
            "sensitive",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
            comment="cases of this kind are never published (care, disputes, emergencies' needs)",
        ),
    )
    op.add_column(
        "cases",
        sa.Column(
            "publicity",
            sa.String(length=16),
            server_default="public",
            nullable=False,
            comment="public, private (the reporter's wish), hidden (by staff) or restricted",
        ),
    )
    op.add_column(
        "cases",
        sa.Column(
            "public_description",
            sa.Text(),
            nullable=True,
            comment="what the public sees instead of the description, when staff redacted it",
        ),
    )
    op.add_column(
        "cases",
        sa.Column(
            "public_media",
            sa.Boolean(),
            server_default=sa.true(),
            nullable=False,
            comment="whether the public sees the reporter's photo",
        ),
    )
    op.add_column(
        "case_events",
        sa.Column(
            "public",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
            comment="staff marked the note for the public (Open311 status_notes)",
        ),
    )
    categories = sa.table("categories", sa.column("code", sa.String), sa.column("sensitive"))
    op.execute(
        categories.update().where(categories.c.code.in_(SENSITIVE)).values(sensitive=sa.true())
    )
    # Cases born at a household's door were never meant for the public: visits' needs and
    # what welfare checks found.
    op.execute("UPDATE cases SET publicity = 'restricted' WHERE channel = 'visit'")
    op.execute(
        "UPDATE cases SET publicity = 'restricted' WHERE id IN "
        "(SELECT case_id FROM emergency_tasks WHERE case_id IS NOT NULL)"
    )


def downgrade() -> None:
    op.drop_column("case_events", "public")
    op.drop_column("cases", "public_media")
    op.drop_column("cases", "public_description")
    op.drop_column("cases", "publicity")
    op.drop_column("categories", "sensitive")
