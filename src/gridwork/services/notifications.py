"""Notifications: written in the caller's transaction (so they exist exactly when the action
does), delivered afterwards through the recipient's chosen channel, and tried again with a
growing pause when a channel fails. In-app notifications are delivered on writing."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, desc, insert, select, update

from gridwork.domain.errors import InvalidInput, NotFound
from gridwork.domain.notifications import (
    LEASE,
    Channel,
    Delivery,
    Kind,
    next_attempt,
)
from gridwork.services.channels import Channels
from gridwork.services.clock import utcnow
from gridwork.store.notification_tables import contact_preferences, notifications

INBOX_LIMIT = 100
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,200}\.[^@\s]{2,40}")

Begin = Callable[[], AbstractContextManager[Connection]]


@dataclass(frozen=True)
class Message:
    """What to tell someone."""

    kind: Kind
    subject: str
    body: str
    link: str | None = None


def _choices(conn: Connection, recipients: list[str]) -> dict[str, RowMapping]:
    if not recipients:
        return {}
    rows = conn.execute(
        select(contact_preferences).where(contact_preferences.c.recipient.in_(recipients))
    ).mappings()
    return {r["recipient"]: r for r in rows}


def _route(recipient: str, choice: RowMapping | None) -> tuple[Channel, str | None]:
    """The channel and address for a recipient: their choice, else in-app."""
    if choice is None:
        return Channel.IN_APP, None
    channel = Channel(choice["channel"])
    if channel is Channel.SMS and recipient.startswith("phone:"):
        return channel, recipient.removeprefix("phone:")
    if channel is Channel.EMAIL and choice["email"]:
        return channel, choice["email"]
    return Channel.IN_APP, None


def notify(
    conn: Connection, recipients: Iterable[str], message: Message, *, now: datetime | None = None
) -> int:
    """Queue `message` for each recipient (in the caller's transaction); returns how many."""
    return notify_each(conn, [(r, message) for r in dict.fromkeys(recipients)], now=now)


def notify_each(
    conn: Connection, pairs: list[tuple[str, Message]], *, now: datetime | None = None
) -> int:
    """Queue one message per recipient in a single insert; returns how many."""
    if not pairs:
        return 0
    now = now or utcnow()
    choices = _choices(conn, list({r for r, _ in pairs}))
    rows = []
    for recipient, message in pairs:
        channel, address = _route(recipient, choices.get(recipient))
        in_app = channel is Channel.IN_APP
        rows.append(
            {
                "recipient": recipient,
                "channel": channel.value,
                "address": address,
                "kind": message.kind.value,
                "subject": message.subject[:200],
                "body": message.body,
                "link": message.link,
                "status": (Delivery.SENT if in_app else Delivery.PENDING).value,
                "attempts": 0,
                "next_attempt_at": None if in_app else now,
                "created_at": now,
                "sent_at": now if in_app else None,
            }
        )
    conn.execute(insert(notifications), rows)
    return len(rows)


def set_preference(
    conn: Connection, recipient: str, channel: str, email: str | None = None
) -> dict[str, Any]:
    """A recipient chooses how to be told: in-app, SMS (residents: to their phone) or e-mail."""
    try:
        chosen = Channel(channel)
    except ValueError:
        names = ", ".join(c.value for c in Channel)
        raise InvalidInput(f"channel is one of {names}", field="channel") from None
    address = (email or "").strip() or None
    if chosen is Channel.EMAIL and (address is None or not _EMAIL.fullmatch(address)):
        raise InvalidInput("give an e-mail address to be told by e-mail", field="email")
    if chosen is Channel.SMS and not recipient.startswith("phone:"):
        raise InvalidInput(
            "SMS goes to a resident's phone; choose in-app or e-mail", field="channel"
        )
    now = utcnow()
    done = conn.execute(
        update(contact_preferences)
        .where(contact_preferences.c.recipient == recipient)
        .values(channel=chosen.value, email=address, updated_at=now)
    )
    if not done.rowcount:
        conn.execute(
            contact_preferences.insert().values(
                recipient=recipient, channel=chosen.value, email=address, updated_at=now
            )
        )
    return preference_of(conn, recipient)


def preference_of(conn: Connection, recipient: str) -> dict[str, Any]:
    """The recipient's choice (in-app when they never chose)."""
    row = _choices(conn, [recipient]).get(recipient)
    if row is None:
        return {"channel": Channel.IN_APP.value, "email": None}
    return {"channel": row["channel"], "email": row["email"]}


def inbox(conn: Connection, recipient: str) -> list[dict[str, Any]]:
    """What the recipient was told (every channel), newest first."""
    rows = conn.execute(
        select(notifications)
        .where(notifications.c.recipient == recipient)
        .order_by(desc(notifications.c.created_at), desc(notifications.c.id))
        .limit(INBOX_LIMIT)
    ).mappings()
    return [
        {
            "id": r["id"],
            "kind": r["kind"],
            "subject": r["subject"],
            "body": r["body"],
            "link": r["link"],
            "channel": r["channel"],
            "status": r["status"],
            "created_at": r["created_at"],
            "read": r["read_at"] is not None,
        }
        for r in rows
    ]


def mark_read(conn: Connection, recipient: str, notification_id: int) -> None:
    """The recipient has read it."""
    done = conn.execute(
        update(notifications)
        .where(notifications.c.id == notification_id, notifications.c.recipient == recipient)
        .values(read_at=utcnow())
    )
    if not done.rowcount:
        raise NotFound(f"no notification {notification_id}")


@dataclass
class DeliveryReport:
    """What one delivery run did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_due(
    begin: Begin, channels: Channels, *, now: datetime | None = None, batch: int = 200
) -> DeliveryReport:
    """Send what is due: claim a batch (so a concurrent sender leaves it alone), send each
    outside any transaction, then record each outcome. Failures wait and are tried again."""
    now = now or utcnow()
    with begin() as conn:
        due = list(
            conn.execute(
                select(notifications)
                .where(
                    notifications.c.status == Delivery.PENDING.value,
                    notifications.c.next_attempt_at <= now,
                )
                .order_by(notifications.c.next_attempt_at, notifications.c.id)
                .limit(batch)
                # Two senders never claim the same rows (PostgreSQL; SQLite has one writer).
                .with_for_update(skip_locked=True)
            ).mappings()
        )
        if due:
            conn.execute(
                update(notifications)
                .where(notifications.c.id.in_([r["id"] for r in due]))
                .values(next_attempt_at=now + LEASE)
            )
    report = DeliveryReport()
    outcomes: list[tuple[RowMapping, str | None]] = []
    for row in due:
        try:
            channels.send(Channel(row["channel"]), row["address"], row["subject"], row["body"])
            outcomes.append((row, None))
        except Exception as exc:  # any failure of a channel is recorded and retried
            outcomes.append((row, f"{type(exc).__name__}: {exc}"[:500]))
    with begin() as conn:
        for row, error in outcomes:
            attempts = row["attempts"] + 1
            if error is None:
                values: dict[str, Any] = {"status": Delivery.SENT.value, "sent_at": utcnow()}
                values["next_attempt_at"] = None
                report.sent += 1
            else:
                again = next_attempt(attempts, now)
                values = {"last_error": error, "next_attempt_at": again}
                if again is None:
                    values["status"] = Delivery.FAILED.value
                    report.failed += 1
                else:
                    report.retrying += 1
            conn.execute(
                update(notifications)
                .where(notifications.c.id == row["id"])
                .values(attempts=attempts, **values)
            )
    return report
