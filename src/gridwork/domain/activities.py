"""Activities and classes: their kinds, when each session falls, and who gets a place (first
come first served up to the capacity; then a waitlist, promoted in order)."""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from enum import StrEnum


class ActivityKind(StrEnum):
    """What an activity is."""

    TAI_CHI = "tai_chi"  # 太极
    CALLIGRAPHY = "calligraphy"  # 书法
    MUSIC = "music"
    LAW_LECTURE = "law_lecture"  # 法律讲座
    HEALTH_TALK = "health_talk"  # 健康讲座
    OTHER = "other"


class Recurrence(StrEnum):
    """How often it meets."""

    ONCE = "once"
    WEEKLY = "weekly"
    MONTHLY = "monthly"  # the same day of each month (the month's last day if shorter)


class SignupStatus(StrEnum):
    """Where a resident's sign-up stands."""

    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


MAX_SESSIONS = 60
REMIND_AHEAD = timedelta(hours=24)


def session_times(first: datetime, recurrence: Recurrence, count: int) -> list[datetime]:
    """When each of `count` sessions starts."""
    if recurrence is Recurrence.ONCE:
        return [first]
    if recurrence is Recurrence.WEEKLY:
        return [first + timedelta(weeks=i) for i in range(count)]
    times = []
    for i in range(count):
        months = first.month - 1 + i
        year, month = first.year + months // 12, months % 12 + 1
        day = min(first.day, calendar.monthrange(year, month)[1])
        times.append(first.replace(year=year, month=month, day=day))
    return times


def place_for(confirmed: int, capacity: int | None) -> SignupStatus:
    """A new sign-up is confirmed while places remain (no capacity: always), else waits."""
    if capacity is None or confirmed < capacity:
        return SignupStatus.CONFIRMED
    return SignupStatus.WAITLISTED
