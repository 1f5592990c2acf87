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


def _reporters(conn: Connection, row: RowMapping) -> list[str]:
    """The case's reporter and those of duplicates merged into it."""
    phones = [row["reporter_phone"]]
    phones += conn.execute(
        select(cases.c.reporter_phone).where(
            cases.c.merged_into_id == row["id"], cases.c.reporter_phone.is_not(None)
        )
    ).scalars()
    return [resident_recipient(p) for p in phones if p]


def tell_about_case(
    conn: Connection,
    row: RowMapping,
    action: str,
    note: str | None,
    assignee_id: int | None,
    now: datetime,
) -> None:
    """Queue the notifications for one case event (in its transaction)."""
    reference = row["reference"]
    if action in CASE_EVENTS_TOLD:
        said = _TOLD[action] + (f"：{note}" if note and action in ("reject", "resolve") else "")
        notify(
            conn,
            _reporters(conn, row),
            Message(Kind.CASE_UPDATE, f"您反映的问题 {reference}", said, f"/track/{reference}"),
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
