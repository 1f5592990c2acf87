"""The registry: households and residents, created and kept by community staff, read by
the grid's workers and staff, every read of a person audited with its purpose."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, func, select, update

from gridwork.domain.access import (
    ACCESS_LOG_READERS,
    REGISTRY_EDITORS,
    REGISTRY_READERS,
    Actor,
    Role,
    holds_any,
)
from gridwork.domain.areas import Level, is_valid_code
from gridwork.domain.errors import InvalidInput, NotFound, PermissionDenied
from gridwork.domain.people import (
    Flag,
    FlagBasis,
    Purpose,
    age_in,
    check_birth_year,
    clean_name,
    clean_phone,
    parse_sex,
)
from gridwork.services.audit import reads_of
from gridwork.services.clock import utcnow
from gridwork.services.disclosure import RESIDENT, Disclosed, disclose
from gridwork.services.paging import Page, PageRequest
from gridwork.services.visit_dues import refresh_due
from gridwork.store.people_tables import (
    households,
    resident_flags,
    residents,
    visit_dues,
)
from gridwork.store.scope import in_subtree, scope_codes, scope_filter
from gridwork.store.tables import areas, buildings, users

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_household_reference() -> str:
    """A public household reference (no meaning, hard to guess)."""
    return "H" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(9))


def require_role(actor: Actor, code: str, wanted: frozenset[Role], what: str, missing: str) -> None:
    """404 when the actor cannot see `code` at all, 403 when their role may not do `what`."""
    roles = actor.roles_over([code])
    if not roles:
        raise NotFound(missing)
    if not holds_any(roles, wanted):
        raise PermissionDenied(f"your role may not {what}")


def _grid(conn: Connection, code: str) -> RowMapping:
    row = (
        conn.execute(select(areas.c.code, areas.c.level).where(areas.c.code == code))
        .mappings()
        .first()
    )
    if row is None or not is_valid_code(code):
        raise InvalidInput(f"no grid {code}", field="grid_code")
    if row["level"] != Level.GRID.value:
        raise InvalidInput(f"{code} is a {row['level']}, not a grid", field="grid_code")
    return row


def _building_id(conn: Connection, grid_code: str, building_code: str | None) -> int | None:
    if not building_code:
        return None
    row = conn.execute(
        select(buildings.c.id, buildings.c.grid_code).where(
            buildings.c.community_code == grid_code[:12],
            buildings.c.external_id == building_code,
        )
    ).first()
    if row is None:
        raise InvalidInput(f"no building {building_code} in this community", field="building_code")
    if row.grid_code != grid_code:
        raise InvalidInput(
            f"building {building_code} lies in grid {row.grid_code}, not {grid_code}",
            field="building_code",
        )
    building_id: int = row.id
    return building_id


def _clean_address(value: str) -> str:
    address = " ".join(value.split())
    if not 1 <= len(address) <= 300:
        raise InvalidInput("address must be 1–300 characters", field="address")
    return address


def _household(conn: Connection, household_id: int) -> RowMapping:
    row = conn.execute(select(households).where(households.c.id == household_id)).mappings().first()
    if row is None:
        raise NotFound(f"no household {household_id}")
    return row


def household_view(conn: Connection, row: RowMapping) -> dict[str, Any]:
    """A household without its people."""
    building = None
    if row["building_id"] is not None:
        building = conn.execute(
            select(buildings.c.external_id).where(buildings.c.id == row["building_id"])
        ).scalar_one()
    return {
        "id": row["id"],
        "reference": row["reference"],
        "grid_code": row["grid_code"],
        "community_code": row["community_code"],
        "address": row["address"],
        "building_code": building,
        "archived": row["archived_at"] is not None,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _disclose_household(
    conn: Connection, actor: Actor, household_id: int, action: str, key: str
) -> Disclosed:
    """Answering a household's address discloses where its people live: audit each."""
    people = conn.execute(
        select(residents.c.id).where(residents.c.household_id == household_id)
    ).scalars()
    return disclose(conn, actor, Purpose.REGISTRY, action, RESIDENT, people, key=key)


def _check_editable(actor: Actor, row: RowMapping, noun: str, missing: str) -> None:
    """The actor keeps the registry where `row` lives, and it is not archived."""
    require_role(actor, row["grid_code"], REGISTRY_EDITORS, "edit the registry", missing)
    if row["archived_at"] is not None:
        raise InvalidInput(f"this {noun} is archived")


def create_household(
    conn: Connection,
    actor: Actor,
    grid_code: str,
    address: str,
    building_code: str | None = None,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """A new household in a grid the actor keeps the registry for."""
    now = now or utcnow()
    require_role(actor, grid_code, REGISTRY_EDITORS, "edit the registry", f"no grid {grid_code}")
    _grid(conn, grid_code)
    building_id = _building_id(conn, grid_code, building_code)
    household_id = conn.execute(
        households.insert()
        .values(
            reference=new_household_reference(),
            province_code=grid_code[:2],
            community_code=grid_code[:12],
            grid_code=grid_code,
            building_id=building_id,
            address=_clean_address(address),
            created_at=now,
            updated_at=now,
        )
        .returning(households.c.id)
    ).scalar_one()
    return household_view(conn, _household(conn, household_id))


@dataclass(frozen=True)
class HouseholdChange:
    """What to change about a household; None leaves a field as it is."""

    grid_code: str | None = None
    address: str | None = None
    building_code: str | None = None


def update_household(
    conn: Connection,
    actor: Actor,
    household_id: int,
    change: HouseholdChange,
    *,
    key: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Edit a household's address or building, or move it (and its people) to another grid;
    answering its address is audited for each of its people."""
    now = now or utcnow()
    row = _household(conn, household_id)
    missing = f"no household {household_id}"
    _check_editable(actor, row, "household", missing)
    grid_code = change.grid_code or row["grid_code"]
    values: dict[str, Any] = {"updated_at": now}
    if grid_code != row["grid_code"]:
        require_role(actor, grid_code, REGISTRY_EDITORS, "move households there", missing)
        _grid(conn, grid_code)
        values.update(grid_code=grid_code, community_code=grid_code[:12])
    if change.building_code is not None:
        values["building_id"] = _building_id(conn, grid_code, change.building_code)
    elif grid_code != row["grid_code"]:
        values["building_id"] = None  # the old building is in the old grid
    if change.address is not None:
        values["address"] = _clean_address(change.address)
    conn.execute(update(households).where(households.c.id == household_id).values(**values))
    if grid_code != row["grid_code"]:
        conn.execute(
            update(residents)
            .where(residents.c.household_id == household_id)
            .values(grid_code=grid_code, updated_at=now)
        )
        people = select(residents.c.id).where(residents.c.household_id == household_id)
        conn.execute(
            update(visit_dues)
            .where(visit_dues.c.resident_id.in_(people), visit_dues.c.status == "open")
            .values(grid_code=grid_code)
        )
    _disclose_household(conn, actor, household_id, "updated", key)
    return household_view(conn, _household(conn, household_id))


def archive_household(
    conn: Connection, actor: Actor, household_id: int, *, key: str, now: datetime | None = None
) -> dict[str, Any]:
    """Archive a household that moved away, with its people; their visits stop (answering
    its address is audited for each of its people)."""
    now = now or utcnow()
    row = _household(conn, household_id)
    require_role(
        actor,
        row["grid_code"],
        REGISTRY_EDITORS,
        "edit the registry",
        f"no household {household_id}",
    )
    conn.execute(
        update(households)
        .where(households.c.id == household_id, households.c.archived_at.is_(None))
        .values(archived_at=now, updated_at=now)
    )
    people = (
        conn.execute(
            select(residents.c.id).where(
                residents.c.household_id == household_id, residents.c.archived_at.is_(None)
            )
        )
        .scalars()
        .all()
    )
    for person in people:
        _archive_resident(conn, person, now)
    _disclose_household(conn, actor, household_id, "archived", key)
    return household_view(conn, _household(conn, household_id))


@dataclass(frozen=True)
class ResidentIn:
    """A resident's fields as given (flags: None leaves a flag unchanged on update)."""

    household_id: int | None = None
    name: str | None = None
    phone: str | None = None
    birth_year: int | None = None
    sex: str | None = None
    flags: dict[Flag, FlagBasis | None] | None = None
    clear_phone: bool = False
    clear_sex: bool = False


def _write_flags(
    conn: Connection,
    resident_id: int,
    province: str,
    flags: dict[Flag, FlagBasis | None],
    actor_id: int | None,
    now: datetime,
) -> None:
    for flag, basis in flags.items():
        conn.execute(
            delete(resident_flags).where(
                resident_flags.c.resident_id == resident_id, resident_flags.c.flag == flag.value
            )
        )
        if basis is None:
            continue
        conn.execute(
            resident_flags.insert().values(
                resident_id=resident_id,
                flag=flag.value,
                province_code=province,
                basis=basis.basis.value,
                programme=basis.programme,
                need=basis.need,
                set_by=actor_id,
                set_at=now,
            )
        )


def create_resident(
    conn: Connection, actor: Actor, person: ResidentIn, *, now: datetime | None = None
) -> int:
    """A new resident of an existing household; their id (no personal data is answered, so
    nothing is disclosed: the import uses this)."""
    now = now or utcnow()
    if person.household_id is None:
        raise InvalidInput("household_id is required", field="household_id")
    if person.name is None or person.birth_year is None:
        raise InvalidInput("name and birth_year are required", field="name")
    home = _household(conn, person.household_id)
    require_role(
        actor,
        home["grid_code"],
        REGISTRY_EDITORS,
        "edit the registry",
        f"no household {person.household_id}",
    )
    if home["archived_at"] is not None:
        raise InvalidInput("this household is archived", field="household_id")
    resident_id = conn.execute(
        residents.insert()
        .values(
            province_code=home["province_code"],
            household_id=home["id"],
            grid_code=home["grid_code"],
            name=clean_name(person.name),
            phone=clean_phone(person.phone),
            birth_year=check_birth_year(person.birth_year, now.year),
            sex=(s.value if (s := parse_sex(person.sex)) else None),
            created_at=now,
            updated_at=now,
        )
        .returning(residents.c.id)
    ).scalar_one()
    _write_flags(conn, resident_id, home["province_code"], person.flags or {}, actor.user_id, now)
    refresh_due(conn, resident_id, now)
    return int(resident_id)


def register_resident(
    conn: Connection, actor: Actor, person: ResidentIn, *, key: str, now: datetime | None = None
) -> dict[str, Any]:
    """A new resident, answered with their record (audited like any disclosure)."""
    resident_id = create_resident(conn, actor, person, now=now)
    return _disclosed_view(conn, actor, resident_id, "created", key)


def _disclosed_view(
    conn: Connection, actor: Actor, resident_id: int, action: str, key: str
) -> dict[str, Any]:
    """A resident's record after a write by registry staff, with its audit entry."""
    disclosed = disclose(conn, actor, Purpose.REGISTRY, action, RESIDENT, [resident_id], key=key)
    return resident_view(conn, _resident(conn, resident_id), disclosed)


def _resident(conn: Connection, resident_id: int) -> RowMapping:
    row = conn.execute(select(residents).where(residents.c.id == resident_id)).mappings().first()
    if row is None:
        raise NotFound(f"no resident {resident_id}")
    return row


def update_resident(
    conn: Connection,
    actor: Actor,
    resident_id: int,
    change: ResidentIn,
    *,
    key: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Edit a resident, set or clear flags, or move them to another household; the record
    answered is audited."""
    now = now or utcnow()
    row = _resident(conn, resident_id)
    missing = f"no resident {resident_id}"
    _check_editable(actor, row, "resident", missing)
    values: dict[str, Any] = {"updated_at": now}
    if change.household_id is not None and change.household_id != row["household_id"]:
        home = _household(conn, change.household_id)
        require_role(actor, home["grid_code"], REGISTRY_EDITORS, "move residents there", missing)
        if home["archived_at"] is not None:
            raise InvalidInput("that household is archived", field="household_id")
        values.update(household_id=home["id"], grid_code=home["grid_code"])
        conn.execute(
            update(visit_dues)
            .where(visit_dues.c.resident_id == resident_id, visit_dues.c.status == "open")
            .values(grid_code=home["grid_code"])
        )
    if change.name is not None:
        values["name"] = clean_name(change.name)
    if change.phone is not None or change.clear_phone:
        values["phone"] = None if change.clear_phone else clean_phone(change.phone)
    if change.birth_year is not None:
        values["birth_year"] = check_birth_year(change.birth_year, now.year)
    if change.sex is not None or change.clear_sex:
        values["sex"] = (
            None if change.clear_sex else (s.value if (s := parse_sex(change.sex)) else None)
        )
    conn.execute(update(residents).where(residents.c.id == resident_id).values(**values))
    if change.flags:
        _write_flags(conn, resident_id, row["province_code"], change.flags, actor.user_id, now)
    refresh_due(conn, resident_id, now)
    return _disclosed_view(conn, actor, resident_id, "updated", key)


def _archive_resident(conn: Connection, resident_id: int, now: datetime) -> None:
    conn.execute(
        update(residents)
        .where(residents.c.id == resident_id, residents.c.archived_at.is_(None))
        .values(archived_at=now, updated_at=now)
    )
    refresh_due(conn, resident_id, now, rules=[])


def archive_resident(
    conn: Connection, actor: Actor, resident_id: int, *, key: str, now: datetime | None = None
) -> dict[str, Any]:
    """Archive a resident (moved away or died); their visits stop, the record is kept until
    retention anonymises it. The record answered is audited."""
    now = now or utcnow()
    row = _resident(conn, resident_id)
    require_role(
        actor, row["grid_code"], REGISTRY_EDITORS, "edit the registry", f"no resident {resident_id}"
    )
    _archive_resident(conn, resident_id, now)
    return _disclosed_view(conn, actor, resident_id, "archived", key)


def _flags_of(conn: Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    result: dict[int, dict[str, Any]] = {i: {} for i in ids}
    if not ids:
        return result
    rows = conn.execute(
        select(resident_flags, users.c.username)
        .outerjoin(users, users.c.id == resident_flags.c.set_by)
        .where(resident_flags.c.resident_id.in_(ids))
        .order_by(resident_flags.c.flag)
    ).mappings()
    for r in rows:
        result[r["resident_id"]][r["flag"]] = {
            "basis": r["basis"],
            "programme": r["programme"],
            "need": r["need"],
            "set_by": r["username"] or "system",
            "set_at": r["set_at"],
        }
    return result


def resident_views(
    conn: Connection, rows: Iterable[RowMapping], disclosed: Disclosed
) -> list[dict[str, Any]]:
    """Residents with their household address, flags and next due visit: personal data, so
    only under a disclosure that audited each of them (`services.disclosure`)."""
    rows = list(rows)
    ids = [r["id"] for r in rows]
    for resident_id in ids:
        disclosed.require(RESIDENT, resident_id)
    flags = _flags_of(conn, ids)
    homes = {
        h.id: h
        for h in conn.execute(
            select(households.c.id, households.c.reference, households.c.address).where(
                households.c.id.in_({r["household_id"] for r in rows})
            )
        )
    }
    dues = {
        d.resident_id: d
        for d in conn.execute(
            select(visit_dues.c.resident_id, visit_dues.c.due_at, visit_dues.c.rule_code).where(
                visit_dues.c.resident_id.in_(ids), visit_dues.c.status == "open"
            )
        )
    }
    year = utcnow().year
    views = []
    for r in rows:
        home = homes[r["household_id"]]
        due = dues.get(r["id"])
        views.append(
            {
                "id": r["id"],
                "household_id": r["household_id"],
                "household_reference": home.reference,
                "address": home.address,
                "grid_code": r["grid_code"],
                "name": r["name"],
                "phone": r["phone"],
                "birth_year": r["birth_year"],
                "age": age_in(r["birth_year"], year),
                "sex": r["sex"],
                "flags": flags[r["id"]],
                "next_visit_due": due.due_at if due else None,
                "visit_rule": due.rule_code if due else None,
                "archived": r["archived_at"] is not None,
                "anonymised": r["anonymised_at"] is not None,
                "created_at": r["created_at"],
                "updated_at": r["updated_at"],
            }
        )
    return views


def resident_view(conn: Connection, row: RowMapping, disclosed: Disclosed) -> dict[str, Any]:
    """One resident (see `resident_views`)."""
    return resident_views(conn, [row], disclosed)[0]


def get_resident(
    conn: Connection, actor: Actor, resident_id: int, purpose: Purpose, *, key: str
) -> dict[str, Any]:
    """Read one resident's record; the read is audited with its purpose."""
    row = _resident(conn, resident_id)
    require_role(
        actor,
        row["grid_code"],
        REGISTRY_READERS,
        "read residents' records",
        f"no resident {resident_id}",
    )
    disclosed = disclose(conn, actor, purpose, "read", RESIDENT, [resident_id], key=key)
    return resident_view(conn, row, disclosed)


def get_household(
    conn: Connection, actor: Actor, household_id: int, purpose: Purpose, *, key: str
) -> dict[str, Any]:
    """A household with its people; reading them is audited."""
    row = _household(conn, household_id)
    require_role(
        actor,
        row["grid_code"],
        REGISTRY_READERS,
        "read residents' records",
        f"no household {household_id}",
    )
    people = (
        conn.execute(
            select(residents)
            .where(residents.c.household_id == household_id)
            .order_by(residents.c.id)
        )
        .mappings()
        .all()
    )
    disclosed = disclose(conn, actor, purpose, "read", RESIDENT, [p["id"] for p in people], key=key)
    view = household_view(conn, row)
    view["residents"] = resident_views(conn, people, disclosed)
    return view


def _reader_filter(actor: Actor, area: str | None) -> list[Any]:
    where = [scope_filter(residents.c.grid_code, scope_codes(actor, REGISTRY_READERS))]
    if area:
        if not is_valid_code(area):
            raise InvalidInput(f"malformed area code {area!r}", field="area")
        where.append(in_subtree(residents.c.grid_code, area))
    return where


def check_reader(actor: Actor) -> None:
    """403 for a user whose roles never read residents' records (wherever their grants lie)."""
    if not scope_codes(actor, REGISTRY_READERS):
        raise PermissionDenied("your role may not read residents' records")


def list_residents(
    conn: Connection,
    actor: Actor,
    paging: PageRequest,
    purpose: Purpose,
    *,
    key: str,
    area: str | None = None,
    flag: str | None = None,
    include_archived: bool = False,
) -> Page:
    """Residents in the reader's scope, by name; every listed person's read is audited."""
    check_reader(actor)
    where = _reader_filter(actor, area)
    if flag:
        try:
            wanted = Flag(flag)
        except ValueError:
            raise InvalidInput(f"unknown flag {flag!r}", field="flag") from None
        where.append(
            residents.c.id.in_(
                select(resident_flags.c.resident_id).where(resident_flags.c.flag == wanted.value)
            )
        )
    if not include_archived:
        where.append(residents.c.archived_at.is_(None))
    total = conn.execute(select(func.count()).select_from(residents).where(*where)).scalar_one()
    rows = (
        conn.execute(
            select(residents)
            .where(*where)
            .order_by(residents.c.grid_code, residents.c.household_id, residents.c.id)
            .limit(paging.page_size)
            .offset(paging.offset)
        )
        .mappings()
        .all()
    )
    disclosed = disclose(conn, actor, purpose, "list", RESIDENT, [r["id"] for r in rows], key=key)
    return Page(resident_views(conn, rows, disclosed), paging.page, paging.page_size, total)


EXPORT_COLUMNS = (
    "id",
    "household_reference",
    "grid_code",
    "address",
    "name",
    "phone",
    "birth_year",
    "sex",
    "flags",
    "next_visit_due",
)
EXPORT_MAX = 100_000


def export_residents(
    conn: Connection, actor: Actor, area: str, purpose: Purpose, *, key: str
) -> list[dict[str, Any]]:
    """Every active resident in a unit, for a spreadsheet; each row's read is audited."""
    if not area:
        raise InvalidInput("say which unit to export (area)", field="area")
    if not actor.covers(area):
        raise NotFound(f"no area {area}")
    check_reader(actor)
    where = [*_reader_filter(actor, area), residents.c.archived_at.is_(None)]
    count = conn.execute(select(func.count()).select_from(residents).where(*where)).scalar_one()
    if count > EXPORT_MAX:
        raise InvalidInput(
            f"{count:,} residents; export at most {EXPORT_MAX:,} at a time (a smaller unit)"
        )
    rows = (
        conn.execute(
            select(residents).where(*where).order_by(residents.c.grid_code, residents.c.id)
        )
        .mappings()
        .all()
    )
    disclosed = disclose(conn, actor, purpose, "export", RESIDENT, [r["id"] for r in rows], key=key)
    out = []
    for view in resident_views(conn, rows, disclosed):
        view["flags"] = ";".join(sorted(view["flags"]))
        out.append({c: view[c] for c in EXPORT_COLUMNS})
    return out


def resident_access_log(conn: Connection, actor: Actor, resident_id: int) -> list[dict[str, Any]]:
    """Who read a resident's record, when and why (for staff and auditors in scope)."""
    row = _resident(conn, resident_id)
    require_role(
        actor,
        row["grid_code"],
        ACCESS_LOG_READERS,
        "read access logs",
        f"no resident {resident_id}",
    )
    return reads_of(conn, "resident", [resident_id])


def rehome_households(conn: Connection, community_code: str) -> int:
    """After a community's grids are redrawn: each household follows its building to its new
    grid, and its people and their open visits follow it. Returns households moved."""
    building_grid = (
        select(buildings.c.grid_code)
        .where(buildings.c.id == households.c.building_id)
        .scalar_subquery()
    )
    moved = conn.execute(
        update(households)
        .where(
            households.c.community_code == community_code,
            households.c.building_id.is_not(None),
            households.c.grid_code != building_grid,
        )
        .values(grid_code=building_grid)
    ).rowcount
    homes = select(households.c.id).where(households.c.community_code == community_code)
    home_grid = (
        select(households.c.grid_code)
        .where(households.c.id == residents.c.household_id)
        .scalar_subquery()
    )
    conn.execute(
        update(residents)
        .where(residents.c.household_id.in_(homes), residents.c.grid_code != home_grid)
        .values(grid_code=home_grid)
    )
    person_grid = (
        select(residents.c.grid_code)
        .where(residents.c.id == visit_dues.c.resident_id)
        .scalar_subquery()
    )
    people = select(residents.c.id).where(residents.c.household_id.in_(homes))
    conn.execute(
        update(visit_dues)
        .where(
            visit_dues.c.resident_id.in_(people),
            visit_dues.c.status == "open",
            visit_dues.c.grid_code != person_grid,
        )
        .values(grid_code=person_grid)
    )
    return int(moved or 0)
