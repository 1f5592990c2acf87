"""Numeric ids as they arrive in URLs and forms."""

from __future__ import annotations

MAX_ID_DIGITS = 18  # fits a signed 64-bit integer


def parse_id(text: str | None) -> int | None:
    """The id `text` spells in ASCII digits, or None (so '²' or a 30-digit number is no id)."""
    if not text or len(text) > MAX_ID_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
