"""Emergency supplies: what a community depot stocks, and when its stock is short."""

from __future__ import annotations

from enum import StrEnum

from gridwork.domain.access import EMERGENCY_COMMANDERS, Role


class SupplyKind(StrEnum):
    """What a depot keeps."""

    WATER = "water"
    FOOD = "food"
    MEDICINE = "medicine"
    OTHER = "other"


class Movement(StrEnum):
    """Why a depot's stock changed."""

    RESTOCK = "restock"
    DELIVERY = "delivery"


# Who keeps depots and records what leaves them: the desk and the administrators above it.
SUPPLY_KEEPERS: frozenset[Role] = EMERGENCY_COMMANDERS
MAX_QUANTITY = 1_000_000


def is_short(quantity: int, threshold: int) -> bool:
    """A kind is short when its stock has fallen below the level its keepers set."""
    return quantity < threshold
