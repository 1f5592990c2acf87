"""Failed sign-ins, counted in the database so every serving process sees the same counts."""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import Connection, delete, func, select

from gridwork.domain.errors import RateLimited
from gridwork.domain.ratelimit import ACCOUNT_WINDOW, Limit, retry_after
from gridwork.services.clock import utcnow
from gridwork.store.tables import sign_in_failures


def check_limits(conn: Connection, limits: tuple[Limit, ...], now: datetime | None = None) -> None:
    """Refuse (RateLimited) while any of `limits` is reached."""
    now = now or utcnow()
    for limit in limits:
        recent = (
            conn.execute(
                select(sign_in_failures.c.at)
                .where(
                    sign_in_failures.c.key == limit.key,
                    sign_in_failures.c.at > now - limit.window,
                )
                .order_by(sign_in_failures.c.at)
            )
            .scalars()
            .all()
        )
        wait = retry_after(limit, recent, now)
        if wait is not None:
            raise RateLimited(f"{limit.reason}; try again in {_minutes(wait)}", retry_after=wait)


def record_failure(
    conn: Connection, limits: tuple[Limit, ...], now: datetime | None = None
) -> None:
    """Count one failure against every limit; drop failures older than any window."""
    now = now or utcnow()
    conn.execute(sign_in_failures.insert(), [{"key": limit.key, "at": now} for limit in limits])
    # Housekeeping on a small sample of calls would do; the delete is cheap on the index.
    conn.execute(delete(sign_in_failures).where(sign_in_failures.c.at < now - ACCOUNT_WINDOW))


def clear_failures(conn: Connection, key: str, *, prefix: bool = False) -> None:
    """Forget one key's failures (or every key starting with `key` when `prefix`)."""
    where = (
        sign_in_failures.c.key.startswith(key, autoescape=True)
        if prefix
        else sign_in_failures.c.key == key
    )
    conn.execute(delete(sign_in_failures).where(where))


def failures_of(conn: Connection, key: str) -> int:
    """How many failures are on record for `key` (for tests and operators)."""
    return int(
        conn.execute(
            select(func.count()).select_from(sign_in_failures).where(sign_in_failures.c.key == key)
        ).scalar_one()
    )


def _minutes(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
