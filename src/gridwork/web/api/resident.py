"""Residents' own view: sign in with phone and one-time code; see your record, your cases,
and who read your record and why."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.background import BackgroundTask

from gridwork.domain.errors import NotAuthenticated
from gridwork.domain.people import clean_phone
from gridwork.services import resident_auth
from gridwork.services.otp import Outgoing
from gridwork.web.deps import (
    DbDep,
    GuardDep,
    ResidentDep,
    SettingsDep,
    ZoneDep,
    bearer_token,
    client_ip,
)
from gridwork.web.people_schemas import CodeIn, PhoneIn
from gridwork.web.render import to_json

router = APIRouter(prefix="/api/v1", tags=["residents' own view"])


@router.post("/resident/code", status_code=202)
def send_code(
    request: Request, db: DbDep, settings: SettingsDep, guard: GuardDep, body: PhoneIn
) -> JSONResponse:
    """Send a one-time code to a phone on record (the answer is the same for any phone)."""
    phone = clean_phone(body.phone) or ""
    account, ip = f"phone:{phone}", client_ip(request)
    guard.check(account, ip)
    guard.failed(account, ip)  # each code sent counts, so codes cannot be sprayed
    outgoing = Outgoing(request.app.state.otp_sender)
    with db.transaction(write=True) as conn:
        resident_auth.request_code(
            conn,
            body.phone,
            secret_key=settings.secret_key,
            sender=outgoing,
            per_day=settings.otp_codes_per_day,
        )
    return JSONResponse(
        {
            "sent": True,
            "expires_in": resident_auth.CODE_MINUTES * 60,
            "message": "if this phone is on a record, a code is on its way",
        },
        status_code=202,
        background=BackgroundTask(outgoing.deliver),  # sent after the answer, for any phone
    )


@router.post("/resident/token")
def sign_in(
    request: Request, db: DbDep, settings: SettingsDep, guard: GuardDep, body: CodeIn
) -> dict[str, Any]:
    """Exchange the phone and its one-time code for a resident token."""
    phone = clean_phone(body.phone) or ""
    account, ip = f"phone:{phone}", client_ip(request)
    guard.check(account, ip)
    with db.transaction(write=True) as conn:
        result = resident_auth.sign_in(conn, body.phone, body.code, secret_key=settings.secret_key)
    if result is None:
        guard.failed(account, ip)
        raise NotAuthenticated("the code is wrong or has expired; ask for a new one")
    guard.succeeded(account)
    token, seconds = result
    return {"access_token": token, "token_type": "bearer", "expires_in": seconds}


@router.delete("/resident/token", status_code=204)
def sign_out(request: Request, db: DbDep, settings: SettingsDep, _phone: ResidentDep) -> Response:
    """Sign out: the resident token stops working at once."""
    token = bearer_token(request) or ""
    with db.transaction(write=True) as conn:
        resident_auth.sign_out(
            conn, token, secret_key=settings.secret_key, previous_keys=settings.previous_keys
        )
    return Response(status_code=204)


@router.get("/me")
def me(db: DbDep, zone: ZoneDep, phone: ResidentDep) -> Any:
    """Your record (every record that carries your phone)."""
    with db.transaction() as conn:
        return to_json({"records": resident_auth.my_records(conn, phone)}, zone)


@router.get("/me/cases")
def my_cases(db: DbDep, zone: ZoneDep, phone: ResidentDep) -> Any:
    """The cases you reported with this phone."""
    with db.transaction() as conn:
        return to_json({"items": resident_auth.my_cases(conn, phone)}, zone)


@router.get("/me/access-log")
def my_access_log(db: DbDep, zone: ZoneDep, phone: ResidentDep) -> Any:
    """Who read your record or your cases, when and why."""
    with db.transaction() as conn:
        return to_json({"items": resident_auth.my_access_log(conn, phone)}, zone)
