"""Sign-in throttling rules: which failure counters a sign-in touches and when to wait.

Three limits, so that nobody else can lock an account's owner out:
- per account *and* client together (strict): guessing from one place stops quickly, while
  the owner on their own device is unaffected by failures elsewhere;
- per account alone (slow, over an hour): bounds guessing spread over many addresses;
- per client alone: one address cannot spray many accounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

PAIR_WINDOW = timedelta(minutes=15)
ACCOUNT_WINDOW = timedelta(hours=1)
CLIENT_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Limit:
    """At most `limit` failures per `key` within `window`; `reason` explains a refusal."""

    key: str
    limit: int
    window: timedelta
    reason: str


def limits_for(
    account: str, client: str, *, per_pair: int, per_account: int, per_client: int
) -> tuple[Limit, Limit, Limit]:
    """The three limits a sign-in of `account` from `client` is held to."""
    return (
        Limit(
            f"pair:{account}|{client}",
            per_pair,
            PAIR_WINDOW,
            "too many failed sign-ins for this account from your address",
        ),
        Limit(
            f"account:{account}",
            per_account,
            ACCOUNT_WINDOW,
            "too many failed sign-ins for this account from many addresses",
        ),
        Limit(
            f"client:{client}",
            per_client,
            CLIENT_WINDOW,
            "too many failed sign-ins from your address",
        ),
    )


def retry_after(limit: Limit, recent: Sequence[datetime], now: datetime) -> float | None:
    """Seconds until another attempt is allowed under `limit`, given the failures within its
    window (oldest first), or None if one is allowed now."""
    if len(recent) < limit.limit:
        return None
    # The attempt is allowed once enough of the oldest failures leave the window.
    oldest_that_must_expire = recent[len(recent) - limit.limit]
    return max(1.0, (oldest_that_must_expire + limit.window - now).total_seconds())
