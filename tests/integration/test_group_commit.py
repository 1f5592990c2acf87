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

    key = "8c1f6a52-3b7e-4d0a-9f21-6e5c4b3a2d10"
    units = [good("井盖缺失"), refused, good("路灯不亮", key), good("路灯不亮", key)]
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


def intake(description: str, **where: Any) -> Any:
    """A batched intake unit (as POST /api/v1/cases queues it) for a report at `where`."""
    from gridwork.services.intake_batch import Intake, submit_reports
    from gridwork.web.group_commit import Batched

    key = where.pop("key", None)
    category = where.pop("category", "road")
    place = where or {"area_code": GRID1}
    locator = intake.locator  # type: ignore[attr-defined]
    return Batched(
        submit_reports,
        Intake(
            None,
            Report(category=category, description=description, **place),
            SECRET,
            locator,
            ("anonymous", key) if key else None,
        ),
    )


def run_units(conn: Connection, units: list[Any]) -> list[Future[Any]]:
    futures: list[Future[Any]] = [Future() for _ in units]
    committer(conn)._run(list(zip(units, futures, strict=True)))
    return futures


@pytest.fixture
def routed(conn: Connection) -> Iterator[None]:
    from contextlib import nullcontext

    from gridwork.services.locate import Locator

    load_world(conn)
    intake.locator = Locator(lambda: nullcontext(conn), 0.0)  # type: ignore[attr-defined]
    yield


def test_reports_batched_together_are_answered_each_as_if_alone(
    conn: Connection, routed: None
) -> None:
    from gridwork.services.cases import load_case
    from gridwork.services.intake import submit_report
    from tests.factories import JINYUAN, SOUTH, WEST

    before = conn.execute(select(func.count()).select_from(cases)).scalar_one()
    units = [
        intake("井盖缺失", lat=SOUTH + 0.015, lng=WEST + 0.005),  # a point: grid 003
        intake("不存在的类别", category="no-such-thing"),
        intake("远在北京", lat=39.9, lng=116.4),
        intake("路灯不亮"),  # a unit code
        intake("坐标无效", lat=91.0, lng=0.0),
        intake("有键", key="5d0c7e1a-82f4-4b9e-a3c6-7f1e0d9b2a48"),
        intake("有键", key="5d0c7e1a-82f4-4b9e-a3c6-7f1e0d9b2a48"),  # its retry
        intake("垃圾满溢", lat=SOUTH + 0.005, lng=WEST + 0.005),  # grid 001
    ]
    futures = run_units(conn, units)
    for refused, field, reason in (
        (1, "category", None),
        (2, "lat", "outside_jurisdiction"),
        (4, "lat", None),
    ):
        with pytest.raises(InvalidInput) as error:
            futures[refused].result(timeout=5)
        assert (error.value.details["field"], error.value.details.get("reason")) == (field, reason)
    answers = {n: futures[n].result(timeout=5) for n in (0, 3, 5, 6, 7)}
    assert [answers[n][0]["area_code"] for n in (0, 3, 7)] == [
        f"{JINYUAN}003",
        GRID1,
        f"{JINYUAN}001",
    ]
    assert answers[6][2] is True and answers[6][0]["id"] == answers[5][0]["id"]
    assert conn.execute(select(func.count()).select_from(cases)).scalar_one() == before + 4
    assert verify_case_counts(conn).differences == []
    # The answer is the one a report taken in alone gets, and its row is the row stored.
    alone, _, _ = submit_report(conn, None, report("单独"), secret_key=SECRET)
    view, secret, replayed = answers[3]
    assert set(view) == set(alone) and not replayed and secret
    assert view["description"] == "路灯不亮" and view["timeline"][0]["action"] == "submit"
    stored = dict(load_case(conn, view["id"]))
    assert {k: stored[k] for k in ("reference", "area_code", "lat", "lng", "status")} == {
        k: view[k] for k in ("reference", "area_code", "lat", "lng", "status")
    }


def test_a_batch_the_store_refuses_is_taken_in_one_by_one(
    conn: Connection, routed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two new references colliding fail the batch's one insert; each report then runs alone
    in its savepoint: the first is kept, the second asked to send again."""
    from gridwork.domain import cases as rules
    from gridwork.domain.errors import Conflict

    monkeypatch.setattr(rules, "new_reference", lambda: "SAME0001")
    before = conn.execute(select(func.count()).select_from(cases)).scalar_one()
    futures = run_units(conn, [intake("第一"), intake("第二")])
    assert futures[0].result(timeout=5)[0]["reference"] == "SAME0001"
    with pytest.raises(Conflict):
        futures[1].result(timeout=5)
    assert conn.execute(select(func.count()).select_from(cases)).scalar_one() == before + 1
    assert verify_case_counts(conn).differences == []


def test_coroutines_get_their_answers_on_their_event_loop(conn: Connection) -> None:
    """`submit_async` (what the endpoints await): each coroutine gets its own result or
    refusal, and one that went away before its unit ran has nothing written for it."""
    import asyncio
    import threading
    from concurrent.futures import ThreadPoolExecutor

    load_world(conn)
    before = conn.execute(select(func.count()).select_from(cases)).scalar_one()
    writer = committer(conn)

    def good(text: str) -> Any:
        return lambda c: submit_report_once(c, None, report(text), secret_key=SECRET)

    def refused(c: Connection) -> Any:
        raise InvalidInput("refused", field="x")

    started, release = threading.Event(), threading.Event()

    def blocking(c: Connection) -> Any:
        started.set()
        release.wait(10)  # holds the writer until the next coroutine has gone away
        return good("甲")(c)

    async def main() -> list[Any]:
        first = asyncio.ensure_future(writer.submit_async(blocking))
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 10)
        gone = asyncio.ensure_future(writer.submit_async(good("无人等待")))
        await asyncio.sleep(0)  # queued behind the running batch
        gone.cancel()
        release.set()
        return await asyncio.gather(
            first,
            writer.submit_async(refused),
            writer.submit_async(good("乙")),
            return_exceptions=True,
        )

    # On a thread of its own: the browser tests leave an event loop running on this one.
    with ThreadPoolExecutor(1) as own:
        first, failure, second = own.submit(lambda: asyncio.run(main())).result(timeout=60)
    assert isinstance(failure, InvalidInput)
    assert (first.row["description"], second.row["description"]) == ("甲", "乙")
    assert conn.execute(select(func.count()).select_from(cases)).scalar_one() == before + 2
