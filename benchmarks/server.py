"""A real `gridwork serve` process for the HTTP benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx2 as httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serving(url: str, **settings: str) -> Iterator[tuple[str, int]]:
    """Serve the database at `url`; yields (base URL, server pid) once it answers."""
    env = {**os.environ, "GRIDWORK_DATABASE_URL": url}
    env.update({f"GRIDWORK_{k.upper()}": v for k, v in settings.items()})
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gridwork", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/healthz")
                break
            except httpx.TransportError:
                if server.poll() is not None:
                    raise SystemExit("gridwork serve exited before answering") from None
                time.sleep(0.1)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=10)
