"""Geometry: unit boundaries, buildings, the geometry version; cases flag outside_grid.

Revision ID: 0002_geometry
Revises: 0001_initial
Create Date: 2026-11-23 17:12:38.743284
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_geometry"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "geo_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_geo_state")),
        comment="One row; its version is bumped whenever grid geometry changes.",
    )
    op.create_table(
        "area_geometries",
        sa.Column("code", sa.String(length=15), nullable=False),
        sa.Column("geojson", sa.Text(), nullable=False, comment="GeoJSON geometry, WGS-84 lon/lat"),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["code"], ["areas.code"], name=op.f("fk_area_geometries_code_areas")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_area_geometries")),
        comment="Boundaries of communities, grids and other units.",
    )
    op.create_table(
        "buildings",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("community_code", sa.String(length=15), nullable=False),
        sa.Column("grid_code", sa.String(length=15), nullable=True),
        sa.Column(
            "external_id",
            sa.String(length=64),
            nullable=True,
            comment="the source's id, for re-imports",
        ),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("footprint", sa.Text(), nullable=True, comment="GeoJSON polygon, if known"),
        sa.Column("floors", sa.Integer(), nullable=True),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("households >= 0", name=op.f("ck_buildings_households_not_negative")),
        sa.ForeignKeyConstraint(
            ["community_code"], ["areas.code"], name=op.f("fk_buildings_community_code_areas")
        ),
        sa.ForeignKeyConstraint(
            ["grid_code"], ["areas.code"], name=op.f("fk_buildings_grid_code_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buildings")),
        sa.UniqueConstraint(
            "community_code", "external_id", name=op.f("uq_buildings_community_code_external_id")
        ),
        comment="Residential buildings: a point (and footprint) with households and floors.",
    )
    with op.batch_alter_table("buildings", schema=None) as batch_op:
        batch_op.create_index("ix_buildings_grid_code", ["grid_code"], unique=False)

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("outside_grid", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.bulk_insert(
        sa.table("geo_state", sa.column("id", sa.Integer), sa.column("version", sa.BigInteger)),
        [{"id": 1, "version": 0}],
    )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("outside_grid")

    with op.batch_alter_table("buildings", schema=None) as batch_op:
        batch_op.drop_index("ix_buildings_grid_code")

    op.drop_table("buildings")
    op.drop_table("area_geometries")
    op.drop_table("geo_state")
