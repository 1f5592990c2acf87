"""Synthetic households and residents for the buildings of a synthetic district.

Calibration (shared/reference/data-and-calibration.md, 2020 census unless noted):
- 2.62 people per family household; 25.39% of households have one person;
- 18.70% of people are aged 60+, 17.95% are 0–14; about 13.6% of the 60+ are 80+;
- 6.34% of people have a disability (2006 national sample survey);
- about 3.1% of people receive the minimum living allowance (低保), drawn here by household;
- elderly living alone: no official figure was found; we assume 13.5% of the 60+ (the
  middle of the unverified 12–15% prior), all of them in one-person households;
- needs assistance: no figure at all; we assume 5% of the 60+ (an assumption, labelled).

Everything is generated: names, phones and addresses are random and belong to nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, delete, func, select, text

from gridwork.domain.people import Flag
from gridwork.services.visit_dues import load_rules
from gridwork.store.bulk import analyze, bulk_insert, db_timestamp
from gridwork.store.people_tables import (
    helper_households,
    households,
    resident_flags,
    residents,
    visit_dues,
    visits,
)
from gridwork.store.scope import in_subtree
from gridwork.store.tables import areas, buildings

SIZES = np.array([1, 2, 3, 4, 5, 6])
SIZE_SHARES = np.array([0.2539, 0.26, 0.23, 0.16, 0.06, 0.0361])  # mean 2.62
ELDERLY_ALONE_SHARE = 0.135  # of the 60+ (assumption, see above)
AGED_60_SHARE = 0.187
CHILD_SHARE = 0.1795
DISABILITY_SHARE = 0.0634
LOW_INCOME_SHARE = 0.031
NEEDS_ASSISTANCE_OF_ELDERLY = 0.05  # assumption
ELDERLY_AGE_SCALE = 10.0  # years above 60, exponential: P(80+ | 60+) = e^-2 ≈ 13.5%
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建华文辉力宇浩然欣怡子涵梓轩雨桐一诺佳琪思远俊杰晓燕春梅志强国庆海燕德明淑珍凤英金凤玉珍"  # noqa: E501
NEEDS = ("每周代买菜", "陪同就医", "上门助浴", "代取药品", "上门理发", "帮助缴纳水电费")
REFERENCE_ALPHABET = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"))


@dataclass
class PeopleReport:
    """What was generated."""

    households: int = 0
    residents: int = 0
    flags: int = 0
    visits_due: int = 0


def clear_people(conn: Connection, code: str) -> None:
    """Remove the registry under `code` (before its buildings are regenerated)."""
    in_unit = select(residents.c.id).where(in_subtree(residents.c.grid_code, code))
    homes = select(households.c.id).where(in_subtree(households.c.community_code, code))
    conn.execute(delete(visit_dues).where(in_subtree(visit_dues.c.grid_code, code)))
    conn.execute(delete(visits).where(in_subtree(visits.c.grid_code, code)))
    conn.execute(delete(resident_flags).where(resident_flags.c.resident_id.in_(in_unit)))
    conn.execute(delete(helper_households).where(helper_households.c.household_id.in_(homes)))
    conn.execute(delete(residents).where(in_subtree(residents.c.grid_code, code)))
    conn.execute(delete(households).where(in_subtree(households.c.community_code, code)))


def _next_id(conn: Connection, column: Any) -> int:
    found: int = conn.execute(select(func.coalesce(func.max(column), 0))).scalar_one()
    return int(found) + 1


def _advance_sequence(conn: Connection, table: str) -> None:
    """After inserting explicit ids, move PostgreSQL's sequence past them."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )


def _references(rng: np.random.Generator, n: int) -> list[str]:
    picks = rng.integers(0, len(REFERENCE_ALPHABET), size=(n, 9))
    letters = REFERENCE_ALPHABET[picks]
    refs = ["H" + "".join(row) for row in letters]
    if len(set(refs)) != n:  # vanishingly rare at 32^9; draw again rather than collide
        return _references(rng, n)
    return refs


def _ages(rng: np.random.Generator, sizes: NDArray[np.int64]) -> NDArray[np.int64]:
    """Ages of every member, household by household (one-person households are adults)."""
    people = int(sizes.sum())
    alone = np.repeat(sizes == 1, sizes)
    total_alone = int(alone.sum())
    # elderly living alone as a share of one-person households, so the 60+ share holds
    elderly_alone = ELDERLY_ALONE_SHARE * AGED_60_SHARE * people / max(total_alone, 1)
    elderly_rest = (AGED_60_SHARE * people - elderly_alone * total_alone) / max(
        people - total_alone, 1
    )
    child_rest = CHILD_SHARE * people / max(people - total_alone, 1)
    draw = rng.random(people)
    elderly = np.where(alone, draw < elderly_alone, draw < elderly_rest)
    child = ~alone & ~elderly & (draw < elderly_rest + child_rest)
    ages = rng.integers(18, 60, people)
    ages = np.where(child, rng.integers(0, 15, people), ages)
    old = 60 + np.minimum(rng.exponential(ELDERLY_AGE_SCALE, people), 45).astype(np.int64)
    return np.where(elderly, old, ages)


def populate(
    conn: Connection,
    code: str,
    seed: int,
    *,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> PeopleReport:
    """Fill every building under `code` with households and residents, flags and due visits."""
    rng = np.random.default_rng(seed + 1_000_003)
    rows = conn.execute(
        select(
            buildings.c.id,
            buildings.c.grid_code,
            buildings.c.community_code,
            buildings.c.external_id,
            buildings.c.floors,
            buildings.c.households,
            areas.c.name,
        )
        .join(areas, areas.c.code == buildings.c.community_code)
        .where(in_subtree(buildings.c.community_code, code), buildings.c.grid_code.is_not(None))
        .order_by(buildings.c.id)
    ).all()
    report = PeopleReport()
    if not rows:
        return report
    stamp = db_timestamp(conn, now)
    per_building = np.array([r.households for r in rows], dtype=np.int64)
    n_homes = int(per_building.sum())
    home_building = np.repeat(np.arange(len(rows)), per_building)
    first = np.cumsum(per_building) - per_building
    seq = np.arange(n_homes) - first[home_building]
    per_floor = np.maximum(1, -(-per_building // np.maximum([r.floors or 1 for r in rows], 1)))
    floor = seq // per_floor[home_building] + 1
    room = floor * 100 + seq % per_floor[home_building] + 1
    home_id0 = _next_id(conn, households.c.id)
    references = _references(rng, n_homes)
    home_rows = []
    for k in range(n_homes):
        b = rows[int(home_building[k])]
        address = f"{b.name}{int(b.external_id[-5:])}栋{int(room[k])}室"
        home_rows.append(
            (
                home_id0 + k,
                references[k],
                b.grid_code[:2],
                b.community_code,
                b.grid_code,
                b.id,
                address,
                stamp,
                stamp,
            )
        )
    bulk_insert(
        conn,
        households,
        (
            "id",
            "reference",
            "province_code",
            "community_code",
            "grid_code",
            "building_id",
            "address",
            "created_at",
            "updated_at",
        ),
        home_rows,
    )
    _advance_sequence(conn, "households")
    report.households = n_homes
    if progress is not None:
        progress(n_homes // 2)

    sizes = rng.choice(SIZES, size=n_homes, p=SIZE_SHARES)
    person_home = np.repeat(np.arange(n_homes), sizes)
    people = len(person_home)
    ages = _ages(rng, sizes)
    alone = np.repeat(sizes == 1, sizes)
    male = rng.random(people) < 0.512
    has_phone = (ages >= 15) & (rng.random(people) < 0.95)
    phone_numbers = rng.integers(0, 10**9, people)
    phone_prefix = rng.choice(np.array(["13", "15", "17", "18", "19"]), people)
    surnames = rng.integers(0, len(SURNAMES), people)
    given = rng.integers(0, len(GIVEN), (people, 2))
    two_chars = rng.random(people) < 0.6
    resident_id0 = _next_id(conn, residents.c.id)
    person_rows = []
    for i in range(people):
        h = home_rows[int(person_home[i])]
        name = (
            SURNAMES[surnames[i]]
            + GIVEN[given[i, 0]]
            + (GIVEN[given[i, 1]] if two_chars[i] else "")
        )
        phone = f"{phone_prefix[i]}{int(phone_numbers[i]):09d}" if has_phone[i] else None
        person_rows.append(
            (
                resident_id0 + i,
                h[2],
                h[0],
                h[4],
                name,
                phone,
                now.year - int(ages[i]),
                "male" if male[i] else "female",
                stamp,
                stamp,
            )
        )
    bulk_insert(
        conn,
        residents,
        (
            "id",
            "province_code",
            "household_id",
            "grid_code",
            "name",
            "phone",
            "birth_year",
            "sex",
            "created_at",
            "updated_at",
        ),
        person_rows,
    )
    _advance_sequence(conn, "residents")
    report.residents = people

    lives_alone = alone & (ages >= 60)
    disability = rng.random(people) < DISABILITY_SHARE
    low_income = np.repeat(rng.random(n_homes) < LOW_INCOME_SHARE, sizes)
    assistance = (ages >= 60) & (rng.random(people) < NEEDS_ASSISTANCE_OF_ELDERLY)
    need_pick = rng.integers(0, len(NEEDS), people)
    flag_rows = []
    for mask, flag, basis, programme in (
        (lives_alone, Flag.LIVES_ALONE, "consent", None),
        (disability, Flag.DISABILITY, "programme", "残疾人证"),
        (low_income, Flag.LOW_INCOME, "programme", "城市低保"),
        (assistance, Flag.NEEDS_ASSISTANCE, "consent", None),
    ):
        for i in np.flatnonzero(mask).tolist():
            need = NEEDS[need_pick[i]] if flag is Flag.NEEDS_ASSISTANCE else None
            flag_rows.append(
                (
                    resident_id0 + int(i),
                    flag.value,
                    person_rows[i][1],
                    basis,
                    programme,
                    need,
                    stamp,
                )
            )
    bulk_insert(
        conn,
        resident_flags,
        ("resident_id", "flag", "province_code", "basis", "programme", "need", "set_at"),
        flag_rows,
    )
    report.flags = len(flag_rows)

    # Visits due: the most frequent matching rule; due dates spread over one interval
    # (a fifth of them already late), as in a registry that has been running for a while.
    interval = np.full(people, 10**6, dtype=np.int64)
    priority = np.full(people, 10**6, dtype=np.int64)
    rule_of = np.full(people, -1, dtype=np.int64)
    rules = load_rules(conn)
    flags_held = {
        Flag.LIVES_ALONE: lives_alone,
        Flag.DISABILITY: disability,
        Flag.LOW_INCOME: low_income,
        Flag.NEEDS_ASSISTANCE: assistance,
    }
    for index, rule in enumerate(rules):
        match = np.ones(people, dtype=bool)
        if rule.min_age is not None:
            match &= ages >= rule.min_age
        if rule.lives_alone:
            match &= lives_alone
        if rule.any_flag:
            match &= np.logical_or.reduce([flags_held[f] for f in rule.any_flag])
        better = match & (
            (rule.interval_days < interval)
            | ((rule.interval_days == interval) & (rule.priority < priority))
        )
        interval = np.where(better, rule.interval_days, interval)
        priority = np.where(better, rule.priority, priority)
        rule_of = np.where(better, index, rule_of)
    offsets = rng.uniform(-0.2, 1.0, people) * interval
    due_rows = []
    for i in np.flatnonzero(rule_of >= 0).tolist():
        due = now + timedelta(days=float(offsets[i]))
        due_rows.append(
            (
                person_rows[i][1],
                resident_id0 + int(i),
                person_rows[i][3],
                rules[int(rule_of[i])].code,
                db_timestamp(conn, due),
                "open",
            )
        )
    bulk_insert(
        conn,
        visit_dues,
        ("province_code", "resident_id", "grid_code", "rule_code", "due_at", "status"),
        due_rows,
    )
    report.visits_due = len(due_rows)
    analyze(conn, [households, residents, resident_flags, visit_dues])
    if progress is not None:
        progress(n_homes - n_homes // 2)
    return report
