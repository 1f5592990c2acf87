"""Names staff give to what the pages show (units, grids, facilities, depots, teams,
activities, notices): plain text, never markup or invisible controls."""

from __future__ import annotations

import unicodedata

from gridwork.domain.errors import InvalidInput

# Bidirectional embeddings, overrides and isolates: they make a name display as something
# other than what it is (U+202A–U+202E, U+2066–U+2069).
_BIDI_CONTROLS = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))
_MARKUP = frozenset("<>")


def is_plain_name(value: str) -> bool:
    """Whether `value` holds no markup character (`<`, `>`), no C0/C1 control character
    and no bidirectional override or isolate."""
    return not any(
        ch in _MARKUP or ord(ch) in _BIDI_CONTROLS or unicodedata.category(ch) == "Cc"
        for ch in value
    )


def plain_name(value: str, *, field: str = "name") -> str:
    """`value` unchanged when it is plain text (see `is_plain_name`), else InvalidInput
    naming `field`. Every service that accepts a displayed name calls this."""
    if not is_plain_name(value):
        raise InvalidInput(
            f"{field} may not contain '<', '>', control characters or direction overrides "
            "(U+202A–U+202E, U+2066–U+2069)",
            field=field,
        )
    return value
