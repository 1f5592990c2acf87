"""Request bodies of the supplies API (unknown fields are refused)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from gridwork.domain.supplies import MAX_QUANTITY
from gridwork.web.people_schemas import Strict
from gridwork.web.schemas import Id


class DepotIn(BaseModel):
    """A new depot."""

    model_config = Strict
    community_code: str = Field(max_length=15)
    name: str = Field(max_length=100)


class RestockIn(BaseModel):
    """Stock added to a depot (and, optionally, the level below which the kind is short)."""

    model_config = Strict
    kind: str = Field(max_length=12)
    add: int = Field(ge=0, le=MAX_QUANTITY)
    threshold: int | None = Field(default=None, ge=0, le=MAX_QUANTITY)


class DeliveryIn(BaseModel):
    """Supplies handed out from a depot."""

    model_config = Strict
    kind: str = Field(max_length=12)
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    note: str | None = Field(default=None, max_length=500)
    emergency_id: Id | None = None
