"""Request bodies of the REST API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, Field

from gridwork.domain.ids import MAX_ID

# Every id in a request body: a number a BIGINT column can hold, so a larger one is a 422
# (not a database error) and a smaller one is never looked up.
Id = Annotated[int, Field(ge=1, le=MAX_ID, description="an id")]
PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="an id")]


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
    channel: str | None = Field(
        default=None,
        max_length=16,
        description="anonymous: web (default) or app; staff: patrol (default), phone or walk_in",
    )
    address: str | None = Field(default=None, max_length=300)
    attributes: dict[str, str | list[str]] | None = None
    private: bool = Field(
        default=False,
        description="keep the report off the public feed and 'reported nearby' (staff still "
        "handle it as any other)",
    )


class ActionIn(BaseModel):
    """One workflow action on a case."""

    action: str = Field(max_length=16)
    note: str | None = Field(default=None, max_length=4000)
    public_note: bool | None = Field(
        default=None,
        description="staff: show the note to the reporter and, if the case is public, in "
        "Open311 status_notes (masked); unset: yes for reject and resolve, no otherwise",
    )
    assignee: str | None = Field(default=None, max_length=64)
    rating: int | None = None


class PublicityIn(BaseModel):
    """What the public may see of a case (staff)."""

    publicity: str = Field(max_length=16, description="public or hidden")
    public_description: str | None = Field(
        default=None,
        max_length=4000,
        description="text the public sees instead of the reporter's (redaction); empty: "
        "the reporter's text, masked",
    )
    public_media: bool = Field(default=True, description="whether the public sees the photo")


class PublicityOut(BaseModel):
    """A case's publication settings after a change."""

    id: int
    reference: str
    publicity: str
    published: bool
    public_description: str | None
    public_media: bool
    may_change: bool


class GridIn(BaseModel):
    """A new grid under a community."""

    name: str = Field(max_length=100)
