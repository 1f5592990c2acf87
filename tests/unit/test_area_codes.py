from __future__ import annotations

import pytest

from gridwork.domain.areas import Kind, Level, ancestor_codes, kind_of, level_of, parent_code


def test_levels_are_read_off_the_code_length() -> None:
    assert level_of("52") is Level.PROVINCE
    assert level_of("5201") is Level.CITY
    assert level_of("520115") is Level.DISTRICT
    assert level_of("520115007") is Level.STREET
    assert level_of("520115007005") is Level.COMMUNITY
    assert level_of("520115007005001") is Level.GRID


@pytest.mark.parametrize("bad", ["", "5", "520", "52a1", "5201150070051", "５２"])
def test_malformed_codes_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="malformed"):
        level_of(bad)


def test_parent_and_ancestors_are_prefixes() -> None:
    assert parent_code("520115007005") == "520115007"
    assert parent_code("52") is None
    assert ancestor_codes("520115007005001") == [
        "52",
        "5201",
        "520115",
        "520115007",
        "520115007005",
    ]


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [
        ("1101", "市辖区", Kind.PSEUDO),
        ("4290", "省直辖县级行政区划", Kind.PSEUDO),
        ("5201", "贵阳市", Kind.CITY),
        ("520102", "南明区", Kind.URBAN_DISTRICT),
        ("520121", "开阳县", Kind.COUNTY),
        ("130171", "石家庄高新技术产业开发区", Kind.DEVELOPMENT_ZONE),
        ("520181", "清镇市", Kind.COUNTY_CITY),
        ("520115007", "金阳街道", Kind.SUBDISTRICT),
        ("520115100", "金华镇", Kind.TOWN),
        ("520121200", "某乡", Kind.TOWNSHIP),
        ("110115403", "北京经济技术开发区", Kind.SPECIAL_ZONE),
        ("520115007005", "金元社区", Kind.COMMUNITY),
        ("520115100201", "某村", Kind.VILLAGE),
        ("520115100401", "某农场", Kind.OTHER),
        ("520115007005001", "第一网格", Kind.GRID),
    ],
)
def test_kinds_follow_the_serial_digits(code: str, name: str, kind: Kind) -> None:
    assert kind_of(code, name) is kind
