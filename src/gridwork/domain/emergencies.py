"""Emergency rules: the kinds, who counts as vulnerable (and in what order they are reached
first), and what a welfare check can find."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from gridwork.domain.people import Flag


class Kind(StrEnum):
    """What happened."""

    FLOOD = "flood"
    FIRE = "fire"
    EPIDEMIC = "epidemic"
    HEAT_WAVE = "heat_wave"
    EARTHQUAKE = "earthquake"
    OTHER = "other"


class Outcome(StrEnum):
    """What a welfare check found."""

    SAFE = "safe"
    NEEDS_HELP = "needs_help"
    UNREACHABLE = "unreachable"


OTHERS = 9  # priority of a household with nobody vulnerable
PRIORITY_REASONS = {
    1: "aged 80+ living alone",
    2: "disability",
    3: "needs assistance",
    4: "aged 60+ living alone",
    OTHERS: "welfare check",
}
NEED_CATEGORY = "emergency_need"  # urgent (2 h)


def person_priority(age: int, flags: Iterable[Flag]) -> int:
    """How early a person must be reached: 1 (first) … 9 (no vulnerability recorded)."""
    held = set(flags)
    alone = Flag.LIVES_ALONE in held
    if alone and age >= 80:
        return 1
    if Flag.DISABILITY in held:
        return 2
    if Flag.NEEDS_ASSISTANCE in held:
        return 3
    if alone and age >= 60:
        return 4
    return OTHERS


def priorities(
    ages: NDArray[np.int64],
    alone: NDArray[np.bool_],
    disability: NDArray[np.bool_],
    assistance: NDArray[np.bool_],
) -> NDArray[np.int64]:
    """`person_priority` for many people at once (the same rule, in array form)."""
    out = np.full(len(ages), OTHERS, dtype=np.int64)
    out[alone & (ages >= 60)] = 4
    out[assistance] = 3
    out[disability] = 2
    out[alone & (ages >= 80)] = 1
    return out
