"""The one place that decides what the public sees of cases.

Every public reader of cases (Open311 GETs and updates, "reported nearby" on the report
form and `/api/v1/cases/nearby`) selects with `published()` and shows a case only as a
`PublicCase`, a type with no personal field. A new public endpoint built from these cannot
publish more by forgetting; one built without them is caught by the publication tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, select, update

from gridwork.domain.access import Actor
from gridwork.domain.errors import InvalidInput, PermissionDenied
from gridwork.domain.people import Purpose
from gridwork.domain.publication import (
    Publicity,
    mask_text,
    may_set_publicity,
    public_coordinate,
    staff_choice,
)
from gridwork.services.cases import visible_case
from gridwork.services.clock import utcnow
from gridwork.services.disclosure import disclose
from gridwork.store.tables import areas, case_events, cases, categories

MAX_PUBLIC_DESCRIPTION = 4000


def published() -> ColumnElement[bool]:
    """The condition every public read of cases adds: public, and not of a sensitive kind."""
    sensitive = select(categories.c.code).where(categories.c.sensitive.is_(True))
    return and_(
        cases.c.publicity == Publicity.PUBLIC.value,
        cases.c.category_code.not_in(sensitive.scalar_subquery()),
    )


@dataclass(frozen=True)
class PublicCase:
    """What anyone may see of a published case: no name, phone or household address."""

    id: int
    reference: str
    status: str
    category_code: str
    description: str
    area_code: str
    area_name: str | None
    lat: float | None
    lng: float | None
    media_url: str | None
    status_note: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    deadline_at: datetime | None


def public_cases(conn: Connection, rows: Sequence[Mapping[Any, Any]]) -> list[PublicCase]:
    """`rows` (selected with `published()`) as the public may see them.

    The address is the unit's name, never the free text a reporter typed (it may name a
    flat); the text shown is masked; the status note is the last note staff made public.
    """
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    notes: dict[int, str] = {}
    for case_id, note in conn.execute(
        select(case_events.c.case_id, case_events.c.note)
        .where(
            case_events.c.case_id.in_(ids),
            case_events.c.public.is_(True),
            case_events.c.note.is_not(None),
        )
        .order_by(case_events.c.case_id, case_events.c.seq)
    ):
        notes[case_id] = note  # the last public note wins
    units = {r["area_code"] for r in rows}
    names = dict(
        conn.execute(select(areas.c.code, areas.c.name).where(areas.c.code.in_(units))).all()
    )
    return [
        PublicCase(
            id=r["id"],
            reference=r["reference"],
            status=r["status"],
            category_code=r["category_code"],
            description=mask_text(r["public_description"] or r["description"]) or "",
            area_code=r["area_code"],
            area_name=names.get(r["area_code"]),
            lat=public_coordinate(r["lat"]),
            lng=public_coordinate(r["lng"]),
            media_url=_public_media(r),
            status_note=mask_text(notes.get(r["id"])),
            created_at=r["created_at"],
            updated_at=r["updated_at"],
            closed_at=r["closed_at"],
            deadline_at=r["deadline_at"],
        )
        for r in rows
    ]


def _public_media(row: Mapping[Any, Any]) -> str | None:
    url = row["media_url"]
    if not row["public_media"] or not url:
        return None
    return url if str(url).startswith(("http://", "https://", "/")) else None


def published_ids(conn: Connection, ids: Iterable[int]) -> set[int]:
    """Which of `ids` the public may see."""
    wanted = list(ids)
    if not wanted:
        return set()
    return set(
        conn.execute(select(cases.c.id).where(cases.c.id.in_(wanted), published())).scalars()
    )


@dataclass(frozen=True)
class PublicityChange:
    """What staff set: who may see the case beyond staff, and what of it."""

    publicity: str
    public_description: str | None = None  # None: the reporter's text (masked)
    public_media: bool = True


@dataclass(frozen=True)
class PublicityView:
    """A case's publication settings, as staff see them after a change."""

    id: int
    reference: str
    publicity: str
    published: bool
    public_description: str | None
    public_media: bool
    may_change: bool = False  # whether the reader may hide, publish or redact it


def set_publicity(
    conn: Connection, actor: Actor, case_ref: str, change: PublicityChange, *, key: str
) -> PublicityView:
    """Hide a public case, publish a hidden one again, or redact what the public sees of it
    (its text, its photo). Audited. Restricted and private cases stay as they are."""
    row = visible_case(conn, actor, case_ref)
    if not may_set_publicity(actor.roles_over([row["area_code"], row["handler_unit"]])):
        raise PermissionDenied("your role may not change what the public sees of this case")
    chosen = staff_choice(change.publicity)
    if row["publicity"] == Publicity.RESTRICTED and chosen is Publicity.PUBLIC:
        raise InvalidInput(
            "this case began at a household (a visit or a welfare check): it is never public",
            field="publicity",
        )
    if row["publicity"] == Publicity.PRIVATE and chosen is Publicity.PUBLIC:
        raise InvalidInput("the reporter asked that this case stay private", field="publicity")
    text = (change.public_description or "").strip() or None
    if text is not None and len(text) > MAX_PUBLIC_DESCRIPTION:
        raise InvalidInput("the public text is too long", field="public_description")
    publicity = (
        row["publicity"]
        if row["publicity"]
        in (
            Publicity.RESTRICTED,
            Publicity.PRIVATE,
        )
        else chosen.value
    )
    conn.execute(
        update(cases)
        .where(cases.c.id == row["id"])
        .values(
            publicity=publicity,
            public_description=text,
            public_media=change.public_media,
            updated_at=utcnow(),
        )
    )
    # Not a disclosure of personal data, but a change of who may see the case: kept in the
    # same append-only chain, so that hiding or publishing is answerable.
    disclose(conn, actor, Purpose.CASE, "publicity_set", "case", [row["id"]], key=key)
    return publicity_of(conn, actor, row["id"])


def publicity_of(conn: Connection, actor: Actor, case_id: int) -> PublicityView:
    """A case's publication settings, for staff who can see the case and may change them;
    NotFound otherwise."""
    row = visible_case(conn, actor, str(case_id))
    return PublicityView(
        id=row["id"],
        reference=row["reference"],
        publicity=row["publicity"],
        published=bool(published_ids(conn, [row["id"]])),
        public_description=row["public_description"],
        public_media=bool(row["public_media"]),
        may_change=may_set_publicity(actor.roles_over([row["area_code"], row["handler_unit"]]))
        and row["publicity"] in (Publicity.PUBLIC, Publicity.HIDDEN),
    )
