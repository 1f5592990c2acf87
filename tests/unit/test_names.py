"""Names staff give to what the pages show are plain text: no markup, no invisible
controls that change how they display."""

from __future__ import annotations

import pytest

from gridwork.domain.errors import InvalidInput
from gridwork.domain.names import is_plain_name, plain_name


@pytest.mark.parametrize(
    "name", ["第一网格", "金元长者食堂 (东区)", "A & B 'team' \"2\"", "Grid 1 – north", "ناحية"]
)
def test_ordinary_names_are_plain(name: str) -> None:
    assert is_plain_name(name)
    assert plain_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "<img src=x onerror=alert(1)>",
        "a>b",
        "a<b",
        "nul\x00here",
        "line\nbreak",
        "tab\there",
        "del\x7f",
        "c1\x85control",
        "c1\x9bcsi",
        "rlo\u202etxt.exe",
        "lre\u202a",
        "pdf\u202c",
        "isolate\u2066x\u2069",
        "fsi\u2068",
    ],
)
def test_markup_and_control_characters_are_refused(name: str) -> None:
    assert not is_plain_name(name)
    with pytest.raises(InvalidInput) as refused:
        plain_name(name, field="title")
    assert refused.value.details == {"field": "title"}
    assert "'<', '>'" in refused.value.message
