"""Request bodies of the people side. Unknown fields are refused: nobody can send a national
ID number or any other data the registry does not keep."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from gridwork.web.schemas import Id

Strict = ConfigDict(extra="forbid")


class HouseholdIn(BaseModel):
    """A new household in a grid."""

    model_config = Strict
    grid_code: str = Field(max_length=15)
    address: str = Field(max_length=300)
    building_code: str | None = Field(default=None, max_length=64)


class HouseholdPatch(BaseModel):
    """Changes to a household; moving it to another grid moves its people."""

    model_config = Strict
    grid_code: str | None = Field(default=None, max_length=15)
    address: str | None = Field(default=None, max_length=300)
    building_code: str | None = Field(default=None, max_length=64)


class FlagIn(BaseModel):
    """A flag's basis: the resident's consent, or a named programme."""

    model_config = Strict
    basis: str = Field(max_length=16)
    programme: str | None = Field(default=None, max_length=100)
    need: str | None = Field(default=None, max_length=1000)


class ResidentIn(BaseModel):
    """A new resident of a household."""

    model_config = Strict
    household_id: Id
    name: str = Field(max_length=100)
    phone: str | None = Field(default=None, max_length=32)
    birth_year: int = Field(ge=1000, le=9999)
    sex: str | None = Field(default=None, max_length=8)
    flags: dict[str, FlagIn | None] = Field(default_factory=dict)


class ResidentPatch(BaseModel):
    """Changes to a resident; a flag set to null is cleared, one left out is unchanged."""

    model_config = Strict
    household_id: Id | None = None
    name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=32)
    birth_year: int | None = Field(default=None, ge=1000, le=9999)
    sex: str | None = Field(default=None, max_length=8)
    flags: dict[str, FlagIn | None] | None = None


def flags_payload(flags: dict[str, FlagIn | None] | None) -> dict[str, Any]:
    """The flags as plain dicts for the domain parser."""
    return {k: (v.model_dump() if v is not None else None) for k, v in (flags or {}).items()}


class VisitIn(BaseModel):
    """A visit as logged by a worker; `need` becomes a case."""

    model_config = Strict
    resident_id: Id
    outcome: str = Field(max_length=16)
    note: str | None = Field(default=None, max_length=4000)
    need: str | None = Field(default=None, max_length=4000)
    need_category: str | None = Field(default=None, max_length=40)
    visited_at: datetime | None = None


class HelperIn(BaseModel):
    """A volunteer or alley chief."""

    model_config = Strict
    community_code: str = Field(max_length=15)
    kind: str = Field(max_length=16)
    name: str = Field(max_length=100)
    phone: str | None = Field(default=None, max_length=32)


class PairingIn(BaseModel):
    """Households to pair with a helper."""

    model_config = Strict
    household_ids: list[Id] = Field(max_length=20)
    replace: bool = False


class PhoneIn(BaseModel):
    """A resident's phone, to receive a one-time code."""

    model_config = Strict
    phone: str = Field(max_length=32)


class CodeIn(BaseModel):
    """A resident's phone and the code they received."""

    model_config = Strict
    phone: str = Field(max_length=32)
    code: str = Field(max_length=12)


class EmergencyIn(BaseModel):
    """A declaration: what happened, where, since when."""

    model_config = Strict
    kind: str = Field(max_length=16)
    area_codes: list[Annotated[str, Field(max_length=15)]] = Field(
        default_factory=list, max_length=200
    )
    polygon: dict[str, Any] | None = Field(
        default=None, description="instead of area_codes: a GeoJSON Polygon (WGS-84)"
    )
    started_at: datetime | None = None


class CommendationIn(BaseModel):
    """Commending a worker's service during an emergency."""

    model_config = Strict
    username: str = Field(max_length=64)
    note: str = Field(max_length=1000)


class EmergencyAreasIn(BaseModel):
    """Units to add to, or remove from, an emergency."""

    model_config = Strict
    add: list[Annotated[str, Field(max_length=15)]] = Field(default_factory=list, max_length=200)
    remove: list[Annotated[str, Field(max_length=15)]] = Field(default_factory=list, max_length=200)


class TaskOutcomeIn(BaseModel):
    """What a welfare check found."""

    model_config = Strict
    outcome: str = Field(max_length=16)
    need: str | None = Field(default=None, max_length=4000)


class ReassignIn(BaseModel):
    """Tasks to hand to another worker."""

    model_config = Strict
    task_ids: list[Id] = Field(min_length=1, max_length=2000)
    assignee: str = Field(max_length=64)
