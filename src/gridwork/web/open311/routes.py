"""The Open311 endpoints: parse the request (leniently, as clients in the wild need), call
one service, render JSON or XML. Empty `api_key` and `jurisdiction_id` count as absent."""

from __future__ import annotations

import inspect
import math
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from gridwork.domain.errors import (
    Conflict,
    GridworkError,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from gridwork.domain.ids import parse_id
from gridwork.domain.open311 import parse_datetime, split_list
from gridwork.services.apikeys import integrator_for_key
from gridwork.services.media import Photo, photo_path
from gridwork.services.open311 import (
    RequestForm,
    RequestQuery,
    add_update,
    create_request,
    discovery,
    find_requests,
    find_updates,
    get_request,
    request_for_token,
    service_definition,
    service_list,
)
from gridwork.web.open311.formats import FORMATS, error, render
from gridwork.web.origin import site_url
from gridwork.web.photos import photo_url, photos_of, storing

router = APIRouter(prefix="/open311/v2", include_in_schema=False)
STATUS = {NotFound: 404, PermissionDenied: 403, InvalidInput: 400, Conflict: 400}


def _status(exc: GridworkError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


async def _answer(
    request: Request,
    fmt: str,
    root: str,
    work: Callable[[], Any] | Callable[[], Awaitable[Any]],
    status: int = 200,
) -> Response:
    """Run `work` (in the thread pool, unless it is a coroutine function) and render its
    result, or its error, in `fmt`."""
    zone = request.app.state.zone
    if fmt not in FORMATS:
        return error(404, "Bad extension. We support .xml and .json", "json", zone)
    try:
        if inspect.iscoroutinefunction(work):
            body = await work()
        else:
            body = await run_in_threadpool(work)
    except GridworkError as exc:
        return error(_status(exc), exc.message, fmt, zone)
    return render(root, body, fmt, zone, status)


async def _read(
    request: Request, fmt: str, root: str, service: Callable[..., Any], *args: Any
) -> Response:
    """A read-only service call in its own transaction, answered in `fmt`."""
    db = request.app.state.db

    def work() -> Any:
        with db.transaction() as conn:
            return service(conn, *args)

    return await _answer(request, fmt, root, work)


def _blank_is_none(value: str | None) -> str | None:
    return value if value not in (None, "") else None


@router.get("/discovery.{fmt}")
async def get_discovery(request: Request, fmt: str) -> Response:
    """Service discovery."""
    base = site_url(request) + router.prefix
    return await _answer(request, fmt, "discovery", lambda: discovery(base))


@router.get("/services.{fmt}")
async def get_services(request: Request, fmt: str) -> Response:
    """Every service (case category)."""
    return await _read(request, fmt, "services", service_list)


@router.get("/services/{code}.{fmt}")
async def get_service(request: Request, code: str, fmt: str) -> Response:
    """A service's definition (its extra questions)."""
    return await _read(request, fmt, "service_definition", service_definition, code)


async def _form(request: Request) -> tuple[dict[str, list[str]], list[bytes]]:
    """Fields (all values per name) and the contents of uploaded files of a POST body."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fields: dict[str, list[str]] = {}
    files: list[bytes] = []
    if kind == "multipart/form-data":
        try:
            form = await request.form(max_files=5, max_fields=200)
        except Exception as exc:  # python-multipart's own errors for broken bodies
            raise InvalidInput(f"unreadable multipart body: {exc}") from None
        try:
            for name, value in form.multi_items():
                if isinstance(value, UploadFile):
                    if value.filename:
                        files.append(await value.read())
                else:
                    fields.setdefault(name, []).append(value)
        finally:
            await form.close()
    elif kind in ("application/x-www-form-urlencoded", ""):
        raw = await request.body()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput("the body is not UTF-8 text") from None
        for name, value in parse_qsl(text, keep_blank_values=True):
            fields.setdefault(name, []).append(value)
    else:
        raise InvalidInput(
            f"send application/x-www-form-urlencoded or multipart/form-data, not {kind}"
        )
    for name, value in request.query_params.multi_items():  # api_key may come in the query
        fields.setdefault(name, []).append(value)
    return fields, files


def _first(fields: dict[str, list[str]], name: str) -> str | None:
    for value in fields.get(name, []):
        if value != "":
            return value
    return None


def _attributes(fields: dict[str, list[str]]) -> dict[str, str | list[str]]:
    out: dict[str, str | list[str]] = {}
    for name, values in fields.items():
        if not name.startswith("attribute[") or "]" not in name:
            continue
        code = name[len("attribute[") : name.index("]")]
        if name.endswith("[]"):
            out[code] = [v for v in values if v != ""]
        elif values:
            out[code] = values[-1]
    return out


async def _posted(
    request: Request, fmt: str
) -> tuple[dict[str, list[str]], list[bytes]] | Response:
    """The body of a POST, or the error response (bad extension, unreadable body)."""
    zone = request.app.state.zone
    if fmt not in FORMATS:
        return error(404, "Bad extension. We support .xml and .json", "json", zone)
    try:
        return await _form(request)
    except GridworkError as exc:
        return error(_status(exc), exc.message, fmt, zone)


@router.post("/requests.{fmt}")
async def post_request(request: Request, fmt: str) -> Response:
    """Submit a service request (api_key required, in the body or the query)."""
    posted = await _posted(request, fmt)
    if isinstance(posted, Response):
        return posted
    fields, photos = posted
    settings = request.app.state.settings
    db = request.app.state.db
    locator = request.app.state.locator
    key = request.headers.get("idempotency-key")
    form = RequestForm(
        service_code=_first(fields, "service_code"),
        lat=_first(fields, "lat"),
        long=_first(fields, "long"),
        address_string=_first(fields, "address_string"),
        address_id=_first(fields, "address_id"),
        description=_first(fields, "description"),
        first_name=_first(fields, "first_name"),
        last_name=_first(fields, "last_name"),
        phone=_first(fields, "phone"),
        media_url=_first(fields, "media_url"),
        attributes=_attributes(fields),
    )

    def stored(conn: Connection, photo: Photo | None) -> Any:
        integrator = integrator_for_key(
            conn,
            _first(fields, "api_key"),
            secret_key=settings.secret_key,
            previous_keys=settings.previous_keys,
        )
        return create_request(
            conn,
            integrator,
            form,
            secret_key=settings.secret_key,
            locator=locator,
            idempotency_key=key,
            media_url=photo_url(request, photo, absolute=True) if photo else form.media_url,
            photo=photo,
        )

    async def work() -> Any:
        # Checked and re-encoded in memory; create_request writes it once the case is stored.
        photo = await photos_of(request).prepare(photos[0]) if photos else None
        # Reports arriving together share a commit (each answered after it).
        return await storing(photo, db.run_grouped(lambda conn: stored(conn, photo)))

    # 200, not 201: the common choice of Open311 servers, and what their clients expect
    return await _answer(request, fmt, "service_requests", work)


def _query(request: Request) -> RequestQuery:
    q = request.query_params

    def when(name: str) -> Any:
        value = _blank_is_none(q.get(name))
        return parse_datetime(value, name) if value else None

    def number(name: str, default: int) -> int:
        value = _blank_is_none(q.get(name))
        if value is None:
            return default
        number = parse_id(value)
        if number is None:
            raise InvalidInput(f"{name} must be a whole number", field=name)
        return number

    corners = [_blank_is_none(q.get(n)) for n in ("lat_sw", "long_sw", "lat_ne", "long_ne")]
    bbox = None
    if any(corners):
        try:
            lat_sw, long_sw, lat_ne, long_ne = (float(c) for c in corners)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise InvalidInput("a bounding box needs lat_sw, long_sw, lat_ne and long_ne") from None
        if not all(math.isfinite(c) for c in (lat_sw, long_sw, lat_ne, long_ne)):
            raise InvalidInput("the bounding box's corners must be finite numbers")
        bbox = (lat_sw, long_sw, lat_ne, long_ne)
    return RequestQuery(
        ids=split_list(q.get("service_request_id")),
        service_codes=split_list(q.get("service_code")),
        statuses=sorted(set(split_list(q.get("status")))),
        start=when("start_date"),
        end=when("end_date"),
        updated_after=when("updated_after"),
        updated_before=when("updated_before"),
        page=number("page", 1),
        page_size=number("page_size", 1000),
        bbox=bbox,
    )


@router.get("/requests.{fmt}")
async def get_requests(request: Request, fmt: str) -> Response:
    """Service requests by the spec's filters, plus page/page_size and a bounding box."""
    db = request.app.state.db

    def work() -> Any:
        query = _query(request)
        with db.transaction() as conn:
            return find_requests(conn, query)

    return await _answer(request, fmt, "service_requests", work)


@router.get("/requests/{request_id}.{fmt}")
async def get_one_request(request: Request, request_id: str, fmt: str) -> Response:
    """One service request, as a list of one."""
    return await _read(request, fmt, "service_requests", get_request, request_id)


@router.get("/tokens/{token}.{fmt}")
async def get_token(request: Request, token: str, fmt: str) -> Response:
    """The request a token (the case reference) stands for."""
    return await _read(request, fmt, "service_requests", request_for_token, token)


@router.get("/servicerequestupdates.{fmt}")
async def get_updates(request: Request, fmt: str) -> Response:
    """Changes to requests in the key's area (FixMyStreet's extension; api_key required)."""
    db = request.app.state.db
    settings = request.app.state.settings

    def work() -> Any:
        q = request.query_params
        start = _blank_is_none(q.get("start_date"))
        end = _blank_is_none(q.get("end_date"))
        with db.transaction() as conn:
            integrator = integrator_for_key(
                conn,
                _blank_is_none(q.get("api_key")),
                secret_key=settings.secret_key,
                previous_keys=settings.previous_keys,
            )
            return find_updates(
                conn,
                integrator,
                parse_datetime(start, "start_date") if start else None,
                parse_datetime(end, "end_date") if end else None,
            )

    return await _answer(request, fmt, "service_request_updates", work)


@router.post("/servicerequestupdates.{fmt}")
async def post_update(request: Request, fmt: str) -> Response:
    """A comment on a request from the integrator's side (never a change of state)."""
    posted = await _posted(request, fmt)
    if isinstance(posted, Response):
        return posted
    fields, _files = posted
    db = request.app.state.db
    settings = request.app.state.settings

    def work() -> Any:
        name = " ".join(p for p in (_first(fields, "first_name"), _first(fields, "last_name")) if p)
        with db.transaction(write=True) as conn:
            integrator = integrator_for_key(
                conn,
                _first(fields, "api_key"),
                secret_key=settings.secret_key,
                previous_keys=settings.previous_keys,
            )
            return add_update(
                conn,
                integrator,
                _first(fields, "service_request_id"),
                _first(fields, "description"),
                name or None,
            )

    return await _answer(request, fmt, "service_request_updates", work)


@router.get("/media/{name}", name="get_media")
async def get_media(request: Request, name: str) -> Response:
    """A photo sent with a report (already stripped of its metadata)."""
    try:
        path = photo_path(name, Path(request.app.state.settings.media_dir))
    except GridworkError as exc:
        return error(_status(exc), exc.message, "json", request.app.state.zone)
    return FileResponse(path, media_type="image/jpeg")
