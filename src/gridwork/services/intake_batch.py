"""Reports that arrive together, taken in together: each is checked and answered as if it
came alone, but their points are routed in one pass and the new cases and their first
events are written with one statement per table (the group committer's batches)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from gridwork.domain import cases as rules
from gridwork.domain.access import Actor
from gridwork.domain.errors import Conflict, GridworkError, InvalidInput
from gridwork.services.intake import (
    EMPTY_CASE,
    Report,
    Submitted,
    check_report,
    new_case,
    place_of,
    shown,
    submit_event,
    submit_report,
)
from gridwork.services.locate import Locator, outside_jurisdiction
from gridwork.services.rollups import count_event
from gridwork.store.tables import case_events, cases

Shown = tuple[dict[str, Any], str, bool]
Place = tuple[str, bool]  # the owning unit, and whether the point fell outside every grid


@dataclass(frozen=True)
class Intake:
    """One report with who sent it and how it is to be taken in (see `submit_report`)."""

    actor: Actor | None
    report: Report
    secret_key: str
    locator: Locator | None = None
    idempotency: tuple[str, str] | None = None


def submit_reports(conn: Connection, intakes: list[Intake]) -> list[Shown | Exception]:
    """`submit_report` for each intake, in order; a refused one is answered with its error
    and writes nothing. Raises (writing nothing worth keeping) only if the store refuses the
    batch, e.g. two new references colliding: each is then to be taken in alone."""
    answers: dict[int, Shown | Exception] = {}
    plain = [i for i, intake in enumerate(intakes) if intake.idempotency is None]
    places = _places(conn, [intakes[i] for i in plain])
    new: list[tuple[int, dict[str, Any], str]] = []  # place in `intakes`, case values, secret
    for i, place in zip(plain, places, strict=True):
        intake = intakes[i]
        try:
            checked = check_report(conn, intake.report)
        except GridworkError as refused:
            answers[i] = refused
            continue
        if isinstance(place, GridworkError):
            answers[i] = place
            continue
        values, secret = new_case(intake.report, checked, place, intake.secret_key)
        new.append((i, values, secret))
    if new:
        references = [values["reference"] for _, values, _ in new]
        try:
            conn.execute(cases.insert(), [values for _, values, _ in new])
        except IntegrityError:
            raise Conflict("the report could not be stored this time; send it again") from None
        # Their ids by their (unique) references: a plain executemany and one indexed read
        # cost less than an INSERT … RETURNING kept in the rows' order.
        id_of = {
            row.reference: row.id
            for row in conn.execute(
                select(cases.c.reference, cases.c.id).where(cases.c.reference.in_(references))
            )
        }
        ids = [id_of[reference] for reference in references]
        rows = [
            {**EMPTY_CASE, **values, "id": id_}
            for (_, values, _), id_ in zip(new, ids, strict=True)
        ]
        events = [
            submit_event(row, intakes[i].actor) for (i, _, _), row in zip(new, rows, strict=True)
        ]
        conn.execute(case_events.insert(), events)
        for row in rows:
            count_event(conn, row, "submit", row["created_at"])
        for (i, _, secret), row, event in zip(new, rows, events, strict=True):
            done = Submitted(row, secret, events=[event])
            answers[i] = shown(conn, intakes[i].actor, done, key=intakes[i].secret_key)
    for i, intake in enumerate(intakes):
        if intake.idempotency is None:
            continue
        try:  # keyed reports one by one: each looks for an earlier try with its key
            answers[i] = submit_report(
                conn,
                intake.actor,
                intake.report,
                secret_key=intake.secret_key,
                locator=intake.locator,
                idempotency=intake.idempotency,
            )
        except GridworkError as refused:
            answers[i] = refused
    return [answers[i] for i in range(len(intakes))]


def _places(conn: Connection, intakes: list[Intake]) -> list[Place | GridworkError]:
    """Where each report belongs, or why it cannot be placed; points routed in one pass."""
    out: dict[int, Place | GridworkError] = {}
    points: dict[int, list[tuple[int, float, float]]] = {}  # (intake, lng, lat) by locator id
    locators: dict[int, Locator] = {}
    for i, intake in enumerate(intakes):
        report, locator = intake.report, intake.locator
        if report.area_code or report.lat is None or report.lng is None or locator is None:
            try:  # a unit code, or a report that will be refused: as when alone
                out[i] = place_of(conn, report, locator)
            except GridworkError as refused:
                out[i] = refused
            continue
        try:
            rules.check_point(report.lat, report.lng)
        except InvalidInput as refused:
            out[i] = refused
            continue
        points.setdefault(id(locator), []).append((i, report.lng, report.lat))
        locators[id(locator)] = locator
    for key, members in points.items():
        try:
            found = locators[key].locate_many([(lng, lat) for _, lng, lat in members], conn)
        except InvalidInput as refused:  # nothing can be routed here
            for i, _, _ in members:
                out[i] = refused
            continue
        for (i, _, _), location in zip(members, found, strict=True):
            out[i] = (
                outside_jurisdiction()
                if location is None
                else (location.unit, location.outside_grid)
            )
    return [out[i] for i in range(len(intakes))]
