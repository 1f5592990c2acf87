"""Residents sign in with their phone and a one-time code, to see their own record, their
cases, and who read their record and why."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, desc, select, update

from gridwork.domain.errors import InvalidInput, NotAuthenticated, RateLimited
from gridwork.domain.people import clean_phone
from gridwork.services.audit import reads_of
from gridwork.services.case_views import resident_view as case_resident_view
from gridwork.services.clock import utcnow
from gridwork.services.disclosure import RESIDENT, own_data
from gridwork.services.otp import CodeSender
from gridwork.services.registry import resident_views
from gridwork.services.users import keyed_hash, keyed_hashes
from gridwork.store.people_tables import resident_codes, resident_tokens, residents
from gridwork.store.tables import cases

CODE_MINUTES = 10
MAX_ATTEMPTS = 5
TOKEN_HOURS = 2
CODES_PER_WINDOW = 5  # codes a phone may ask for in WINDOW_MINUTES
WINDOW_MINUTES = 15
DEFAULT_CODES_PER_DAY = 10


def _phone(value: str) -> str:
    phone = clean_phone(value)
    if phone is None:
        raise InvalidInput("phone is required", field="phone")
    return phone


def _has_record(conn: Connection, phone: str) -> bool:
    return (
        conn.execute(
            select(residents.c.id).where(
                residents.c.phone == phone, residents.c.anonymised_at.is_(None)
            )
        ).first()
        is not None
    )


def _check_code_limits(conn: Connection, phone_hash: str, now: datetime, per_day: int) -> None:
    """At most CODES_PER_WINDOW codes per phone in 15 minutes and `per_day` in 24 hours,
    counted in the database (every serving process shares them)."""
    day_ago = now - timedelta(days=1)
    window_start = now - timedelta(minutes=WINDOW_MINUTES)
    times = list(
        conn.execute(
            select(resident_codes.c.created_at)
            .where(resident_codes.c.phone_hash == phone_hash, resident_codes.c.created_at > day_ago)
            .order_by(resident_codes.c.created_at)
        ).scalars()
    )
    if len(times) >= per_day:
        wait = (times[len(times) - per_day] + timedelta(days=1) - now).total_seconds()
        raise RateLimited("too many codes asked for this phone today; try again later", wait)
    recent = [t for t in times if t > window_start]
    if len(recent) >= CODES_PER_WINDOW:
        wait = (recent[len(recent) - CODES_PER_WINDOW] - window_start).total_seconds()
        raise RateLimited("too many codes asked for this phone; wait a few minutes", wait)


def request_code(
    conn: Connection,
    phone: str,
    *,
    secret_key: str,
    sender: CodeSender,
    now: datetime | None = None,
    per_day: int = DEFAULT_CODES_PER_DAY,
    deliverable: bool = True,
) -> None:
    """Make a one-time code and hand it to `sender` if the phone is on a record (and the
    caller's own check, `deliverable`, passed).

    The database work is the same for any phone: a code row is stored (and counted against
    the phone's limits) even when nothing is sent, so neither the answer nor its timing
    tells whose phone is registered. `sender` should queue the message and deliver it after
    the answer has gone (see `otp.Outgoing`)."""
    now = now or utcnow()
    number = _phone(phone)
    phone_hash = keyed_hash(secret_key, f"phone:{number}")
    _check_code_limits(conn, phone_hash, now, per_day)
    known = _has_record(conn, number)
    code = f"{secrets.randbelow(10**6):06d}"
    conn.execute(
        resident_codes.insert().values(
            phone_hash=phone_hash,
            code_hash=keyed_hash(secret_key, f"code:{number}:{code}"),
            # A code never sent cannot be used: it starts with its attempts spent.
            attempts=0 if known and deliverable else MAX_ATTEMPTS,
            created_at=now,
            expires_at=now + timedelta(minutes=CODE_MINUTES),
        )
    )
    if known and deliverable:
        sender.send(number, f"gridwork 验证码 {code}，{CODE_MINUTES} 分钟内有效。Your code: {code}")


def sign_in(
    conn: Connection, phone: str, code: str, *, secret_key: str, now: datetime | None = None
) -> tuple[str, int] | None:
    """A resident token for a right code, or None (the failed attempt is counted and must be
    committed: the caller answers 401 after the transaction ends)."""
    now = now or utcnow()
    number = _phone(phone)
    row = (
        conn.execute(
            select(resident_codes)
            .where(
                resident_codes.c.phone_hash == keyed_hash(secret_key, f"phone:{number}"),
                resident_codes.c.used_at.is_(None),
                resident_codes.c.expires_at > now,
            )
            .order_by(desc(resident_codes.c.id))
            .limit(1)
        )
        .mappings()
        .first()
    )
    if row is None or row["attempts"] >= MAX_ATTEMPTS:
        return None
    expected = keyed_hash(secret_key, f"code:{number}:{code.strip()}")
    if not hmac.compare_digest(expected, row["code_hash"]):
        conn.execute(
            update(resident_codes)
            .where(resident_codes.c.id == row["id"])
            .values(attempts=row["attempts"] + 1)
        )
        return None
    conn.execute(update(resident_codes).where(resident_codes.c.id == row["id"]).values(used_at=now))
    token = "r_" + secrets.token_urlsafe(32)
    conn.execute(
        resident_tokens.insert().values(
            token_hash=keyed_hash(secret_key, token),
            phone=number,
            created_at=now,
            expires_at=now + timedelta(hours=TOKEN_HOURS),
        )
    )
    return token, TOKEN_HOURS * 3600


def phone_from_token(
    conn: Connection, token: str, *, secret_key: str, previous_keys: Sequence[str] = ()
) -> str:
    """The phone a resident token was issued to, or NotAuthenticated."""
    row = conn.execute(
        select(resident_tokens.c.phone, resident_tokens.c.expires_at).where(
            resident_tokens.c.token_hash.in_(keyed_hashes(secret_key, previous_keys, token))
        )
    ).first()
    if row is None or row.expires_at < utcnow():
        raise NotAuthenticated("sign in again: POST /api/v1/resident/code, then /resident/token")
    phone: str = row.phone
    return phone


def sign_out(
    conn: Connection, token: str, *, secret_key: str, previous_keys: Sequence[str] = ()
) -> None:
    """The resident token stops working at once (deleted; expired ones are swept too)."""
    conn.execute(
        delete(resident_tokens).where(
            resident_tokens.c.token_hash.in_(keyed_hashes(secret_key, previous_keys, token))
        )
    )
    conn.execute(delete(resident_tokens).where(resident_tokens.c.expires_at < utcnow()))


def _my_rows(conn: Connection, phone: str) -> list[Any]:
    return list(
        conn.execute(
            select(residents)
            .where(residents.c.phone == phone, residents.c.anonymised_at.is_(None))
            .order_by(residents.c.id)
        ).mappings()
    )


def my_records(conn: Connection, phone: str) -> list[dict[str, Any]]:
    """Every record that carries this phone (a shared family phone shows each person)."""
    rows = _my_rows(conn, phone)
    return resident_views(conn, rows, own_data(RESIDENT, [r["id"] for r in rows]))


def my_cases(conn: Connection, phone: str) -> list[dict[str, Any]]:
    """Cases reported with this phone, newest first, as their reporter sees them."""
    rows = conn.execute(
        select(cases).where(cases.c.reporter_phone == phone).order_by(desc(cases.c.id)).limit(200)
    ).mappings()
    return [case_resident_view(conn, r) for r in rows]


def my_access_log(conn: Connection, phone: str) -> list[dict[str, Any]]:
    """Who read these records and these cases, when and why, newest first."""
    people = [r["id"] for r in _my_rows(conn, phone)]
    case_ids = list(
        conn.execute(select(cases.c.id).where(cases.c.reporter_phone == phone)).scalars()
    )
    entries = reads_of(conn, "resident", people) + reads_of(conn, "case", case_ids)
    return sorted(entries, key=lambda e: e["at"], reverse=True)
