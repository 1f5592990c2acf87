"""Media URLs: only absolute http(s) addresses are stored."""

from __future__ import annotations

import pytest

from gridwork.domain.errors import InvalidInput
from gridwork.domain.media import check_media_url


@pytest.mark.parametrize(
    "url", ["https://example.org/p.jpg", "http://10.0.0.1:8080/a?b=c", "HTTPS://Example.org/x"]
)
def test_web_addresses_are_media_urls(url: str) -> None:
    assert check_media_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:image/svg+xml,<svg onload=alert(1)>",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "https://exa mple.org/x",
        "https:\\\\evil.example\\x",
        "//evil.example/x",
        "/relative/x.jpg",
        "http:///x",
        "http://[::1/x",
        "https://example.org/" + "x" * 500,
    ],
)
def test_everything_else_is_refused(url: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_media_url(url)
    assert refused.value.details["field"] == "media_url"
