"""A walking order for a worker's visits: nearest-next from the start, then 2-opt.

Distances are straight lines in metres on a local projection; streets are not modelled.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

Point = tuple[float, float]


def _d(a: Point, b: Point) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def path_length(points: Sequence[Point], order: Sequence[int], start: Point | None = None) -> float:
    """Length of the open path visiting `points` in `order` (from `start` if given)."""
    total = 0.0
    previous = start
    for i in order:
        if previous is not None:
            total += _d(previous, points[i])
        previous = points[i]
    return total


def nearest_next(points: Sequence[Point], start: Point | None = None) -> list[int]:
    """Greedy order: always walk to the closest stop not yet visited."""
    if not points:
        return []
    left = set(range(len(points)))
    here = start if start is not None else points[0]
    order: list[int] = []
    while left:
        nxt = min(left, key=lambda i: (_d(here, points[i]), i))
        order.append(nxt)
        left.remove(nxt)
        here = points[nxt]
    return order


def two_opt(
    points: Sequence[Point], order: list[int], start: Point | None = None, max_rounds: int = 50
) -> list[int]:
    """Reverse segments of the open path while that shortens it."""
    route = list(order)
    n = len(route)
    if n < 3:
        return route

    def at(k: int) -> Point | None:
        if k < 0:
            return start
        return points[route[k]]

    for _ in range(max_rounds):
        improved = False
        for i in range(n - 1):
            a = at(i - 1)
            b = points[route[i]]
            for j in range(i + 1, n):
                c = points[route[j]]
                d = points[route[j + 1]] if j + 1 < n else None
                before = (_d(a, b) if a else 0.0) + (_d(c, d) if d else 0.0)
                after = (_d(a, c) if a else 0.0) + (_d(b, d) if d else 0.0)
                if after < before - 1e-9:
                    route[i : j + 1] = reversed(route[i : j + 1])
                    b = points[route[i]]
                    improved = True
        if not improved:
            break
    return route


def walking_order(points: Sequence[Point], start: Point | None = None) -> list[int]:
    """A short open path through `points`: nearest-next improved by 2-opt."""
    return two_opt(points, nearest_next(points, start), start)


def optimal_order(points: Sequence[Point], start: Point | None = None) -> list[int]:
    """The shortest open path (Held–Karp, exponential: for measuring on small sets only)."""
    n = len(points)
    if n == 0:
        return []
    if n > 13:
        raise ValueError("optimal_order is for at most 13 points")
    full = (1 << n) - 1
    cost: dict[tuple[int, int], tuple[float, int]] = {}
    for i in range(n):
        cost[(1 << i, i)] = (_d(start, points[i]) if start else 0.0, -1)
    for mask in range(1, full + 1):
        for last in range(n):
            if (mask, last) not in cost:
                continue
            base = cost[(mask, last)][0]
            for nxt in range(n):
                if mask & (1 << nxt):
                    continue
                key = (mask | (1 << nxt), nxt)
                value = base + _d(points[last], points[nxt])
                if key not in cost or value < cost[key][0]:
                    cost[key] = (value, last)
    last = min(range(n), key=lambda i: cost[(full, i)][0])
    order, mask = [], full
    while last != -1:
        order.append(last)
        prev = cost[(mask, last)][1]
        mask &= ~(1 << last)
        last = prev
    return order[::-1]


def morton_keys(xy: NDArray[np.float64], bits: int = 16) -> NDArray[np.uint64]:
    """Z-order keys of metric points: sorting by them walks an area block by block (a quick
    order for thousands of stops at once, roughly a quarter longer than a good tour)."""
    lo = xy.min(axis=0)
    span = float(max((xy.max(axis=0) - lo).max(), 1e-9))
    cells = ((xy - lo) / span * ((1 << bits) - 1)).astype(np.uint64)
    keys = np.zeros(len(xy), dtype=np.uint64)
    for bit in range(bits):
        for axis in (0, 1):
            keys |= ((cells[:, axis] >> np.uint64(bit)) & np.uint64(1)) << np.uint64(2 * bit + axis)
    return keys
