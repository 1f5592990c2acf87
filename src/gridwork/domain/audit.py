"""The audit chain: each entry's hash covers its fields and the previous entry's hash, keyed
with the deployment's secret, so an altered, inserted or deleted entry breaks the chain."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    """One read of personal data."""

    seq: int
    at: datetime
    actor_id: int | None
    actor_label: str
    purpose: str
    action: str
    subject: str
    subject_id: int

    def canonical(self, prev_hash: str) -> bytes:
        """The bytes the hash covers: every field, in a fixed order, and the previous hash."""
        fields = [
            self.seq,
            self.at.isoformat(timespec="microseconds"),
            self.actor_id,
            self.actor_label,
            self.purpose,
            self.action,
            self.subject,
            self.subject_id,
            prev_hash,
        ]
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(key: str, entry: AuditEntry, prev_hash: str) -> str:
    """HMAC-SHA256 of the entry chained to its predecessor."""
    return hmac.new(key.encode(), entry.canonical(prev_hash), hashlib.sha256).hexdigest()
