"""The ASGI application, built from Settings (nothing happens at import time)."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from gridwork import __version__
from gridwork.config import Settings
from gridwork.services.locate import Locator
from gridwork.services.otp import load_sender
from gridwork.store.engine import make_engine
from gridwork.web.api import (
    areas,
    auth,
    cases,
    categories,
    emergencies,
    helpers,
    locate,
    registry,
    resident,
    staffing,
    stats,
    visits,
)
from gridwork.web.database import Database
from gridwork.web.errors import install_error_handlers
from gridwork.web.guard import SignInGuard
from gridwork.web.limits import BodyLimit
from gridwork.web.open311.routes import router as open311_router

log = logging.getLogger("gridwork.web")

LANDING = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>gridwork</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 42rem; margin: 2rem auto; line-height: 1.5">
<h1>gridwork 网格治理</h1>
<p>The REST API is at <code>/api/v1/</code>; its OpenAPI description is
<a href="/openapi.json">/openapi.json</a>. Log in with
<code>POST /api/v1/auth/token</code> (form fields <code>username</code>,
<code>password</code>), then send <code>Authorization: Bearer &lt;token&gt;</code>.</p>
<ul>
<li><a href="/api/v1/categories">/api/v1/categories</a>: what residents can report</li>
<li><code>POST /api/v1/cases</code>: report a problem (no account needed)</li>
<li><code>GET /api/v1/areas/520115007005</code>: 金元社区 (after login)</li>
</ul>
</body></html>"""


def _warm(locator: Locator) -> None:
    """Build the routing index before the first report needs it (a city takes seconds)."""
    try:
        locator.snapshot()
    except Exception:  # an empty or unreachable database: the first request will say so
        log.warning("could not build the routing index at start-up", exc_info=True)


def create_app(settings: Settings, db: Database | None = None) -> FastAPI:
    """The web application for `settings` (tests pass their own `db`)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if db is None:  # a served process, not a test's shared connection
            threading.Thread(target=_warm, args=(app.state.locator,), daemon=True).start()
        yield

    app = FastAPI(
        title="gridwork",
        version=__version__,
        docs_url=None,  # the Swagger UI loads from a CDN, which an offline install lacks
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.zone = ZoneInfo(settings.timezone)
    app.state.db = db or Database(make_engine(settings.database_url))
    app.state.locator = Locator(app.state.db.transaction, settings.geo_refresh_seconds)
    app.state.guard = SignInGuard.build(
        settings.login_failures_per_user, settings.login_failures_per_ip
    )
    app.state.otp_sender = load_sender(settings.otp_sender)
    install_error_handlers(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    for module in (
        auth,
        categories,
        areas,
        staffing,
        stats,
        cases,
        locate,
        registry,
        visits,
        helpers,
        emergencies,
    ):
        app.include_router(module.router)
    app.include_router(resident.router)
    app.include_router(open311_router)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def landing() -> str:
        return LANDING

    @app.get("/api/v1/ping", tags=["ops"])
    async def ping() -> dict[str, bool]:
        """The trivial endpoint: answers at once and touches no database."""
        return {"ok": True}

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    return app
