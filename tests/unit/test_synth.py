from __future__ import annotations

import numpy as np
import shapely

from gridwork.geo.synth import Street, generate_city

STREETS = [
    Street("520115001", "宾阳街道", [("520115001001", "甲"), ("520115001002", "乙")]),
    Street("520115002", "云潭街道", []),
]


def test_the_same_seed_gives_the_same_city() -> None:
    a = generate_city(STREETS, 60_000, 3, (106.63, 26.65))
    b = generate_city(STREETS, 60_000, 3, (106.63, 26.65))
    assert [c.code for c in a.communities] == [c.code for c in b.communities]
    for x, y in zip(a.communities, b.communities, strict=True):
        assert x.boundary.equals(y.boundary)
        assert np.array_equal(x.households, y.households)


def test_households_follow_the_census_size_and_communities_tile_the_district() -> None:
    city = generate_city(STREETS, 60_000, 3, (106.63, 26.65))
    households = sum(int(c.households.sum()) for c in city.communities)
    assert abs(households - 60_000 / 2.62) < 5
    union = shapely.union_all([c.boundary for c in city.communities])
    assert union.symmetric_difference(city.unit_boundary).area < 1e-12
    # about 30,000 residents per km² → 2 km² for 60,000 people
    km2 = city.unit_boundary.area * 111.32 * np.cos(np.radians(26.65)) * 110.54
    assert 1.9 < km2 < 2.1


def test_communities_are_invented_only_where_a_street_has_none() -> None:
    city = generate_city(STREETS, 60_000, 3, (106.63, 26.65))
    real = [c for c in city.communities if not c.invented]
    invented = [c for c in city.communities if c.invented]
    assert [c.code for c in real] == ["520115001001", "520115001002"]
    assert invented and all(c.code.startswith("520115002") for c in invented)
    assert all("合成社区" in c.name for c in invented)


def test_every_community_is_delineated_within_bounds() -> None:
    city = generate_city(STREETS, 120_000, 5, (106.63, 26.65))
    grids = [g for c in city.communities if c.plan for g in c.plan.grids]
    sizes = np.array([g.households for g in grids])
    unflagged = [g for g in grids if g.flag is None]
    assert len(unflagged) >= 0.9 * len(grids)
    assert all(300 <= g.households <= 500 for g in unflagged)
    assert sizes.std() / sizes.mean() < 0.15
