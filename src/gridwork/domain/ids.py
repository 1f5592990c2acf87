"""Numeric ids as they arrive in URLs, forms and JSON bodies.

Every id column is a signed 64-bit integer (BIGINT), and both SQLite and PostgreSQL raise on
a bound parameter outside that range, so an id from outside is checked against `MAX_ID`
before it reaches a query: a number that no row can have is simply no id (404 or 422).
"""

from __future__ import annotations

MAX_ID = 2**63 - 1  # the largest signed 64-bit integer (BIGINT)
MAX_ID_DIGITS = len(str(MAX_ID))


def is_id(number: int) -> bool:
    """Whether `number` can be a row's id (1 … MAX_ID)."""
    return 1 <= number <= MAX_ID


def parse_id(text: str | None) -> int | None:
    """The number `text` spells in ASCII digits if a BIGINT holds it, or None (so '²' or a
    30-digit number is no id; '0' is 0, which no row has)."""
    if not text or len(text) > MAX_ID_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_ID else None
