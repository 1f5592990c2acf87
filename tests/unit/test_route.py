"""The walking order: never worse than nearest-next, close to optimal on small sets."""

from __future__ import annotations

import random

from gridwork.geo.route import nearest_next, optimal_order, path_length, walking_order


def test_a_line_of_stops_is_walked_end_to_end() -> None:
    points = [(30.0, 0.0), (10.0, 0.0), (20.0, 0.0), (0.0, 0.0)]
    assert walking_order(points, (0.0, 0.0)) == [3, 1, 2, 0]
    assert path_length(points, [3, 1, 2, 0], (0.0, 0.0)) == 30.0


def test_two_opt_never_loses_to_nearest_next_and_stays_near_optimal() -> None:
    rng = random.Random(7)
    worst = 0.0
    for _ in range(40):
        points = [(rng.uniform(0, 500), rng.uniform(0, 500)) for _ in range(9)]
        start = (0.0, 0.0)
        greedy = path_length(points, nearest_next(points, start), start)
        improved = path_length(points, walking_order(points, start), start)
        best = path_length(points, optimal_order(points, start), start)
        assert best - 1e-6 <= improved <= greedy + 1e-6
        worst = max(worst, improved / best - 1)
    assert worst < 0.25  # measured mean gap is reported by `make bench`


def test_empty_and_single() -> None:
    assert walking_order([]) == []
    assert walking_order([(1.0, 1.0)]) == [0]
