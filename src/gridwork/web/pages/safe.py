"""The public "are you safe?" page: a household answers for itself during an emergency, after
a one-time code sent to a phone on its record."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from gridwork.domain.errors import GridworkError
from gridwork.services.emergency_self import (
    answer_for_household,
    household_checks,
    request_household_code,
)
from gridwork.web.deps import DbDep, GuardDep, MaybeActorDep, SettingsDep
from gridwork.web.errors import status_for
from gridwork.web.pages.common import PagesDep
from gridwork.web.pages.resident_session import resident_phone, send_code, sign_in

router = APIRouter(include_in_schema=False)
Reference = Annotated[str, Form(max_length=20)]
Phone = Annotated[str, Form(max_length=30)]


@router.get("/safe")
def start(request: Request, pages: PagesDep, actor: MaybeActorDep) -> Response:
    return pages.render(request, "safe.html", actor, step="start", form={})


@router.post("/safe/code")
def safe_code(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    guard: GuardDep,
    reference: Reference = "",
    phone: Phone = "",
) -> Response:
    """Send a code if the phone is on the household's record; the page says the same either
    way, so nobody learns who lives where."""
    form = {"reference": reference.strip().upper(), "phone": phone}
    try:
        delivery = send_code(
            request,
            db,
            guard,
            phone,
            lambda conn, sender: request_household_code(
                conn,
                reference,
                phone,
                secret_key=settings.secret_key,
                sender=sender,
                per_day=settings.otp_codes_per_day,
            ),
        )
    except GridworkError as error:
        return pages.render(
            request,
            "safe.html",
            actor,
            status_code=status_for(error),
            step="start",
            form=form,
            error=error,
        )
    answer = pages.render(request, "safe.html", actor, step="code", form=form)
    answer.background = delivery  # the code goes out after this answer
    return answer


@router.post("/safe/verify")
def safe_verify(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    guard: GuardDep,
    reference: Reference = "",
    phone: Phone = "",
    code: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    form = {"reference": reference.strip().upper(), "phone": phone}
    try:
        return sign_in(
            request,
            RedirectResponse(f"/safe/{form['reference']}", status_code=303),
            db,
            settings,
            guard,
            phone,
            code,
        )
    except GridworkError as error:
        return pages.render(
            request,
            "safe.html",
            actor,
            status_code=status_for(error),
            step="code",
            form=form,
            error=error,
        )


@router.get("/safe/{reference}")
def checks(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    reference: str,
    done: str = "",
) -> Response:
    phone = resident_phone(request, db, settings)
    if phone is None:
        return RedirectResponse("/safe", status_code=303)
    with db.transaction() as conn:
        found = household_checks(conn, reference, phone)
    return pages.render(
        request,
        "safe.html",
        actor,
        step="answer",
        reference=reference.upper(),
        checks=found,
        done=done[:20],
        form={},
    )


@router.post("/safe/{reference}")
def answer(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    reference: str,
    outcome: Annotated[str, Form(max_length=20)] = "",
    need: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """ "We are safe" or "we need help: …" for every active emergency checking on us."""
    phone = resident_phone(request, db, settings)
    if phone is None:
        return RedirectResponse("/safe", status_code=303)
    try:
        with db.transaction(write=True) as conn:
            answer_for_household(
                conn,
                reference,
                phone,
                outcome,
                need if outcome == "needs_help" else None,
                secret_key=settings.secret_key,
            )
    except GridworkError as error:
        with db.transaction() as conn:
            found = household_checks(conn, reference, phone)
        return pages.render(
            request,
            "safe.html",
            actor,
            status_code=status_for(error),
            step="answer",
            reference=reference.upper(),
            checks=found,
            error=error,
            form={"need": need},
        )
    return RedirectResponse(f"/safe/{reference.upper()}?done={outcome}", status_code=303)
