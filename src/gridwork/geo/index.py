"""The point → grid index: a raster of owners, with exact tests only near boundaries.

Build: the extent of all grids is cut into square cells. A cell that no grid edge passes
through lies wholly inside one grid (or outside all of them), so a point there is answered
by one array lookup. For the cells that edges do pass through (boundary cells) the index
keeps those edges and the owner of the cell's centre; a point there is decided exactly by
counting, per candidate grid, how often the segment from the cell's centre to the point
crosses that grid's edges (each crossing flips membership), and by testing whether the
point lies on an edge.

Answers follow shapely's closed `intersects` predicate: a point on a shared edge touches
every grid there, and the index picks the lowest index (grids are indexed in code order),
deterministically. Points whose geometry is degenerate for the parity test (exactly
collinear with an edge end) are handed to shapely, so every answer equals the exact test.
"""

from __future__ import annotations

import contextlib
import ctypes
from collections.abc import Sequence

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

NO_GRID = -1
MAX_CELLS = 16_000_000  # 64 MB of int32 at most
CELLS_PER_GRID_SIDE = 10
_EMPTY = np.iinfo(np.int32).max

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def _ring_edges(polygons: Sequence[BaseGeometry]) -> tuple[FloatArray, IntArray]:
    """Every ring segment as (ax, ay, bx, by) with the index of its polygon."""
    segments = []
    owners = []
    for pid, poly in enumerate(polygons):
        for part in shapely.get_parts(poly):
            for ring in [part.exterior, *part.interiors]:
                coords = np.asarray(ring.coords, dtype=np.float64)
                segments.append(np.hstack([coords[:-1], coords[1:]]))
                owners.append(np.full(len(coords) - 1, pid, dtype=np.int64))
    if not segments:
        return np.zeros((0, 4)), np.zeros(0, dtype=np.int64)
    return np.vstack(segments), np.concatenate(owners)


class GridIndex:
    """Locates points (lon, lat in degrees) to the index of the grid containing them."""

    def __init__(self, polygons: Sequence[BaseGeometry]) -> None:
        self.polygons = np.array(list(polygons), dtype=object)
        self.count = len(self.polygons)
        self._tree: shapely.STRtree | None = None
        bounds = shapely.bounds(self.polygons) if self.count else np.zeros((1, 4))
        x0, y0 = float(bounds[:, 0].min()), float(bounds[:, 1].min())
        width = max(float(bounds[:, 2].max()) - x0, 1e-9)
        height = max(float(bounds[:, 3].max()) - y0, 1e-9)
        mean_area = float(np.mean(shapely.area(self.polygons))) if self.count else 1.0
        cell = max(np.sqrt(mean_area) / CELLS_PER_GRID_SIDE, 1e-9)
        if (width / cell) * (height / cell) > MAX_CELLS:
            cell = float(np.sqrt(width * height / MAX_CELLS)) * 1.01
        self.cell, self.x0, self.y0 = float(cell), x0, y0
        self.nx = int(width / cell) + 1
        self.ny = int(height / cell) + 1
        owner = self._rasterise(bounds)
        self._index_edges(owner)

    # -- build ---------------------------------------------------------------------------

    def _centres(self, flat: IntArray) -> tuple[FloatArray, FloatArray]:
        ix, iy = flat % self.nx, flat // self.nx
        cx = (self.x0 + (ix + 0.5) * self.cell).astype(np.float64)
        cy = (self.y0 + (iy + 0.5) * self.cell).astype(np.float64)
        return cx, cy

    def _span(
        self, lo: FloatArray, hi: FloatArray, origin: float, n: int
    ) -> tuple[IntArray, IntArray]:
        first = np.clip(np.floor((lo - origin) / self.cell), 0, n - 1).astype(np.int64)
        last = np.clip(np.floor((hi - origin) / self.cell), 0, n - 1).astype(np.int64)
        return first, last

    def _rasterise(self, bounds: FloatArray) -> NDArray[np.int32]:
        """Owner of every cell centre (closed test, lowest index wins)."""
        owner = np.full(self.nx * self.ny, _EMPTY, dtype=np.int32)
        if not self.count:
            return owner
        fx, lx = self._span(bounds[:, 0], bounds[:, 2], self.x0, self.nx)
        fy, ly = self._span(bounds[:, 1], bounds[:, 3], self.y0, self.ny)
        for pid, poly in enumerate(self.polygons):
            ix, iy = np.meshgrid(np.arange(fx[pid], lx[pid] + 1), np.arange(fy[pid], ly[pid] + 1))
            flat = (iy * self.nx + ix).ravel()
            cx, cy = self._centres(flat)
            hit = flat[shapely.intersects_xy(poly, cx, cy)]
            owner[hit] = np.minimum(owner[hit], pid)
        # intersects_xy prepares each polygon; the prepared structures are not needed after.
        shapely.destroy_prepared(self.polygons)
        return owner

    def _index_edges(self, owner: NDArray[np.int32]) -> None:
        """Find the cells each edge passes through; group edges by cell, sorted by polygon."""
        seg, poly = _ring_edges(list(self.polygons))
        ax, ay, bx, by = seg.T if len(seg) else (np.zeros(0),) * 4
        fx, lx = self._span(np.minimum(ax, bx), np.maximum(ax, bx), self.x0, self.nx)
        fy, ly = self._span(np.minimum(ay, by), np.maximum(ay, by), self.y0, self.ny)
        wx, wy = lx - fx + 1, ly - fy + 1
        per_edge = wx * wy
        edge = np.repeat(np.arange(len(per_edge)), per_edge)
        offset = np.arange(len(edge)) - np.repeat(np.cumsum(per_edge) - per_edge, per_edge)
        ix = fx[edge] + offset % wx[edge]
        iy = fy[edge] + offset // wx[edge]
        # Keep only the cells the segment really meets: the corners of the cell must not
        # all lie strictly on one side of the segment's line.
        x_lo, y_lo = self.x0 + ix * self.cell, self.y0 + iy * self.cell
        dx, dy = (bx - ax)[edge], (by - ay)[edge]
        sides = [
            dx * (cy - ay[edge]) - dy * (cx - ax[edge])
            for cx, cy in (
                (x_lo, y_lo),
                (x_lo + self.cell, y_lo),
                (x_lo, y_lo + self.cell),
                (x_lo + self.cell, y_lo + self.cell),
            )
        ]
        lo = np.minimum.reduce(sides)
        hi = np.maximum.reduce(sides)
        meets = (lo <= 0) & (hi >= 0)
        cells = (iy * self.nx + ix)[meets]
        edge = edge[meets]
        order = np.lexsort((poly[edge], cells))
        cells, edge = cells[order], edge[order]
        self.seg = seg
        self.seg_poly = poly
        self.pair_edge = edge.astype(np.int32)
        unique, starts = np.unique(cells, return_index=True)
        self.b_start = starts.astype(np.int64)
        self.b_end = np.append(starts[1:], len(cells)).astype(np.int64)
        # Boundary cells are stored in the raster as -2 - (their row in the boundary table).
        anchor = owner[unique].copy()
        anchor[anchor == _EMPTY] = NO_GRID
        self.b_anchor = anchor.astype(np.int32)
        owner[owner == _EMPTY] = NO_GRID
        owner[unique] = -2 - np.arange(len(unique), dtype=np.int32)
        self.raster = owner
        # A centre exactly on an edge cannot anchor the parity test: such cells go to shapely.
        cx, cy = self._centres(cells)
        sx, sy, ex, ey = (seg[edge, k] for k in range(4))
        cross = (ex - sx) * (cy - sy) - (ey - sy) * (cx - sx)
        on = (cross == 0) & (np.minimum(sx, ex) <= cx) & (cx <= np.maximum(sx, ex))
        on &= (np.minimum(sy, ey) <= cy) & (cy <= np.maximum(sy, ey))
        self.b_shaky = np.zeros(len(unique), dtype=bool)
        self.b_shaky[np.searchsorted(unique, cells[on])] = True

    # -- queries -------------------------------------------------------------------------

    def locate_many(self, lon: FloatArray, lat: FloatArray) -> IntArray:
        """Index of the grid containing each point (lowest on shared edges), or NO_GRID."""
        lon = np.asarray(lon, dtype=np.float64)
        lat = np.asarray(lat, dtype=np.float64)
        result = np.full(len(lon), NO_GRID, dtype=np.int64)
        if self.count == 0 or len(lon) == 0:
            return result
        fx = np.floor((lon - self.x0) / self.cell)
        fy = np.floor((lat - self.y0) / self.cell)
        within = (fx >= 0) & (fx < self.nx) & (fy >= 0) & (fy < self.ny)
        idx = np.nonzero(within)[0]
        flat = fy[idx].astype(np.int64) * self.nx + fx[idx].astype(np.int64)
        value = self.raster[flat].astype(np.int64)
        result[idx] = value
        near = value <= -2
        if near.any():
            points = idx[near]
            result[points] = self._decide(lon[points], lat[points], flat[near], -2 - value[near])
        return result

    def _decide(self, px: FloatArray, py: FloatArray, flat: IntArray, row: IntArray) -> IntArray:
        """Exact answers for points in boundary cells."""
        anchor = self.b_anchor[row].astype(np.int64)
        cx, cy = self._centres(flat)
        starts = self.b_start[row]
        counts = self.b_end[row] - starts
        total = int(counts.sum())
        point = np.repeat(np.arange(len(px)), counts)
        pair = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(total)
        edge = self.pair_edge[pair]
        ax, ay, bx, by = (self.seg[edge, k] for k in range(4))
        qx, qy, rx, ry = px[point], py[point], cx[point], cy[point]
        # sides of a and b against the line r→p, and of r and p against the line a→b
        da = (qx - rx) * (ay - ry) - (qy - ry) * (ax - rx)
        db = (qx - rx) * (by - ry) - (qy - ry) * (bx - rx)
        dr = (bx - ax) * (ry - ay) - (by - ay) * (rx - ax)
        dp = (bx - ax) * (qy - ay) - (by - ay) * (qx - ax)
        crosses = ((da > 0) != (db > 0)) & ((dr > 0) != (dp > 0))
        on_edge = (dp == 0) & (np.minimum(ax, bx) <= qx) & (qx <= np.maximum(ax, bx))
        on_edge &= (np.minimum(ay, by) <= qy) & (qy <= np.maximum(ay, by))
        degenerate = ((da == 0) | (db == 0)) & ~on_edge
        # Pairs arrive grouped by point and, within a point, by polygon: runs are groups.
        poly = self.seg_poly[edge]
        n = len(px)
        if total:
            key = point * max(self.count, 1) + poly
            first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
            parity = np.add.reduceat(crosses.astype(np.int64), first) % 2 == 1
            touches = np.add.reduceat(on_edge.astype(np.int64), first) > 0
            g_point, g_poly = point[first], poly[first]
        else:
            parity = touches = np.zeros(0, dtype=bool)
            g_point = g_poly = np.zeros(0, dtype=np.int64)
        starts_inside = g_poly == anchor[g_point]
        inside = (starts_inside ^ parity) | touches
        answer = anchor.copy()
        answer[g_point[starts_inside & ~inside]] = NO_GRID
        best = np.full(n, _EMPTY, dtype=np.int64)
        np.minimum.at(best, g_point[inside], g_poly[inside])
        answer = np.where((best != _EMPTY) & ((answer == NO_GRID) | (best < answer)), best, answer)
        shaky = self.b_shaky[row].copy()
        shaky[point[degenerate]] = True
        if shaky.any():
            answer[shaky] = self.exact(px[shaky], py[shaky])
        return answer

    def exact(self, px: FloatArray, py: FloatArray) -> IntArray:
        """shapely's answer (the reference), used for the rare degenerate points."""
        if self._tree is None:
            self._tree = shapely.STRtree(self.polygons)
        pts, polys = self._tree.query(shapely.points(px, py), predicate="intersects")
        best = np.full(len(px), _EMPTY, dtype=np.int64)
        np.minimum.at(best, pts, polys)
        best[best == _EMPTY] = NO_GRID
        return best

    def nbytes(self) -> int:
        """Memory held by the index's own arrays (the polygons are the caller's)."""
        arrays = [
            self.raster,
            self.b_start,
            self.b_end,
            self.b_anchor,
            self.b_shaky,
            self.seg,
            self.seg_poly,
            self.pair_edge,
        ]
        return int(sum(a.nbytes for a in arrays))


def release_freed_memory() -> None:
    """Hand memory freed by a rebuild back to the system (glibc keeps it otherwise)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


TILE_DEG = 0.5  # grids are indexed per tile of half a degree, so distant cities cost nothing


class TiledGridIndex:
    """A `GridIndex` per occupied tile: scattered cities keep fine rasters and small memory.

    Each tile's index holds every polygon whose bounding box meets the tile (local order
    follows global order, so the lowest-index rule carries over), and a point is answered
    by the index of the tile it falls in.
    """

    def __init__(self, polygons: Sequence[BaseGeometry]) -> None:
        self.polygons = np.array(list(polygons), dtype=object)
        self.count = len(self.polygons)
        self.tiles: dict[tuple[int, int], tuple[GridIndex, IntArray]] = {}
        if not self.count:
            return
        bounds = shapely.bounds(self.polygons)
        lo = np.floor(bounds[:, :2] / TILE_DEG).astype(np.int64)
        hi = np.floor(bounds[:, 2:] / TILE_DEG).astype(np.int64)
        members: dict[tuple[int, int], list[int]] = {}
        for pid in range(self.count):
            for tx in range(lo[pid, 0], hi[pid, 0] + 1):
                for ty in range(lo[pid, 1], hi[pid, 1] + 1):
                    members.setdefault((tx, ty), []).append(pid)
        for key, ids in members.items():
            chosen = np.array(ids, dtype=np.int64)
            self.tiles[key] = (GridIndex(list(self.polygons[chosen])), chosen)

    def locate_many(self, lon: FloatArray, lat: FloatArray) -> IntArray:
        """Index of the grid containing each point (lowest on shared edges), or NO_GRID."""
        lon = np.asarray(lon, dtype=np.float64)
        lat = np.asarray(lat, dtype=np.float64)
        result = np.full(len(lon), NO_GRID, dtype=np.int64)
        if not self.tiles or not len(lon):
            return result
        tx = np.floor(lon / TILE_DEG).astype(np.int64)
        ty = np.floor(lat / TILE_DEG).astype(np.int64)
        groups: list[tuple[tuple[int, int], IntArray]]
        if len(lon) == 1:
            groups = [((int(tx[0]), int(ty[0])), np.zeros(1, dtype=np.int64))]
        else:
            key = tx * 1_000_003 + ty
            order = np.argsort(key, kind="stable")
            starts = np.flatnonzero(np.r_[True, key[order][1:] != key[order][:-1]])
            ends = np.r_[starts[1:], len(order)]
            groups = [
                ((int(tx[order[s]]), int(ty[order[s]])), order[s:e])
                for s, e in zip(starts, ends, strict=True)
            ]
        for tile, points in groups:
            entry = self.tiles.get(tile)
            if entry is None:
                continue
            index, global_ids = entry
            local = index.locate_many(lon[points], lat[points])
            hit = local != NO_GRID
            result[points[hit]] = global_ids[local[hit]]
        return result

    def nbytes(self) -> int:
        """Memory held by the tiles' arrays."""
        return sum(index.nbytes() + ids.nbytes for index, ids in self.tiles.values())
