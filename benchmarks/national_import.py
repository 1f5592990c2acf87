"""National import: 665,000 units into SQLite (goal: under 30 s), against a bare baseline.

The baseline parses the same CSV files and inserts (code, name, parent) into a bare
SQLite table with sqlite3.executemany: the floor for this work on this machine.
"""

from __future__ import annotations

import csv
import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks.data import FILES
from gridwork.services.area_import import import_areas
from gridwork.store.engine import make_engine
from gridwork.store.migrate import upgrade


def baseline_seconds(source: Path, db: Path) -> tuple[float, int]:
    """Plain sqlite3: parse the files and insert every row; returns (seconds, rows)."""
    started = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE units (code TEXT PRIMARY KEY, name TEXT, parent TEXT)")
    rows = 0
    with con:
        for name in FILES:
            with (source / name).open(encoding="utf-8-sig", newline="") as fh:
                reader = csv.reader(fh)
                next(reader)
                batch = [(r[0], r[1], r[2] if len(r) > 2 else None) for r in reader]
            con.executemany("INSERT INTO units VALUES (?, ?, ?)", batch)
            rows += len(batch)
    con.close()
    return time.perf_counter() - started, rows


def gridwork_seconds(source: Path, url: str) -> tuple[float, float, int]:
    """gridwork's import, then a repeat (idempotent); returns (first s, repeat s, rows)."""
    upgrade(url)
    engine = make_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        report = import_areas(conn, source)
    first = time.perf_counter() - started
    started = time.perf_counter()
    with engine.begin() as conn:
        again = import_areas(conn, source)
    repeat = time.perf_counter() - started
    engine.dispose()
    assert again.inserted == 0 and again.renamed == 0
    return first, repeat, report.read


def run(source: Path, keep: Path | None = None) -> Path:
    """Measure and print; returns the SQLite file holding the imported country."""
    work = Path(tempfile.mkdtemp(prefix="gridwork-bench-"))
    base_s, base_rows = baseline_seconds(source, work / "baseline.db")
    db = keep or work / "gridwork.db"
    first, repeat, rows = gridwork_seconds(source, f"sqlite:///{db}")
    assert rows == base_rows
    print("national import into SQLite")
    print(f"  rows                       {rows:>10,}")
    print(f"  baseline (bare sqlite3)    {base_s:>8.2f} s  {base_rows / base_s:>10,.0f} rows/s")
    print(
        f"  gridwork areas import      {first:>8.2f} s  {rows / first:>10,.0f} rows/s"
        f"  ratio {first / base_s:.2f}x baseline  (goal < 30 s: "
        f"{'met' if first < 30 else 'NOT met'})"
    )
    print(
        f"  repeat import (no change)  {repeat:>8.2f} s  {rows / repeat:>10,.0f} rows/s"
        f"  ratio {repeat / base_s:.2f}x baseline"
    )
    return db
