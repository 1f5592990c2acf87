"""Open311 GeoReport v2 as use cases: services, definitions, requests, tokens, updates.

Only what a report makes public is published: never the reporter's name or phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, desc, select

from gridwork.domain.errors import InvalidInput, NotFound, PermissionDenied
from gridwork.domain.ids import parse_id
from gridwork.domain.media import check_media_url
from gridwork.domain.open311 import MAX_PAGE_SIZE, date_window, open311_status
from gridwork.domain.publication import mask_text, public_box
from gridwork.domain.sla import Urgency
from gridwork.domain.workflow import ENDED_STATUSES
from gridwork.services.apikeys import Integrator
from gridwork.services.cases import load_case
from gridwork.services.clock import utcnow
from gridwork.services.intake import Report, questions_for, submit_report_once
from gridwork.services.locate import Locator
from gridwork.services.media import Photo
from gridwork.services.publication import PublicCase, public_cases, published, published_ids
from gridwork.store.scope import in_subtree
from gridwork.store.tables import case_events, cases, categories

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-23T00:00:00Z"  # the last change to the services offered here


def discovery(base_url: str) -> dict[str, Any]:
    """Where the endpoint is and what it speaks."""
    return {
        "changeset": CHANGESET,
        "contact": "Your city's gridwork administrators",
        "key_service": "Ask an administrator for a key (gridwork apikeys create)",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base_url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def service_list(conn: Connection) -> list[dict[str, Any]]:
    """Every active category as an Open311 service."""
    rows = conn.execute(
        select(categories).where(categories.c.active.is_(True)).order_by(categories.c.code)
    ).mappings()
    out = []
    for r in rows:
        out.append(
            {
                "service_code": r["code"],
                "service_name": r["name_zh"],
                "description": f"{r['name_en']} ({Urgency(r['urgency']).value})",
                "metadata": bool(questions_for(conn, r["code"])),
                "type": "realtime",
                "keywords": r["name_en"].lower(),
                "group": r["urgency"],
            }
        )
    return out


def service_definition(conn: Connection, code: str) -> dict[str, Any]:
    """A category's extra questions as Open311 attributes."""
    if conn.execute(select(categories.c.code).where(categories.c.code == code)).first() is None:
        raise NotFound(f"service_code {code} not found")
    attributes = []
    for order, q in enumerate(questions_for(conn, code), start=1):
        item: dict[str, Any] = {
            "variable": True,
            "code": q.code,
            "datatype": q.datatype,
            "required": q.required,
            "datatype_description": None,
            "order": order,
            "description": q.description,
        }
        if q.choices:
            item["values"] = [{"key": k, "name": n} for k, n in q.choices]
        attributes.append(item)
    return {"service_code": code, "attributes": attributes}


@dataclass(frozen=True)
class RequestForm:
    """A POST requests body, already split into its fields."""

    service_code: str | None
    lat: str | None
    long: str | None
    address_string: str | None
    address_id: str | None
    description: str | None
    first_name: str | None
    last_name: str | None
    phone: str | None
    media_url: str | None
    attributes: dict[str, str | list[str]]


def _coordinate(value: str | None, name: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise InvalidInput(f"{name} must be a number", field=name) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidInput(f"{name} must be a finite number", field=name)
    return number


def create_request(
    conn: Connection,
    integrator: Integrator,
    form: RequestForm,
    *,
    secret_key: str,
    locator: Locator,
    idempotency_key: str | None,
    media_url: str | None,
    photo: Photo | None = None,
) -> list[dict[str, Any]]:
    """POST requests: a new case from an integrator, within its key's subtree. `photo`, the
    uploaded one `media_url` points to, is written only once the case is to be stored."""
    if form.media_url:
        check_media_url(form.media_url)
    if not form.service_code:
        raise InvalidInput("service_code is required", field="service_code")
    if (
        conn.execute(
            select(categories.c.code).where(categories.c.code == form.service_code)
        ).first()
        is None
    ):
        raise NotFound(f"service_code {form.service_code} not found")
    lat, lng = _coordinate(form.lat, "lat"), _coordinate(form.long, "long")
    if (lat is None) != (lng is None):
        raise InvalidInput("lat and long must come together", field="lat")
    area_code = None
    if lat is None:
        if form.address_id:
            area_code = form.address_id  # gridwork extension: a unit code
        else:
            raise InvalidInput(
                "a location is required: lat and long (addresses are not geocoded here)",
                field="lat",
            )
    name = " ".join(p for p in (form.first_name, form.last_name) if p) or None
    report = Report(
        category=form.service_code,
        description=form.description or "",
        area_code=area_code,
        lat=lat,
        lng=lng,
        reporter_name=name,
        reporter_phone=form.phone,
        channel="open311",
        address=form.address_string,
        attributes=form.attributes,
    )
    with conn.begin_nested() as savepoint:
        done = submit_report_once(
            conn,
            None,
            report,
            secret_key=secret_key,
            locator=locator,
            idempotency=(f"apikey:{integrator.key_id}", idempotency_key)
            if idempotency_key
            else None,
        )
        if not integrator.covers(done.row["area_code"]):
            savepoint.rollback()
            raise PermissionDenied("this api_key may not submit requests for that location")
        if media_url and not done.replayed:
            conn.execute(
                cases.update().where(cases.c.id == done.row["id"]).values(media_url=media_url)
            )
            if photo is not None:
                photo.keep()
    return [
        {
            "service_request_id": str(done.row["id"]),
            "service_notice": f"Reference {done.row['reference']}: keep it to follow the report.",
            "account_id": None,
        }
    ]


def _request_view(case: PublicCase, service_name: str | None) -> dict[str, Any]:
    closed = case.status in ENDED_STATUSES
    return {
        "service_request_id": str(case.id),
        "status": open311_status(case.status),
        "status_notes": case.status_note,
        "service_name": service_name,
        "service_code": case.category_code,
        "description": case.description,
        "agency_responsible": case.area_name,
        "service_notice": None,
        "requested_datetime": case.created_at,
        "updated_datetime": case.closed_at if closed and case.closed_at else case.updated_at,
        "expected_datetime": case.deadline_at,
        "address": case.area_name,  # never the reporter's words: they may name a flat
        "address_id": case.area_code,
        "zipcode": None,
        "lat": case.lat,
        "long": case.lng,
        "media_url": case.media_url,
    }


def _views(conn: Connection, rows: list[RowMapping]) -> list[dict[str, Any]]:
    """Published cases as Open311 requests (the publication rule decides what is in them)."""
    names = {r["category_code"]: r["category_name"] for r in rows}
    return [_request_view(c, names.get(c.category_code)) for c in public_cases(conn, rows)]


def _select() -> Any:
    return (
        select(cases, categories.c.name_zh.label("category_name"))
        .join(categories, categories.c.code == cases.c.category_code)
        .where(published())
    )


@dataclass(frozen=True)
class RequestQuery:
    """GET requests filters (core v2 plus the common extensions)."""

    ids: list[str]
    service_codes: list[str]
    statuses: list[str]
    start: datetime | None
    end: datetime | None
    updated_after: datetime | None
    updated_before: datetime | None
    page: int
    page_size: int
    bbox: tuple[float, float, float, float] | None  # lat_sw, long_sw, lat_ne, long_ne


def find_requests(conn: Connection, query: RequestQuery) -> list[dict[str, Any]]:
    """GET requests: ids override every other filter; otherwise a window of at most 90 days."""
    if not 1 <= query.page_size <= MAX_PAGE_SIZE or not 1 <= query.page <= 1_000_000:
        raise InvalidInput(
            f"page must be 1–1,000,000 and page_size 1–{MAX_PAGE_SIZE}", field="page_size"
        )
    if query.ids:
        # A list of ids is a page like any other: at most page_size of them.
        if len(query.ids) > query.page_size:
            raise InvalidInput(
                f"at most {query.page_size} service_request_id values at once (page_size)",
                field="service_request_id",
            )
        numbers = [n for n in (parse_id(i) for i in query.ids) if n is not None]
        rows = conn.execute(_select().where(cases.c.id.in_(numbers)).order_by(cases.c.id))
        return _views(conn, list(rows.mappings()))
    bad = [s for s in query.statuses if s not in ("open", "closed")]
    if bad:
        raise InvalidInput(f"status must be open or closed, not {bad[0]!r}", field="status")
    start, end = date_window(query.start, query.end, utcnow())
    where = [cases.c.created_at >= start, cases.c.created_at <= end]
    if query.service_codes:
        where.append(cases.c.category_code.in_(query.service_codes))
    closed = [s.value for s in ENDED_STATUSES]
    if query.statuses == ["open"]:
        where.append(cases.c.status.not_in(closed))
    elif query.statuses == ["closed"]:
        where.append(cases.c.status.in_(closed))
    if query.updated_after is not None:
        where.append(cases.c.updated_at > query.updated_after)
    if query.updated_before is not None:
        where.append(cases.c.updated_at < query.updated_before)
    if query.bbox is not None:
        lat_sw, long_sw, lat_ne, long_ne = public_box(*query.bbox)
        where.append(
            and_(cases.c.lat.between(lat_sw, lat_ne), cases.c.lng.between(long_sw, long_ne))
        )
    rows = conn.execute(
        _select()
        .where(*where)
        .order_by(desc(cases.c.created_at), desc(cases.c.id))
        .limit(query.page_size)
        .offset((query.page - 1) * query.page_size)
    )
    return _views(conn, list(rows.mappings()))


def get_request(conn: Connection, request_id: str) -> list[dict[str, Any]]:
    """GET requests/{id}: a list of one, as the spec's examples and its clients expect."""
    number = parse_id(request_id)
    if number is None:
        raise NotFound(f"service_request_id {request_id} not found")
    row = conn.execute(_select().where(cases.c.id == number)).mappings().first()
    if row is None:
        raise NotFound(f"service_request_id {request_id} not found")
    return _views(conn, [row])


def request_for_token(conn: Connection, token: str) -> list[dict[str, Any]]:
    """GET tokens/{token}: the token is the case reference given in the service notice."""
    found = conn.execute(
        select(cases.c.id, cases.c.reference).where(
            cases.c.reference == token.strip().upper(), published()
        )
    ).first()
    if found is None:
        raise NotFound(f"token {token} not found")
    return [{"service_request_id": str(found.id), "token": found.reference}]


ACTION_TEXT = {
    "accept": "Accepted for handling",
    "reject": "Not accepted",
    "dispatch": "Assigned to the team responsible",
    "start": "Work has started",
    "resolve": "Reported as fixed; awaiting verification",
    "close": "Verified and closed",
    "return": "Returned for more work",
    "escalate": "Passed to a higher level",
    "reopen": "Reopened at the resident's request",
    "rate": "Rated by the resident",
    "comment": "Comment added",
    "rehome": "Moved to the grid that now covers its location",
    "merge": "Merged into another report of the same problem",
}


def find_updates(
    conn: Connection, integrator: Integrator, start: datetime | None, end: datetime | None
) -> list[dict[str, Any]]:
    """GET servicerequestupdates (FixMyStreet's extension): events of published cases in the
    key's subtree; a note shows only when staff made it public (masked), else what was done."""
    low, high = date_window(start, end, utcnow())
    rows = conn.execute(
        select(case_events, cases.c.status.label("case_status"))
        .join(cases, cases.c.id == case_events.c.case_id)
        .where(
            case_events.c.at >= low,
            case_events.c.at <= high,
            case_events.c.seq > 1,
            in_subtree(cases.c.area_code, integrator.area_code),
            published(),
        )
        .order_by(case_events.c.at, case_events.c.id)
        .limit(MAX_PAGE_SIZE)
    ).mappings()
    return [
        {
            "update_id": str(r["id"]),
            "service_request_id": str(r["case_id"]),
            "status": open311_status(r["to_status"]).upper(),
            "external_status_code": r["to_status"],
            "updated_datetime": r["at"],
            "description": (r["public"] and mask_text(r["note"]))
            or ACTION_TEXT.get(r["action"], r["action"]),
            "media_url": None,
        }
        for r in rows
    ]


def add_update(
    conn: Connection,
    integrator: Integrator,
    request_id: str | None,
    description: str | None,
    name: str | None,
) -> list[dict[str, Any]]:
    """POST servicerequestupdates: a comment from the integrator's side, kept on the timeline.

    It never changes the case's state: only staff move a case through the workflow.
    """
    number = parse_id(request_id)
    if number is None:
        raise InvalidInput("service_request_id is required", field="service_request_id")
    text = (description or "").strip()
    if not text or len(text) > 4000:
        raise InvalidInput(
            "description is required (at most 4,000 characters)", field="description"
        )
    try:
        row = load_case(conn, number)
    except NotFound:
        raise NotFound(f"service_request_id {request_id} not found") from None
    if not integrator.covers(row["area_code"]) or not published_ids(conn, [row["id"]]):
        raise NotFound(f"service_request_id {request_id} not found")
    seq = row["event_count"] + 1
    now = utcnow()
    changed = conn.execute(
        cases.update()
        .where(cases.c.id == row["id"], cases.c.event_count == row["event_count"])
        .values(event_count=seq, updated_at=now)
    ).rowcount
    if changed != 1:
        raise InvalidInput("the request changed meanwhile; send the update again")
    event_id = conn.execute(
        case_events.insert()
        .values(
            case_id=row["id"],
            province_code=row["province_code"],
            seq=seq,
            action="comment",
            actor_id=None,
            actor_label=f"open311:{integrator.name}"[:64],
            at=now,
            from_status=row["status"],
            to_status=row["status"],
            area_code=row["area_code"],
            note=text if not name else f"{text} — {name}",
        )
        .returning(case_events.c.id)
    ).scalar_one()
    return [{"update_id": str(event_id)}]
