"""`make bench`: every benchmark, or those named: `python -m benchmarks routing synth`."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from benchmarks import (
    api_latency,
    delineation,
    emergency,
    intake,
    national_import,
    routing,
    stats,
    synth,
    visits,
)
from benchmarks.data import national_divisions

SECTIONS = (
    "import",
    "api",
    "routing",
    "delineation",
    "synth",
    "intake",
    "visits",
    "stats",
    "emergency",
)


def main(names: list[str]) -> None:
    """Run the chosen sections in order, printing their numbers."""
    chosen = names or list(SECTIONS)
    unknown = [n for n in chosen if n not in SECTIONS]
    if unknown:
        raise SystemExit(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(SECTIONS)}")
    db: Path | None = None
    if {"import", "api"} & set(chosen) or "routing" in chosen:
        db = Path(tempfile.mkdtemp(prefix="gridwork-bench-")) / "national.db"
        national_import.run(national_divisions(), keep=db)
        print()
    if "api" in chosen and db is not None:
        api_latency.run(db)
        print()
    if "routing" in chosen:
        routing.run(db)
        print()
    if "delineation" in chosen:
        delineation.run()
        print()
    if "synth" in chosen:
        synth.run()
        print()
    if "intake" in chosen:
        intake.run()
        print()
    if "visits" in chosen:
        visits.run()
        print()
    if "stats" in chosen:
        stats.run()
        print()
    if "emergency" in chosen:
        emergency.run()


main(sys.argv[1:])
