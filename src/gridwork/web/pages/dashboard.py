"""Administrators' dashboard of any unit in scope: the four rates with their trend, cases by
category, children to drill into, overdue and escalated cases, a map, and CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from gridwork.domain.access import Actor
from gridwork.domain.errors import GridworkError, InvalidInput
from gridwork.domain.exports import safe_row
from gridwork.services.areas import unit_in_scope
from gridwork.services.cases import list_cases_for
from gridwork.services.categories import list_categories
from gridwork.services.clock import utcnow
from gridwork.services.geometry_read import area_geometry_for
from gridwork.services.open_cases import open_cases_by_child, open_cases_by_status
from gridwork.services.paging import PageRequest
from gridwork.services.stats import unit_stats
from gridwork.web.deps import DbDep, MaybeActorDep
from gridwork.web.errors import status_for
from gridwork.web.pages.common import PagesDep, start_unit, to_signin

router = APIRouter(include_in_schema=False)
PERIODS = {"7": 7, "30": 30, "90": 90, "365": 365}


def _period(days: str) -> tuple[date, date, str]:
    chosen = days if days in PERIODS else "30"
    end = utcnow().date()
    return end - timedelta(days=PERIODS[chosen] - 1), end, chosen


@router.get("/dashboard")
def dashboard_home(request: Request, actor: MaybeActorDep, db: DbDep) -> Response:
    """A user's dashboard starts at the widest unit they hold."""
    if actor is None:
        return to_signin(request)
    top = start_unit(db, actor)
    if top is None:
        raise InvalidInput("your account holds no unit; ask an administrator for a grant")
    return RedirectResponse(f"/dashboard/{top}", status_code=303)


def _figures(conn: Any, actor: Actor, code: str, start: date, end: date) -> dict[str, Any]:
    unit = unit_in_scope(conn, actor, code)
    report = unit_stats(conn, actor, code, start, end)
    children = open_cases_by_child(conn, actor, code)
    for child in children:
        if child["name"] is None:
            child.update(received=None, rates=None)
            continue
        child_report = unit_stats(conn, actor, child["code"], start, end)
        child.update(received=child_report["totals"]["received"], rates=child_report["rates"])
    return {"unit": unit, "report": report, "children": children}


@router.get("/dashboard/{code}")
def dashboard(
    request: Request, pages: PagesDep, actor: MaybeActorDep, db: DbDep, code: str, days: str = "30"
) -> Response:
    if actor is None:
        return to_signin(request)
    start, end, chosen = _period(days)
    with db.transaction() as conn:
        figures = _figures(conn, actor, code, start, end)
        overdue = list_cases_for(
            conn, actor, PageRequest(1, 10), area=code, overdue=True, oldest_deadline_first=True
        )
        escalated = list_cases_for(
            conn,
            actor,
            PageRequest(1, 10),
            area=code,
            escalated=True,
            statuses=["accepted", "dispatched", "in_progress"],
        )
        names = {c["code"]: c for c in list_categories(conn)}
        ancestors = _ancestors(conn, actor, code)
        by_status = open_cases_by_status(conn, actor, code)
    return pages.render(
        request,
        "dashboard.html",
        actor,
        days=chosen,
        periods=list(PERIODS),
        overdue=overdue,
        escalated=escalated,
        category_names=names,
        ancestors=ancestors,
        by_status=by_status,
        **figures,
    )


def _ancestors(conn: Any, actor: Actor, code: str) -> list[dict[str, Any]]:
    """The units above `code` that the actor may also open (for the breadcrumb)."""
    trail = []
    for length in (2, 4, 6, 9, 12):
        if length < len(code) and actor.covers(code[:length]):
            try:
                trail.append(unit_in_scope(conn, actor, code[:length]))
            except GridworkError:
                continue
    return trail


@router.get("/dashboard/{code}/map.json")
def dashboard_map(actor: MaybeActorDep, db: DbDep, code: str) -> Response:
    """The unit's children as GeoJSON, each with its open and overdue cases."""
    if actor is None:
        return JSONResponse({"message": "sign in first"}, status_code=401)
    try:
        with db.transaction() as conn:
            shapes = area_geometry_for(conn, actor, code)
            counts = {c["code"]: c for c in open_cases_by_child(conn, actor, code)}
    except GridworkError as error:
        return JSONResponse({"message": error.message}, status_code=status_for(error))
    features = [f for f in shapes["features"] if f["properties"].get("level") != "building"]
    for feature in features:
        props = feature["properties"]
        found = counts.get(props["code"])
        props["open"] = found["open"] if found else 0
        props["overdue"] = found["overdue"] if found else 0
        props["is_unit"] = props["code"] == code
    return JSONResponse({"type": "FeatureCollection", "features": features})


@router.get("/dashboard/{code}/export.csv")
def export(
    request: Request, actor: MaybeActorDep, db: DbDep, code: str, days: str = "30"
) -> Response:
    """What the dashboard shows, as CSV: the unit and each child, with counts and rates."""
    if actor is None:
        return to_signin(request)
    start, end, _chosen = _period(days)
    with db.transaction() as conn:
        figures = _figures(conn, actor, code, start, end)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "code",
            "name",
            "from",
            "to",
            "open",
            "overdue",
            "received",
            "response_rate",
            "resolution_rate",
            "on_time_closure_rate",
            "satisfaction_rate",
        ]
    )
    report = figures["report"]
    rows = [
        {
            "code": code,
            "name": figures["unit"]["name"],
            "open": sum(c["open"] for c in figures["children"]),
            "overdue": sum(c["overdue"] for c in figures["children"]),
            "received": report["totals"]["received"],
            "rates": report["rates"],
        },
        *[c for c in figures["children"] if c["name"] is not None],
    ]
    for row in rows:
        rates = row["rates"] or {}
        writer.writerow(
            safe_row(
                [
                    row["code"],
                    row["name"],
                    start.isoformat(),
                    end.isoformat(),
                    row["open"],
                    row["overdue"],
                    row["received"],
                    *[
                        _blank(rates.get(k))
                        for k in ("response", "resolution", "on_time_closure", "satisfaction")
                    ],
                ]
            )
        )
    name = f"gridwork-{code}-{start.isoformat()}-{end.isoformat()}.csv"
    return Response(
        "\ufeff" + out.getvalue(),  # the BOM makes Excel read the Chinese names as UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _blank(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"
