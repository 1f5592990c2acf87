"""Rules about individual cases that do not depend on storage."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from gridwork.domain.areas import Level
from gridwork.domain.errors import InvalidInput, TransitionNotAllowed
from gridwork.domain.workflow import REOPEN_WINDOW_DAYS

_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read over the phone
_PHONE = re.compile(r"\+?[0-9][0-9 -]{4,18}[0-9]")
MAX_DESCRIPTION = 4000
CHANNELS = frozenset({"web", "phone", "app", "patrol", "open311", "api", "walk_in", "visit"})


def new_reference() -> str:
    """A short public reference a resident can read out, e.g. `GW-7K3M-9Q2X`."""
    number = int.from_bytes(secrets.token_bytes(5))  # 40 bits: 8 letters of 5 bits each
    chars = "".join(_REFERENCE_ALPHABET[(number >> (5 * k)) & 31] for k in range(8))
    return f"GW-{chars[:4]}-{chars[4:]}"


def case_secret(secret_key: str, reference: str, version: int = 0) -> str:
    """The secret a resident needs, with the reference, to follow and rate their case.

    Derived from the server's key, the reference and the secret's version (bumped when it
    is re-issued), so a retried submission (same Idempotency-Key) can hand the reporter the
    same secret again without storing it.
    """
    message = f"case-secret:{reference}" + (f":{version}" if version else "")
    digest = hmac.new(secret_key.encode(), message.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:16]).decode().rstrip("=")


# An anonymous sender's key is all that separates its case from a stranger's: it must be
# unguessable (at least 122 bits, as a random UUID carries).
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]{22,200}")
MIN_DISTINCT_KEY_CHARS = 8


def check_anonymous_key(key: str) -> None:
    """An anonymous Idempotency-Key is a UUID or 22+ base64url characters, not a pattern."""
    if not (_UUID.fullmatch(key) or _BASE64URL.fullmatch(key)) or (
        len(set(key.replace("-", "").lower())) < MIN_DISTINCT_KEY_CHARS
    ):
        raise InvalidInput(
            "an anonymous Idempotency-Key must be a random UUID or at least 22 random "
            "base64url characters (122 bits or more)",
            field="Idempotency-Key",
            reason="weak_idempotency_key",
        )


ANONYMOUS_CHANNELS = frozenset({"web", "app"})
STAFF_CHANNELS = frozenset({"patrol", "phone", "walk_in"})


def reporting_channel(is_staff: bool, requested: str | None) -> str:
    """The channel of a report, from who sends it: anonymous senders report through `web`
    (or `app`); staff record their own findings (`patrol`) or what a resident told them by
    `phone` or at the desk (`walk_in`). Open311 and visits set theirs in their services."""
    allowed, default = (STAFF_CHANNELS, "patrol") if is_staff else (ANONYMOUS_CHANNELS, "web")
    if requested is None or requested == "":
        return default
    if requested not in allowed:
        names = ", ".join(sorted(allowed))
        who = "staff" if is_staff else "an anonymous report"
        raise InvalidInput(f"channel for {who} must be one of {names}", field="channel")
    return requested


def escalation_target(ancestors: list[tuple[str, Level, bool]]) -> str:
    """The unit an escalated case moves to: the nearest real (non-pseudo) ancestor.

    `ancestors` is top-down (code, level, is_pseudo), the case's own unit excluded.
    Pseudo-units are skipped, so a Beijing district escalates straight to 北京市.
    """
    for code, _level, pseudo in reversed(ancestors):
        if not pseudo:
            return code
    raise TransitionNotAllowed(
        "the case is already at the top of the hierarchy and cannot be escalated further",
        action="escalate",
    )


def can_escalate_from(level: Level) -> bool:
    """Cases owned by a city or province cannot be escalated further."""
    return level not in (Level.CITY, Level.PROVINCE)


def check_reopen_window(closed_at: datetime | None, now: datetime) -> None:
    """A closed case may be reopened only within seven days of closure."""
    if closed_at is None or now - closed_at > timedelta(days=REOPEN_WINDOW_DAYS):
        raise TransitionNotAllowed(
            f"a case can be reopened only within {REOPEN_WINDOW_DAYS} days of closure",
            action="reopen",
        )


def check_rating(rating: int | None) -> int:
    """A rating is a whole number from 1 to 5."""
    if rating is None or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise InvalidInput("rating must be a whole number from 1 to 5", field="rating")
    return rating


def clean_description(text: str) -> str:
    """A description is required and bounded."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("description is required", field="description")
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInput(
            f"description is longer than {MAX_DESCRIPTION} characters", field="description"
        )
    return text


def clean_phone(phone: str | None) -> str | None:
    """A plausible phone number, or None."""
    if phone is None or not phone.strip():
        return None
    phone = phone.strip()
    if not _PHONE.fullmatch(phone):
        raise InvalidInput("phone must be a telephone number", field="reporter.phone")
    return phone


def check_point(lat: float, lng: float) -> None:
    """Latitude and longitude must be on the Earth."""
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lng <= 180.0):
        raise InvalidInput("lat must be within ±90 and lng within ±180", field="lat")
