"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against a served demo."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from tests.conftest import throwaway_database
from tests.e2e.conftest import run_cli, running_server

CHROMIUM = os.environ.get("GRIDWORK_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
# The flags a sandboxed, offline machine needs (no background calls to Google's hosts).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The demo world (a small synthetic district) on SQLite, served: (database URL, base
    URL). Tests that change its data directly put it back."""
    folder = tmp_path_factory.mktemp("browser")
    with throwaway_database("sqlite", folder) as url:
        made = run_cli(url, "demo", "--residents", "30000")
        assert made.returncode == 0, made.stderr
        with running_server(url, folder / "server.log") as base:
            yield url, base


@pytest.fixture(scope="session")
def served(demo_world: tuple[str, str]) -> str:
    """The served demo world's base URL."""
    return demo_world[1]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(f"no Chromium at {CHROMIUM}: `.ci/run` installs Debian's chromium package")
    with sync_playwright() as handle:
        yield handle


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (test-artifacts/ is ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
