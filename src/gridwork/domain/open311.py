"""Open311 GeoReport v2 rules that need no storage: statuses, dates, request shapes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from gridwork.domain.errors import InvalidInput
from gridwork.domain.workflow import ENDED_STATUSES

MAX_SPAN = timedelta(days=90)
MAX_PAGE_SIZE = 1000
# Dates outside these years cannot be a report's; refusing them keeps window arithmetic
# (a date plus 90 days) away from the end of the calendar.
EARLIEST_YEAR = 1970
LATEST_YEAR = 2999
_W3C = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$"
)


def open311_status(status: str) -> str:
    """Open311 knows only open and closed: closed, rejected and merged cases are closed."""
    return "closed" if status in ENDED_STATUSES else "open"


def parse_datetime(value: str, field: str) -> datetime:
    """A W3C date-time, leniently: a '+' decoded to a space, a missing zone read as UTC."""
    text = value.strip()
    # "2024-01-01T00:00:00 08:00": an unencoded '+' arrives as a space
    text = re.sub(r"(\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?) (\d{2}:?\d{2})$", r"\1+\2", text)
    match = _W3C.match(text)
    if not match:
        raise InvalidInput(
            f"{field} must be a W3C date-time such as 2026-01-31T08:00:00Z", field=field
        )
    date, clock, zone = match.groups()
    iso = f"{date}T{clock or '00:00'}"
    if zone and zone != "Z":
        zone = zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
        iso += zone
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        raise InvalidInput(f"{field} is not a real date and time", field=field) from None
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
    try:  # 9999-12-31T23:59:59-12:00 is past the last date Python (and SQL) can hold
        in_utc = parsed.astimezone(UTC)
    except OverflowError:
        in_utc = None
    if in_utc is None or not EARLIEST_YEAR <= in_utc.year <= LATEST_YEAR:
        raise InvalidInput(
            f"{field} must lie between the years {EARLIEST_YEAR} and {LATEST_YEAR}", field=field
        )
    return in_utc


def date_window(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """The requested_datetime window: at most 90 days, the last 90 days by default."""
    if start is None and end is None:
        return now - MAX_SPAN, now
    if start is None:
        assert end is not None
        start = end - MAX_SPAN
    if end is None:
        end = min(start + MAX_SPAN, now)
    if end < start:
        raise InvalidInput("end_date is before start_date", field="end_date")
    if end - start > MAX_SPAN:
        raise InvalidInput("start_date and end_date may be at most 90 days apart", field="end_date")
    return start, end


def split_list(value: str | None) -> list[str]:
    """A comma-delimited argument as a list (empty parts dropped)."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]
