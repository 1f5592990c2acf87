"""Request bodies of the community-services API (unknown fields are refused)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from gridwork.web.people_schemas import Strict


class FacilityIn(BaseModel):
    """A community facility."""

    model_config = Strict
    community_code: str = Field(max_length=15)
    kind: str = Field(max_length=16)
    name: str = Field(max_length=100)
    address: str | None = Field(default=None, max_length=300)
    lat: float | None = None
    lng: float | None = None
    opening_hours: str | None = Field(default=None, max_length=200)
    capacity: int | None = Field(default=None, ge=0, le=100_000)
    run_by: str | None = Field(default=None, max_length=100)


class FacilityPatch(BaseModel):
    """Changes to a facility; `archived: true` takes it off the public list."""

    model_config = Strict
    name: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, max_length=300)
    lat: float | None = None
    lng: float | None = None
    opening_hours: str | None = Field(default=None, max_length=200)
    capacity: int | None = Field(default=None, ge=0, le=100_000)
    run_by: str | None = Field(default=None, max_length=100)
    archived: bool | None = None


class ProposalIn(BaseModel):
    """A resident's proposal to their community."""

    model_config = Strict
    community_code: str = Field(max_length=15)
    title: str = Field(max_length=100)
    body: str = Field(max_length=4000)


class AnswerIn(BaseModel):
    """Staff's answer to a proposal."""

    model_config = Strict
    status: str = Field(max_length=12, description="considering, accepted or declined")
    answer: str = Field(max_length=4000)
    category: str = Field(default="other", max_length=40, description="of the case, if accepted")


class WorkerRecordIn(BaseModel):
    """A training a worker took, or a commendation."""

    model_config = Strict
    kind: str = Field(max_length=16, description="training or commendation")
    title: str = Field(max_length=200)
    on_date: date
    hours: float | None = Field(default=None, ge=0, le=500)
