"""The pages' templates hold no script the Content-Security-Policy (`script-src 'self'`,
`style-src 'self'`) would block: no inline script, event handler, `javascript:` URL, htmx
`hx-on` (evaluated code) or style attribute. Scripts live in web/static/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import gridwork.web

TEMPLATES = Path(gridwork.web.__file__).resolve().parent / "templates"
FORBIDDEN = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "hx-on": re.compile(r"\shx-on"),
    "style attribute or element": re.compile(r"\sstyle\s*=|<style", re.IGNORECASE),
}


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_a_template_holds_nothing_the_policy_blocks(template: Path) -> None:
    source = template.read_text(encoding="utf-8")
    found = [what for what, pattern in FORBIDDEN.items() if pattern.search(source)]
    assert found == [], f"{template.name}: {found}"


def test_htmx_is_told_to_add_no_style_and_evaluate_nothing() -> None:
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    assert '"includeIndicatorStyles":false' in base and '"allowEval":false' in base


def test_our_scripts_hand_leaflet_text_never_html() -> None:
    for script in sorted((TEMPLATES.parent / "static").glob("*.js")):
        source = script.read_text(encoding="utf-8")
        assert "innerHTML" not in source and "insertAdjacentHTML" not in source, script.name
        for call in re.findall(r"\.(?:bindTooltip|bindPopup|setContent)\(([^,)]*)", source):
            assert call.startswith("label("), f"{script.name}: {call}"
        for html in re.findall(r"\bhtml:\s*([^,}]*)", source):
            assert html.startswith("label("), f"{script.name}: {html}"
