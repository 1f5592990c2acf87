"""Staff accounts for administrators: list, inspect, set passwords, grant, deactivate, revoke.

Administrators (admin, city_admin, district_admin) manage the users whose every grant lies
in their subtree; others within reach get 403, users out of reach 404."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from gridwork.services import accounts, open_work
from gridwork.web.deps import ActorDep, DbDep, SettingsDep

router = APIRouter(prefix="/api/v1/users", tags=["users"])


class GrantOut(BaseModel):
    """A role over a unit's subtree ('' is the whole country)."""

    role: str
    area_code: str


class UserOut(BaseModel):
    """An account as administrators see it."""

    username: str
    is_active: bool
    created_at: datetime
    last_sign_in_at: datetime | None
    grants: list[GrantOut]


class UserList(BaseModel):
    """The accounts the caller manages."""

    items: list[UserOut]


class OpenWorkOut(BaseModel):
    """What a user still carries: reassign it before deactivating them."""

    cases: list[str] = Field(description="references of open cases assigned to them")
    visit_grids: list[str] = Field(description="areas whose visits no other worker holds")
    emergency_checks: dict[int, int] = Field(description="emergency id → open welfare checks")


class UserDetail(UserOut):
    """An account and its open work."""

    open_work: OpenWorkOut


class PasswordIn(BaseModel):
    """The new password."""

    password: str = Field(max_length=512)


class GrantIn(BaseModel):
    """A role and the unit code it covers ('all' for the country, admins only)."""

    role: str = Field(max_length=32)
    area: str = Field(max_length=32)


class DeactivateIn(BaseModel):
    """`force`: hand open work back (cases to their unit's queue, checks unassigned)."""

    force: bool = False


class Ended(BaseModel):
    """How many tokens and sessions ended."""

    ended: int


def _out(view: accounts.UserView) -> UserOut:
    return UserOut(
        username=view.username,
        is_active=view.is_active,
        created_at=view.created_at,
        last_sign_in_at=view.last_sign_in_at,
        grants=[GrantOut(role=g.role.value, area_code=g.area_code) for g in view.grants],
    )


def _work(work: open_work.OpenWork) -> OpenWorkOut:
    return OpenWorkOut(
        cases=[c.reference for c in work.cases],
        visit_grids=work.visit_grids,
        emergency_checks={e.emergency_id: e.open_checks for e in work.emergency_checks},
    )


@router.get("", response_model=UserList)
def list_users(db: DbDep, actor: ActorDep) -> UserList:
    """The accounts whose grants lie within the caller's units, with their last sign-in."""
    with db.transaction() as conn:
        return UserList(items=[_out(v) for v in accounts.list_users(conn, actor)])


@router.get("/{username}", response_model=UserDetail)
def get_user(username: str, db: DbDep, actor: ActorDep) -> UserDetail:
    """One account, with the open work that would be orphaned by deactivating it."""
    with db.transaction() as conn:
        view = accounts.get_user_for(conn, actor, username)
        work = open_work.open_work_of(conn, view.id)
    return UserDetail(**_out(view).model_dump(), open_work=_work(work))


@router.post("/{username}/password", response_model=UserOut)
def set_password(
    username: str, body: PasswordIn, db: DbDep, settings: SettingsDep, actor: ActorDep
) -> UserOut:
    """Set the user's password; every token and session of theirs ends at once."""
    with db.transaction(write=True) as conn:
        accounts.set_password(
            conn,
            actor,
            username,
            body.password,
            min_length=settings.password_min_length,
            key=settings.secret_key,
        )
        return _out(accounts.get_user_for(conn, None, username))


@router.post("/{username}/grants", response_model=UserOut)
def add_grant(
    username: str, body: GrantIn, db: DbDep, settings: SettingsDep, actor: ActorDep
) -> UserOut:
    """Add a role over a unit (within the caller's subtree); answers with the user."""
    with db.transaction(write=True) as conn:
        accounts.grant_role(conn, actor, username, body.role, body.area, key=settings.secret_key)
        return _out(accounts.get_user_for(conn, None, username))


@router.delete("/{username}/grants/{role}/{area}", response_model=UserOut)
def remove_grant(
    username: str, role: str, area: str, db: DbDep, settings: SettingsDep, actor: ActorDep
) -> UserOut:
    """Remove a role over a unit ('all' for the country); answers with the user."""
    with db.transaction(write=True) as conn:
        accounts.ungrant_role(conn, actor, username, role, area, key=settings.secret_key)
        return _out(accounts.get_user_for(conn, None, username))


@router.post("/{username}/deactivate", response_model=OpenWorkOut)
def deactivate(
    username: str, body: DeactivateIn, db: DbDep, settings: SettingsDep, actor: ActorDep
) -> OpenWorkOut:
    """Switch the account off and end its sessions; 409 while it has open work unless
    `force`. Answers with the work that was handed back."""
    with db.transaction(write=True) as conn:
        work = accounts.deactivate_user(
            conn, actor, username, force=body.force, key=settings.secret_key
        )
    return _work(work)


@router.post("/{username}/reactivate", response_model=UserOut)
def reactivate(username: str, db: DbDep, settings: SettingsDep, actor: ActorDep) -> UserOut:
    """Switch the account back on; answers with the user."""
    with db.transaction(write=True) as conn:
        accounts.reactivate_user(conn, actor, username, key=settings.secret_key)
        return _out(accounts.get_user_for(conn, None, username))


@router.post("/{username}/revoke", response_model=Ended)
def revoke(username: str, db: DbDep, settings: SettingsDep, actor: ActorDep) -> Ended:
    """End every token and web session of the user at once."""
    with db.transaction(write=True) as conn:
        return Ended(ended=accounts.revoke_sessions(conn, actor, username, key=settings.secret_key))
