"""Request bodies of the REST API."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from gridwork.domain.ids import MAX_ID

# Every id in a request body: a number a BIGINT column can hold, so a larger one is a 422
# (not a database error) and a smaller one is never looked up.
Id = Annotated[int, Field(ge=1, le=MAX_ID, description="an id")]


class ReporterIn(BaseModel):
    """Who reported, only if they chose to say (no ID numbers, ever)."""

    name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=32)


class CaseIn(BaseModel):
    """A new report: a category, a description and where (a unit code or a point)."""

    category: str = Field(max_length=40)
    description: str = Field(max_length=4000)
    area_code: str | None = Field(default=None, max_length=15)
    lat: float | None = None
    lng: float | None = None
    reporter: ReporterIn | None = None
    channel: str = Field(default="web", max_length=16)
    address: str | None = Field(default=None, max_length=300)
    attributes: dict[str, str | list[str]] | None = None


class ActionIn(BaseModel):
    """One workflow action on a case."""

    action: str = Field(max_length=16)
    note: str | None = Field(default=None, max_length=4000)
    assignee: str | None = Field(default=None, max_length=64)
    rating: int | None = None


class GridIn(BaseModel):
    """A new grid under a community."""

    name: str = Field(max_length=100)
