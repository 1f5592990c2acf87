"""Turning service results into JSON: datetimes shown in the configured time zone."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo


def to_json(value: Any, zone: ZoneInfo) -> Any:
    """A JSON-ready copy of `value`, with datetimes as ISO 8601 in `zone`."""
    if isinstance(value, datetime):
        return value.astimezone(zone).isoformat(timespec="seconds")
    if isinstance(value, dict):
        return {k: to_json(v, zone) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v, zone) for v in value]
    return value
