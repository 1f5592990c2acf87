"""Our JSON output checked against the constraints of the public open311/schema-validation
JSON Schemas for GeoReport v2 (required fields, types, enums, string ids, real booleans,
date-times with zones, descriptions of at most 4,000 characters). The schemas below are
written here from those constraints."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from jsonschema import Draft7Validator, FormatChecker
from sqlalchemy import Connection

from tests.factories import JINYUAN, SOUTH, WEST, act, api_key, load_world, login

BASE = "/open311/v2"
NULLABLE_TEXT = {"type": ["string", "null"]}
WHEN = {"type": "string", "format": "date-time", "pattern": r"(Z|[+-]\d{2}:\d{2})$"}

SERVICE = {
    "type": "object",
    "required": ["service_code", "service_name", "metadata", "type"],
    "properties": {
        "service_code": {"type": "string"},
        "service_name": {"type": "string"},
        "description": NULLABLE_TEXT,
        "metadata": {"type": "boolean"},
        "type": {"enum": ["realtime", "batch", "blackbox"]},
        "keywords": NULLABLE_TEXT,
        "group": NULLABLE_TEXT,
    },
}
DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "properties": {
        "service_code": {"type": "string"},
        "attributes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["variable", "code", "datatype", "required"],
                "properties": {
                    "variable": {"type": "boolean"},
                    "code": {"type": "string"},
                    "datatype": {
                        "enum": [
                            "string",
                            "number",
                            "datetime",
                            "text",
                            "singlevaluelist",
                            "multivaluelist",
                        ]
                    },
                    "required": {"type": "boolean"},
                    "datatype_description": NULLABLE_TEXT,
                    "order": {"type": ["integer", "null"], "minimum": 1},
                    "description": NULLABLE_TEXT,
                    "values": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["key", "name"],
                            "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
                        },
                    },
                },
            },
        },
    },
}
REQUEST = {
    "type": "object",
    "required": ["service_request_id", "status", "service_code", "requested_datetime"],
    "properties": {
        "service_request_id": {"type": "string"},
        "status": {"enum": ["open", "closed"]},
        "status_notes": NULLABLE_TEXT,
        "service_name": NULLABLE_TEXT,
        "service_code": {"type": "string"},
        "description": {"type": ["string", "null"], "maxLength": 4000},
        "agency_responsible": NULLABLE_TEXT,
        "service_notice": NULLABLE_TEXT,
        "requested_datetime": WHEN,
        "updated_datetime": {"anyOf": [WHEN, {"type": "null"}]},
        "expected_datetime": {"anyOf": [WHEN, {"type": "null"}]},
        "address": NULLABLE_TEXT,
        "address_id": NULLABLE_TEXT,
        "zipcode": NULLABLE_TEXT,
        "lat": {"type": ["number", "null"]},
        "long": {"type": ["number", "null"]},
        "media_url": {"anyOf": [{"type": "string", "format": "uri"}, {"type": "null"}]},
    },
}


def check(schema: dict[str, Any], document: Any) -> None:
    errors = list(Draft7Validator(schema, format_checker=FormatChecker()).iter_errors(document))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_services_and_definitions_fit_the_schemas(client: TestClient) -> None:
    services = client.get(f"{BASE}/services.json").json()
    check({"type": "array", "items": SERVICE}, services)
    for service in services:
        definition = client.get(f"{BASE}/services/{service['service_code']}.json").json()
        check(DEFINITION, definition)


def test_requests_fit_the_schema_in_every_state(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    key = api_key(conn)
    point = {"lat": str(SOUTH + 0.005), "long": str(WEST + 0.005)}
    ids = []
    for n in range(3):
        made = client.post(
            f"{BASE}/requests.json",
            data={
                "api_key": key,
                "service_code": "road",
                "description": "路" * 4000,
                "media_url": "https://example.org/photo.jpg" if n == 0 else "",
                **point,
            },
        )
        assert made.status_code == 200, made.text
        ids.append(made.json()[0]["service_request_id"])
    staff = login(conn, client, role="community_staff", area=JINYUAN)
    act(client, ids[1], "accept", staff)
    act(client, ids[2], "reject", staff, note="不属实")
    listed = client.get(f"{BASE}/requests.json").json()
    check({"type": "array", "items": REQUEST}, listed)
    assert {r["status"] for r in listed if r["service_request_id"] in ids} == {"open", "closed"}
    for request_id in ids:
        check(
            {"type": "array", "minItems": 1, "maxItems": 1, "items": REQUEST},
            client.get(f"{BASE}/requests/{request_id}.json").json(),
        )
