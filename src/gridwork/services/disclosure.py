"""The one place personal data is disclosed to staff: `disclose` writes the audit entry (in
the reader's own transaction) and returns a `Disclosed`, which the builders of views that
carry personal fields (`registry.resident_views`, `case_views.staff_view`) demand. A service
cannot answer with a resident's record or a reporter's contact without having audited it,
reads and writes alike. The person's own data shown to them (`own_data`) is not audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from gridwork.domain.access import Actor
from gridwork.domain.people import Purpose
from gridwork.services.audit import Reader, record_reads

RESIDENT = "resident"
CASE = "case"
MEDIATION = "mediation"

# Only this module makes a Disclosed: the builders take one as proof of an audit entry.
_ISSUED = object()


@dataclass(frozen=True)
class Disclosed:
    """Proof that showing these subjects' personal data was audited (or is their own)."""

    subject: str
    ids: frozenset[int]
    issued: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.issued is not _ISSUED:
            raise TypeError("a Disclosed comes only from disclose() or own_data()")

    def require(self, subject: str, subject_id: int) -> None:
        """Refuse to show a subject this disclosure did not audit (a programming error)."""
        if subject != self.subject or subject_id not in self.ids:
            raise RuntimeError(f"{subject} {subject_id} shown without an audit entry")


def disclose(
    conn: Connection,
    actor: Actor,
    purpose: Purpose | str,
    action: str,
    subject: str,
    subject_ids: Iterable[int],
    *,
    key: str,
) -> Disclosed:
    """Audit that `actor` is shown these subjects' personal data, and why: one entry each.

    `action` is past tense and says what the answer came from (`read`, `listed`,
    `exported`, `created`, `updated`, `archived`, `acted`, …)."""
    ids = list(dict.fromkeys(subject_ids))
    why = purpose.value if isinstance(purpose, Purpose) else purpose
    record_reads(conn, Reader.of(actor), why, action, subject, ids, key=key)
    return Disclosed(subject, frozenset(ids), _ISSUED)


def names_reporter(row: Mapping[Any, Any]) -> bool:
    """Whether a case row carries its reporter's contact (personal data)."""
    return row["reporter_name"] is not None or row["reporter_phone"] is not None


def disclose_case(
    conn: Connection,
    actor: Actor,
    row: Mapping[Any, Any],
    action: str,
    *,
    key: str,
    purpose: Purpose = Purpose.CASE,
) -> Disclosed:
    """Audit that staff are shown a case with its reporter's contact (nothing to audit when
    the report was anonymous). The reporter's access log finds it by their phone."""
    ids = [row["id"]] if names_reporter(row) else []
    return disclose(conn, actor, purpose, action, CASE, ids, key=key)


def own_data(subject: str, subject_ids: Iterable[int]) -> Disclosed:
    """The person's own data shown to them (signed in with their phone): not audited."""
    return Disclosed(subject, frozenset(subject_ids), _ISSUED)


def record_change(
    conn: Connection,
    reader: Reader,
    purpose: Purpose | str,
    action: str,
    subject: str,
    subject_ids: Iterable[int],
    *,
    key: str,
) -> None:
    """Audit a change made by a user, a resident or the system that shows nobody's personal
    data (an account changed, a follow-up code re-issued): the same append-only chain, so
    that every write the log answers for goes through this module."""
    why = purpose.value if isinstance(purpose, Purpose) else purpose
    record_reads(conn, reader, why, action, subject, list(dict.fromkeys(subject_ids)), key=key)
