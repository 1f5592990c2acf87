from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select

from gridwork.domain.errors import ImportFailed
from gridwork.services.area_counts import counts_of, rebuild_counts
from gridwork.services.area_import import import_areas
from gridwork.store.tables import area_counts, areas
from tests.conftest import BEIJING, GUIZHOU


def copy_layout(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    for f in target.iterdir():
        f.chmod(0o644)
    return target


def area_rows(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(areas)).scalar_one()


def test_guizhou_is_loaded_with_levels_kinds_and_counts(conn: Connection) -> None:
    row = conn.execute(select(areas).where(areas.c.code == "520115007005")).mappings().one()
    assert (row["name"], row["level"], row["kind"], row["parent_code"]) == (
        "金元社区",
        "community",
        "community",
        "520115007",
    )
    counts = counts_of(conn, "52")
    assert counts["city"] == 9
    assert counts["district"] == 88
    assert counts["street"] == 1510
    assert counts["community"] == 17964


def test_pseudo_units_and_development_zones_are_flagged(conn: Connection) -> None:
    pseudo = conn.execute(select(areas.c.is_pseudo).where(areas.c.code == "1101")).scalar_one()
    assert pseudo is True
    kind = conn.execute(select(areas.c.kind).where(areas.c.code == "110115403")).scalar_one()
    assert kind == "special_zone"


def test_a_second_import_changes_nothing(conn: Connection) -> None:
    before = area_rows(conn)
    report = import_areas(conn, GUIZHOU)
    assert (report.inserted, report.renamed, report.unchanged) == (0, 0, report.read)
    assert area_rows(conn) == before


def test_a_changed_name_is_updated(conn: Connection, tmp_path: Path) -> None:
    layout = copy_layout(GUIZHOU, tmp_path / "gz")
    villages = layout / "villages.csv"
    villages.write_text(
        villages.read_text(encoding="utf-8").replace('"金元社区"', '"金元新社区"'),
        encoding="utf-8",
    )
    report = import_areas(conn, layout)
    assert report.renamed == 1
    assert report.inserted == 0
    name = conn.execute(select(areas.c.name).where(areas.c.code == "520115007005")).scalar_one()
    assert name == "金元新社区"


def test_counts_match_a_recount(conn: Connection) -> None:
    stored = dict(((r.code, r.level), r.n) for r in conn.execute(select(area_counts)).all())
    rebuild_counts(conn)
    recounted = dict(((r.code, r.level), r.n) for r in conn.execute(select(area_counts)).all())
    assert stored == recounted
    assert counts_of(conn, "11")["community"] == sum(
        1 for line in (BEIJING / "villages.csv").read_text().splitlines()[1:] if line
    )


def break_file(layout: Path, name: str, find: str, replace: str) -> None:
    path = layout / name
    path.write_text(path.read_text(encoding="utf-8").replace(find, replace, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "find", "replace", "expected"),
    [
        (
            "villages.csv",
            "code,name,streetCode",
            "kode,name,streetCode",
            r"villages\.csv:1: wrong header",
        ),
        ("streets.csv", "520115007,", "52011500X,", r"streets\.csv:\d+: malformed code"),
        (
            "villages.csv",
            '520115007005,"金元社区",520115007',
            '520115999005,"金元社区",520115999',
            r"villages\.csv:\d+: parent code 520115999 of 520115999005 does not exist",
        ),
        (
            "villages.csv",
            '520115007005,"金元社区",520115007,',
            '520115007005,"金元社区",520115008,',
            r"villages\.csv:\d+: code 520115007005 does not start",
        ),
    ],
)
def test_bad_input_names_file_and_line_and_imports_nothing(
    conn: Connection, tmp_path: Path, name: str, find: str, replace: str, expected: str
) -> None:
    layout = copy_layout(GUIZHOU, tmp_path / "gz")
    # A new province in the same files would otherwise be imported before the bad row.
    break_file(layout, "provinces.csv", "52,", '53,"云南省"\n52,')
    break_file(layout, name, find, replace)
    before = area_rows(conn)
    with pytest.raises(ImportFailed, match=expected):
        import_areas(conn, layout)
    assert area_rows(conn) == before


def test_the_line_number_is_the_line_in_the_file(conn: Connection, tmp_path: Path) -> None:
    layout = copy_layout(GUIZHOU, tmp_path / "gz")
    lines = (layout / "streets.csv").read_text(encoding="utf-8").splitlines()
    lines[9] = lines[9].replace(lines[9][:9], "5201X0016", 1)
    (layout / "streets.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"^streets\.csv:10: malformed code"):
        import_areas(conn, layout)


def test_a_missing_file_is_named(conn: Connection, tmp_path: Path) -> None:
    layout = copy_layout(GUIZHOU, tmp_path / "gz")
    (layout / "streets.csv").unlink()
    with pytest.raises(ImportFailed, match=r"^streets\.csv: missing file"):
        import_areas(conn, layout)
