"""Dispute mediation: a confidential case between parties who consent, handled by a mediator
(a legal service provider). Only the mediator and the community's legal staff read it."""

from __future__ import annotations

from enum import StrEnum

from gridwork.domain.access import Actor, Role

# Who opens mediations and reads them: the community's legal staff. Administrators above and
# the desk see counts only; auditors see who read a mediation, never its content.
MEDIATORS = frozenset({Role.LEGAL_STAFF})
MEDIATION_LOG_READERS = frozenset({Role.LEGAL_STAFF, Role.AUDITOR})


class DisputeKind(StrEnum):
    """What the dispute is about."""

    MARRIAGE_FAMILY = "marriage_family"  # 婚姻家庭
    NEIGHBOURS = "neighbours"  # 邻里
    HOUSE_LAND = "house_land"  # 房屋土地
    LABOUR = "labour"  # 劳动
    OTHER = "other"


class Outcome(StrEnum):
    """How a mediation ended."""

    AGREEMENT = "agreement"  # a written agreement
    LEGAL_AID = "legal_aid"  # referred to legal aid
    COURT = "court"  # referred to court
    WITHDRAWN = "withdrawn"


OPEN = "open"
PARTY_ROLES = ("applicant", "respondent")
MAX_PARTIES = 10


def may_read(actor: Actor, community_code: str, mediator_id: int | None) -> bool:
    """The mediator, and legal staff whose grant covers the community."""
    if actor.user_id == mediator_id:
        return True
    return any(g.role in MEDIATORS and g.covers(community_code) for g in actor.grants)


def may_hold_sessions(consents: list[bool]) -> bool:
    """Mediation is voluntary: sessions wait until every party has consented."""
    return bool(consents) and all(consents)
