"""One table from error to HTTP status, and one shape for every error body."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from gridwork.domain.errors import (
    Conflict,
    GridworkError,
    ImportFailed,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    RateLimited,
    TransitionNotAllowed,
)

log = logging.getLogger("gridwork.web")

STATUS: dict[type[GridworkError], int] = {
    NotFound: 404,
    NotAuthenticated: 401,
    PermissionDenied: 403,
    InvalidInput: 422,
    ImportFailed: 422,
    TransitionNotAllowed: 409,
    Conflict: 409,
    RateLimited: 429,
}
HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
}


def status_for(error: GridworkError) -> int:
    """The HTTP status of an error (its nearest listed class; 400 if none)."""
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON every error answers with."""
    return {"code": code, "message": message, "details": details or {}}


MACHINE_PREFIXES = ("/api/", "/open311/", "/openapi.json", "/healthz", "/vendor/", "/static/")


def is_page(request: Request) -> bool:
    """Whether the request came from a person's browser page (answer in words, in HTML)
    rather than from a program (answer in JSON)."""
    path = request.url.path
    return (
        not path.startswith(MACHINE_PREFIXES)
        and not path.endswith((".json", ".csv"))
        and getattr(request.app.state, "pages", None) is not None
    )


def error_page(request: Request, status: int, message: str) -> Response:
    """The error page in the reader's language."""
    pages = request.app.state.pages
    response: Response = pages.render(
        request, "error.html", status_code=status, status=status, message=message
    )
    return response


def install_error_handlers(app: FastAPI) -> None:
    """Route every failure through the table; nobody ever sees a stack trace."""

    @app.exception_handler(GridworkError)
    async def _gridwork(request: Request, exc: GridworkError) -> Response:
        status = status_for(exc)
        if is_page(request):
            return error_page(request, status, exc.message)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if status == 429:
            headers = {"Retry-After": str(exc.details["retry_after"])}
        return JSONResponse(error_body(exc.code, exc.message, exc.details), status, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {
                "field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"),
                "problem": e.get("msg", "invalid"),
            }
            for e in exc.errors()
        ]
        first = problems[0] if problems else {"field": "", "problem": "invalid"}
        message = f"{first['field'] or 'request'}: {first['problem']}"
        if is_page(request):
            return error_page(request, 422, message)
        return JSONResponse(error_body("invalid_input", message, {"errors": problems}), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = HTTP_CODES.get(exc.status_code, "http_error")
        if is_page(request):
            return error_page(request, exc.status_code, str(exc.detail))
        return JSONResponse(
            error_body(code, str(exc.detail)), exc.status_code, getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", exc_info=exc)
        if is_page(request):
            return error_page(request, 500, "")
        return JSONResponse(
            error_body("internal_error", "something went wrong on our side; it has been logged"),
            500,
        )
