"""Bulk import of households and residents from CSV, all or nothing, with a dry run.

One row per resident. Rows sharing a `household` key (any text, unique within the file)
form one household; its grid, address and building come from its first row.
Flag columns hold `consent`, `programme:<name>` or nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from gridwork.domain.access import Actor
from gridwork.domain.errors import GridworkError, ImportFailed, InvalidInput
from gridwork.domain.people import Flag, FlagBasis, flag_basis
from gridwork.services.registry import ResidentIn, create_household, create_resident

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


@dataclass
class RegistryImportReport:
    """What an import wrote (or, in a dry run, would write)."""

    households: int = 0
    residents: int = 0
    dry_run: bool = False
    errors: list[str] = field(default_factory=list)


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
    conn: Connection, actor: Actor, data: bytes, filename: str, *, dry_run: bool = False
) -> RegistryImportReport:
    """Import the CSV as `actor` (their scope and role apply to every row). On any error
    nothing is written and every bad line is named; a dry run checks all and writes nothing."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed(filename, None, "the file is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return _import(conn, actor, reader, filename, dry_run)
    except csv.Error as exc:
        raise ImportFailed(filename, reader.line_num or None, f"not valid CSV: {exc}") from None


def _import(
    conn: Connection, actor: Actor, reader: csv.DictReader[str], filename: str, dry_run: bool
) -> RegistryImportReport:
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
    report = RegistryImportReport(dry_run=dry_run)
    homes: dict[str, int] = {}
    savepoint = conn.begin_nested()
    try:
        for row in reader:
            line = reader.line_num
            try:
                _import_row(conn, actor, row, homes, report)
            except GridworkError as exc:
                report.errors.append(f"{filename}:{line}: {exc.message}")
                if len(report.errors) >= MAX_ERRORS:
                    report.errors.append(f"{filename}: stopped after {MAX_ERRORS} errors")
                    break
    except Exception:
        savepoint.rollback()
        raise
    if report.errors or dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    if report.errors:
        more = len(report.errors) - 1
        failure = ImportFailed(
            filename,
            None,
            f"nothing was written; {report.errors[0].removeprefix(filename + ':')}"
            + (f" (and {more} more)" if more else ""),
        )
        failure.details["errors"] = report.errors
        raise failure
    return report


def _import_row(
    conn: Connection,
    actor: Actor,
    row: dict[str, Any],
    homes: dict[str, int],
    report: RegistryImportReport,
) -> None:
    key = (row.get("household") or "").strip()
    if not key:
        raise InvalidInput("household is empty (any text that groups a household's rows)")
    if key not in homes:
        home = create_household(
            conn,
            actor,
            (row.get("grid_code") or "").strip(),
            row.get("address") or "",
            (row.get("building_code") or "").strip() or None,
        )
        homes[key] = home["id"]
        report.households += 1
    create_resident(
        conn,
        actor,
        ResidentIn(
            household_id=homes[key],
            name=row.get("name") or "",
            phone=row.get("phone") or None,
            birth_year=_birth_year(row.get("birth_year") or ""),
            sex=(row.get("sex") or "").strip() or None,
            flags=_flags(row),
        ),
    )
    report.residents += 1
