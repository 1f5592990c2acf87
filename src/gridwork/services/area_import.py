"""`import_areas`: load the national division layout (five CSV files) in one transaction."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, bindparam, select, update

from gridwork.domain.areas import LENGTH_BY_LEVEL, Level, is_pseudo, kind_of
from gridwork.domain.errors import ImportFailed
from gridwork.services.area_counts import rebuild_counts
from gridwork.services.clock import utcnow
from gridwork.store.bulk import bulk_insert, column_names, db_timestamp
from gridwork.store.tables import areas


@dataclass(frozen=True)
class SourceFile:
    """One file of the layout: its level and the column naming each row's parent."""

    name: str
    level: Level
    parent_column: str | None
    columns: tuple[str, ...]


LAYOUT: tuple[SourceFile, ...] = (
    SourceFile("provinces.csv", Level.PROVINCE, None, ("code", "name")),
    SourceFile("cities.csv", Level.CITY, "provinceCode", ("code", "name", "provinceCode")),
    SourceFile("areas.csv", Level.DISTRICT, "cityCode", ("code", "name", "cityCode")),
    SourceFile("streets.csv", Level.STREET, "areaCode", ("code", "name", "areaCode")),
    SourceFile("villages.csv", Level.COMMUNITY, "streetCode", ("code", "name", "streetCode")),
)

AREA_COLUMNS = column_names(areas)
Row = tuple[int, str, str, str | None]  # line, code, name, parent code


class Progress(Protocol):
    """Where an import reports how far it has got (a progress bar in the CLI)."""

    def phase(self, name: str, total: int | None) -> None:
        """A new phase starts, with `total` units of work if known."""

    def advance(self, n: int) -> None:
        """`n` more units of the current phase are done."""


@dataclass
class ImportReport:
    """What an import did."""

    read: int = 0
    inserted: int = 0
    renamed: int = 0
    unchanged: int = 0
    per_file: dict[str, int] = field(default_factory=dict)


def count_rows(directory: Path) -> int:
    """Data rows across the five files (for a progress bar's total); 0 if unreadable."""
    total = 0
    for source in LAYOUT:
        try:
            with (directory / source.name).open("rb") as fh:
                total += max(sum(1 for _ in fh) - 1, 0)
        except OSError:
            return 0
    return total


def _read(directory: Path, source: SourceFile, progress: Progress | None) -> Iterator[Row]:
    path = directory / source.name
    if not path.is_file():
        raise ImportFailed(source.name, None, f"missing file (looked for {path})")
    length = LENGTH_BY_LEVEL[source.level]
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise ImportFailed(source.name, 1, "empty file, expected a header") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ImportFailed(source.name, 1, f"unreadable: {exc}") from None
        missing = [c for c in source.columns if c not in header]
        if missing:
            raise ImportFailed(
                source.name,
                1,
                f"wrong header: missing column(s) {', '.join(missing)} "
                f"(expected {','.join(source.columns)})",
            )
        at = {c: header.index(c) for c in source.columns}
        width = len(header)
        line = 1
        rows = 0
        try:
            for record in reader:
                line += 1
                if not record:
                    continue
                if len(record) != width:
                    raise ImportFailed(
                        source.name, line, f"expected {width} fields, found {len(record)}"
                    )
                code = record[at["code"]].strip()
                name = record[at["name"]].strip()
                if len(code) != length or not code.isascii() or not code.isdigit():
                    raise ImportFailed(
                        source.name,
                        line,
                        f"malformed code {code!r}: a {source.level.value} code has {length} digits",
                    )
                if not name or len(name) > 100:
                    raise ImportFailed(source.name, line, f"bad name for {code}")
                parent = record[at[source.parent_column]].strip() if source.parent_column else None
                if parent is not None and not code.startswith(parent):
                    raise ImportFailed(
                        source.name,
                        line,
                        f"code {code} does not start with its parent code {parent!r}",
                    )
                rows += 1
                if progress is not None and rows % 5000 == 0:
                    progress.advance(5000)
                yield line, code, name, parent
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ImportFailed(source.name, line, f"unreadable: {exc}") from None
    if progress is not None:
        progress.advance(rows % 5000)


def import_areas(
    conn: Connection, directory: Path, *, progress: Progress | None = None
) -> ImportReport:
    """Insert new units and rename changed ones; all or nothing (the caller commits).

    Every row is checked (code shape, parent present in the files or the database)
    before anything is written, so a bad row names its file and line and leaves the
    database as it was.
    """
    report = ImportReport()
    existing: dict[str, str] = dict(
        conn.execute(select(areas.c.code, areas.c.name).where(areas.c.level != "grid")).all()
    )
    incoming: dict[str, tuple[str, str | None, Level]] = {}
    for source in LAYOUT:
        count = 0
        for line, code, name, parent in _read(directory, source, progress):
            count += 1
            if code in incoming:
                raise ImportFailed(source.name, line, f"code {code} appears twice")
            if parent is not None and parent not in incoming and parent not in existing:
                raise ImportFailed(
                    source.name, line, f"parent code {parent} of {code} does not exist"
                )
            incoming[code] = (name, parent, source.level)
        report.per_file[source.name] = count
        report.read += count

    now = utcnow()
    stamp = db_timestamp(conn, now)
    new_rows: list[tuple[object, ...]] = []
    renamed = []
    for code, (name, parent, level) in incoming.items():
        old = existing.get(code)
        if old is None:
            kind = kind_of(code, name)
            new_rows.append(
                (
                    code,
                    name,
                    level.value,
                    kind.value,
                    parent,
                    is_pseudo(kind),
                    code[:2],
                    stamp,
                    stamp,
                )
            )
        elif old != name:
            kind = kind_of(code, name)
            renamed.append(
                {
                    "b_code": code,
                    "name": name,
                    "kind": kind.value,
                    "is_pseudo": is_pseudo(kind),
                    "updated_at": now,
                }
            )
    # Parents before children: the layout order already guarantees it.
    if progress is not None:
        progress.phase("writing", len(new_rows) + len(renamed))
    bulk_insert(
        conn, areas, AREA_COLUMNS, new_rows, on_chunk=progress.advance if progress else None
    )
    if renamed:
        conn.execute(
            update(areas)
            .where(areas.c.code == bindparam("b_code"))
            .values(
                name=bindparam("name"),
                kind=bindparam("kind"),
                is_pseudo=bindparam("is_pseudo"),
                updated_at=bindparam("updated_at"),
            ),
            renamed,
        )
    if progress is not None:
        progress.advance(len(renamed))
    report.inserted = len(new_rows)
    report.renamed = len(renamed)
    report.unchanged = report.read - report.inserted - report.renamed
    if new_rows:
        if progress is not None:
            progress.phase("counting", None)
        rebuild_counts(conn)
    return report
