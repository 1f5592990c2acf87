"""Request bodies of the mediation API (unknown fields are refused)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from gridwork.web.people_schemas import Strict


class PartyIn(BaseModel):
    """A party to a dispute: the least the mediator needs to reach them."""

    model_config = Strict
    role: str = Field(max_length=12, description="applicant or respondent")
    name: str = Field(max_length=100)
    phone: str | None = Field(default=None, max_length=30)
    consented: bool = False


class MediationIn(BaseModel):
    """A dispute brought for mediation."""

    model_config = Strict
    community_code: str = Field(max_length=15)
    kind: str = Field(
        max_length=16, description="marriage_family, neighbours, house_land, labour or other"
    )
    summary: str = Field(max_length=4000)
    parties: list[PartyIn] = Field(max_length=10)
    mediator: str | None = Field(default=None, max_length=64, description="a username")


class SessionIn(BaseModel):
    """A mediation session held."""

    model_config = Strict
    held_at: datetime
    place: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=4000)


class OutcomeIn(BaseModel):
    """How a mediation ended."""

    model_config = Strict
    outcome: str = Field(max_length=12, description="agreement, legal_aid, court or withdrawn")
    note: str = Field(default="", max_length=4000)
