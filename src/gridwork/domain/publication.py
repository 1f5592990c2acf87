"""What the public may see of a case: the rule, free of storage.

A case is public only when it was born public (a resident's or integrator's report about a
place or a service), nobody made it private (the reporter) or hid it (staff), and its
category is not sensitive. Cases born at a household's door (visits, welfare checks in an
emergency) are `restricted` from the start and can never be made public. What is shown of a
public case is masked: phone numbers, ID-card numbers and e-mail addresses never leave,
whoever typed them, and the location never names a household.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from enum import StrEnum

from gridwork.domain.access import Role
from gridwork.domain.errors import InvalidInput


class Publicity(StrEnum):
    """Who may see a case beyond the staff in scope and its reporter."""

    PUBLIC = "public"  # on the Open311 feed and in "reported nearby"
    PRIVATE = "private"  # the reporter asked that it not be published
    HIDDEN = "hidden"  # staff took it off the public feed (audited)
    RESTRICTED = "restricted"  # born at a household (visit, welfare check): never public


#: What staff may switch a case between; `restricted` is for ever, `private` is the
#: reporter's choice (staff may still hide a public case, or publish a hidden one).
STAFF_CHOICES = frozenset({Publicity.PUBLIC, Publicity.HIDDEN})

#: The desk and the administrators above it decide what the public sees of a case.
PUBLICITY_EDITORS = frozenset(
    {Role.COMMUNITY_STAFF, Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.CITY_ADMIN, Role.ADMIN}
)

MASK = "***"
# Digits as people type them: any Unicode decimal digit (full-width included) or a Chinese
# numeral; separators as people put between them: spaces, dashes of every width, dots,
# commas, slashes, underscores, brackets and invisible joiners.
_DIGIT = r"(?:\d|[〇零一二三四五六七八九壹贰貳叁參肆伍陆陸柒捌玖两①-⑳⓪⑴-⒇⒈-⒛❶-❿➀-➉])"
_SEPARATOR = r"[\s\-‐‑‒–—―−﹣－·•.,，、/／_()（）|｜:：*＊#＃~～\[\]【】\u200b-\u200d\u2060\ufeff]"
# Order matters: e-mail addresses first (they may hold digits), then long digit runs, which
# cover mainland mobiles (1xx xxxx xxxx), landlines, 15/18-character ID numbers (with their
# X) and bank cards alike, however they are spaced.
_AT = r"(?:[@＠]|\s*[(\[（【]\s*at\s*[)\]）】]\s*)"
_DOT = r"(?:[.．。]|\s*[(\[（【]\s*dot\s*[)\]）】]\s*)"
_EMAIL = re.compile(
    rf"[\w.+-]+\s*{_AT}\s*[\w-]+(?:\s*{_DOT}\s*[\w-]+)*"
    # spelled out with bare words: only with at least one "dot", so "at the park" stays
    r"|[\w.+-]+\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)+",
    re.IGNORECASE,
)
_DIGIT_RUN = re.compile(
    rf"(?<!{_DIGIT})\+?(?:{_DIGIT}{_SEPARATOR}*){{6,}}{_DIGIT}(?:{_SEPARATOR}*[Xx])?(?![A-Za-z])"
    rf"|(?<!{_DIGIT})\+?(?:{_DIGIT}{_SEPARATOR}*){{6,}}{_DIGIT}"
)
#: Public coordinates keep 4 decimals: about 11 m, enough to find a pothole, too coarse to
#: pick a door out of a building.
PUBLIC_DECIMALS = 4


def is_published(publicity: str, category_sensitive: bool) -> bool:
    """Whether the public may see the case at all."""
    return publicity == Publicity.PUBLIC and not category_sensitive


def may_set_publicity(roles: Iterable[Role]) -> bool:
    """Whether one of `roles` may hide, publish or redact a case for the public."""
    return any(r in PUBLICITY_EDITORS for r in roles)


def mask_text(text: str | None) -> str | None:
    """`text` with every phone number, ID-card number and e-mail address replaced by ***."""
    if not text:
        return text
    text = _EMAIL.sub(MASK, text)
    return _DIGIT_RUN.sub(MASK, text)


def public_coordinate(value: float | None) -> float | None:
    """A coordinate rounded for the public (see PUBLIC_DECIMALS)."""
    return None if value is None else round(value, PUBLIC_DECIMALS)


def public_distance(metres: float) -> int:
    """A distance told to the public, to the nearest 10 m (as coarse as the coordinates)."""
    return round(metres / 10.0) * 10


def public_box(
    south: float, west: float, north: float, east: float
) -> tuple[float, float, float, float]:
    """A bounding box widened outward to the public coordinates' precision, so that moving
    its edges by less than that cannot find a case's exact point."""
    step = 10.0**-PUBLIC_DECIMALS
    return (
        math.floor(south / step) * step,
        math.floor(west / step) * step,
        math.ceil(north / step) * step,
        math.ceil(east / step) * step,
    )


def staff_choice(value: str) -> Publicity:
    """The publicity staff asked for, or InvalidInput."""
    try:
        chosen = Publicity(value)
    except ValueError:
        chosen = None
    if chosen not in STAFF_CHOICES:
        raise InvalidInput("publicity must be public or hidden", field="publicity")
    assert chosen is not None
    return chosen
