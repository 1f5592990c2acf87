"""Urgency classes and the deadlines they set (Beijing 接诉即办: 2 h / 24 h / 7 d / 15 d)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum


class Urgency(StrEnum):
    """How fast a category of case must be handled."""

    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    COMPLEX = "complex"


DEADLINE_HOURS: dict[Urgency, int] = {
    Urgency.URGENT: 2,
    Urgency.HIGH: 24,
    Urgency.NORMAL: 7 * 24,
    Urgency.COMPLEX: 15 * 24,
}


def deadline_for(urgency: Urgency, start: datetime) -> datetime:
    """When a case accepted at `start` must be resolved (calendar hours)."""
    return start + timedelta(hours=DEADLINE_HOURS[urgency])


def is_overdue(deadline: datetime | None, now: datetime) -> bool:
    """Whether a running deadline has passed."""
    return deadline is not None and now > deadline
