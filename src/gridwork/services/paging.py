"""A page of results, as every list endpoint returns them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gridwork.domain.errors import InvalidInput

MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class PageRequest:
    """Which page of a list to return (1-based)."""

    page: int = 1
    page_size: int = 50

    def checked(self, maximum: int) -> PageRequest:
        """Refuse pages that do not exist or are too large."""
        if not 1 <= self.page <= MAX_PAGE:
            raise InvalidInput(f"page must be from 1 to {MAX_PAGE}", field="page")
        if not 1 <= self.page_size <= maximum:
            raise InvalidInput(f"page_size must be from 1 to {maximum}", field="page_size")
        return self

    @property
    def offset(self) -> int:
        """Rows to skip."""
        return (self.page - 1) * self.page_size


@dataclass(frozen=True)
class Page:
    """Items of one page and the total across all pages."""

    items: list[dict[str, Any]]
    page: int
    page_size: int
    total: int

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of a page."""
        return {
            "items": self.items,
            "page": self.page,
            "page_size": self.page_size,
            "total": self.total,
        }
