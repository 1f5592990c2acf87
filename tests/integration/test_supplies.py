"""Emergency supplies: a community depot is stocked, deliveries draw it down and never below
zero, kinds below their level are flagged short, and the street sees every shortage below it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Connection, select

from gridwork.store.supply_tables import supply_movements
from tests.factories import JINYUAN, load_world, login


def test_deliveries_draw_down_stock_and_shortages_reach_the_street(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="keeper")
    street = login(conn, client, role="street_admin", area="520115007", username="streethead")
    made = client.post(
        "/api/v1/depots", json={"community_code": JINYUAN, "name": "金元应急仓库"}, headers=staff
    )
    assert made.status_code == 201, made.text
    depot = made.json()["id"]
    stocked = client.post(
        f"/api/v1/depots/{depot}/stock",
        json={"kind": "water", "add": 100, "threshold": 40},
        headers=staff,
    )
    assert stocked.json()["stock"] == [
        {"kind": "water", "quantity": 100, "threshold": 40, "short": False}
    ]
    handed = client.post(
        f"/api/v1/depots/{depot}/deliveries",
        json={"kind": "water", "quantity": 70, "note": "3栋独居老人"},
        headers=staff,
    )
    assert handed.status_code == 200 and handed.json()["stock"][0]["short"] is True
    too_many = client.post(
        f"/api/v1/depots/{depot}/deliveries", json={"kind": "water", "quantity": 31}, headers=staff
    )
    assert too_many.status_code == 409 and "only 30" in too_many.json()["message"]
    nothing = client.post(
        f"/api/v1/depots/{depot}/deliveries", json={"kind": "food", "quantity": 1}, headers=staff
    )
    assert nothing.status_code == 409
    seen = client.get("/api/v1/areas/520115007/supplies", headers=street).json()
    assert seen["totals"]["water"] == 30
    assert [(s["depot"], s["kind"], s["quantity"]) for s in seen["shortages"]] == [
        ("金元应急仓库", "water", 30)
    ]
    moves = conn.execute(
        select(supply_movements.c.delta, supply_movements.c.reason, supply_movements.c.actor_label)
        .where(supply_movements.c.depot_id == depot)
        .order_by(supply_movements.c.id)
    ).all()
    assert [tuple(m) for m in moves] == [(100, "restock", "keeper"), (-70, "delivery", "keeper")]


def test_depots_belong_to_communities_and_their_keepers(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="keeper2")
    street = login(conn, client, role="street_admin", area="520115007", username="street2")
    at_street = {"community_code": "520115007", "name": "街道仓库"}
    assert client.post("/api/v1/depots", json=at_street, headers=street).status_code == 422
    assert client.post("/api/v1/depots", json=at_street, headers=staff).status_code == 404
    for body in (
        {"community_code": JINYUAN, "name": ""},
        {"community_code": JINYUAN, "name": "仓库", "secret": "x"},
    ):
        assert client.post("/api/v1/depots", json=body, headers=staff).status_code == 422
    depot = client.post(
        "/api/v1/depots", json={"community_code": JINYUAN, "name": "仓库"}, headers=staff
    ).json()["id"]
    for body in ({"kind": "gold", "add": 1}, {"kind": "water", "add": -5}):
        answer = client.post(f"/api/v1/depots/{depot}/stock", json=body, headers=staff)
        assert answer.status_code == 422
    bad_emergency = client.post(
        f"/api/v1/depots/{depot}/deliveries",
        json={"kind": "water", "quantity": 1, "emergency_id": 999999},
        headers=staff,
    )
    assert bad_emergency.status_code == 422
