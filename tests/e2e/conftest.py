"""Helpers for tests that run the real `gridwork` command and server as processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.conftest import SECRET, throwaway_database

# Photos of the processes under test, never the working directory's var/media (which
# `gridwork sweep` would clear of every photo the test's database does not know).
MEDIA_DIR = str(Path(tempfile.gettempdir()) / f"gridwork-e2e-media-{os.getpid()}")


# The demo at a size no test here is about: `make run`'s 600,000 residents took most of the
# suite's time when every end-to-end test built them again (size belongs in `make bench`).
SMALL_DEMO = ("--residents", "2000")


def run_cli(url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `gridwork ARGS` against `url`, capturing its output."""
    env = {**os.environ, "GRIDWORK_DATABASE_URL": url, "GRIDWORK_SECRET_KEY": SECRET}
    env.setdefault("GRIDWORK_MEDIA_DIR", MEDIA_DIR)
    return subprocess.run(
        [sys.executable, "-m", "gridwork", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def running_server(
    url: str, log_path: Path | None = None, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    """`gridwork serve` on a free port; yields its base URL and stops it afterwards. Its
    standard error goes to `log_path` when given (to show a failing test's tracebacks)."""
    port = free_port()
    env = {**os.environ, "GRIDWORK_DATABASE_URL": url, "GRIDWORK_SECRET_KEY": SECRET}
    env.setdefault("GRIDWORK_MEDIA_DIR", MEDIA_DIR)
    env |= extra_env or {}
    with open(log_path, "w+b") if log_path else tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gridwork", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(f"{base}/healthz", timeout=1)
                    break
                except httpx.TransportError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        stderr = log.read().decode(errors="replace")
                        raise RuntimeError(f"server did not start: {stderr}") from None
                    time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind, just for this test."""
    with throwaway_database(request.param, tmp_path) as url:
        yield url
