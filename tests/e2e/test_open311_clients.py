"""Open311 spoken to by the client libraries on PyPI that run on Python 3.11, over HTTP:
`georeport` 0.3.1 (GETs, JSON and XML) and `three` 0.8.0 (POST, media, tokens; JSON only,
with its documented `itertools.ifilter` shim)."""

from __future__ import annotations

import io
import itertools
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import create_engine, text

from tests.e2e.conftest import SMALL_DEMO, run_cli, running_server

DEMO_POINT: dict[str, float] = {}  # inside Jinyuan's first grid, read from the demo built


def _inside_jinyuan(url: str) -> dict[str, float]:
    """The middle of Jinyuan's first grid (the synthetic city's layout follows its size)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        box = conn.execute(
            text(
                "SELECT min_lon, min_lat, max_lon, max_lat FROM area_geometries "
                "WHERE code = '520115007005001'"
            )
        ).one()
    engine.dispose()
    return {"lat": (box[1] + box[3]) / 2, "long": (box[0] + box[2]) / 2}


@pytest.fixture
def served(fresh_url: str) -> Any:
    assert run_cli(fresh_url, "demo", *SMALL_DEMO).returncode == 0
    DEMO_POINT.update(_inside_jinyuan(fresh_url))
    made = run_cli(fresh_url, "apikeys", "create", "three-client", "--area", "520115")
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip().splitlines()[-1]
    with running_server(fresh_url) as base:
        yield base, key


def test_georeport_reads_services_and_requests_in_json_and_xml(served: Any) -> None:
    from georeport import GeoReport

    base, _key = served
    for fmt in ("json", "xml"):
        client = GeoReport(f"{base}/open311/v2/", output_format=fmt)
        services = client.get_service_list()
        codes = {s["service_code"] for s in services}
        assert {"road", "noise", "safety_hazard"} <= codes
        definition = client.get_service_definition("safety_hazard")
        assert definition["service_code"] == "safety_hazard"
        requests = client.get_service_requests(status="open,closed")
        assert len(requests) >= 30
        one = client.get_service_request(requests[0]["service_request_id"])
        assert one["service_request_id"] == requests[0]["service_request_id"]
        assert "reporter" not in one and "phone" not in one


def test_three_posts_a_request_with_a_photo_and_follows_its_token(served: Any) -> None:
    itertools.ifilter = filter  # type: ignore[attr-defined]  # three 0.8.0 is Python 2 era
    from three import Three

    base, key = served
    client = Three(f"{base}/open311/v2", api_key=key, jurisdiction="")
    services = client.services()
    assert any(s["service_code"] == "road" for s in services)
    photo = io.BytesIO()
    Image.new("RGB", (64, 64), "blue").save(photo, "PNG")
    photo.seek(0)
    answer = client.post(
        "road",
        name="Li Lei",
        description="人行道塌陷",
        media=photo,
        **{"attribute[blocking]": "partly"},
        **DEMO_POINT,
    )
    assert isinstance(answer, list), answer
    request_id = answer[0]["service_request_id"]
    token = answer[0]["service_notice"].split()[1].rstrip(":")
    assert client.token(token)[0]["service_request_id"] == request_id
    shown = client.request(request_id)[0]
    assert shown["description"] == "人行道塌陷"
    assert shown["media_url"].endswith(".jpg")
    refused = Three(f"{base}/open311/v2", api_key="wrong").post(
        "road", description="x", **DEMO_POINT
    )
    assert refused == [{"code": 403, "description": "invalid api_key"}]
