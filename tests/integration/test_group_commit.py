"""Group commit: reports that arrive together share a transaction and their counter
changes are written once; a refused one takes nothing else with it (no case, no count), an
idempotent retry in the same batch answers with the first, and every counter still agrees
with the events."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Connection, func, select

from gridwork.domain.errors import InvalidInput
from gridwork.services.intake import Report, submit_report_once
from gridwork.services.rollups import stored_counts, verify_case_counts
from gridwork.store.tables import cases
from gridwork.web.group_commit import GroupCommitter
from tests.conftest import SECRET
from tests.factories import GRID1, load_world


def committer(conn: Connection) -> GroupCommitter:
    @contextmanager
    def transaction() -> Iterator[Connection]:
        with conn.begin_nested():  # the test's own transaction stands in for a real one
            yield conn

    return GroupCommitter(transaction, threads=1)


def report(description: str) -> Report:
    return Report(category="road", description=description, area_code=GRID1)


def test_a_batch_keeps_the_good_units_and_counts_them_once(conn: Connection) -> None:
    load_world(conn)
    before = conn.execute(select(func.count()).select_from(cases)).scalar_one()

    def good(text: str, key: str | None = None) -> Any:
        return lambda c: submit_report_once(
            c,
            None,
            report(text),
            secret_key=SECRET,
            idempotency=("anonymous", key) if key else None,
        )

    def refused(c: Connection) -> Any:
        submit_report_once(c, None, report("counted, then refused"), secret_key=SECRET)
        raise InvalidInput("refused after writing", field="x")

    units = [good("井盖缺失"), refused, good("路灯不亮", "k1"), good("路灯不亮 again", "k1")]
    futures: list[Future[Any]] = [Future() for _ in units]
    committer(conn)._run(list(zip(units, futures, strict=True)))

    with pytest.raises(InvalidInput):
        futures[1].result(timeout=5)
    first, keyed, retried = (futures[n].result(timeout=5) for n in (0, 2, 3))
    assert retried.replayed and retried.row["id"] == keyed.row["id"]
    assert conn.execute(select(func.count()).select_from(cases)).scalar_one() == before + 2
    assert verify_case_counts(conn).differences == []
    received = sum(v["received"] for k, v in stored_counts(conn, GRID1).items() if k[0] == GRID1)
    assert received == 2
    assert first.row["area_code"] == GRID1


def test_a_failed_commit_fails_every_unit(conn: Connection) -> None:
    load_world(conn)

    @contextmanager
    def broken() -> Iterator[Connection]:
        with conn.begin_nested():
            yield conn
        raise RuntimeError("the commit failed")

    futures: list[Future[Any]] = [Future(), Future()]
    work = [
        lambda c, n=n: submit_report_once(c, None, report(f"第{n}个"), secret_key=SECRET)
        for n in range(2)
    ]
    GroupCommitter(broken, threads=1)._run(list(zip(work, futures, strict=True)))
    for future in futures:
        with pytest.raises(RuntimeError):
            future.result(timeout=5)


def test_the_row_answered_is_the_row_stored(conn: Connection) -> None:
    """Intake answers from the values it wrote instead of reading the case back: they must
    be the same, column for column."""
    from gridwork.services.cases import load_case

    load_world(conn)
    made = submit_report_once(
        conn,
        None,
        Report(
            category="road",
            description="  井盖缺失 ",
            area_code=GRID1,
            reporter_name="李",
            address="金元路1号",
        ),
        secret_key=SECRET,
    )
    assert dict(made.row) == dict(load_case(conn, made.row["id"]))
