"""Accounts in the web: administrators manage the users of their subtree (/admin/users), and
everyone changes their own password and ends their own sessions (/account)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from gridwork.domain.access import Actor
from gridwork.domain.errors import GridworkError, InvalidInput
from gridwork.services.accounts import (
    deactivate_user,
    get_user_for,
    grant_role,
    list_users,
    reactivate_user,
    revoke_own_session,
    revoke_sessions,
    sessions_of,
    set_password,
    ungrant_role,
)
from gridwork.services.open_work import open_work_of
from gridwork.web.api.auth import change_own_password
from gridwork.web.deps import SESSION_COOKIE, DbDep, GuardDep, MaybeActorDep, SettingsDep
from gridwork.web.errors import status_for
from gridwork.web.pages.common import PagesDep, to_signin
from gridwork.web.schemas import PathId

router = APIRouter(include_in_schema=False)
Secret = Annotated[str, Form(max_length=512)]
Short = Annotated[str, Form(max_length=64)]


@router.get("/admin/users")
def users_index(request: Request, pages: PagesDep, actor: MaybeActorDep, db: DbDep) -> Response:
    """The accounts whose grants lie within the administrator's units."""
    if actor is None:
        return to_signin(request)
    try:
        with db.transaction() as conn:
            people = list_users(conn, actor)
    except GridworkError as error:
        status = status_for(error)
        return pages.render(
            request, "error.html", actor, status_code=status, status=status, message=error.message
        )
    return pages.render(request, "admin_users.html", actor, people=people)


def _user_page(
    request: Request,
    pages: PagesDep,
    actor: Actor,
    db: DbDep,
    settings: SettingsDep,
    username: str,
    **extra: Any,
) -> Response:
    try:
        with db.transaction() as conn:
            user = get_user_for(conn, actor, username)
            work = open_work_of(conn, user.id)
    except GridworkError as error:
        status = status_for(error)
        return pages.render(
            request, "error.html", actor, status_code=status, status=status, message=error.message
        )
    return pages.render(
        request,
        "admin_user.html",
        actor,
        user=user,
        work=work,
        min_length=settings.password_min_length,
        **extra,
    )


@router.get("/admin/users/{username}")
def user_page(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    username: str,
    done: str = "",
) -> Response:
    """One account: its grants, its open work, and what an administrator may do to it."""
    if actor is None:
        return to_signin(request)
    return _user_page(request, pages, actor, db, settings, username, done=done[:20])


@router.post("/admin/users/{username}/{operation}")
def user_operation(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    username: str,
    operation: str,
    password: Secret = "",
    role: Short = "",
    area: Short = "",
    confirm: Short = "",
) -> Response:
    """Set a password, add or remove a grant, deactivate (after confirming the open work is
    handed back), reactivate, or end every session."""
    if actor is None:
        return to_signin(request)
    key = settings.secret_key
    try:
        with db.transaction(write=True) as conn:
            if operation == "password":
                set_password(
                    conn,
                    actor,
                    username,
                    password,
                    min_length=settings.password_min_length,
                    key=key,
                )
            elif operation == "grant":
                grant_role(conn, actor, username, role, area, key=key)
            elif operation == "ungrant":
                ungrant_role(conn, actor, username, role, area, key=key)
            elif operation == "deactivate":
                deactivate_user(conn, actor, username, force=confirm == "yes", key=key)
            elif operation == "reactivate":
                reactivate_user(conn, actor, username, key=key)
            elif operation == "revoke":
                revoke_sessions(conn, actor, username, key=key)
            else:
                return Response(status_code=404)
    except GridworkError as error:
        return _user_page(
            request,
            pages,
            actor,
            db,
            settings,
            username,
            status_code=status_for(error),
            error=error,
            tried=operation,
        )
    return RedirectResponse(f"/admin/users/{username}?done={operation}", status_code=303)


def _account_page(
    request: Request,
    pages: PagesDep,
    actor: Actor,
    db: DbDep,
    settings: SettingsDep,
    **extra: Any,
) -> Response:
    with db.transaction() as conn:
        sessions = sessions_of(
            conn,
            actor,
            current_token=request.cookies.get(SESSION_COOKIE),
            key=settings.secret_key,
        )
    return pages.render(
        request,
        "account.html",
        actor,
        sessions=sessions,
        min_length=settings.password_min_length,
        **extra,
    )


@router.get("/account")
def account(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    done: str = "",
) -> Response:
    """Change one's own password; see and end one's own sessions and tokens."""
    if actor is None:
        return to_signin(request)
    return _account_page(request, pages, actor, db, settings, done=done[:20])


@router.post("/account/password")
def account_password(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    guard: GuardDep,
    old_password: Secret = "",
    new_password: Secret = "",
    repeat: Secret = "",
) -> Response:
    if actor is None:
        return to_signin(request)
    try:
        if new_password != repeat:
            raise InvalidInput("the two new passwords differ", field="repeat")
        change_own_password(
            request,
            db,
            settings,
            guard,
            actor,
            old_password,
            new_password,
            request.cookies.get(SESSION_COOKIE),
        )
    except GridworkError as error:
        return _account_page(
            request, pages, actor, db, settings, status_code=status_for(error), error=error
        )
    return RedirectResponse("/account?done=password", status_code=303)


@router.post("/account/sessions/{session_id}/end")
def account_end_session(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    session_id: PathId,
) -> Response:
    if actor is None:
        return to_signin(request)
    try:
        with db.transaction(write=True) as conn:
            revoke_own_session(conn, actor, session_id, key=settings.secret_key)
    except GridworkError as error:
        return _account_page(
            request, pages, actor, db, settings, status_code=status_for(error), error=error
        )
    return RedirectResponse("/account?done=ended", status_code=303)
