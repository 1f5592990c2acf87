"""Synthetic city at scale: 10 million residents' worth of buildings and households.

Runs `gridwork synth` as a child process and reads its peak resident memory from the
kernel; the baseline is the same command at 1 million residents in the same run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PEAK_WRAPPER = """
import atexit, runpy, sys
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            print("PEAK_KIB", line.split()[1], flush=True)
atexit.register(peak)
sys.argv = ["gridwork", *sys.argv[1:]]
runpy.run_module("gridwork", run_name="__main__")
"""


def _synth(residents: int) -> tuple[float, float, str]:
    """(seconds, peak MiB, last output line) of one synth run on a fresh demo database."""
    folder = Path(tempfile.mkdtemp(prefix="gridwork-synth-"))
    env = {**os.environ, "GRIDWORK_DATABASE_URL": f"sqlite:///{folder / 'synth.db'}"}
    subprocess.run(
        [sys.executable, "-m", "gridwork", "demo"], env=env, check=True, capture_output=True
    )
    out = folder / "synth.out"
    # The child reports its own high-water mark: ru_maxrss would also count the memory of
    # this (large) benchmark process that the child was forked from before exec.
    command = [sys.executable, "-c", PEAK_WRAPPER, "synth", "--residents", str(residents)]
    command += ["--seed", "3", "--area", "520115", "--no-progress"]
    started = time.perf_counter()
    with out.open("w") as sink:
        child = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
        child.wait()
    seconds = time.perf_counter() - started
    lines = out.read_text().strip().splitlines()
    if child.returncode != 0:
        raise SystemExit("gridwork synth failed: " + "\n".join(lines))
    peak = next(int(line.split()[1]) for line in lines if line.startswith("PEAK_KIB"))
    summary = [line for line in lines if not line.startswith("PEAK_KIB")][-1]
    return seconds, peak / 1024, summary


def run() -> None:
    """Time and memory at 1 M (baseline) and 10 M residents."""
    print("synthetic city (gridwork synth into SQLite, district 520115)")
    base_s, base_mb, base_out = _synth(1_000_000)
    print(f"  1,000,000 residents   {base_s:>6.1f} s  peak {base_mb:,.0f} MiB  (baseline)")
    print(f"    {base_out}")
    big_s, big_mb, big_out = _synth(10_000_000)
    print(
        f"  10,000,000 residents  {big_s:>6.1f} s  peak {big_mb:,.0f} MiB  "
        f"ratio {big_s / base_s:.1f}x the baseline time (goal: peak < 4 GB)"
    )
    print(f"    {big_out}")
