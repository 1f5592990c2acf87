"""The categories every installation starts with, and their urgency classes."""

from __future__ import annotations

from dataclasses import dataclass

from gridwork.domain.sla import Urgency


@dataclass(frozen=True)
class CategorySpec:
    """A seeded case category."""

    code: str
    name_zh: str
    name_en: str
    urgency: Urgency
    sensitive: bool = False  # never published (see domain/publication.py)


DEFAULT_CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec("road", "道路", "Road", Urgency.NORMAL),
    CategorySpec("water", "供排水", "Water and drainage", Urgency.HIGH),
    CategorySpec("sanitation", "环境卫生", "Sanitation", Urgency.NORMAL),
    CategorySpec("noise", "噪音扰民", "Noise", Urgency.HIGH),
    CategorySpec("facilities", "公共设施", "Public facilities", Urgency.NORMAL),
    CategorySpec("elderly_help", "为老服务", "Elderly help", Urgency.HIGH, sensitive=True),
    CategorySpec(
        "neighbour_dispute", "邻里纠纷", "Neighbour dispute", Urgency.COMPLEX, sensitive=True
    ),
    CategorySpec("safety_hazard", "安全隐患", "Safety hazard", Urgency.URGENT),
    CategorySpec("other", "其他", "Other", Urgency.NORMAL),
)
