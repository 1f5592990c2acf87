"""Statistical division codes: levels, kinds and ancestry are read off the code itself.

A descendant's code starts with its ancestor's code: province (2 digits) ⊃ city (4) ⊃
district (6) ⊃ street (9) ⊃ community (12) ⊃ grid (15).
"""

from __future__ import annotations

import re
from enum import StrEnum


class Level(StrEnum):
    """The depth of a unit in the hierarchy."""

    PROVINCE = "province"
    CITY = "city"
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"


LEVEL_BY_LENGTH: dict[int, Level] = {
    2: Level.PROVINCE,
    4: Level.CITY,
    6: Level.DISTRICT,
    9: Level.STREET,
    12: Level.COMMUNITY,
    15: Level.GRID,
}
LENGTH_BY_LEVEL: dict[Level, int] = {level: n for n, level in LEVEL_BY_LENGTH.items()}
LEVELS_TOP_DOWN: tuple[Level, ...] = tuple(LEVEL_BY_LENGTH[n] for n in sorted(LEVEL_BY_LENGTH))

# Names that mark a unit which exists only to group others (no government of its own).
PSEUDO_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

_DIGITS = re.compile(r"[0-9]+")


class Kind(StrEnum):
    """What sort of unit this is within its level (from the code's own digits)."""

    PROVINCE = "province"
    CITY = "city"
    PSEUDO = "pseudo"
    URBAN_DISTRICT = "urban_district"
    COUNTY = "county"
    DEVELOPMENT_ZONE = "development_zone"
    COUNTY_CITY = "county_city"
    SUBDISTRICT = "subdistrict"
    TOWN = "town"
    TOWNSHIP = "township"
    SPECIAL_ZONE = "special_zone"
    COMMUNITY = "community"
    VILLAGE = "village"
    OTHER = "other"
    GRID = "grid"


def level_of(code: str) -> Level:
    """The level a well-formed code belongs to; ValueError if the code is malformed."""
    if not _DIGITS.fullmatch(code) or len(code) not in LEVEL_BY_LENGTH:
        raise ValueError(f"malformed area code {code!r}")
    return LEVEL_BY_LENGTH[len(code)]


def is_valid_code(code: str) -> bool:
    """Whether the code is all digits and of one of the hierarchy's lengths."""
    return bool(_DIGITS.fullmatch(code)) and len(code) in LEVEL_BY_LENGTH


def parent_code(code: str) -> str | None:
    """The code of the unit directly above, or None for a province."""
    level = level_of(code)
    index = LEVELS_TOP_DOWN.index(level)
    if index == 0:
        return None
    return code[: LENGTH_BY_LEVEL[LEVELS_TOP_DOWN[index - 1]]]


def ancestor_codes(code: str) -> list[str]:
    """Codes of every ancestor, top-down, excluding the code itself."""
    level = level_of(code)
    index = LEVELS_TOP_DOWN.index(level)
    return [code[: LENGTH_BY_LEVEL[lv]] for lv in LEVELS_TOP_DOWN[:index]]


def kind_of(code: str, name: str) -> Kind:
    """Classify a unit by its level, the serial digits of its code and, for pseudo-units, name."""
    level = level_of(code)
    if name in PSEUDO_NAMES:
        return Kind.PSEUDO
    if level is Level.PROVINCE:
        return Kind.PROVINCE
    if level is Level.CITY:
        return Kind.PSEUDO if code[2:] == "90" else Kind.CITY
    if level is Level.DISTRICT:
        serial = int(code[4:])
        if serial <= 20:
            return Kind.URBAN_DISTRICT
        if serial <= 70:
            return Kind.COUNTY
        if serial <= 80:
            return Kind.DEVELOPMENT_ZONE
        return Kind.COUNTY_CITY
    if level is Level.STREET:
        serial = int(code[6:])
        if serial < 100:
            return Kind.SUBDISTRICT
        if serial < 200:
            return Kind.TOWN
        if serial < 400:
            return Kind.TOWNSHIP
        return Kind.SPECIAL_ZONE
    if level is Level.COMMUNITY:
        serial = int(code[9:])
        if 1 <= serial <= 199:
            return Kind.COMMUNITY
        if 200 <= serial <= 399:
            return Kind.VILLAGE
        return Kind.OTHER
    return Kind.GRID


def is_pseudo(kind: Kind) -> bool:
    """Pseudo-units (市辖区, 省直辖县级行政区划) group units but govern nothing themselves."""
    return kind is Kind.PSEUDO


def subtree_upper_bound(code: str) -> str:
    """Exclusive upper bound for a range scan of `code`'s subtree (':' sorts after '9')."""
    return code + ":"
