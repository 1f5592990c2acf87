"""Uploads that cannot hurt: a photo is checked from its header before it is decoded,
decoded off the event loop, and on disk only when its case is stored; media URLs are web
addresses; the sweep removes photos nothing refers to."""

from __future__ import annotations

import asyncio
import io
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Connection, select

from gridwork.config import Settings
from gridwork.services.clock import utcnow
from gridwork.services.media import Photos, remove_unused_photos
from gridwork.services.sweep import sweep
from gridwork.store.tables import cases
from gridwork.web.app import create_app
from tests.conftest import RolledBackDatabase
from tests.factories import (
    JINYUAN,
    PASSWORD,
    SOUTH,
    WEST,
    api_key,
    load_world,
    login,
    report_case,
)

BASE = "/open311/v2"
INSIDE = {"lat": str(SOUTH + 0.005), "long": str(WEST + 0.005)}  # grid 001 of Jinyuan
REPORT = {
    "category": "road",
    "description": "井盖缺失",
    "lat": INSIDE["lat"],
    "lng": INSIDE["long"],
}


def png(width: int, height: int, mode: str = "1") -> bytes:
    """A PNG of `width` × `height`; a blank 1-bit one compresses to almost nothing."""
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, "PNG", optimize=True)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """13,000 × 13,000 pixels (169 million) in a file of a few dozen KB."""
    data = png(13_000, 13_000)
    assert len(data) < 700_000
    return data


@pytest.fixture
def media(tmp_path: Path) -> Path:
    return tmp_path / "media"


@pytest.fixture
def uploads(conn: Connection, settings: Settings, media: Path) -> Iterator[TestClient]:
    """The app with its own media folder."""
    load_world(conn)
    app = create_app(
        settings.model_copy(update={"media_dir": str(media)}), db=RolledBackDatabase(conn)
    )
    with TestClient(
        app, raise_server_exceptions=False, base_url="https://testserver"
    ) as test_client:
        yield test_client


def files_in(folder: Path) -> list[str]:
    return sorted(os.listdir(folder)) if folder.exists() else []


def test_a_photo_declaring_too_many_pixels_is_refused_before_decoding(
    uploads: TestClient, media: Path, bomb: bytes, conn: Connection
) -> None:
    page = uploads.post(
        "/report",
        data=REPORT,
        files={"photo": ("bomb.png", bomb, "image/png")},
        headers={"Accept-Language": "en"},
    )
    assert page.status_code == 422
    assert "The photo has too many pixels" in page.text
    assert "more than 40 million pixels" in page.text
    key = api_key(conn)
    open311 = uploads.post(
        f"{BASE}/requests.json",
        data={"api_key": key, "service_code": "road", "description": "坑", **INSIDE},
        files={"media": ("bomb.png", bomb, "image/png")},
    )
    assert open311.status_code == 400
    assert "more than 40 million pixels" in open311.json()[0]["description"]
    assert files_in(media) == []


def test_the_pixel_limit_is_a_setting(conn: Connection, settings: Settings, media: Path) -> None:
    load_world(conn)
    small = settings.model_copy(update={"media_dir": str(media), "max_image_pixels": 10_000})
    app = create_app(small, db=RolledBackDatabase(conn))
    with TestClient(app, raise_server_exceptions=False) as client:
        refused = client.post(
            "/report", data=REPORT, files={"photo": ("p.png", png(101, 100, "RGB"), "image/png")}
        )
        assert refused.status_code == 422 and "0.01 million pixels" in refused.text
        taken = client.post(
            "/report",
            data=REPORT,
            files={"photo": ("p.png", png(100, 100, "RGB"), "image/png")},
            follow_redirects=False,
        )
        assert taken.status_code == 303, taken.text
    assert len(files_in(media)) == 1


def test_a_refused_report_leaves_no_photo_and_an_accepted_one_keeps_it(
    uploads: TestClient, media: Path, conn: Connection
) -> None:
    photo = {"photo": ("p.png", png(64, 48, "RGB"), "image/png")}
    unknown = uploads.post("/report", data={**REPORT, "category": "nope"}, files=photo)
    assert unknown.status_code == 422 and "nope" in unknown.text
    no_pin = uploads.post("/report", data={**REPORT, "lat": "", "lng": ""}, files=photo)
    assert no_pin.status_code == 422
    assert files_in(media) == []
    once = {**REPORT, "idempotency": "0b6f1c1e-5d3a-4c43-9a57-2f0f7d6a8e21"}
    made = uploads.post("/report", data=once, files=photo, follow_redirects=False)
    assert made.status_code == 303, made.text
    again = uploads.post("/report", data=once, files=photo, follow_redirects=False)
    assert again.headers["location"] == made.headers["location"]
    (name,) = files_in(media)  # the retry stored no second photo
    url = conn.execute(select(cases.c.media_url).where(cases.c.media_url.is_not(None))).scalar()
    assert url == f"{BASE}/media/{name}"
    assert uploads.get(url).headers["content-type"] == "image/jpeg"


def test_an_open311_request_refused_leaves_no_photo(
    uploads: TestClient, media: Path, conn: Connection
) -> None:
    key = api_key(conn)
    photo = {"media": ("p.png", png(64, 48, "RGB"), "image/png")}
    fields = {"service_code": "road", "description": "坑", **INSIDE}
    assert uploads.post(f"{BASE}/requests.json", data=fields, files=photo).status_code == 403
    wrong = {**fields, "api_key": "gwk_wrong"}
    assert uploads.post(f"{BASE}/requests.json", data=wrong, files=photo).status_code == 403
    outside = {**fields, "api_key": api_key(conn, name="other", area="520102")}
    assert uploads.post(f"{BASE}/requests.json", data=outside, files=photo).status_code == 403
    unknown = {**fields, "api_key": key, "service_code": "nope"}
    assert uploads.post(f"{BASE}/requests.json", data=unknown, files=photo).status_code == 404
    assert files_in(media) == []
    retry = {"Idempotency-Key": "photo-1"}
    good = {**fields, "api_key": key}
    made = uploads.post(f"{BASE}/requests.json", data=good, files=photo, headers=retry)
    assert made.status_code == 200, made.text
    again = uploads.post(f"{BASE}/requests.json", data=good, files=photo, headers=retry)
    assert again.json() == made.json()
    assert len(files_in(media)) == 1  # the retry stored no second photo


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/x.jpg",
        "/open311/v2/media/x.jpg",
        "https://",
        "ftp://example.org/x.jpg",
    ],
)
def test_a_media_url_must_be_a_web_address(uploads: TestClient, conn: Connection, url: str) -> None:
    key = api_key(conn)
    fields = {"api_key": key, "service_code": "road", "description": "坑", **INSIDE}
    refused = uploads.post(f"{BASE}/requests.json", data={**fields, "media_url": url})
    assert refused.status_code == 400, refused.text
    assert "media_url" in refused.json()[0]["description"]
    assert conn.execute(select(cases.c.id)).first() is None


def test_a_web_media_url_is_kept(uploads: TestClient, conn: Connection) -> None:
    key = api_key(conn)
    fields = {"api_key": key, "service_code": "road", "description": "坑", **INSIDE}
    made = uploads.post(
        f"{BASE}/requests.json", data={**fields, "media_url": "https://example.org/p.jpg"}
    )
    assert made.status_code == 200, made.text
    request_id = made.json()[0]["service_request_id"]
    shown = uploads.get(f"{BASE}/requests/{request_id}.json").json()[0]
    assert shown["media_url"] == "https://example.org/p.jpg"


def test_a_refused_action_leaves_no_photo(
    uploads: TestClient, media: Path, conn: Connection
) -> None:
    staff = login(conn, uploads, role="community_staff", area=JINYUAN, username="desk9")
    case = report_case(uploads, area_code=JINYUAN, headers=staff)
    signed = uploads.post(
        "/signin", data={"username": "desk9", "password": PASSWORD}, follow_redirects=False
    )
    assert signed.status_code == 303
    photo = {"photo": ("p.png", png(64, 48, "RGB"), "image/png")}
    refused = uploads.post(f"/cases/{case['id']}/act", data={"action": "close"}, files=photo)
    assert refused.status_code in (403, 409), refused.text
    assert files_in(media) == []
    done = uploads.post(
        f"/cases/{case['id']}/act", data={"action": "accept"}, files=photo, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    assert len(files_in(media)) == 1


def test_photos_are_decoded_off_the_event_loop_two_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where Pillow runs (its `open` wrapped to record it): never on the loop's thread, and
    never more than two at once."""
    opened = Image.open
    lock = threading.Lock()
    threads: set[int] = set()
    running = [0, 0]  # now, most at once

    def recording_open(*args: Any, **kwargs: Any) -> Any:
        with lock:
            threads.add(threading.get_ident())
            running[0] += 1
            running[1] = max(running)
        try:
            threading.Event().wait(0.05)  # long enough for the others to start, if allowed
            return opened(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(Image, "open", recording_open)
    photos = Photos(tmp_path, max_pixels=40_000_000)
    data = png(32, 32, "RGB")

    async def main() -> int:
        done = await asyncio.gather(*(photos.prepare(data) for _ in range(6)))
        assert all(p.jpeg.startswith(b"\xff\xd8") for p in done)
        return threading.get_ident()

    # On a thread of its own: the browser tests leave an event loop running on this one.
    with ThreadPoolExecutor(1) as pool:
        loop_thread = pool.submit(asyncio.run, main()).result()
    assert threads and loop_thread not in threads
    assert running[1] <= 2
    assert os.listdir(tmp_path) == []  # prepared is not stored


def test_the_sweep_removes_old_photos_nothing_refers_to(
    uploads: TestClient, media: Path, conn: Connection
) -> None:
    made = uploads.post(
        "/report",
        data=REPORT,
        files={"photo": ("p.png", png(64, 48, "RGB"), "image/png")},
        follow_redirects=False,
    )
    assert made.status_code == 303
    (kept,) = files_in(media)
    for name in ("orphan.jpg", "fresh.jpg", ".half.jpg.part"):
        (media / name).write_bytes(b"x")
    hour_ago = (utcnow() - timedelta(hours=2)).timestamp()
    for name in (kept, "orphan.jpg", ".half.jpg.part"):
        os.utime(media / name, (hour_ago, hour_ago))
    (media / "notes.txt").write_text("not ours")
    os.utime(media / "notes.txt", (hour_ago, hour_ago))
    report = sweep(conn, retention_days=365, media_dir=media)
    assert report.photos_removed == 2
    assert set(files_in(media)) == {kept, "fresh.jpg", "notes.txt"}
    assert remove_unused_photos(conn, media, now=utcnow(), grace=timedelta(0)) == 1
    assert set(files_in(media)) == {kept, "notes.txt"}
    assert remove_unused_photos(conn, media / "missing", now=utcnow()) == 0
