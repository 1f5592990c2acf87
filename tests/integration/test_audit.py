"""The audit chain: appended in the reader's transaction, verified, and any altered,
deleted or inserted entry named."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, text

from gridwork.services.audit import Reader, record_reads, verify_chain
from tests.conftest import SECRET


def chain_of(conn: Connection, n: int) -> None:
    for i in range(n):
        record_reads(
            conn, Reader(None, f"user{i % 3}"), "visit", "read", "resident", [i + 1], key=SECRET
        )


def drop_guard(conn: Connection) -> None:
    """An attacker with database access removes the append-only triggers first."""
    if conn.dialect.name == "sqlite":
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))
    else:
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))


def test_an_intact_chain_verifies(conn: Connection) -> None:
    chain_of(conn, 25)
    report = verify_chain(conn, key=SECRET, batch=7)
    assert report.intact and report.checked == 25


def test_the_database_refuses_to_change_or_delete_entries(conn: Connection) -> None:
    import pytest
    from sqlalchemy.exc import DBAPIError

    chain_of(conn, 3)
    for statement in (
        "UPDATE audit_log SET purpose = 'case' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 2",
    ):
        with pytest.raises(DBAPIError, match="append-only"), conn.begin_nested():
            conn.execute(text(statement))


def test_an_altered_entry_is_named(conn: Connection) -> None:
    chain_of(conn, 10)
    drop_guard(conn)
    conn.execute(text("UPDATE audit_log SET actor_label = 'nobody' WHERE seq = 6"))
    report = verify_chain(conn, key=SECRET)
    assert not report.intact and report.first_bad == 6 and "altered" in (report.problem or "")


def test_a_deleted_entry_is_named(conn: Connection) -> None:
    chain_of(conn, 10)
    drop_guard(conn)
    conn.execute(text("DELETE FROM audit_log WHERE seq = 4"))
    report = verify_chain(conn, key=SECRET)
    assert report.first_bad == 4 and "missing" in (report.problem or "")


def test_deleting_the_newest_entries_is_found(conn: Connection) -> None:
    chain_of(conn, 10)
    drop_guard(conn)
    conn.execute(text("DELETE FROM audit_log WHERE seq > 8"))
    report = verify_chain(conn, key=SECRET)
    assert report.first_bad == 9 and "deleted" in (report.problem or "")


def test_a_rewritten_chain_without_the_key_is_found(conn: Connection) -> None:
    """Recomputing hashes with a guessed key does not help: the keyed hash differs."""
    from gridwork.domain.audit import AuditEntry, entry_hash

    chain_of(conn, 3)
    drop_guard(conn)
    row = conn.execute(text("SELECT prev_hash FROM audit_log WHERE seq = 3")).one()
    forged = AuditEntry(3, datetime.now(UTC), None, "nobody", "visit", "read", "resident", 3)
    conn.execute(
        text("UPDATE audit_log SET actor_label = 'nobody', hash = :h WHERE seq = 3"),
        {"h": entry_hash("guessed-key", forged, row.prev_hash)},
    )
    assert verify_chain(conn, key=SECRET).first_bad == 3
