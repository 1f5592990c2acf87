"""Fuzzing for server errors: schemathesis over the REST API's OpenAPI description, and a
hand-written generator of hostile Open311 forms. Nothing may answer 5xx."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx2 as httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from tests.conftest import throwaway_database
from tests.e2e.conftest import SMALL_DEMO, run_cli, running_server


@pytest.fixture(scope="module")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the fuzzed server writes its standard error (its tracebacks, if any)."""
    return tmp_path_factory.mktemp("fuzz-log") / "server.log"


@pytest.fixture(scope="module")
def live(
    tmp_path_factory: pytest.TempPathFactory, server_log: Path
) -> Iterator[tuple[str, dict[str, str], str]]:
    """A served demo database (SQLite), an admin token and an Open311 key."""
    folder: Path = tmp_path_factory.mktemp("fuzz")
    with throwaway_database("sqlite", folder) as url:
        assert run_cli(url, "demo", *SMALL_DEMO).returncode == 0
        key = run_cli(url, "apikeys", "create", "fuzzer", "--area", "all").stdout.split()[-1]
        with running_server(url, server_log) as base:
            # Both sign in before any fuzzing: the fuzzer's failed sign-ins soon trip the
            # per-address limit, as they should.
            tokens = {
                user: httpx.post(
                    f"{base}/api/v1/auth/token",
                    data={"username": user, "password": "gridwork-demo"},
                ).json()["access_token"]
                for user in ("admin", "staff")
            }
            yield base, tokens, key


@pytest.mark.parametrize("user", ["admin", "staff"])
def test_no_rest_endpoint_answers_5xx(
    live: tuple[str, dict[str, str], str], server_log: Path, tmp_path: Path, user: str
) -> None:
    """schemathesis (its command line: its pytest plugin does not run on pytest 9), as the
    admin and as community staff (who get past the registry's permission checks). A failure
    shows schemathesis's failing requests and the server's traceback; `GRIDWORK_FUZZ_SEED`
    replays a run whose seed a failure printed."""
    base, tokens, _key = live
    token = tokens[user]
    examples = os.environ.get("GRIDWORK_FUZZ_EXAMPLES", "30")
    seed = os.environ.get("GRIDWORK_FUZZ_SEED")
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{base}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--header",
            f"Authorization: Bearer {token}",
            "--max-examples",
            examples,
            "--report-dir",
            str(tmp_path),
            *(["--seed", seed] if seed else []),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=tmp_path,  # schemathesis keeps a cache in its working directory
        env={**os.environ, "NO_COLOR": "1"},
    )
    if result.returncode != 0:
        failures = result.stdout.partition("FAILURES")[2].partition("WARNINGS")[0]
        tracebacks = server_log.read_text(errors="replace")[-6000:]
        summary = result.stdout[-1500:]
        pytest.fail(f"{failures[-6000:]}\n{summary}\n--- server log ---\n{tracebacks}")


text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=60)
fields = st.dictionaries(
    st.sampled_from(
        [
            "service_code",
            "lat",
            "long",
            "description",
            "address_string",
            "address_id",
            "first_name",
            "last_name",
            "phone",
            "email",
            "attribute[blocking]",
            "attribute[when][]",
            "attribute[danger_now]",
            "jurisdiction_id",
            "media_url",
            "device_id",
            # the GET filters, so the query strings are hostile too
            "service_request_id",
            "start_date",
            "end_date",
            "updated_after",
            "updated_before",
            "status",
            "page",
            "page_size",
            "lat_sw",
            "long_sw",
            "lat_ne",
            "long_ne",
        ]
    )
    | text,
    st.one_of(
        text,
        st.sampled_from(
            [
                "road",
                "noise",
                "safety_hazard",
                "26.668",
                "106.631",
                "nan",
                "inf",
                "-91",
                "1e308",
                "",
                "partly",
                "yes",
                "9999-12-31T23:59:59-12:00",
                "0001-01-01T00:00:00+14:00",
                "2026-02-30T25:61:00Z",
                "1" * 31,
                "1,2,3,-4,x",
                "javascript:alert(1)",
            ]
        ),
    ),
    max_size=12,
)


@given(
    form=fields,
    fmt=st.sampled_from(["json", "xml", "html"]),
    with_key=st.booleans(),
    raw=st.binary(max_size=200),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/xml",
            "application/json",
            "",
        ]
    ),
)
@settings(
    max_examples=int(os.environ.get("GRIDWORK_FUZZ_EXAMPLES", "30")) * 4,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_open311_form_answers_5xx(
    live: tuple[str, dict[str, str], str],
    form: dict[str, str],
    fmt: str,
    with_key: bool,
    raw: bytes,
    content_type: str,
) -> None:
    base, _token, key = live
    data = dict(form)
    if with_key:
        data["api_key"] = key
    with httpx.Client(base_url=f"{base}/open311/v2", timeout=30) as client:
        answers = [
            client.post(f"/requests.{fmt}", data=data),
            client.post(f"/requests.{fmt}", content=raw, headers={"content-type": content_type}),
            client.get(f"/requests.{fmt}", params=form),
            client.get(f"/services/{quote(form.get('service_code', 'road'), safe='')}.{fmt}"),
            client.post(f"/servicerequestupdates.{fmt}", data=data),
        ]
    for answer in answers:
        assert answer.status_code < 500, (answer.request.url, answer.text[:300])


page_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)


def page_fields(deep: bool) -> st.SearchStrategy[dict[str, str]]:
    """Hostile page fields; `deep` adds a very deeply nested JSON value (forms only: in a
    query string it makes a URL too long to send)."""
    return st.dictionaries(
        st.sampled_from(
            [
                "category",
                "description",
                "lat",
                "lng",
                "address",
                "name",
                "phone",
                "idempotency",
                "attribute[blocking]",
                "attribute[when][]",
                "reference",
                "secret",
                "rating",
                "comment",
                "action",
                "note",
                "assignee",
                "next",
                "resident_id",
                "outcome",
                "need",
                "need_category",
                "username",
                "password",
                "polygon",
                "kind",
                "area_codes",
                "title",
                "body",
                "status",
                "text",
                "quantity",
                "threshold",
            ]
        ),
        st.one_of(
            page_text,
            st.sampled_from(
                [
                    "road",
                    "26.6531",
                    "106.6304",
                    "nan",
                    "1e308",
                    "5",
                    "accept",
                    "met",
                    "flood",
                    "520115007005",
                    '{"type":"Polygon","coordinates":[[[106.62,26.64],[106.64,26.64],[106.64,26.66]]]}',
                    *(["[" * 5000 + "]" * 5000] if deep else []),
                ]
            ),
        ),
        max_size=10,
    )


page_forms = page_fields(deep=True)
page_queries = page_fields(deep=False)

PAGE_POSTS = [
    "/report",
    "/track",
    "/track/GW-AAAA-AAAA/rate",
    "/cases/1/act",
    "/visits",
    "/signin",
    "/emergencies",
    "/emergencies/1/tasks/1",
    "/safe/code",
    "/safe/verify",
    "/supplies/520115007005/depots",
    "/supplies/520115007005/depots/1",
    "/community/520115007005/proposals",
    "/me/signin/code",
    "/me/signin/verify",
    "/proposals/1/answer",
    "/facilities",
    "/facilities/1",
]
PAGE_GETS = [
    "/cases",
    "/work",
    "/desk",
    "/visits",
    "/registry",
    "/dashboard/520115007005",
    "/dashboard/520115/export.csv",
    "/report/questions",
    "/emergencies",
    "/emergencies/1",
    "/safe/H-AAAA",
    "/supplies/520115007005",
    "/community/520115007005",
    "/proposals",
    "/facilities",
]


@given(
    form=page_forms, query=page_queries, target=st.sampled_from(PAGE_POSTS), signed_in=st.booleans()
)
@settings(
    max_examples=int(os.environ.get("GRIDWORK_FUZZ_EXAMPLES", "30")) * 4,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_page_answers_5xx(
    live: tuple[str, dict[str, str], str],
    form: dict[str, str],
    query: dict[str, str],
    target: str,
    signed_in: bool,
) -> None:
    """Hostile forms and query strings on the web pages, anonymous and as community staff
    (whose session cookie the pages read): errors are pages in words, never a 5xx."""
    base, tokens, _key = live
    cookies = {"gridwork_session": tokens["staff"]} if signed_in else {}
    with httpx.Client(base_url=base, timeout=30, cookies=cookies) as client:
        answers = [client.post(target, data=form)]
        answers += [client.get(path, params=query) for path in PAGE_GETS]
    for answer in answers:
        assert answer.status_code < 500, (answer.request.url, answer.text[:300])
        if answer.status_code >= 400 and "csv" not in str(answer.request.url):
            assert answer.headers["content-type"].startswith("text/html")


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares `width` × `height` 1-bit pixels in a few dozen bytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(out, fmt)
    return out.getvalue()


PHOTOS = [
    image("PNG"),
    image("JPEG"),
    image("JPEG")[:200],  # cut short
    png_header(7_000, 7_000),  # over the 40 Mpx limit, under Pillow's error threshold
    png_header(100_000, 100_000),  # over both
    png_header(0, 5),
    b"GIF89a" + b"\xff" * 20,
]
photo = st.one_of(st.sampled_from(PHOTOS), st.binary(max_size=300))


@given(
    form=fields,
    page=page_forms,
    data=photo,
    with_key=st.booleans(),
    filename=st.sampled_from(["p.jpg", "p.png", "", "../../etc/passwd"]),
)
@settings(
    max_examples=int(os.environ.get("GRIDWORK_FUZZ_EXAMPLES", "30")) * 2,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_upload_answers_5xx(
    live: tuple[str, dict[str, str], str],
    form: dict[str, str],
    page: dict[str, str],
    data: bytes,
    with_key: bool,
    filename: str,
) -> None:
    """Random bytes, broken images and tiny files declaring huge images, as an Open311
    request's media and as a report form's photo."""
    base, _token, key = live
    fields = {**form, **({"api_key": key} if with_key else {})}
    with httpx.Client(base_url=base, timeout=30) as client:
        answers = [
            client.post(
                "/open311/v2/requests.json", data=fields, files={"media": (filename, data)}
            ),
            client.post("/report", data=page, files={"photo": (filename, data)}),
        ]
    for answer in answers:
        assert answer.status_code < 500, (answer.request.url, answer.text[:300])
