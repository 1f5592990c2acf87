"""The ASGI application, built from Settings (nothing happens at import time)."""

from __future__ import annotations

import gc
import logging
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import FastAPI

from gridwork import __version__
from gridwork.config import Settings
from gridwork.services.activities import remind_due
from gridwork.services.channels import Channels, channels_from
from gridwork.services.emergency_alerts import alert_residents_due
from gridwork.services.locate import Locator
from gridwork.services.media import Photos
from gridwork.services.notifications import deliver_due
from gridwork.services.otp import load_sender
from gridwork.store.engine import make_engine
from gridwork.web.api import (
    activities,
    areas,
    auth,
    canteen,
    cases,
    categories,
    community,
    duplicates,
    emergencies,
    helpers,
    locate,
    mediations,
    notifications,
    registry,
    resident,
    staffing,
    stats,
    supplies,
    teams,
    users,
    visits,
)
from gridwork.web.database import Database
from gridwork.web.errors import install_error_handlers
from gridwork.web.guard import SignInGuard
from gridwork.web.headers import SecurityHeaders
from gridwork.web.limits import BodyLimit
from gridwork.web.open311.routes import router as open311_router
from gridwork.web.pages import accounts as account_pages
from gridwork.web.pages import activities as activity_pages
from gridwork.web.pages import canteen as canteen_pages
from gridwork.web.pages import cases as case_pages
from gridwork.web.pages import community as community_pages
from gridwork.web.pages import dashboard as dashboard_pages
from gridwork.web.pages import emergencies as emergency_pages
from gridwork.web.pages import facilities as facility_pages
from gridwork.web.pages import mediations as mediation_pages
from gridwork.web.pages import messages as message_pages
from gridwork.web.pages import people as people_pages
from gridwork.web.pages import resident as resident_pages
from gridwork.web.pages import safe as safe_pages
from gridwork.web.pages import signin as signin_pages
from gridwork.web.pages import supplies as supply_pages
from gridwork.web.pages import teams as team_pages
from gridwork.web.pages import workers as worker_pages
from gridwork.web.pages.assets import mount_assets
from gridwork.web.pages.templating import Pages

log = logging.getLogger("gridwork.web")


def _warm(locator: Locator) -> None:
    """Build the routing index before the first report needs it (a city takes seconds)."""
    try:
        locator.snapshot()
    except Exception:  # an empty or unreachable database: the first request will say so
        log.warning("could not build the routing index at start-up", exc_info=True)
    # What start-up made (modules, routes, the index) lives as long as the process: moved
    # out of the collector's sight, the full collections that long-lived objects trigger
    # stop scanning it (under load they paused every request for tens of milliseconds).
    gc.collect()
    gc.freeze()


def _deliver_forever(
    database: Database,
    channels: Channels,
    interval: float,
    zone: ZoneInfo,
    stop: threading.Event,
) -> None:
    """Every `interval` seconds until the server stops: queue the activity reminders and
    the emergency alerts that are due, then deliver pending notifications; a failure is
    logged and the next round tries again."""
    while not stop.wait(interval):
        try:
            with database.transaction(write=True) as conn:
                remind_due(conn, zone=zone)
                alert_residents_due(conn)
            report = deliver_due(lambda: database.transaction(write=True), channels)
            if report.sent or report.retrying or report.failed:
                log.info("notifications: %s", report)
        except Exception:
            log.exception("notification delivery failed; trying again in %s s", interval)


def create_app(settings: Settings, db: Database | None = None) -> FastAPI:
    """The web application for `settings` (tests pass their own `db`)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        if db is None:  # a served process, not a test's shared connection
            # The event loop shares the GIL with the writer threads; handing it over every
            # 1 ms instead of 5 ms keeps a busy writer from holding every request's answer
            # back (intake p99 on PostgreSQL 47-58 ms -> 42-49 ms, SQLite unchanged).
            sys.setswitchinterval(0.001)
            threading.Thread(target=_warm, args=(app.state.locator,), daemon=True).start()
            if settings.notify_interval > 0:
                threading.Thread(
                    target=_deliver_forever,
                    args=(
                        app.state.db,
                        channels_from(settings),
                        settings.notify_interval,
                        app.state.zone,
                        stop,
                    ),
                    name="notifications",
                    daemon=True,
                ).start()
        yield
        stop.set()

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
    app.state.guard = SignInGuard(
        app.state.db,
        per_pair=settings.login_failures_per_user,
        per_account=settings.login_failures_per_account,
        per_client=settings.login_failures_per_ip,
    )
    app.state.otp_sender = load_sender(settings.otp_sender)
    app.state.photos = Photos(Path(settings.media_dir), max_pixels=settings.max_image_pixels)
    install_error_handlers(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    # Added last, so outermost: refusals from the middleware inside carry the headers too.
    app.add_middleware(SecurityHeaders, tile_url=settings.tile_url)
    for module in (
        auth,
        categories,
        areas,
        staffing,
        stats,
        duplicates,
        cases,
        locate,
        registry,
        visits,
        helpers,
        emergencies,
        supplies,
        community,
        activities,
        canteen,
        mediations,
        notifications,
        teams,
        users,
    ):
        app.include_router(module.router)
    app.include_router(resident.router)
    app.include_router(open311_router)
    app.state.pages = Pages(settings)
    for pages_module in (
        signin_pages,
        account_pages,
        resident_pages,
        case_pages,
        people_pages,
        emergency_pages,
        safe_pages,
        supply_pages,
        activity_pages,
        canteen_pages,
        community_pages,
        facility_pages,
        worker_pages,
        team_pages,
        mediation_pages,
        message_pages,
        dashboard_pages,
    ):
        app.include_router(pages_module.router)
    mount_assets(app, settings)

    @app.get("/api/v1/ping", tags=["ops"])
    async def ping() -> dict[str, bool]:
        """The trivial endpoint: answers at once and touches no database."""
        return {"ok": True}

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    return app
