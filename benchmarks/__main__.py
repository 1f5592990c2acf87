"""`make bench`: the national import, then API latency on the imported country."""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks import api_latency, national_import
from benchmarks.data import national_divisions


def main() -> None:
    """Run every benchmark and print its numbers."""
    source = national_divisions()
    db = Path(tempfile.mkdtemp(prefix="gridwork-bench-")) / "national.db"
    national_import.run(source, keep=db)
    print()
    api_latency.run(db)


main()
