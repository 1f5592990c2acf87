"""The audit log of personal-data reads: appending (in the reader's own transaction),
verifying the chain, and reading who looked at a record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from gridwork.domain.access import Actor
from gridwork.domain.audit import GENESIS, AuditEntry, entry_hash
from gridwork.services.clock import utcnow
from gridwork.store.people_tables import audit_head, audit_log

HEAD_ID = 1


@dataclass(frozen=True)
class Reader:
    """Who read: a user, or the system (exports run from the CLI name their user)."""

    actor_id: int | None
    label: str

    @classmethod
    def of(cls, actor: Actor) -> Reader:
        """The reader for a signed-in user."""
        return cls(actor.user_id, actor.username)


def record_reads(
    conn: Connection,
    reader: Reader,
    purpose: str,
    action: str,
    subject: str,
    subject_ids: Sequence[int],
    *,
    key: str,
    now: datetime | None = None,
) -> None:
    """Append one entry per subject read, chained, in the caller's transaction."""
    if not subject_ids:
        return
    now = now or utcnow()
    # Appends are serialised on the head row, so the chain never forks.
    head = conn.execute(
        select(audit_head.c.seq, audit_head.c.hash)
        .where(audit_head.c.id == HEAD_ID)
        .with_for_update()
    ).one()
    seq, prev = head.seq, head.hash
    rows: list[dict[str, Any]] = []
    for subject_id in subject_ids:
        seq += 1
        entry = AuditEntry(
            seq, now, reader.actor_id, reader.label, purpose, action, subject, subject_id
        )
        digest = entry_hash(key, entry, prev)
        rows.append(
            {
                "seq": seq,
                "at": now,
                "actor_id": reader.actor_id,
                "actor_label": reader.label,
                "purpose": purpose,
                "action": action,
                "subject": subject,
                "subject_id": subject_id,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    conn.execute(audit_log.insert(), rows)
    conn.execute(update(audit_head).where(audit_head.c.id == HEAD_ID).values(seq=seq, hash=prev))


@dataclass
class VerifyReport:
    """The outcome of walking the chain."""

    checked: int = 0
    first_bad: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        """Whether every entry checked out."""
        return self.problem is None


def verify_chain(
    conn: Connection,
    *,
    key: str,
    batch: int = 10_000,
    progress: Callable[[int], object] | None = None,
) -> VerifyReport:
    """Recompute every hash in order; name the first entry that is altered, missing or extra."""
    report = VerifyReport()
    expected_seq, prev = 1, GENESIS
    last = 0
    while True:
        rows = conn.execute(
            select(audit_log).where(audit_log.c.seq > last).order_by(audit_log.c.seq).limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq:
                report.first_bad = expected_seq
                report.problem = (
                    f"entry {expected_seq} is missing (entry {row.seq} follows entry {last})"
                    if row.seq > expected_seq
                    else f"entry {row.seq} is out of order"
                )
                return report
            entry = AuditEntry(
                row.seq,
                row.at,
                row.actor_id,
                row.actor_label,
                row.purpose,
                row.action,
                row.subject,
                row.subject_id,
            )
            if row.prev_hash != prev:
                report.first_bad = row.seq
                report.problem = f"entry {row.seq} does not link to entry {row.seq - 1}"
                return report
            if entry_hash(key, entry, prev) != row.hash:
                report.first_bad = row.seq
                report.problem = f"entry {row.seq} was altered (its hash does not match)"
                return report
            prev, last, expected_seq = row.hash, row.seq, row.seq + 1
            report.checked += 1
        if progress is not None:
            progress(len(rows))
    head = conn.execute(select(audit_head).where(audit_head.c.id == HEAD_ID)).one()
    if head.seq != last or head.hash != prev:
        report.first_bad = last + 1
        report.problem = (
            f"the log ends at entry {last} but {head.seq} were written: "
            f"entries {last + 1}–{head.seq} were deleted"
            if head.seq > last
            else "the chain's head does not match its last entry"
        )
    return report


def reads_of(conn: Connection, subject: str, subject_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Who read these subjects, when and why, newest first."""
    if not subject_ids:
        return []
    rows = conn.execute(
        select(
            audit_log.c.at,
            audit_log.c.actor_label,
            audit_log.c.purpose,
            audit_log.c.action,
            audit_log.c.subject,
            audit_log.c.subject_id,
        )
        .where(audit_log.c.subject == subject, audit_log.c.subject_id.in_(list(subject_ids)))
        .order_by(audit_log.c.seq.desc())
        .limit(1000)
    ).mappings()
    return [
        {
            "at": r["at"],
            "reader": r["actor_label"],
            "purpose": r["purpose"],
            "action": r["action"],
            "subject": r["subject"],
            "subject_id": r["subject_id"],
        }
        for r in rows
    ]
