"""The geography commands as an operator runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.conftest import SMALL_DEMO, run_cli
from tests.factories import JINYUAN, jinyuan_world


def test_import_export_and_delineate_from_the_command_line(fresh_url: str, tmp_path: Path) -> None:
    assert run_cli(fresh_url, "demo", *SMALL_DEMO).returncode == 0
    exported = run_cli(fresh_url, "geo", "export", JINYUAN)
    assert exported.returncode == 0, exported.stderr
    collection = json.loads(exported.stdout)
    levels = {f["properties"]["level"] for f in collection["features"]}
    assert levels == {"community", "grid", "building"}
    assert all(
        "households" in f["properties"]
        for f in collection["features"]
        if f["properties"]["level"] in ("grid", "building")
    )
    dry = run_cli(fresh_url, "grids", "delineate", JINYUAN, "--min", "300", "--max", "500")
    assert dry.returncode == 0, dry.stderr
    assert "coefficient of variation" in dry.stdout
    assert "nothing saved" in dry.stdout
    saved = run_cli(fresh_url, "grids", "delineate", JINYUAN, "--commit")
    assert "saved;" in saved.stdout
    path = tmp_path / "jinyuan.geojson"
    path.write_text(exported.stdout, encoding="utf-8")
    again = run_cli(fresh_url, "geo", "import", str(path))
    assert again.returncode == 0, again.stderr
    assert "0 buildings added" in again.stdout


def test_a_bad_geojson_file_is_one_line_and_imports_nothing(fresh_url: str, tmp_path: Path) -> None:
    assert run_cli(fresh_url, "demo", *SMALL_DEMO).returncode == 0
    world = jinyuan_world()
    world["features"][3]["geometry"]["coordinates"][0][1] = [106.7, 26.7]  # outside Jinyuan
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(world), encoding="utf-8")
    before = run_cli(fresh_url, "geo", "export", JINYUAN).stdout
    result = run_cli(fresh_url, "geo", "import", str(path))
    assert result.returncode == 1
    assert result.stderr.startswith("error: bad.geojson: feature 4 (grid 520115007005003)")
    assert result.stderr.count("\n") == 1
    assert run_cli(fresh_url, "geo", "export", JINYUAN).stdout == before
    missing = run_cli(fresh_url, "geo", "import", str(tmp_path / "absent.geojson"))
    assert missing.returncode == 1 and "No such file" in missing.stderr


def test_synth_is_deterministic_and_reports_what_it_made(fresh_url: str) -> None:
    assert run_cli(fresh_url, "demo", *SMALL_DEMO).returncode == 0
    first = run_cli(
        fresh_url, "synth", "--residents", "50000", "--seed", "4", "--area", "520115007"
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("520115007: 1 streets, 20 communities (0 invented)")
    export_one = run_cli(fresh_url, "geo", "export", "520115007")
    again = run_cli(
        fresh_url, "synth", "--residents", "50000", "--seed", "4", "--area", "520115007"
    )
    assert again.returncode == 0
    assert run_cli(fresh_url, "geo", "export", "520115007").stdout == export_one.stdout
    bad = run_cli(fresh_url, "synth", "--residents", "1000", "--area", "520115007005")
    assert bad.returncode == 1 and "synthesise a district or a street" in bad.stderr
