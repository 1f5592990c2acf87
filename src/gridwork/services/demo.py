"""`seed_demo`: a ready-to-explore world in Guiyang's Guanshanhu district. Safe to repeat."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

from sqlalchemy import Connection, select

from gridwork.domain.access import Actor, Grant, Role
from gridwork.domain.areas import Level
from gridwork.domain.workflow import Action
from gridwork.services.area_import import import_areas
from gridwork.services.cases import ActionRequest, apply_action
from gridwork.services.clock import utcnow
from gridwork.services.grids import create_grid
from gridwork.services.intake import Report, submit_report
from gridwork.services.rollups import rebuild_case_counts
from gridwork.services.synth import synthesize_city
from gridwork.services.users import create_user
from gridwork.store.scope import in_subtree
from gridwork.store.tables import area_geometries, areas, buildings, case_events, cases, users

JINYUAN = "520115007005"  # 金元社区
GUANSHANHU = "520115"  # 观山湖区
DEMO_RESIDENTS = 600_000
DEMO_SEED = 7
DEMO_CENTRE = (106.63, 26.65)
DEMO_PASSWORD = "gridwork-demo"
GRID_NAMES = ("金元第一网格", "金元第二网格", "金元第三网格", "金元第四网格")
DEMO_USERS: tuple[tuple[str, Role, str], ...] = (
    ("admin", Role.ADMIN, "52"),
    ("city", Role.CITY_ADMIN, "5201"),
    ("district", Role.DISTRICT_ADMIN, "520115"),
    ("street", Role.STREET_ADMIN, "520115007"),
    ("staff", Role.COMMUNITY_STAFF, JINYUAN),
    ("worker1", Role.GRID_WORKER, JINYUAN + "001"),
    ("worker2", Role.GRID_WORKER, JINYUAN + "002"),
    ("auditor", Role.AUDITOR, "520115"),
    ("lawyer", Role.LEGAL_STAFF, JINYUAN),
)
PROBLEMS: tuple[tuple[str, str], ...] = (
    ("road", "金元路人行道地砖松动，老人容易绊倒"),
    ("road", "小区门口路面坑洼，雨天积水"),
    ("water", "3栋地下室排水管漏水"),
    ("water", "雨水井盖缺失，存在安全隐患"),
    ("sanitation", "垃圾分类亭满溢，两天未清运"),
    ("sanitation", "楼道堆放杂物和纸箱"),
    ("noise", "夜间装修噪音扰民，超过晚上十点"),
    ("noise", "广场舞音响音量过大"),
    ("facilities", "健身器材扭腰器损坏"),
    ("facilities", "路灯不亮，晚上回家很黑"),
    ("elderly_help", "独居老人需要帮忙代购药品"),
    ("elderly_help", "老人助餐点希望增加送餐服务"),
    ("neighbour_dispute", "楼上漏水到楼下，邻居协商未果"),
    ("safety_hazard", "电动车在楼道内充电"),
    ("other", "建议在公园增加休息座椅"),
)
# The actions each demo case goes through, giving every state of the workflow.
SCRIPTS: tuple[tuple[str, ...], ...] = (
    (),
    ("reject",),
    ("accept",),
    ("accept", "dispatch"),
    ("accept", "dispatch", "start"),
    ("accept", "dispatch", "start", "resolve"),
    ("accept", "dispatch", "start", "resolve", "close"),
    ("accept", "dispatch", "start", "resolve", "close", "rate"),
    ("accept", "dispatch", "start", "resolve", "return"),
    ("accept", "dispatch", "start", "escalate"),
)
NOTES = {
    "reject": "不属于社区受理范围，已告知居民拨打12345",
    "resolve": "已到现场处理完毕，拍照留存",
    "return": "核查发现问题仍未解决，请重新处理",
    "escalate": "超出网格处置能力，需街道协调相关部门",
}


@dataclass
class DemoReport:
    """What the demo created and how to log in."""

    areas_inserted: int = 0
    grids_created: int = 0
    buildings_created: int = 0
    residents_created: int = 0
    users_created: int = 0
    cases_created: int = 0
    credentials: list[tuple[str, str, str, str]] = field(default_factory=list)


def packaged_divisions() -> Path:
    """The folder of the packaged division slice."""
    return Path(str(resources.files("gridwork.data") / "divisions"))


def seed_demo(
    conn: Connection,
    *,
    secret_key: str,
    now: datetime | None = None,
    residents: int = DEMO_RESIDENTS,
) -> DemoReport:
    """Import the slice, draw Jinyuan's grids, add a user per role and cases in every state."""
    now = now or utcnow()
    report = DemoReport()
    report.areas_inserted = import_areas(conn, packaged_divisions()).inserted
    system = Actor(0, "demo", (Grant(Role.ADMIN, JINYUAN),))
    existing_grids = conn.execute(
        select(areas.c.name).where(
            in_subtree(areas.c.code, JINYUAN), areas.c.level == Level.GRID.value
        )
    ).scalars()
    have = set(existing_grids)
    for name in GRID_NAMES:
        if name not in have:
            create_grid(conn, system, JINYUAN, name)
            report.grids_created += 1
    if (
        conn.execute(
            select(area_geometries.c.code).where(area_geometries.c.code == GUANSHANHU)
        ).first()
        is None
    ):
        made = synthesize_city(conn, GUANSHANHU, residents, DEMO_SEED, DEMO_CENTRE)
        report.buildings_created, report.residents_created = made.buildings, made.residents
    for username, role, area in DEMO_USERS:
        report.credentials.append((username, DEMO_PASSWORD, role.value, area))
        if conn.execute(select(users.c.id).where(users.c.username == username)).first():
            continue
        create_user(conn, username, DEMO_PASSWORD, role.value, area)
        report.users_created += 1
    if conn.execute(select(cases.c.id).where(in_subtree(cases.c.area_code, JINYUAN))).first():
        return report
    report.cases_created = _seed_cases(conn, secret_key, now)
    rebuild_case_counts(conn)  # the seeded history was back-dated after it was counted
    return report


def _seed_cases(conn: Connection, secret_key: str, now: datetime) -> int:
    rng = random.Random(520115007005)
    ids = dict(conn.execute(select(users.c.username, users.c.id)).all())
    count = 0
    for index in range(36):
        category, text = PROBLEMS[index % len(PROBLEMS)]
        grid = f"{JINYUAN}{index % len(GRID_NAMES) + 1:03d}"
        spot = (
            conn.execute(
                select(buildings.c.lon, buildings.c.lat)
                .where(buildings.c.grid_code == grid)
                .order_by(buildings.c.id)
                .limit(1)
                .offset(index)
            ).first()
            or conn.execute(
                select(buildings.c.lon, buildings.c.lat)
                .where(buildings.c.grid_code == grid)
                .limit(1)
            ).first()
        )
        view, _secret, _replayed = submit_report(
            conn,
            None,
            Report(
                category=category,
                description=text,
                area_code=grid,
                attributes={"danger_now": "no"} if category == "safety_hazard" else {},
                lat=spot.lat if spot else None,
                lng=spot.lon if spot else None,
                reporter_name=rng.choice(["王女士", "李先生", "张阿姨", None]),
                reporter_phone=f"139{rng.randrange(10**8):08d}",
                channel=rng.choice(["web", "phone", "app"]),
            ),
            secret_key=secret_key,
        )
        # Spread the history over the last ten days so some deadlines have passed.
        at = now - timedelta(hours=rng.uniform(2, 240))
        worker = {"1": "worker1", "2": "worker2"}.get(grid[-1], "staff")
        _backdate(conn, view["id"], at)
        for action in SCRIPTS[index % len(SCRIPTS)]:
            at += timedelta(minutes=rng.uniform(10, 600))
            at = min(at, now)
            row = conn.execute(select(cases).where(cases.c.id == view["id"])).mappings().one()
            label = worker if action in ("start", "resolve", "escalate") else "staff"
            request = ActionRequest(
                action,
                note=NOTES.get(action),
                assignee=worker if action == "dispatch" else None,
                rating=rng.choice([3, 4, 5, 5, 5]) if action == "rate" else None,
            )
            apply_action(
                conn,
                row,
                Action(action),
                request,
                actor_id=None if action == "rate" else ids[label],
                actor_label="resident" if action == "rate" else label,
                now=at,
            )
        count += 1
    return count


def _backdate(conn: Connection, case_id: int, at: datetime) -> None:
    conn.execute(cases.update().where(cases.c.id == case_id).values(created_at=at, updated_at=at))
    conn.execute(case_events.update().where(case_events.c.case_id == case_id).values(at=at))
