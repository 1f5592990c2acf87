"""Sign-in throttling per account (or phone) and per client address, kept in the process.

Several serving processes each keep their own counts, so the effective limit is that many
times higher; a shared store (Redis) would make it exact.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from gridwork.domain.errors import RateLimited
from gridwork.domain.ratelimit import AttemptLimiter

WINDOW_SECONDS = 15 * 60


@dataclass
class SignInGuard:
    """Failure limits for password and one-time-code sign-ins."""

    per_account: AttemptLimiter
    per_ip: AttemptLimiter

    @classmethod
    def build(cls, per_account: int, per_ip: int) -> SignInGuard:
        """Limits of `per_account` and `per_ip` failures per 15 minutes."""
        return cls(
            AttemptLimiter(per_account, WINDOW_SECONDS), AttemptLimiter(per_ip, WINDOW_SECONDS)
        )

    def check(self, account: str, ip: str) -> None:
        """Refuse (429) while either limit is reached."""
        now = time.monotonic()
        wait = self.per_account.retry_after(account, now)
        if wait is not None:
            raise RateLimited(
                f"too many failed sign-ins for this account; try again in {_minutes(wait)}",
                retry_after=wait,
            )
        wait = self.per_ip.retry_after(ip, now)
        if wait is not None:
            raise RateLimited(
                f"too many failed sign-ins from your address; try again in {_minutes(wait)}",
                retry_after=wait,
            )

    def failed(self, account: str, ip: str) -> None:
        """Count a failure against both."""
        now = time.monotonic()
        self.per_account.fail(account, now)
        self.per_ip.fail(ip, now)

    def succeeded(self, account: str) -> None:
        """A success clears the account's failures (not the address's)."""
        self.per_account.succeed(account)


def _minutes(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
