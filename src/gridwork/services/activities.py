"""Activities and classes: staff schedule them (once, weekly or monthly, with places);
residents of the community sign up (or staff sign them up at the desk) and wait in order
when it is full; a cancellation gives the first on the waitlist the place and tells them;
staff record who came; everyone signed up is reminded the day before each session."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, RowMapping, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from gridwork.domain.access import Actor, Role
from gridwork.domain.activities import (
    MAX_SESSIONS,
    REMIND_AHEAD,
    ActivityKind,
    Recurrence,
    SignupStatus,
    place_for,
    session_times,
)
from gridwork.domain.areas import Level
from gridwork.domain.community import COMMUNITY_KEEPERS
from gridwork.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridwork.domain.ids import parse_id
from gridwork.domain.names import plain_name
from gridwork.domain.notifications import Kind, resident_recipient
from gridwork.services.clock import utcnow
from gridwork.services.community import community_row, resident_of
from gridwork.services.disclosure import RESIDENT, disclose
from gridwork.services.notifications import Message, notify
from gridwork.services.registry import require_role
from gridwork.store.activity_tables import (
    activities,
    activity_attendance,
    activity_reminders,
    activity_signups,
)
from gridwork.store.community_tables import facilities
from gridwork.store.people_tables import residents
from gridwork.store.scope import in_subtree

ROSTER_KEEPERS = frozenset({Role.COMMUNITY_STAFF})  # names are personal data: the desk only
PUBLIC_LIMIT = 100
CHINA = ZoneInfo("Asia/Shanghai")
Caller = Actor | str  # a member of staff, or a signed-in resident's phone


def create_activity(conn: Connection, actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    """Schedule an activity in a community (its staff and the administrators above)."""
    code = str(values.get("community_code") or "")
    unit = community_row(conn, code)
    require_role(actor, code, COMMUNITY_KEEPERS, "schedule activities", f"no area {code}")
    if unit["level"] != Level.COMMUNITY.value:
        raise InvalidInput("an activity belongs to a community", field="community_code")
    try:
        kind = ActivityKind(str(values.get("kind")))
        recurrence = Recurrence(values.get("recurrence") or "once")
    except ValueError:
        kinds = ", ".join(k.value for k in ActivityKind)
        raise InvalidInput(
            f"kind is one of {kinds}; recurrence is once, weekly or monthly", field="kind"
        ) from None
    title = str(values.get("title") or "").strip()
    if not 1 <= len(title) <= 100:
        raise InvalidInput("an activity needs a title of 1–100 characters", field="title")
    plain_name(title, field="title")
    starts: datetime = values["starts_at"]
    if starts.tzinfo is None:
        raise InvalidInput("give starts_at with its time zone", field="starts_at")
    now = utcnow()
    if not now - timedelta(days=1) <= starts <= now + timedelta(days=730):
        raise InvalidInput("starts_at must be from today to two years ahead", field="starts_at")
    sessions = 1 if recurrence is Recurrence.ONCE else int(values.get("sessions") or 1)
    if not 1 <= sessions <= MAX_SESSIONS:
        raise InvalidInput(f"sessions must be 1–{MAX_SESSIONS}", field="sessions")
    minutes = int(values.get("duration_minutes") or 60)
    if not 5 <= minutes <= 720:
        raise InvalidInput("duration_minutes must be 5–720", field="duration_minutes")
    capacity = values.get("capacity")
    if capacity is not None and not 1 <= int(capacity) <= 10_000:
        raise InvalidInput("capacity must be 1–10,000 (or none)", field="capacity")
    facility_id = values.get("facility_id")
    if facility_id is not None:
        place = conn.execute(
            select(facilities.c.community_code).where(facilities.c.id == facility_id)
        ).scalar()
        if place != code:
            raise InvalidInput(
                f"no facility {facility_id} in community {code}", field="facility_id"
            )
    activity_id = conn.execute(
        activities.insert()
        .values(
            community_code=code,
            facility_id=facility_id,
            kind=kind.value,
            title=title,
            description=(str(values.get("description") or "").strip()[:4000] or None),
            starts_at=starts,
            duration_minutes=minutes,
            recurrence=recurrence.value,
            sessions=sessions,
            ends_at=session_times(starts, recurrence, sessions)[-1] + timedelta(minutes=minutes),
            capacity=capacity,
            created_by=actor.username,
            created_at=now,
        )
        .returning(activities.c.id)
    ).scalar_one()
    return _view(conn, _activity(conn, activity_id))


def _activity(conn: Connection, activity_id: int | None, *, lock: bool = False) -> RowMapping:
    query = select(activities).where(activities.c.id == activity_id)
    if lock:  # sign-ups to one activity are serialised, so places are never over-given
        query = query.with_for_update()
    row = conn.execute(query).mappings().first() if activity_id is not None else None
    if row is None:
        raise NotFound(f"no activity {activity_id}")
    return row


def _counts(conn: Connection, activity_id: int) -> dict[str, int]:
    found = dict.fromkeys((s.value for s in SignupStatus), 0)
    for status, number in conn.execute(
        select(activity_signups.c.status, func.count())
        .where(activity_signups.c.activity_id == activity_id)
        .group_by(activity_signups.c.status)
    ).all():
        found[status] = int(number)
    return found


def _view(conn: Connection, row: RowMapping) -> dict[str, Any]:
    """An activity as anyone may see it: schedule and places, no names."""
    counts = _counts(conn, row["id"])
    times = session_times(row["starts_at"], Recurrence(row["recurrence"]), row["sessions"])
    capacity = row["capacity"]
    return {
        "id": row["id"],
        "community_code": row["community_code"],
        "facility_id": row["facility_id"],
        "kind": row["kind"],
        "title": row["title"],
        "description": row["description"],
        "recurrence": row["recurrence"],
        "duration_minutes": row["duration_minutes"],
        "sessions": times,
        "capacity": capacity,
        "confirmed": counts["confirmed"],
        "waitlisted": counts["waitlisted"],
        "places_left": None if capacity is None else max(0, capacity - counts["confirmed"]),
        "cancelled": row["cancelled_at"] is not None,
    }


def activities_of(conn: Connection, code: str, *, now: datetime | None = None) -> dict[str, Any]:
    """The activities of a unit's communities that have a session still to come (public)."""
    unit = community_row(conn, code)
    now = now or utcnow()
    rows = conn.execute(
        select(activities)
        .where(
            in_subtree(activities.c.community_code, code),
            activities.c.cancelled_at.is_(None),
            activities.c.ends_at > now,
        )
        .order_by(activities.c.starts_at, activities.c.id)
        .limit(PUBLIC_LIMIT)
    ).mappings()
    items = []
    for row in rows:
        view = _view(conn, row)
        ahead = [
            t for t in view["sessions"] if t + timedelta(minutes=row["duration_minutes"]) > now
        ]
        if ahead:
            items.append({**view, "next_session": ahead[0]})
    return {"area": unit["code"], "name": unit["name"], "items": items}


def _who(
    conn: Connection, caller: Caller, row: RowMapping, resident_id: int | None
) -> tuple[RowMapping, str]:
    """The resident a sign-up is for, and who made it."""
    code = row["community_code"]
    if isinstance(caller, str):
        if resident_id is not None:
            raise PermissionDenied("residents sign up themselves only")
        return resident_of(conn, code, phone=caller), "resident"
    require_role(caller, code, ROSTER_KEEPERS, "sign residents up", f"no activity {row['id']}")
    if resident_id is None:
        raise InvalidInput("say which resident to sign up (resident_id)", field="resident_id")
    return resident_of(conn, code, resident_id=resident_id), caller.username


def sign_up(
    conn: Connection, caller: Caller, activity_ref: str, resident_id: int | None = None
) -> dict[str, Any]:
    """A place for the resident, or a place on the waitlist when it is full."""
    row = _activity(conn, parse_id(activity_ref), lock=True)
    person, label = _who(conn, caller, row, resident_id)
    if row["cancelled_at"] is not None:
        raise Conflict("this activity was cancelled", reason="cancelled")
    status = place_for(_counts(conn, row["id"])["confirmed"], row["capacity"])
    now = utcnow()
    existing = (
        conn.execute(
            select(activity_signups).where(
                activity_signups.c.activity_id == row["id"],
                activity_signups.c.resident_id == person["id"],
            )
        )
        .mappings()
        .first()
    )
    if existing is not None and existing["status"] != SignupStatus.CANCELLED.value:
        raise Conflict(f"already signed up ({existing['status']})", reason="already_signed_up")
    values = {"status": status.value, "signed_at": now, "by_label": label}
    if existing is not None:
        conn.execute(
            update(activity_signups).where(activity_signups.c.id == existing["id"]).values(**values)
        )
        signup_id = existing["id"]
    else:
        try:
            with conn.begin_nested():
                signup_id = conn.execute(
                    insert(activity_signups)
                    .values(
                        province_code=row["community_code"][:2],
                        activity_id=row["id"],
                        resident_id=person["id"],
                        **values,
                    )
                    .returning(activity_signups.c.id)
                ).scalar_one()
        except IntegrityError:
            raise Conflict("already signed up", reason="already_signed_up") from None
    return {
        "id": signup_id,
        "activity_id": row["id"],
        "status": status.value,
        "waitlist_position": _position(conn, row["id"], signup_id),
    }


def _position(conn: Connection, activity_id: int, signup_id: int) -> int | None:
    """1 for the first on the waitlist; None when the sign-up is not waiting."""
    mine = conn.execute(
        select(activity_signups.c.status, activity_signups.c.signed_at).where(
            activity_signups.c.id == signup_id
        )
    ).one()
    if mine.status != SignupStatus.WAITLISTED.value:
        return None
    ahead = conn.execute(
        select(func.count()).where(
            activity_signups.c.activity_id == activity_id,
            activity_signups.c.status == SignupStatus.WAITLISTED.value,
            (activity_signups.c.signed_at < mine.signed_at)
            | (
                (activity_signups.c.signed_at == mine.signed_at)
                & (activity_signups.c.id < signup_id)
            ),
        )
    ).scalar_one()
    return int(ahead) + 1


def cancel(conn: Connection, caller: Caller, activity_ref: str, signup_ref: str) -> dict[str, Any]:
    """Give up a place (the resident, or the desk); the first on the waitlist gets it and
    is told."""
    row = _activity(conn, parse_id(activity_ref), lock=True)
    signup = (
        conn.execute(
            select(activity_signups).where(
                activity_signups.c.id == parse_id(signup_ref),
                activity_signups.c.activity_id == row["id"],
            )
        )
        .mappings()
        .first()
    )
    if signup is None:
        raise NotFound(f"no sign-up {signup_ref}")
    if isinstance(caller, str):
        own = resident_of(conn, row["community_code"], phone=caller)
        if own["id"] != signup["resident_id"]:
            raise NotFound(f"no sign-up {signup_ref}")
    else:
        require_role(
            caller,
            row["community_code"],
            ROSTER_KEEPERS,
            "cancel sign-ups",
            f"no activity {activity_ref}",
        )
    if signup["status"] == SignupStatus.CANCELLED.value:
        raise Conflict("this sign-up was cancelled already", reason="cancelled")
    conn.execute(
        update(activity_signups)
        .where(activity_signups.c.id == signup["id"])
        .values(status=SignupStatus.CANCELLED.value)
    )
    promoted = None
    if signup["status"] == SignupStatus.CONFIRMED.value:
        promoted = _promote(conn, row)
    return {"cancelled": signup["id"], "promoted": promoted}


def _promote(conn: Connection, row: RowMapping) -> int | None:
    """Give a free place to the first on the waitlist, and tell them."""
    if (
        place_for(_counts(conn, row["id"])["confirmed"], row["capacity"])
        is not SignupStatus.CONFIRMED
    ):
        return None
    first = conn.execute(
        select(activity_signups.c.id, residents.c.phone)
        .join(residents, residents.c.id == activity_signups.c.resident_id)
        .where(
            activity_signups.c.activity_id == row["id"],
            activity_signups.c.status == SignupStatus.WAITLISTED.value,
        )
        .order_by(activity_signups.c.signed_at, activity_signups.c.id)
        .limit(1)
    ).first()
    if first is None:
        return None
    conn.execute(
        update(activity_signups)
        .where(activity_signups.c.id == first.id)
        .values(status=SignupStatus.CONFIRMED.value)
    )
    if first.phone:
        notify(
            conn,
            [resident_recipient(first.phone)],
            Message(
                Kind.ACTIVITY_REMINDER,
                f"{row['title']}：您已获得名额",
                "有人取消报名，您已从候补转为正式报名。",
                f"/community/{row['community_code']}",
            ),
        )
    return int(first.id)


def roster(conn: Connection, actor: Actor, activity_ref: str, *, key: str) -> dict[str, Any]:
    """The sign-ups with names and who came to each session (the community's desk; the
    read of the names is audited)."""
    row = _activity(conn, parse_id(activity_ref))
    require_role(
        actor, row["community_code"], ROSTER_KEEPERS, "read sign-ups", f"no activity {activity_ref}"
    )
    people = list(
        conn.execute(
            select(activity_signups, residents.c.name)
            .join(residents, residents.c.id == activity_signups.c.resident_id)
            .where(activity_signups.c.activity_id == row["id"])
            .order_by(
                activity_signups.c.status, activity_signups.c.signed_at, activity_signups.c.id
            )
        ).mappings()
    )
    disclose(conn, actor, "activity", "list", RESIDENT, [p["resident_id"] for p in people], key=key)
    came: dict[int, list[int]] = {}
    for session, resident_id in conn.execute(
        select(activity_attendance.c.session, activity_attendance.c.resident_id).where(
            activity_attendance.c.activity_id == row["id"]
        )
    ).all():
        came.setdefault(int(session), []).append(int(resident_id))
    return {
        **_view(conn, row),
        "signups": [
            {
                "id": p["id"],
                "resident_id": p["resident_id"],
                "name": p["name"],
                "status": p["status"],
                "signed_at": p["signed_at"],
                "by": p["by_label"],
            }
            for p in people
        ],
        "attendance": {str(k): sorted(v) for k, v in sorted(came.items())},
    }


def record_attendance(
    conn: Connection, actor: Actor, activity_ref: str, session: int, resident_ids: list[int]
) -> dict[str, Any]:
    """Record who came to a session (residents with a confirmed place)."""
    row = _activity(conn, parse_id(activity_ref))
    require_role(
        actor,
        row["community_code"],
        ROSTER_KEEPERS,
        "record attendance",
        f"no activity {activity_ref}",
    )
    if not 0 <= session < row["sessions"]:
        raise InvalidInput(f"session is 0–{row['sessions'] - 1}", field="session")
    confirmed = set(
        conn.execute(
            select(activity_signups.c.resident_id).where(
                activity_signups.c.activity_id == row["id"],
                activity_signups.c.status == SignupStatus.CONFIRMED.value,
            )
        ).scalars()
    )
    strangers = sorted(set(resident_ids) - confirmed)
    if strangers:
        raise InvalidInput(f"not signed up: residents {strangers}", field="resident_ids")
    have = set(
        conn.execute(
            select(activity_attendance.c.resident_id).where(
                activity_attendance.c.activity_id == row["id"],
                activity_attendance.c.session == session,
            )
        ).scalars()
    )
    new = [r for r in dict.fromkeys(resident_ids) if r not in have]
    if new:
        conn.execute(
            insert(activity_attendance),
            [
                {
                    "activity_id": row["id"],
                    "session": session,
                    "resident_id": r,
                    "recorded_by": actor.username,
                }
                for r in new
            ],
        )
    return {"activity_id": row["id"], "session": session, "present": len(have) + len(new)}


def remind_due(conn: Connection, *, zone: ZoneInfo = CHINA, now: datetime | None = None) -> int:
    """Queue a reminder to everyone with a place for each session starting within the next
    24 hours (once per session); returns how many reminders were queued."""
    now = now or utcnow()
    rows = conn.execute(
        select(activities).where(
            activities.c.cancelled_at.is_(None),
            activities.c.starts_at <= now + REMIND_AHEAD,
            activities.c.ends_at > now,
        )
    ).mappings()
    queued = 0
    for row in rows:
        times = session_times(row["starts_at"], Recurrence(row["recurrence"]), row["sessions"])
        due = [i for i, t in enumerate(times) if now < t <= now + REMIND_AHEAD]
        if not due:
            continue
        sent = set(
            conn.execute(
                select(activity_reminders.c.session).where(
                    activity_reminders.c.activity_id == row["id"]
                )
            ).scalars()
        )
        for session in (s for s in due if s not in sent):
            phones = conn.execute(
                select(residents.c.phone)
                .join(activity_signups, activity_signups.c.resident_id == residents.c.id)
                .where(
                    activity_signups.c.activity_id == row["id"],
                    activity_signups.c.status == SignupStatus.CONFIRMED.value,
                    residents.c.phone.is_not(None),
                )
            ).scalars()
            queued += notify(
                conn,
                [resident_recipient(p) for p in phones],
                Message(
                    Kind.ACTIVITY_REMINDER,
                    f"活动提醒：{row['title']}",
                    f"第 {session + 1} 次活动将于 {_local(times[session], zone)} 开始。",
                    f"/community/{row['community_code']}",
                ),
                now=now,
            )
            conn.execute(
                insert(activity_reminders).values(
                    activity_id=row["id"], session=session, sent_at=now
                )
            )
    return queued


def _local(when: datetime, zone: ZoneInfo) -> str:
    """The time as residents read it (messages go out in Chinese)."""
    return when.astimezone(zone).strftime("%m月%d日 %H:%M")


def my_signups(conn: Connection, phone: str, code: str) -> dict[int, dict[str, Any]]:
    """A signed-in resident's live sign-ups in a unit's activities, by activity."""
    rows = conn.execute(
        select(activity_signups.c.id, activity_signups.c.activity_id, activity_signups.c.status)
        .join(residents, residents.c.id == activity_signups.c.resident_id)
        .join(activities, activities.c.id == activity_signups.c.activity_id)
        .where(
            residents.c.phone == phone,
            in_subtree(activities.c.community_code, code),
            activity_signups.c.status != SignupStatus.CANCELLED.value,
        )
    ).all()
    return {
        int(r.activity_id): {
            "id": r.id,
            "status": r.status,
            "waitlist_position": _position(conn, int(r.activity_id), int(r.id)),
        }
        for r in rows
    }


def activities_kept_by(conn: Connection, actor: Actor) -> list[dict[str, Any]]:
    """The activities of the communities the actor schedules for, newest first."""
    codes = [g.area_code for g in actor.grants if g.role in COMMUNITY_KEEPERS]
    if not codes:
        return []

    rows = conn.execute(
        select(activities)
        .where(or_(*(in_subtree(activities.c.community_code, c) for c in codes)))
        .order_by(activities.c.starts_at.desc(), activities.c.id.desc())
        .limit(PUBLIC_LIMIT)
    ).mappings()
    return [_view(conn, r) for r in rows]
