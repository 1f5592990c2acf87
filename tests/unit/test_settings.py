from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from gridwork.config import PLACEHOLDER_SECRET, Settings

DOCS = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


def test_the_placeholder_secret_is_refused_outside_dev() -> None:
    Settings(env="dev")
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(env="prod", secret_key=PLACEHOLDER_SECRET)
    Settings(env="prod", secret_key="a-real-secret-of-some-length")


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDWORK_TIMEZONE", "Europe/Oslo")
    monkeypatch.setenv("GRIDWORK_DATABASE_URL", "sqlite:////tmp/x.db")
    settings = Settings()
    assert settings.timezone == "Europe/Oslo"
    assert settings.sqlite_path() == Path("/tmp/x.db")


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown time zone"):
        Settings(timezone="Mars/Olympus")


def test_every_setting_is_documented_and_every_documented_setting_exists() -> None:
    documented = set(re.findall(r"^\| `(GRIDWORK_[A-Z_]+)` \|", DOCS.read_text(), re.M))
    actual = {f"GRIDWORK_{name.upper()}" for name in Settings.model_fields}
    assert documented == actual
