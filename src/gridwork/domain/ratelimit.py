"""Failure counting for sign-in: after too many failures in a window, wait."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field


@dataclass
class AttemptLimiter:
    """At most `limit` failures per key within `window` seconds (times are passed in)."""

    limit: int
    window: float
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, key: str, now: float) -> float | None:
        """Seconds until `key` may try again, or None if it may try now."""
        with self._lock:
            times = self._recent(key, now)
            if len(times) < self.limit:
                if not times:
                    self._failures.pop(key, None)
                return None
            return times[0] + self.window - now

    def fail(self, key: str, now: float) -> None:
        """Count one failure for `key`."""
        with self._lock:
            self._recent(key, now).append(now)

    def succeed(self, key: str) -> None:
        """Forget `key`'s failures after a success."""
        with self._lock:
            self._failures.pop(key, None)
