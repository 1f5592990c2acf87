"""`Locator`: point → grid routing, served from an in-memory index rebuilt when grids change."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from sqlalchemy import Connection, Row, select

from gridwork.domain.areas import Level
from gridwork.domain.errors import InvalidInput
from gridwork.geo.geojson import from_geojson
from gridwork.geo.index import NO_GRID, TiledGridIndex, release_freed_memory
from gridwork.store.tables import area_geometries, areas, geo_state

NEAR_COMMUNITY_M = 500.0
MAX_BATCH = 100_000
M_PER_DEG_LAT = 110_540.0
M_PER_DEG_LON_EQUATOR = 111_320.0


@dataclass(frozen=True)
class Location:
    """Where a point belongs: a grid (and its community), or a community only."""

    grid_code: str | None
    community_code: str
    outside_grid: bool

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of a location."""
        return {
            "grid_code": self.grid_code,
            "community_code": self.community_code,
            "outside_grid": self.outside_grid,
        }

    @property
    def unit(self) -> str:
        """The unit that owns a case reported here."""
        return self.grid_code or self.community_code


def _boundaries(conn: Connection, level: Level) -> list[Row[Any, Any]]:
    """(code, geojson) of every stored boundary of units at `level`, by code."""
    return list(
        conn.execute(
            select(area_geometries.c.code, area_geometries.c.geojson)
            .join(areas, areas.c.code == area_geometries.c.code)
            .where(areas.c.level == level.value)
            .order_by(area_geometries.c.code)
        ).all()
    )


class _Snapshot:
    """The index and community boundaries at one geometry version."""

    def __init__(self, conn: Connection, version: int) -> None:
        self.version = version
        grids = _boundaries(conn, Level.GRID)
        self.grid_codes = [r.code for r in grids]
        self.index = TiledGridIndex([from_geojson(r.geojson) for r in grids])
        communities = _boundaries(conn, Level.COMMUNITY)
        self.community_codes = [r.code for r in communities]
        self.communities = np.array([from_geojson(r.geojson) for r in communities], dtype=object)
        self.tree = shapely.STRtree(self.communities) if len(self.communities) else None

    @property
    def empty(self) -> bool:
        return not self.grid_codes and not self.community_codes

    def locate(self, lon: NDArray[np.float64], lat: NDArray[np.float64]) -> list[Location | None]:
        found = self.index.locate_many(lon, lat)
        out: list[Location | None] = [None] * len(lon)
        for i in np.flatnonzero(found != NO_GRID):
            code = self.grid_codes[int(found[i])]
            out[int(i)] = Location(code, code[:12], False)
        missing = np.flatnonzero(found == NO_GRID)
        if len(missing) and self.tree is not None:
            for i, community in zip(missing, self._near(lon[missing], lat[missing]), strict=True):
                if community is not None:
                    out[int(i)] = Location(None, community, True)
        return out

    def _near(self, lon: NDArray[np.float64], lat: NDArray[np.float64]) -> list[str | None]:
        """The nearest community within 500 m of each point (metres in a local projection)."""
        assert self.tree is not None
        widest = max(float(np.max(np.abs(lat))), 0.0)
        degrees = NEAR_COMMUNITY_M / (
            M_PER_DEG_LON_EQUATOR * math.cos(math.radians(min(widest, 89.0)))
        )
        points = shapely.points(lon, lat)
        pts, polys = self.tree.query(points, predicate="dwithin", distance=degrees)
        best: list[tuple[float, str] | None] = [None] * len(lon)
        for p, c in zip(pts, polys, strict=True):
            x0, y0 = float(lon[p]), float(lat[p])
            kx = M_PER_DEG_LON_EQUATOR * math.cos(math.radians(y0))

            def local(
                coords: NDArray[np.float64], x0: float = x0, y0: float = y0, kx: float = kx
            ) -> NDArray[np.float64]:
                return np.column_stack(
                    ((coords[:, 0] - x0) * kx, (coords[:, 1] - y0) * M_PER_DEG_LAT)
                )

            metres = shapely.distance(
                shapely.transform(self.communities[c], local), shapely.Point(0, 0)
            )
            candidate = (float(metres), self.community_codes[int(c)])
            if metres <= NEAR_COMMUNITY_M and (best[p] is None or candidate < best[p]):
                best[p] = candidate
        return [b[1] if b else None for b in best]


class Locator:
    """Process-wide routing. The geometry version in the database is checked at most every
    `refresh_seconds` (0: on every call) and the index is rebuilt when it moved."""

    def __init__(
        self,
        transaction: Callable[[], AbstractContextManager[Connection]],
        refresh_seconds: float = 0.0,
    ) -> None:
        self._transaction = transaction
        self._refresh = refresh_seconds
        self._snapshot: _Snapshot | None = None
        self._checked = -math.inf
        self._lock = threading.Lock()

    def is_fresh(self) -> bool:
        """Whether a call now would be answered from memory, without touching the database."""
        return self._snapshot is not None and time.monotonic() - self._checked < self._refresh

    def snapshot(self, conn: Connection | None = None) -> _Snapshot:
        """The current index, rebuilt first if grid geometry changed since it was built."""
        current = self._snapshot
        if current is not None and time.monotonic() - self._checked < self._refresh:
            return current
        if conn is None:
            with self._transaction() as own:
                return self._check(own)
        return self._check(conn)

    def _check(self, conn: Connection) -> _Snapshot:
        version = int(conn.execute(select(geo_state.c.version)).scalar_one())
        with self._lock:
            if self._snapshot is None or self._snapshot.version != version:
                self._snapshot = None  # let the old index go before building the new one
                self._snapshot = _Snapshot(conn, version)
                release_freed_memory()
            self._checked = time.monotonic()
            return self._snapshot

    def locate_many(
        self, points: list[tuple[float, float]], conn: Connection | None = None
    ) -> list[Location | None]:
        """Locations of (lon, lat) points, None where outside the jurisdiction."""
        if len(points) > MAX_BATCH:
            raise InvalidInput(f"at most {MAX_BATCH} points per request", field="points")
        array = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        lon, lat = array[:, 0], array[:, 1]
        if not (np.all(np.abs(lon) <= 180) and np.all(np.abs(lat) <= 90)):
            raise InvalidInput("points are [lng, lat] in WGS-84 degrees", field="points")
        snap = self.snapshot(conn)
        if snap.empty:
            raise InvalidInput(
                "this installation has no grid or community boundaries yet, so a location "
                "cannot be routed; give area_code instead",
                field="lat",
                reason="no_grid_geometry",
            )
        return snap.locate(lon, lat)

    def locate(self, lon: float, lat: float, conn: Connection | None = None) -> Location:
        """The location of one point; InvalidInput if it is outside the jurisdiction."""
        found = self.locate_many([(lon, lat)], conn)[0]
        if found is None:
            raise outside_jurisdiction()
        return found


def outside_jurisdiction() -> InvalidInput:
    """The refusal of a point that no community served here is near."""
    return InvalidInput(
        "this point is outside every community served here (more than 500 m away)",
        field="lat",
        reason="outside_jurisdiction",
    )
