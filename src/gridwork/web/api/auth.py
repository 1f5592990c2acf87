"""POST /api/v1/auth/token: OAuth2 password form → bearer token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form

from gridwork.services.users import issue_token
from gridwork.web.deps import DbDep, SettingsDep

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/token")
def login(
    db: DbDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=512)],
) -> dict[str, Any]:
    """Exchange a username and password for a bearer token."""
    with db.transaction(write=True) as conn:
        token, seconds = issue_token(
            conn,
            username,
            password,
            secret_key=settings.secret_key,
            ttl_hours=settings.token_ttl_hours,
        )
    return {"access_token": token, "token_type": "bearer", "expires_in": seconds}
