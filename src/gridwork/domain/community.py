"""Community services: the kinds of facility a community runs, and residents' proposals with
the deadline for answering them."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from gridwork.domain.access import EMERGENCY_COMMANDERS, Role


class FacilityKind(StrEnum):
    """What a community facility is for."""

    CANTEEN = "canteen"  # 长者食堂
    ELDERLY_CARE = "elderly_care"  # 养老驿站
    HEALTH = "health"  # 卫生服务站
    LEGAL_AID = "legal_aid"  # 法律援助角
    ACTIVITY_ROOM = "activity_room"  # 活动室
    OTHER = "other"


class ProposalStatus(StrEnum):
    """Where a resident's proposal stands."""

    OPEN = "open"  # waiting for an answer
    CONSIDERING = "considering"
    ACCEPTED = "accepted"  # turned into work
    DECLINED = "declined"  # with reasons


ANSWERS = frozenset({ProposalStatus.CONSIDERING, ProposalStatus.ACCEPTED, ProposalStatus.DECLINED})
FINAL = frozenset({ProposalStatus.ACCEPTED, ProposalStatus.DECLINED})
ANSWER_DAYS = 15  # staff answer a proposal within this many days

# Who keeps facility records and answers proposals: the community's staff and the
# administrators above it.
COMMUNITY_KEEPERS: frozenset[Role] = EMERGENCY_COMMANDERS


def answer_due(created_at: datetime) -> datetime:
    """When a proposal made at `created_at` must have its first answer."""
    return created_at + timedelta(days=ANSWER_DAYS)


def may_answer(current: ProposalStatus, wanted: ProposalStatus) -> bool:
    """Answers move forward: an open or considered proposal may be considered, accepted or
    declined; an accepted or declined one is settled."""
    return wanted in ANSWERS and current not in FINAL


class RecordKind(StrEnum):
    """What a worker's record notes."""

    TRAINING = "training"
    COMMENDATION = "commendation"


MAX_TRAINING_HOURS = 500.0
