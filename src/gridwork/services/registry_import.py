"""Bulk import of households and residents from CSV, with a dry run.

One row per resident. Rows sharing a `household` key (any text, unique within the file)
form one household; its grid, address and building come from its first row.
Flag columns hold `consent`, `programme:<name>` or nothing.

A large file must not hold the database's writer for long (SQLite has one writer, and on
PostgreSQL a long transaction holds its locks), so an import runs in chunks of whole
households, each in a short transaction of its own (`write`):
1. check: every chunk is written and rolled back; any bad line, and nothing is written (every
   bad line is named, as before);
2. write: chunk by chunk, each committed. Should a chunk fail now (the registry changed
   between the two passes), that chunk alone is rolled back and its lines are reported.
Re-running a file is safe: a household is matched on its natural key (grid and address, not
archived) and a resident on theirs (household, name and birth year, not archived); what is
already there is skipped and counted, so a partly imported file is completed by sending it
again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from gridwork.domain.access import REGISTRY_EDITORS, Actor
from gridwork.domain.errors import GridworkError, ImportFailed, InvalidInput
from gridwork.domain.people import Flag, FlagBasis, clean_name, flag_basis
from gridwork.services.registry import (
    ResidentIn,
    create_household,
    create_resident,
    require_role,
)
from gridwork.store.people_tables import households, residents

COLUMNS = (
    "household",
    "grid_code",
    "address",
    "building_code",
    "name",
    "phone",
    "birth_year",
    "sex",
)
FLAG_COLUMNS = tuple(f.value for f in Flag)
MAX_ERRORS = 50
CHUNK_ROWS = 50  # ≈ 0.25 s of writing per transaction (2,000 rows: 9 s in one)

Line = tuple[int, dict[str, str]]  # a row and the file line it ended on


@dataclass
class RegistryImportReport:
    """What an import wrote (or, in a dry run, would write), and what it skipped because it
    was already in the registry. `failed_lines` and `errors` are only ever non-empty after a
    partial import: those lines were not written (send the file again once they are fixed)."""

    households: int = 0
    residents: int = 0
    dry_run: bool = False
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    failed_lines: list[int] = field(default_factory=list)


@dataclass
class ChunkOutcome:
    """One chunk's counts, or the errors that rolled it back."""

    households: int = 0
    residents: int = 0
    skipped: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


# Runs one unit of work in a writing transaction of its own and commits it.
Writer = Callable[[Callable[[Connection], ChunkOutcome]], ChunkOutcome]


def one_transaction(conn: Connection) -> Writer:
    """A `Writer` that runs every chunk on `conn`, inside the caller's transaction."""
    return lambda work: work(conn)


def _flags(row: dict[str, str]) -> dict[Flag, FlagBasis | None]:
    flags: dict[Flag, FlagBasis | None] = {}
    for flag in Flag:
        value = (row.get(flag.value) or "").strip()
        if not value:
            continue
        basis, _, programme = value.partition(":")
        need = row.get("need") if flag is Flag.NEEDS_ASSISTANCE else None
        flags[flag] = flag_basis(flag, basis.strip(), programme or None, need)
    return flags


def _birth_year(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise InvalidInput(f"birth_year {text!r} is not a year", field="birth_year") from None


def import_registry(
    write: Writer,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    chunk_rows: int = CHUNK_ROWS,
) -> RegistryImportReport:
    """Import the CSV as `actor` (their scope and role apply to every row), `chunk_rows` rows
    (whole households) per transaction run by `write`. If any line is bad nothing is written
    and every bad line is named (ImportFailed); a dry run checks all and writes nothing."""
    chunks = _chunks(_read(data, filename), chunk_rows)
    checked = RegistryImportReport(dry_run=True)
    errors: list[tuple[int, str]] = []
    for chunk in chunks:
        outcome = write(_unit(actor, chunk, keep=False))
        _add(checked, outcome)
        errors += outcome.errors
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise _refusal(filename, errors)
    if dry_run:
        return checked
    report = RegistryImportReport()
    for chunk in chunks:
        outcome = write(_unit(actor, chunk, keep=True))
        _add(report, outcome)
        if outcome.errors:
            report.failed_lines += [line for line, _ in chunk]
            report.errors += [f"{filename}:{line}: {message}" for line, message in outcome.errors]
    report.failed_lines.sort()
    return report


def _read(data: bytes, filename: str) -> list[Line]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed(filename, None, "the file is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        _check_columns(reader, filename)
        return [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise ImportFailed(filename, reader.line_num or None, f"not valid CSV: {exc}") from None


def _check_columns(reader: csv.DictReader[str], filename: str) -> None:
    missing = [
        c
        for c in ("household", "grid_code", "address", "name", "birth_year")
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise ImportFailed(filename, 1, f"missing column(s): {', '.join(missing)}")
    unknown = [c for c in reader.fieldnames or [] if c not in (*COLUMNS, *FLAG_COLUMNS, "need")]
    if unknown:
        raise ImportFailed(
            filename,
            1,
            f"unknown column(s): {', '.join(unknown)} (the registry keeps no other data)",
        )


def _chunks(lines: list[Line], size: int) -> list[list[Line]]:
    """Lines grouped by household key (first appearance first), whole households per chunk,
    about `size` lines each."""
    groups: dict[str, list[Line]] = {}
    for line, row in lines:
        groups.setdefault((row.get("household") or "").strip(), []).append((line, row))
    chunks: list[list[Line]] = [[]]
    for group in groups.values():
        if chunks[-1] and len(chunks[-1]) + len(group) > size:
            chunks.append([])
        chunks[-1].extend(group)
    return [c for c in chunks if c]


def _add(report: RegistryImportReport, outcome: ChunkOutcome) -> None:
    if not outcome.errors:
        report.households += outcome.households
        report.residents += outcome.residents
        report.skipped += outcome.skipped


def _refusal(filename: str, errors: list[tuple[int, str]]) -> ImportFailed:
    named = [f"{filename}:{line}: {message}" for line, message in sorted(errors)[:MAX_ERRORS]]
    if len(errors) >= MAX_ERRORS:
        named.append(f"{filename}: stopped after {MAX_ERRORS} errors")
    more = len(named) - 1
    failure = ImportFailed(
        filename,
        None,
        f"nothing was written; {named[0].removeprefix(filename + ':')}"
        + (f" (and {more} more)" if more else ""),
    )
    failure.details["errors"] = named
    return failure


def _unit(actor: Actor, rows: list[Line], *, keep: bool) -> Callable[[Connection], ChunkOutcome]:
    return lambda conn: _run_chunk(conn, actor, rows, keep=keep)


def _run_chunk(conn: Connection, actor: Actor, rows: list[Line], *, keep: bool) -> ChunkOutcome:
    """Write `rows` in a savepoint; keep them only if `keep` and every row went in."""
    outcome = ChunkOutcome()
    homes: dict[str, int] = {}
    savepoint = conn.begin_nested()
    try:
        for line, row in rows:
            try:
                _import_row(conn, actor, row, homes, outcome)
            except GridworkError as exc:
                outcome.errors.append((line, exc.message))
    except Exception:
        savepoint.rollback()
        raise
    if outcome.errors or not keep:
        savepoint.rollback()
    else:
        savepoint.commit()
    return outcome


def _import_row(
    conn: Connection,
    actor: Actor,
    row: dict[str, Any],
    homes: dict[str, int],
    outcome: ChunkOutcome,
) -> None:
    key = (row.get("household") or "").strip()
    if not key:
        raise InvalidInput("household is empty (any text that groups a household's rows)")
    if key not in homes:
        grid = (row.get("grid_code") or "").strip()
        address = " ".join((row.get("address") or "").split())
        require_role(actor, grid, REGISTRY_EDITORS, "edit the registry", f"no grid {grid}")
        existing = conn.execute(
            select(households.c.id)
            .where(
                households.c.grid_code == grid,
                households.c.address == address,
                households.c.archived_at.is_(None),
            )
            .order_by(households.c.id)
            .limit(1)
        ).scalar_one_or_none()
        if existing is None:
            created = create_household(
                conn, actor, grid, address, (row.get("building_code") or "").strip() or None
            )
            existing = created["id"]
            outcome.households += 1
        homes[key] = existing
    person = ResidentIn(
        household_id=homes[key],
        name=row.get("name") or "",
        phone=row.get("phone") or None,
        birth_year=_birth_year(row.get("birth_year") or ""),
        sex=(row.get("sex") or "").strip() or None,
        flags=_flags(row),
    )
    already = conn.execute(
        select(residents.c.id).where(
            residents.c.household_id == homes[key],
            residents.c.name == clean_name(person.name or ""),
            residents.c.birth_year == person.birth_year,
            residents.c.archived_at.is_(None),
        )
    ).first()
    if already is not None:
        outcome.skipped += 1
        return
    create_resident(conn, actor, person)
    outcome.residents += 1
