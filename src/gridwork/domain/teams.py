"""Workgroups and volunteer teams: their kinds, and the bounds of volunteer hours."""

from __future__ import annotations

from enum import StrEnum


class TeamKind(StrEnum):
    """What a team does."""

    LEGAL = "legal"  # legal service volunteers (法律服务)
    NEIGHBOURHOOD_HELP = "neighbourhood_help"  # small problems, neighbours helping (邻里互助)
    RECREATION = "recreation"  # culture and recreation (文体)
    OTHER = "other"


MAX_HOURS_PER_ENTRY = 24.0
MAX_SHIFT_CHARS = 40
