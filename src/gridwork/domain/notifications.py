"""Notifications: who gets what through which channel, and when a failed delivery is tried
again. A notification is written in the same transaction as the action that caused it and
delivered afterwards, so a channel that is down never blocks the action."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum


class Channel(StrEnum):
    """How a notification reaches its recipient."""

    IN_APP = "in_app"  # read on the site after signing in
    SMS = "sms"  # the SMS gateway, to the phone
    EMAIL = "email"  # e-mail over SMTP


class Kind(StrEnum):
    """What a notification is about."""

    CASE_UPDATE = "case_update"
    ACTIVITY_REMINDER = "activity_reminder"
    EMERGENCY_ALERT = "emergency_alert"
    NOTICE = "notice"


class Delivery(StrEnum):
    """Where a notification stands."""

    PENDING = "pending"  # not yet delivered; `next_attempt_at` says when to try
    SENT = "sent"
    FAILED = "failed"  # gave up after MAX_ATTEMPTS


MAX_ATTEMPTS = 6
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=4),
)
LEASE = timedelta(minutes=2)  # a claimed notification is left alone by other senders this long


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed tries, or None to give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + BACKOFF[min(attempts, len(BACKOFF)) - 1]


def resident_recipient(phone: str) -> str:
    """A resident is reached through the phone they gave (their preferences are keyed by it)."""
    return f"phone:{phone}"


def user_recipient(user_id: int) -> str:
    """A worker or member of staff."""
    return f"user:{user_id}"


# Case events a reporter hears about (the others are internal steps).
CASE_EVENTS_TOLD = frozenset({"accept", "reject", "resolve", "close", "return", "reopen"})
