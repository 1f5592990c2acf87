"""How a case is shown: to staff in scope (with reporter contact) and to its reporter."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from gridwork.domain.publication import is_published, mask_text
from gridwork.domain.sla import is_overdue
from gridwork.domain.workflow import CLOCK_RUNNING, Status, allowed_actions
from gridwork.services.clock import utcnow
from gridwork.services.disclosure import CASE, Disclosed, names_reporter
from gridwork.store.tables import areas, case_events, cases, categories, users


def case_summary(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The fields every view of a case shares (no personal data)."""
    status = Status(row["status"])
    return {
        "id": row["id"],
        "reference": row["reference"],
        "status": status.value,
        "category": row["category_code"],
        "description": row["description"],
        "area_code": row["area_code"],
        "channel": row["channel"],
        "lat": row["lat"],
        "lng": row["lng"],
        "outside_grid": row["outside_grid"],
        "address": row["address"],
        "media_url": row["media_url"],
        "attributes": json.loads(row["attributes"]) if row["attributes"] else {},
        "created_at": row["created_at"],
        "accepted_at": row["accepted_at"],
        "deadline_at": row["deadline_at"],
        "resolved_at": row["resolved_at"],
        "closed_at": row["closed_at"],
        "overdue": status in CLOCK_RUNNING and is_overdue(row["deadline_at"], utcnow()),
        "rating": row["rating"],
        "rating_comment": row["rating_comment"],
        "return_count": row["return_count"],
        "escalation_count": row["escalation_count"],
        "reopen_count": row["reopen_count"],
    }


def staff_view(
    conn: Connection, row: Mapping[Any, Any], disclosed: Disclosed | None
) -> dict[str, Any]:
    """A case as staff in scope see it: who handles it, the full timeline, and who reported
    it. The reporter's contact is shown only under a disclosure that audited it; without
    one (the reader does not work the case: `cases.case_disclosure`) it is null."""
    reporter = disclosed is not None
    if disclosed is not None and names_reporter(row):
        disclosed.require(CASE, row["id"])
    view = case_summary(row)
    area_name = conn.execute(
        select(areas.c.name).where(areas.c.code == row["area_code"])
    ).scalar_one()
    assignee = None
    if row["assignee_id"] is not None:
        assignee = conn.execute(
            select(users.c.username).where(users.c.id == row["assignee_id"])
        ).scalar_one()
    view.update(
        area_name=area_name,
        handler_unit=row["handler_unit"],
        assignee=assignee,
        reporter=(
            {"name": row["reporter_name"], "phone": row["reporter_phone"]} if reporter else None
        ),
        allowed_actions=[a.value for a in allowed_actions(Status(row["status"]))],
        timeline=_timeline(conn, row["id"], with_actors=True),
        merged_into=_merged_into(conn, row),
        duplicates=[
            {"id": r.id, "reference": r.reference}
            for r in conn.execute(
                select(cases.c.id, cases.c.reference)
                .where(cases.c.merged_into_id == row["id"])
                .order_by(cases.c.id)
            )
        ],
    )
    return view


def resident_view(
    conn: Connection, row: Mapping[Any, Any], events: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A case as its reporter sees it: progress, the notes staff addressed outward (marked
    public) and the reporter's own words; no staff names, no internal notes.

    `events` are the case's event rows when the caller has them already (a new case).
    """
    view = case_summary(row)
    view["timeline"] = _timeline(conn, row["id"], with_actors=False, rows=events, own=True)
    survivor = _merged_into(conn, row)
    if survivor is not None:  # the reporter follows the case that carries the work
        # ... as the public would: another resident's words are not theirs to read, and of
        # a case that is not public (private, hidden, born at a household) only its progress
        survivor["timeline"] = _timeline(
            conn,
            survivor["id"],
            with_actors=False,
            own=False,
            published=_is_published(conn, survivor["id"]),
        )
    view["merged_into"] = survivor
    return view


def _is_published(conn: Connection, case_id: int) -> bool:
    """Whether the public may see the case (the rule of domain/publication.py)."""
    found = conn.execute(
        select(cases.c.publicity, categories.c.sensitive)
        .join(categories, categories.c.code == cases.c.category_code)
        .where(cases.c.id == case_id)
    ).one()
    return is_published(found.publicity, bool(found.sensitive))


def _merged_into(conn: Connection, row: Mapping[Any, Any]) -> dict[str, Any] | None:
    """The surviving case of a merged duplicate (reference and status; no personal data)."""
    if row.get("merged_into_id") is None:
        return None
    found = conn.execute(
        select(cases.c.id, cases.c.reference, cases.c.status).where(
            cases.c.id == row["merged_into_id"]
        )
    ).one()
    return {"id": found.id, "reference": found.reference, "status": found.status}


def _timeline(
    conn: Connection,
    case_id: int,
    *,
    with_actors: bool,
    rows: list[dict[str, Any]] | None = None,
    own: bool = True,
    published: bool = False,
) -> list[dict[str, Any]]:
    """The case's events; for residents (`with_actors` False) a note shows only when staff
    made it public, or when it is the reporter's own (`own`: their own case)."""
    if rows is None:
        rows = [
            dict(r)
            for r in conn.execute(
                select(case_events)
                .where(case_events.c.case_id == case_id)
                .order_by(case_events.c.seq)
            ).mappings()
        ]
    timeline = []
    for r in rows:
        entry: dict[str, Any] = {
            "seq": r["seq"],
            "action": r["action"],
            "at": r["at"],
            "from": r["from_status"],
            "to": r["to_status"],
            "area_code": r["area_code"],
            "note": r["note"],
            "rating": r["rating"],
            "media_url": r.get("media_url"),
        }
        label = r["actor_label"]
        if with_actors:
            entry["actor"] = label
        else:
            entry["actor"] = _outward_label(label)
            if own:
                shown = bool(r.get("public")) or label == RESIDENT_LABEL
                if not shown:
                    entry["note"] = None
            else:  # someone else's case: what the public would see of it, if anything
                outward = published and bool(r.get("public"))
                entry["note"] = mask_text(r["note"]) if outward else None
                entry["rating"] = None
                if not published:
                    entry["media_url"] = None
        timeline.append(entry)
    return timeline


RESIDENT_LABEL = "resident"


def _outward_label(label: str) -> str:
    """Who acted, as a resident may be told: themselves, the system, an integrator's
    comment (`partner`), or staff (never their names)."""
    if label in (RESIDENT_LABEL, "system"):
        return label
    return "partner" if label.startswith("open311:") else "staff"
