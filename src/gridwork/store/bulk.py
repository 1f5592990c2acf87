"""Bulk writes that bypass per-row ORM/Core processing: COPY on PostgreSQL, executemany on SQLite.

Used for national-scale imports, where SQLAlchemy's per-parameter processing would cost
more than the database itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table


def db_timestamp(conn: Connection, value: datetime) -> Any:
    """A UTC timestamp as the driver stores it (SQLite: the text form SQLAlchemy uses)."""
    value = value.astimezone(UTC)
    if conn.dialect.name == "sqlite":
        return value.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def column_names(table: Table) -> tuple[str, ...]:
    """Every column of `table`, in definition order (for rows that fill them all)."""
    return tuple(column.name for column in table.columns)


def bulk_insert(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    chunk: int = 50_000,
    on_chunk: Callable[[int], None] | None = None,
) -> None:
    """Insert driver-ready tuples into `table` within the connection's transaction."""
    if not rows:
        return
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for start in range(0, len(rows), chunk):
                for row in rows[start : start + chunk]:
                    copy.write_row(row)
                if on_chunk is not None:
                    on_chunk(len(rows[start : start + chunk]))
        return
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
    for start in range(0, len(rows), chunk):
        part = list(rows[start : start + chunk])
        conn.exec_driver_sql(sql, part)
        if on_chunk is not None:
            on_chunk(len(part))


def analyze(conn: Connection, tables: Sequence[Table]) -> None:
    """Refresh the planner's statistics after a bulk load (SQLite has no autovacuum to do it,
    and without them it picks the wrong index for scoped queries)."""
    for table in tables:
        conn.exec_driver_sql(f"ANALYZE {table.name}")
