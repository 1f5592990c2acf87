"""Sign-in throttling for password and one-time-code sign-ins, kept in the database so that
every serving process counts the same failures (see domain/ratelimit.py for the limits)."""

from __future__ import annotations

from dataclasses import dataclass

from gridwork.domain.ratelimit import Limit, limits_for
from gridwork.services.throttle import check_limits, clear_failures, record_failure
from gridwork.web.database import Database


@dataclass
class SignInGuard:
    """Failure limits per (account, client), per account and per client."""

    db: Database
    per_pair: int
    per_account: int
    per_client: int

    def _limits(self, account: str, ip: str) -> tuple[Limit, Limit, Limit]:
        return limits_for(
            account,
            ip,
            per_pair=self.per_pair,
            per_account=self.per_account,
            per_client=self.per_client,
        )

    def check(self, account: str, ip: str) -> None:
        """Refuse (429) while any limit is reached."""
        with self.db.transaction() as conn:
            check_limits(conn, self._limits(account, ip))

    def failed(self, account: str, ip: str) -> None:
        """Count a failure against all three."""
        with self.db.transaction(write=True) as conn:
            record_failure(conn, self._limits(account, ip))

    def succeeded(self, account: str, ip: str | None = None) -> None:
        """A success clears the failures of this account from this client (every client when
        `ip` is None), not the account's own count nor the client's."""
        key = self._limits(account, ip)[0].key if ip is not None else f"pair:{account}|"
        with self.db.transaction(write=True) as conn:
            clear_failures(conn, key, prefix=ip is None)
