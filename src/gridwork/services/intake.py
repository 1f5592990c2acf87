"""`submit_report`: one intake for residents, workers and integrators; retries are safe.

A report names a category, describes the problem and says where (a unit code or a point
routed to its grid). With an idempotency key, a retry returns the case the first attempt
created, with the same secret, and creates nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from gridwork.domain import cases as rules
from gridwork.domain.access import Actor
from gridwork.domain.areas import is_valid_code
from gridwork.domain.attributes import Answer, Question, check_answers
from gridwork.domain.errors import Conflict, InvalidInput
from gridwork.domain.publication import Publicity
from gridwork.domain.workflow import Status
from gridwork.services.case_views import resident_view, staff_view
from gridwork.services.cases import (
    RESIDENT,
    case_disclosure,
    is_visible_to,
    load_case,
)
from gridwork.services.clock import utcnow
from gridwork.services.locate import Locator
from gridwork.services.rollups import count_event, counted_savepoint
from gridwork.services.users import keyed_hash
from gridwork.store.tables import (
    areas,
    case_events,
    cases,
    categories,
    category_attributes,
    idempotency_keys,
)

MAX_IDEMPOTENCY_KEY = 200
MAX_ADDRESS = 300


@dataclass(frozen=True)
class Report:
    """What a resident, worker or integrator tells us."""

    category: str
    description: str
    area_code: str | None = None
    lat: float | None = None
    lng: float | None = None
    reporter_name: str | None = None
    reporter_phone: str | None = None
    channel: str = "web"
    address: str | None = None
    attributes: dict[str, Answer] = field(default_factory=dict)
    media_url: str | None = None  # a photo prepared by services.media.Photos
    # Who beyond staff may see it (domain/publication.py): a resident may report privately;
    # reports born at a household (visits, welfare checks) are restricted.
    publicity: Publicity = Publicity.PUBLIC


EMPTY_CASE: dict[str, Any] = {column.name: None for column in cases.c}


@dataclass(frozen=True)
class Submitted:
    """The outcome of an intake: the case row, its secret, and whether it was a replay."""

    row: Mapping[Any, Any]
    secret: str
    replayed: bool = False
    events: list[dict[str, Any]] | None = None  # known already for a case just created


def place_of(conn: Connection, report: Report, locator: Locator | None) -> tuple[str, bool]:
    """The owning unit and whether the point fell outside every grid."""
    if report.area_code:
        code = report.area_code.strip()
        if (
            not is_valid_code(code)
            or conn.execute(select(areas.c.code).where(areas.c.code == code)).first() is None
        ):
            raise InvalidInput(f"no area {code}", field="area_code")
        if len(code) < 4:
            raise InvalidInput("a case must belong to a city or a unit below it", field="area_code")
        return code, False
    if report.lat is None or report.lng is None:
        raise InvalidInput("give either area_code or both lat and lng", field="area_code")
    rules.check_point(report.lat, report.lng)
    if locator is None:
        raise InvalidInput(
            "locations cannot be routed here; give area_code instead",
            field="lat",
            reason="no_grid_geometry",
        )
    location = locator.locate(report.lng, report.lat, conn)
    return location.unit, location.outside_grid


def questions_for(conn: Connection, category: str) -> list[Question]:
    """A category's extra questions, in order."""
    rows = conn.execute(
        select(category_attributes)
        .where(category_attributes.c.category_code == category)
        .order_by(category_attributes.c.position, category_attributes.c.code)
    ).mappings()
    return [
        Question(
            code=r["code"],
            datatype=r["datatype"],
            required=bool(r["required"]),
            description=r["description"],
            position=r["position"],
            choices=tuple((str(k), str(n)) for k, n in json.loads(r["choices"] or "[]")),
        )
        for r in rows
    ]


class _Categories:
    """Active categories and their questions, re-read at most every few seconds.

    Intake is the hottest write path; categories change a few times a year.
    """

    TTL_SECONDS = 5.0

    def __init__(self) -> None:
        self._loaded = -math.inf
        self._questions: dict[str, list[Question]] = {}
        self._lock = threading.Lock()

    def questions(self, conn: Connection, code: str) -> list[Question] | None:
        """The questions of an active category, or None if there is no such category."""
        if time.monotonic() - self._loaded > self.TTL_SECONDS:
            active = conn.execute(
                select(categories.c.code).where(categories.c.active.is_(True))
            ).scalars()
            fresh = {c: questions_for(conn, c) for c in active}
            with self._lock:
                self._questions = fresh
                self._loaded = time.monotonic()
        return self._questions.get(code)


CATEGORIES = _Categories()


def check_report(conn: Connection, report: Report) -> dict[str, Any]:
    """Every input rule, before anything is written."""
    description = rules.clean_description(report.description)
    questions = CATEGORIES.questions(conn, report.category)
    if questions is None:
        raise InvalidInput(f"unknown category {report.category!r}", field="category")
    if report.channel not in rules.CHANNELS:
        names = ", ".join(sorted(rules.CHANNELS))
        raise InvalidInput(f"channel must be one of {names}", field="channel")
    name = (report.reporter_name or "").strip() or None
    if name is not None and len(name) > 100:
        raise InvalidInput("reporter name is too long", field="reporter.name")
    address = (report.address or "").strip() or None
    if address is not None and len(address) > MAX_ADDRESS:
        raise InvalidInput("address is too long", field="address_string")
    answers = check_answers(questions, report.attributes)
    return {
        "description": description,
        "reporter_name": name,
        "reporter_phone": rules.clean_phone(report.reporter_phone),
        "address": address,
        "attributes": json.dumps(answers, ensure_ascii=False) if answers else None,
    }


def new_case(
    report: Report, checked: dict[str, Any], place: tuple[str, bool], secret_key: str
) -> tuple[dict[str, Any], str]:
    """The values of a new case's row (all but its id) and the case's secret."""
    area_code, outside_grid = place
    now = utcnow()
    # References are 8 random characters from 32 (10^12 values); a collision is left to the
    # unique constraint (answered as a conflict to retry) rather than checked every time.
    reference = rules.new_reference()
    secret = rules.case_secret(secret_key, reference)
    values = {
        "reference": reference,
        "secret_hash": keyed_hash(secret_key, secret),
        "secret_version": 0,
        "province_code": area_code[:2],
        "area_code": area_code,
        "category_code": report.category,
        "status": Status.SUBMITTED.value,
        "channel": report.channel,
        "lat": report.lat,
        "lng": report.lng,
        "outside_grid": outside_grid,
        "created_at": now,
        "updated_at": now,
        "return_count": 0,
        "escalation_count": 0,
        "reopen_count": 0,
        "event_count": 1,
        "media_url": report.media_url,
        "publicity": report.publicity.value,
        "public_media": True,
        **checked,
    }
    return values, secret


def submit_event(row: Mapping[str, Any], actor: Actor | None) -> dict[str, Any]:
    """The first event of a case just stored."""
    return {
        "case_id": row["id"],
        "province_code": row["province_code"],
        "seq": 1,
        "action": "submit",
        "actor_id": actor.user_id if actor else None,
        "actor_label": actor.username if actor else RESIDENT,
        "at": row["created_at"],
        "from_status": None,
        "to_status": Status.SUBMITTED.value,
        "area_code": row["area_code"],
        "note": None,
        "rating": None,
        "media_url": None,
    }


def _create(
    conn: Connection, actor: Actor | None, report: Report, secret_key: str, locator: Locator | None
) -> Submitted:
    checked = check_report(conn, report)
    values, secret = new_case(report, checked, place_of(conn, report, locator), secret_key)
    try:
        case_id = conn.execute(cases.insert().returning(cases.c.id), values).scalar_one()
    except IntegrityError:
        # The whole unit of work rolls back on this error; the sender may simply retry.
        raise Conflict("the report could not be stored this time; send it again") from None
    # The row as stored, without reading it back: every column not given is NULL.
    row = {**EMPTY_CASE, **values, "id": case_id}
    event = submit_event(row, actor)
    conn.execute(case_events.insert(), event)
    count_event(conn, row, "submit", row["created_at"])
    return Submitted(row, secret, events=[event])


ANONYMOUS = "anonymous"
REUSED_KEY = (
    "Keys for idempotent requests can only be used with the same parameters they were first "
    "used with; send a new Idempotency-Key for a different report"
)


def body_hash(report: Report) -> str:
    """SHA-256 of everything a report says, to tell a retry from another report."""
    fields = dataclasses.asdict(report)
    fields.pop("media_url")  # a photo is stored under a new name on every try
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(
    conn: Connection, scope: str, key: str, digest: str, secret_key: str
) -> Submitted | None:
    found = conn.execute(
        select(idempotency_keys.c.case_id, idempotency_keys.c.body_hash).where(
            idempotency_keys.c.scope == scope, idempotency_keys.c.key == key
        )
    ).first()
    if found is None:
        return None
    if found.body_hash is None or found.body_hash != digest:
        raise InvalidInput(REUSED_KEY, field="Idempotency-Key", reason="idempotency_key_reused")
    row = load_case(conn, found.case_id)
    secret = rules.case_secret(secret_key, row["reference"])  # as made at creation
    if keyed_hash(secret_key, secret) != row["secret_hash"]:
        # The follow-up code was re-issued (the first may have leaked), or made with a key
        # since rotated away: a retry must not hand out a code.
        raise Conflict(
            "the case this key made has a new follow-up code since; send a new Idempotency-Key"
        )
    return Submitted(row, secret, replayed=True)


def submit_report_once(
    conn: Connection,
    actor: Actor | None,
    report: Report,
    *,
    secret_key: str,
    locator: Locator | None = None,
    idempotency: tuple[str, str] | None = None,
) -> Submitted:
    """Record a new case in `submitted`, or replay the one an earlier try with the key made.

    `idempotency` is (scope, key): the scope names the sender (an API key, a user, a
    signed-in resident, or anonymous; see `sender_scope`), so two senders cannot collide on
    the same key. The key is bound to the report too: a reuse with another report is refused
    (422), and anonymous keys must be unguessable, since anyone may send one.
    """
    if idempotency is None:
        return _create(conn, actor, report, secret_key, locator)
    scope, key = idempotency
    if not key or len(key) > MAX_IDEMPOTENCY_KEY:
        raise InvalidInput(
            f"Idempotency-Key must be 1–{MAX_IDEMPOTENCY_KEY} characters", field="Idempotency-Key"
        )
    if scope == ANONYMOUS:
        rules.check_anonymous_key(key)
    digest = body_hash(report)
    earlier = _replay(conn, scope, key, digest, secret_key)
    if earlier is not None:
        return earlier
    try:
        with counted_savepoint(conn):
            created = _create(conn, actor, report, secret_key, locator)
            conn.execute(
                idempotency_keys.insert().values(
                    scope=scope,
                    key=key,
                    body_hash=digest,
                    case_id=created.row["id"],
                    created_at=utcnow(),
                )
            )
    except IntegrityError:
        # A concurrent try with the same key won; answer with its case.
        earlier = _replay(conn, scope, key, digest, secret_key)
        if earlier is None:
            raise Conflict("the request conflicted with another; retry it") from None
        return earlier
    return created


def sender_scope(actor: Actor | None, resident_phone_hash: str | None = None) -> str:
    """Whose idempotency keys a request's key is compared with: a user's own, a signed-in
    resident's own (by the keyed hash of their phone), or the anonymous namespace. The API
    and the web form use this one rule; Open311 scopes by its API key (`apikey:<id>`)."""
    if actor is not None:
        return f"user:{actor.user_id}"
    if resident_phone_hash is not None:
        return f"resident:{resident_phone_hash}"
    return ANONYMOUS


def reporting_channel(actor: Actor | None, requested: str | None) -> str:
    """The channel of a report from the web form or the API, from who sends it (a body's
    `channel` may only choose among those the sender may use)."""
    return rules.reporting_channel(actor is not None, requested)


def submit_report(
    conn: Connection,
    actor: Actor | None,
    report: Report,
    *,
    secret_key: str,
    locator: Locator | None = None,
    idempotency: tuple[str, str] | None = None,
) -> tuple[dict[str, Any], str, bool]:
    """`submit_report_once`, shown as the caller may see it: (view, secret, replayed)."""
    done = submit_report_once(
        conn, actor, report, secret_key=secret_key, locator=locator, idempotency=idempotency
    )
    return shown(conn, actor, done, key=secret_key)


def shown(
    conn: Connection, actor: Actor | None, done: Submitted, *, key: str
) -> tuple[dict[str, Any], str, bool]:
    """An intake's outcome as its sender may see it: (view, secret, replayed).

    Staff who file a report for someone see the case with its reporter's contact, audited;
    everyone else (the anonymous hot path) gets the reporter's view: nothing to audit."""
    row = done.row
    if actor is not None and is_visible_to(actor, row):
        action = "read" if done.replayed else "submitted"
        view = staff_view(conn, row, case_disclosure(conn, actor, row, action, key=key))
    else:
        view = resident_view(conn, row, events=done.events)
    return view, done.secret, done.replayed
