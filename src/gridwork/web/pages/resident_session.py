"""Residents' sign-in on the pages: a one-time code sent to a phone on the registry, then a
session cookie. Shared by the resident sign-in page and the emergency "are you safe?" page."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import Connection
from starlette.background import BackgroundTask

from gridwork.config import Settings
from gridwork.domain.errors import NotAuthenticated
from gridwork.domain.people import clean_phone
from gridwork.services import resident_auth
from gridwork.services.otp import CodeSender, Outgoing
from gridwork.services.users import keyed_hash
from gridwork.web.cookies import set_private_cookie
from gridwork.web.database import Database
from gridwork.web.deps import client_ip
from gridwork.web.guard import SignInGuard
from gridwork.web.origin import refuse_cross_site

TOKEN_COOKIE = "gridwork_resident"


def send_code(
    request: Request,
    db: Database,
    guard: SignInGuard,
    phone: str,
    send: Callable[[Connection, CodeSender], None],
) -> BackgroundTask:
    """Throttle, then let `send` decide whether the phone gets a code (the caller answers
    the same either way, so nobody learns whose phone is registered). The answer must carry
    the returned task: it delivers the code after the answer has gone."""
    account, ip = f"phone:{clean_phone(phone) or ''}", client_ip(request)
    guard.check(account, ip)
    guard.failed(account, ip)  # every code sent counts against the limits
    outgoing = Outgoing(request.app.state.otp_sender)
    with db.transaction(write=True) as conn:
        send(conn, outgoing)
    return BackgroundTask(outgoing.deliver)


def sign_in(
    request: Request,
    response: Response,
    db: Database,
    settings: Settings,
    guard: SignInGuard,
    phone: str,
    code: str,
) -> Response:
    """Check the code; on success the response carries the resident's session cookie.
    Refused from another site (login CSRF: a page elsewhere must not sign a visitor in as
    someone else, whose account would then receive the visitor's reports)."""
    refuse_cross_site(request)
    account, ip = f"phone:{clean_phone(phone) or ''}", client_ip(request)
    guard.check(account, ip)
    with db.transaction(write=True) as conn:
        signed = resident_auth.sign_in(conn, phone, code, secret_key=settings.secret_key)
    if signed is None:
        guard.failed(account, ip)
        raise NotAuthenticated("the code is wrong or has expired; ask for a new one")
    guard.succeeded(account)
    token, seconds = signed
    set_private_cookie(response, settings, TOKEN_COOKIE, token, seconds)
    return response


def sign_out(request: Request, response: Response, db: Database, settings: Settings) -> Response:
    """Revoke this browser's resident token in the database and clear its cookie."""
    token = request.cookies.get(TOKEN_COOKIE)
    if token:
        with db.transaction(write=True) as conn:
            resident_auth.sign_out(
                conn, token, secret_key=settings.secret_key, previous_keys=settings.previous_keys
            )
    response.delete_cookie(
        TOKEN_COOKIE, path="/", httponly=True, samesite="strict", secure=settings.env != "dev"
    )
    return response


def resident_scope(request: Request, db: Database, settings: Settings) -> str | None:
    """The keyed hash of the signed-in resident's phone (their idempotency namespace)."""
    phone = resident_phone(request, db, settings)
    return None if phone is None else keyed_hash(settings.secret_key, f"resident:{phone}")


def resident_phone(request: Request, db: Database, settings: Settings) -> str | None:
    """The phone of the resident signed in on this browser, if any."""
    token = request.cookies.get(TOKEN_COOKIE)
    if not token:
        return None
    refuse_cross_site(request)
    try:
        with db.transaction() as conn:
            return resident_auth.phone_from_token(
                conn, token, secret_key=settings.secret_key, previous_keys=settings.previous_keys
            )
    except NotAuthenticated:
        return None
