"""The elderly canteen (长者食堂): who may register (by age), the subsidy tier a meal is
paid at, and which meals can be booked."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum


class Meal(StrEnum):
    """A meal a canteen serves."""

    LUNCH = "lunch"
    DINNER = "dinner"


class BookingStatus(StrEnum):
    """Where a meal booking stands."""

    BOOKED = "booked"
    SERVED = "served"
    CANCELLED = "cancelled"


ELIGIBLE_AGE = 60
TIERS = (80, 70, 60)  # subsidy tiers by age reached in the meal's year, highest first
BOOK_AHEAD = timedelta(days=14)
MAX_PRICE_FEN = 100_00  # a meal costs at most 100 yuan


def age_in(year: int, birth_year: int) -> int:
    """The age reached in `year` (the registry keeps birth years only)."""
    return year - birth_year


def tier_for(birth_year: int, on: date) -> int | None:
    """The subsidy tier (60, 70 or 80) of a meal on `on`, or None below the eligible age."""
    age = age_in(on.year, birth_year)
    return next((t for t in TIERS if age >= t), None)


def subsidy_fen(tier: int | None, price_fen: int, subsidies: dict[int, int]) -> int:
    """What the subsidy pays for one meal: the tier's amount, never more than the price."""
    if tier is None:
        return 0
    return min(price_fen, subsidies.get(tier, 0))


def bookable(day: date, today: date) -> bool:
    """Meals are booked from today up to two weeks ahead."""
    return today <= day <= today + BOOK_AHEAD
