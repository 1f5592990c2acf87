"""Open311 GeoReport v2: exact where the spec is exact, lenient where its clients differ."""

from __future__ import annotations

import io
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Connection, select

from gridwork.services.apikeys import revoke_api_key
from gridwork.store.tables import case_events, cases
from tests.factories import JINYUAN, SOUTH, WEST, act, api_key, load_world, login

BASE = "/open311/v2"
INSIDE = {"lat": str(SOUTH + 0.005), "long": str(WEST + 0.005)}  # grid 001 of Jinyuan


def post(client: TestClient, fmt: str = "json", **fields: Any) -> Any:
    return client.post(f"{BASE}/requests.{fmt}", data=fields)


def xml(response: Any) -> ET.Element:
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.text.split("?>", 1)[1])


@pytest.fixture
def key(conn: Connection) -> str:
    load_world(conn)
    return api_key(conn)


def test_the_service_list_is_a_bare_array_and_xml_has_service_items(client: TestClient) -> None:
    services = client.get(f"{BASE}/services.json").json()
    assert isinstance(services, list)
    road = next(s for s in services if s["service_code"] == "road")
    assert road["metadata"] is True and road["type"] == "realtime"
    assert {"service_code", "service_name", "description", "metadata", "type"} <= set(road)
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert {e.tag for e in root} == {"service"}
    assert root.find("service/metadata").text in ("true", "false")  # type: ignore[union-attr]


def test_a_definition_lists_attributes_with_values(client: TestClient) -> None:
    definition = client.get(f"{BASE}/services/noise.json").json()
    attribute = definition["attributes"][0]
    assert attribute["datatype"] == "multivaluelist" and attribute["order"] == 1
    assert [v["key"] for v in attribute["values"]] == ["day", "evening", "night"]
    root = xml(client.get(f"{BASE}/services/noise.xml"))
    assert root.tag == "service_definition"
    assert [v.text for v in root.iterfind("attributes/attribute/values/value/key")] == [
        "day",
        "evening",
        "night",
    ]
    missing = client.get(f"{BASE}/services/nope.json")
    assert missing.status_code == 404
    assert missing.json() == [{"code": 404, "description": "service_code nope not found"}]


def test_posting_needs_a_valid_key_in_body_or_query(
    conn: Connection, client: TestClient, key: str
) -> None:
    fields = {"service_code": "road", "description": "路面塌陷", **INSIDE}
    assert post(client, **fields).status_code == 403
    assert post(client, api_key="", **fields).status_code == 403  # empty is absent
    wrong = post(client, "xml", api_key="gwk_wrong", **fields)
    assert wrong.status_code == 403
    assert xml(wrong).find("error/code").text == "403"  # type: ignore[union-attr]
    in_query = client.post(f"{BASE}/requests.json?api_key={key}&jurisdiction_id=", data=fields)
    assert in_query.status_code == 200, in_query.text
    revoke_api_key(conn, "integrator")
    assert post(client, api_key=key, **fields).status_code == 403


def test_a_posted_request_can_be_read_back_without_personal_data(
    conn: Connection, client: TestClient, key: str
) -> None:
    created = post(
        client,
        api_key=key,
        service_code="noise",
        description="夜间施工",
        jurisdiction_id="",
        first_name="Li",
        last_name="Lei",
        phone="13900000001",
        email="li@example.org",
        **{"attribute[when][]": ["evening", "night"]},
        **INSIDE,
    )
    assert created.status_code == 200, created.text
    body = created.json()
    assert isinstance(body, list) and set(body[0]) == {
        "service_request_id",
        "service_notice",
        "account_id",
    }
    request_id = body[0]["service_request_id"]
    one = client.get(f"{BASE}/requests/{request_id}.json").json()
    assert isinstance(one, list) and len(one) == 1
    shown = one[0]
    assert shown["status"] == "open" and shown["service_code"] == "noise"
    assert shown["address_id"] == f"{JINYUAN}001"
    assert "Li" not in str(one) and "13900000001" not in str(one)
    stored = conn.execute(
        select(cases.c.attributes, cases.c.channel).where(cases.c.id == int(request_id))
    ).one()
    assert stored.channel == "open311" and '"evening"' in stored.attributes
    token = body[0]["service_notice"].split()[1].rstrip(":")
    assert client.get(f"{BASE}/tokens/{token}.json").json() == [
        {"service_request_id": request_id, "token": token}
    ]
    root = xml(client.get(f"{BASE}/requests/{request_id}.xml"))
    assert root.tag == "service_requests" and root.find("request/status").text == "open"  # type: ignore[union-attr]


def test_bad_requests_are_400_404_and_403(conn: Connection, client: TestClient, key: str) -> None:
    base = {"api_key": key, "description": "x"}
    assert post(client, **base, **INSIDE).status_code == 400  # no service_code
    assert post(client, **base, service_code="nope", **INSIDE).status_code == 404
    assert post(client, **base, service_code="road", lat="26.6").status_code == 400
    assert post(client, **base, service_code="road", lat="north", long="east").status_code == 400
    assert post(client, **base, service_code="road", address_string="金元路1号").status_code == 400
    missing = post(client, **base, service_code="safety_hazard", **INSIDE)
    assert missing.status_code == 400 and "danger_now" in missing.json()[0]["description"]
    wrong = post(client, **base, service_code="noise", **{"attribute[when][]": "noon"}, **INSIDE)
    assert wrong.status_code == 400
    far = post(client, **base, service_code="road", lat="39.9", long="116.4")
    assert far.status_code == 400
    other_area = api_key(conn, name="beijing", area="11")
    outside = post(client, api_key=other_area, description="x", service_code="road", **INSIDE)
    assert outside.status_code == 403
    assert conn.execute(select(cases.c.id).where(cases.c.channel == "open311")).first() is None


def test_malformed_bodies_are_clear_4xx(client: TestClient, key: str) -> None:
    latin = client.post(
        f"{BASE}/requests.json",
        content="description=caf\xe9".encode("latin-1"),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert latin.status_code == 400 and "UTF-8" in latin.json()[0]["description"]
    typed = client.post(
        f"{BASE}/requests.json", content=b"<x/>", headers={"content-type": "text/xml"}
    )
    assert typed.status_code == 400
    huge = client.post(
        f"{BASE}/requests.json",
        content=b"a" * (11 * 1024 * 1024),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert huge.status_code == 413
    assert client.get(f"{BASE}/services.html").status_code == 404


def test_filters_of_the_request_list(conn: Connection, client: TestClient, key: str) -> None:
    ids = []
    for code in ("road", "noise", "road"):
        made = post(client, api_key=key, service_code=code, description="x", **INSIDE).json()
        ids.append(made[0]["service_request_id"])
    staff = login(conn, client, role="community_staff", area=JINYUAN)
    act(client, ids[2], "reject", staff, note="重复", public_note=True)
    everything = client.get(f"{BASE}/requests.json").json()
    assert {r["service_request_id"] for r in everything} >= set(ids)
    roads = client.get(f"{BASE}/requests.json?service_code=road,facilities").json()
    assert {r["service_request_id"] for r in roads} == {ids[0], ids[2]}
    closed = client.get(f"{BASE}/requests.json?status=closed").json()
    assert [r["service_request_id"] for r in closed] == [ids[2]]
    assert closed[0]["status_notes"] == "重复"
    chosen = client.get(
        f"{BASE}/requests.json?service_request_id={ids[1]},{ids[0]}&status=closed"
    ).json()
    assert {r["service_request_id"] for r in chosen} == {ids[0], ids[1]}  # ids override the rest
    page = client.get(f"{BASE}/requests.json?page=2&page_size=1").json()
    assert [r["service_request_id"] for r in page] == [ids[1]]
    past = client.get(f"{BASE}/requests.json?page=99&page_size=10").json()
    assert past == []
    box = f"lat_sw={SOUTH}&long_sw={WEST}&lat_ne={SOUTH + 0.01}&long_ne={WEST + 0.01}"
    assert len(client.get(f"{BASE}/requests.json?{box}").json()) == 3
    assert client.get(f"{BASE}/requests.json?lat_sw=0&long_sw=0&lat_ne=1&long_ne=1").json() == []
    window = "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z"
    too_long = client.get(f"{BASE}/requests.json?{window}")
    assert too_long.status_code == 400 and "90 days" in too_long.json()[0]["description"]
    bad_date = client.get(f"{BASE}/requests.xml?start_date=yesterday")
    assert bad_date.status_code == 400
    plus_as_space = client.get(f"{BASE}/requests.json?end_date=2099-01-01T00:00:00 08:00")
    assert plus_as_space.status_code == 200


def test_a_photo_is_stored_without_its_location(
    client: TestClient, key: str, tmp_path: Any
) -> None:
    image = Image.new("RGB", (3000, 2000), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (26.0, 36.0, 0.0), 1: "N"}  # a GPS block
    raw = io.BytesIO()
    image.save(raw, "JPEG", exif=exif)
    assert b"Exif" in raw.getvalue()
    made = client.post(
        f"{BASE}/requests.json",
        data={"api_key": key, "service_code": "road", "description": "坑", **INSIDE},
        files={"media": ("photo.jpg", raw.getvalue(), "image/jpeg")},
    )
    assert made.status_code == 200, made.text
    request_id = made.json()[0]["service_request_id"]
    url = client.get(f"{BASE}/requests/{request_id}.json").json()[0]["media_url"]
    photo = client.get(url)
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(photo.content)) as stored:
        assert max(stored.size) == 1600
        assert not stored.getexif()
    not_image = client.post(
        f"{BASE}/requests.json",
        data={"api_key": key, "service_code": "road", "description": "坑", **INSIDE},
        files={"media": ("x.jpg", b"not an image", "image/jpeg")},
    )
    assert not_image.status_code == 400
    assert client.get(f"{BASE}/media/..%2Fsecret.jpg").status_code == 404


def test_an_idempotent_retry_creates_nothing(
    conn: Connection, client: TestClient, key: str
) -> None:
    fields = {"api_key": key, "service_code": "road", "description": "重试", **INSIDE}
    first = client.post(f"{BASE}/requests.json", data=fields, headers={"Idempotency-Key": "r-1"})
    again = client.post(f"{BASE}/requests.json", data=fields, headers={"Idempotency-Key": "r-1"})
    assert first.json() == again.json()
    assert len(conn.execute(select(cases.c.id).where(cases.c.description == "重试")).all()) == 1


def test_updates_are_listed_and_comments_kept(
    conn: Connection, client: TestClient, key: str
) -> None:
    made = post(client, api_key=key, service_code="road", description="x", **INSIDE).json()
    request_id = made[0]["service_request_id"]
    staff = login(conn, client, role="community_staff", area=JINYUAN)
    act(client, request_id, "accept", staff)
    assert client.get(f"{BASE}/servicerequestupdates.json").status_code == 403
    updates = client.get(f"{BASE}/servicerequestupdates.json?api_key={key}").json()
    mine = [u for u in updates if u["service_request_id"] == request_id]
    assert [u["external_status_code"] for u in mine] == ["accepted"]
    assert mine[0]["status"] == "OPEN"
    comment = client.post(
        f"{BASE}/servicerequestupdates.json",
        data={
            "api_key": key,
            "service_request_id": request_id,
            "description": "居民补充：坑更大了",
        },
    )
    assert comment.status_code == 200, comment.text
    notes = conn.execute(
        select(case_events.c.action, case_events.c.note).where(
            case_events.c.case_id == int(request_id)
        )
    ).all()
    assert ("comment", "居民补充：坑更大了") in [tuple(n) for n in notes]
    state = conn.execute(select(cases.c.status).where(cases.c.id == int(request_id))).scalar_one()
    assert state == "accepted"
