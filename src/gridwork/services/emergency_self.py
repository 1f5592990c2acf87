"""Households answering for themselves during an emergency: after a one-time code sent to a
phone on their household's record, "we are safe" or "we need help" settles their open
welfare checks (a need becomes an urgent case, as when a worker finds it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from gridwork.domain.emergencies import Outcome
from gridwork.domain.errors import InvalidInput, NotFound
from gridwork.domain.people import clean_phone
from gridwork.services.clock import utcnow
from gridwork.services.emergencies import settle_task
from gridwork.services.emergency_lists import checks_of_household, emergency_of, materialise
from gridwork.services.otp import CodeSender
from gridwork.services.resident_auth import DEFAULT_CODES_PER_DAY, request_code
from gridwork.store.emergency_tables import emergencies, emergency_tasks
from gridwork.store.people_tables import households, residents

SELF = "resident"  # how a household's own answer is labelled on the task


def _household_of(conn: Connection, reference: str, phone: str) -> int | None:
    """The household with this reference if one of its people has this phone on record."""
    number = clean_phone(phone)
    found = conn.execute(
        select(households.c.id)
        .join(residents, residents.c.household_id == households.c.id)
        .where(
            households.c.reference == reference.strip().upper(),
            households.c.archived_at.is_(None),
            residents.c.phone == number,
            residents.c.anonymised_at.is_(None),
        )
        .limit(1)
    ).scalar_one_or_none()
    return int(found) if found is not None else None


def request_household_code(
    conn: Connection,
    reference: str,
    phone: str,
    *,
    secret_key: str,
    sender: CodeSender,
    per_day: int = DEFAULT_CODES_PER_DAY,
) -> None:
    """Send a code to the phone if it is on the household's record (the caller answers the
    same either way, and the database work is the same too)."""
    matched = _household_of(conn, reference, phone) is not None
    request_code(
        conn, phone, secret_key=secret_key, sender=sender, per_day=per_day, deliverable=matched
    )


def _open_tasks(conn: Connection, household_id: int, *, make: bool) -> list[dict[str, Any]]:
    """The household's checks in force in active emergencies; with `make`, each gets its
    row (to be settled), otherwise those untouched are shown as open."""
    grid = conn.execute(
        select(households.c.grid_code).where(households.c.id == household_id)
    ).scalar_one()
    active = dict(
        conn.execute(
            select(emergencies.c.id, emergencies.c.kind).where(emergencies.c.status == "active")
        ).all()
    )
    planned = checks_of_household(conn, list(active), household_id, grid)
    if make:
        materialise(conn, planned)
    rows = {
        r["id"]: dict(r)
        for r in conn.execute(
            select(emergency_tasks, emergencies.c.kind)
            .join(emergencies, emergencies.c.id == emergency_tasks.c.emergency_id)
            .where(
                emergency_tasks.c.household_id == household_id,
                emergencies.c.status == "active",
                emergency_tasks.c.status != "withdrawn",
            )
        ).mappings()
    }
    for number in planned:
        if number not in rows:
            emergency_id = emergency_of(conn, number)
            rows[number] = {
                "id": number,
                "emergency_id": emergency_id,
                "kind": active.get(emergency_id),
                "status": "open",
                "done_by": None,
            }
    return sorted(rows.values(), key=lambda t: (t["emergency_id"], t["id"]))


def household_checks(conn: Connection, reference: str, phone: str) -> list[dict[str, Any]]:
    """The household's welfare checks in active emergencies (for the signed-in phone)."""
    household = _household_of(conn, reference, phone)
    if household is None:
        raise NotFound(f"no household {reference} on the record of this phone")
    return [
        {
            "emergency_id": t["emergency_id"],
            "kind": t["kind"],
            "status": t["status"],
            "done_by": t["done_by"],
        }
        for t in _open_tasks(conn, household, make=False)
    ]


def answer_for_household(
    conn: Connection,
    reference: str,
    phone: str,
    outcome: str,
    need: str | None,
    *,
    secret_key: str,
    now: datetime | None = None,
) -> int:
    """Settle the household's checks in every active emergency; returns how many."""
    now = now or utcnow()
    household = _household_of(conn, reference, phone)
    if household is None:
        raise NotFound(f"no household {reference} on the record of this phone")
    if outcome not in (Outcome.SAFE.value, Outcome.NEEDS_HELP.value):
        raise InvalidInput("answer safe or needs_help", field="outcome")
    tasks = _open_tasks(conn, household, make=True)
    if not tasks:
        raise NotFound("no emergency is checking on your household now")
    for task in tasks:
        emergency = (
            conn.execute(select(emergencies).where(emergencies.c.id == task["emergency_id"]))
            .mappings()
            .one()
        )
        settle_task(
            conn,
            emergency,
            task,
            Outcome(outcome),
            need,
            actor=None,
            label=SELF,
            secret_key=secret_key,
            now=now,
        )
    return len(tasks)
