"""Large registry imports: checked whole first, then written in short transactions of whole
households; a partial import is reported line by line and completed by sending the file
again (households and residents are matched on their natural keys)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select

from gridwork.domain.errors import ImportFailed, InvalidInput
from gridwork.services import registry_import
from gridwork.services.registry_import import ChunkOutcome, import_registry
from gridwork.services.users import actor_for_username
from gridwork.store.people_tables import households, residents
from tests.factories import GRID1, GRID2, JINYUAN, load_world, login, make_user
from tests.integration.test_pages import sign_in

HEADER = "household,grid_code,address,name,birth_year\n"


def big_csv(homes: int, per_home: int = 3) -> str:
    """`homes` households of `per_home` residents, rows of a household not adjacent."""
    rows = [
        f"h{h},{GRID1 if h % 2 else GRID2},金元路{h}号,居民{h}-{p},{1940 + p}\n"
        for p in range(per_home)
        for h in range(homes)
    ]
    return HEADER + "".join(rows)


def count(conn: Connection, table: object) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


class Recorder:
    """A writer on the test's connection that notes how many residents each unit added."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.added: list[int] = []
        self.before_unit: Callable[[int], None] = lambda n: None

    def __call__(self, work: Callable[[Connection], ChunkOutcome]) -> ChunkOutcome:
        self.before_unit(len(self.added))
        before = count(self.conn, residents)
        savepoint = self.conn.begin_nested()  # each unit commits on its own
        outcome = work(self.conn)
        savepoint.commit()
        self.added.append(count(self.conn, residents) - before)
        return outcome


def test_a_large_import_is_checked_then_written_in_chunks(conn: Connection) -> None:
    load_world(conn)
    make_user(conn, username="importer", role="community_staff", area=JINYUAN)
    actor = actor_for_username(conn, "importer")
    assert actor is not None
    write = Recorder(conn)
    report = import_registry(write, actor, big_csv(20).encode(), "big.csv", chunk_rows=10)
    assert (report.households, report.residents, report.skipped) == (20, 60, 0)
    assert report.errors == [] and report.failed_lines == []
    # 60 rows in whole households of 3: 7 chunks of at most 9 rows, checked then written
    assert len(write.added) == 14
    assert write.added[:7] == [0] * 7  # the check writes nothing
    assert all(0 < n <= 10 for n in write.added[7:]) and sum(write.added) == 60
    assert count(conn, households) == 20 and count(conn, residents) == 60


def test_a_bad_line_anywhere_and_nothing_is_written(conn: Connection) -> None:
    load_world(conn)
    make_user(conn, username="importer2", role="community_staff", area=JINYUAN)
    actor = actor_for_username(conn, "importer2")
    assert actor is not None
    data = big_csv(20) + f"late,{GRID1},金元路99号,晚到,nineteen\n"
    with pytest.raises(ImportFailed) as failed:
        import_registry(Recorder(conn), actor, data.encode(), "big.csv", chunk_rows=10)
    assert failed.value.details["errors"] == ["big.csv:62: birth_year 'nineteen' is not a year"]
    assert count(conn, residents) == 0


def test_a_partial_import_is_reported_and_completed_by_sending_it_again(
    conn: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_world(conn)
    make_user(conn, username="importer3", role="community_staff", area=JINYUAN)
    actor = actor_for_username(conn, "importer3")
    assert actor is not None
    data = big_csv(20).encode()
    real = registry_import.create_resident

    def refuse_household_7(conn: Connection, actor: object, person: object) -> object:
        if person.name.startswith("居民7-"):  # type: ignore[attr-defined]
            raise InvalidInput("the registry changed meanwhile")
        return real(conn, actor, person)  # type: ignore[arg-type]

    write = Recorder(conn)

    def after_the_check(units: int) -> None:
        if units == 7:  # the registry changes between the check and the writing
            monkeypatch.setattr(registry_import, "create_resident", refuse_household_7)

    write.before_unit = after_the_check
    first = import_registry(write, actor, data, "big.csv", chunk_rows=10)
    failed = first.failed_lines
    assert len(failed) == 9 and 9 in failed  # household 7's chunk (3 households), whole
    assert any(e.startswith("big.csv:9: ") and "changed meanwhile" in e for e in first.errors)
    assert first.residents == 51 and count(conn, residents) == 51
    monkeypatch.setattr(registry_import, "create_resident", real)
    again = import_registry(Recorder(conn), actor, data, "big.csv", chunk_rows=10)
    assert (again.households, again.residents, again.skipped) == (3, 9, 51)
    assert again.failed_lines == [] and again.errors == []
    assert count(conn, households) == 20 and count(conn, residents) == 60


def test_sending_the_same_file_again_adds_nobody_twice(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    headers = {
        **login(conn, client, role="community_staff", area=JINYUAN, username="resender"),
        "Content-Type": "text/csv",
    }
    data = big_csv(4).encode()
    first = client.post("/api/v1/registry/import", content=data, headers=headers).json()
    assert (first["households"], first["residents"], first["skipped"]) == (4, 12, 0), first
    again = client.post("/api/v1/registry/import", content=data, headers=headers).json()
    assert (again["households"], again["residents"], again["skipped"]) == (0, 0, 12), again
    assert count(conn, residents) == 12


def test_the_import_page_reports_what_it_saved(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    make_user(conn, username="pageimporter", role="community_staff", area=JINYUAN)
    sign_in(client, "pageimporter")
    files = {"file": ("homes.csv", big_csv(2).encode(), "text/csv")}
    page = client.post("/registry/import", files=files)
    assert page.status_code == 200, page.text
    assert count(conn, residents) == 6
