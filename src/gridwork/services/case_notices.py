"""What a case's people are told when it moves: the reporter (if they left a phone) hears of
the steps that concern them; a worker hears of a case dispatched to them. Reporters of
duplicates merged into the case hear as well."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, RowMapping, select

from gridwork.domain.notifications import (
    CASE_EVENTS_TOLD,
    Kind,
    resident_recipient,
    user_recipient,
)
from gridwork.services.notifications import Message, notify
from gridwork.store.tables import cases

# The messages go out in the platform's main language; the link leads to the bilingual page.
_TOLD = {
    "accept": "已受理，正在安排处理",
    "reject": "未予受理",
    "resolve": "已处理完毕，待社区核实",
    "close": "已办结，欢迎您评价",
    "return": "核实未通过，已退回重新处理",
    "reopen": "已重新打开",
}


def _duplicates_reporters(conn: Connection, row: RowMapping) -> list[str]:
    """The reporters of duplicates merged into the case."""
    phones = conn.execute(
        select(cases.c.reporter_phone).where(
            cases.c.merged_into_id == row["id"], cases.c.reporter_phone.is_not(None)
        )
    ).scalars()
    own = row["reporter_phone"]
    return [resident_recipient(p) for p in dict.fromkeys(phones) if p and p != own]


def tell_about_case(
    conn: Connection,
    row: RowMapping,
    action: str,
    note: str | None,
    assignee_id: int | None,
    now: datetime,
) -> None:
    """Queue the notifications for one case event (in its transaction). `note` is the
    event's note if staff addressed it outward (None otherwise): it goes to the case's own
    reporter only; the reporters of merged duplicates are told the progress alone."""
    reference = row["reference"]
    if action in CASE_EVENTS_TOLD:
        said = _TOLD[action]
        told = said + (f"：{note}" if note and action in ("reject", "resolve") else "")
        subject, link = f"您反映的问题 {reference}", f"/track/{reference}"
        own = [resident_recipient(row["reporter_phone"])] if row["reporter_phone"] else []
        notify(conn, own, Message(Kind.CASE_UPDATE, subject, told, link), now=now)
        notify(
            conn,
            _duplicates_reporters(conn, row),
            Message(Kind.CASE_UPDATE, subject, said, link),
            now=now,
        )
    if action == "dispatch" and assignee_id is not None:
        notify(
            conn,
            [user_recipient(assignee_id)],
            Message(
                Kind.CASE_UPDATE,
                f"新派单 {reference}",
                (row["description"] or "")[:200],
                f"/cases/{row['id']}",
            ),
            now=now,
        )


def send_new_code(conn: Connection, row: RowMapping, secret: str, now: datetime) -> bool:
    """Queue a re-issued follow-up code to the case's reporter (staff never see it, so they
    cannot act as the resident); False when the report left no phone to send it to."""
    if not row["reporter_phone"]:
        return False
    reference = row["reference"]
    notify(
        conn,
        [resident_recipient(row["reporter_phone"])],
        Message(
            Kind.CASE_UPDATE,
            f"您反映的问题 {reference}",
            f"您的新查询码：{secret}（旧的查询码已失效）",
            f"/track/{reference}",
        ),
        now=now,
    )
    return True
