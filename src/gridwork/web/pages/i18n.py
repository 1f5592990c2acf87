"""Languages of the pages: the catalogues (Babel .po files, compiled in memory at start-up)
and the choice of language for a request."""

from __future__ import annotations

import gettext
import io
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from starlette.requests import Request

LANGUAGES = ("zh-CN", "en")  # the first is the default unless Settings say otherwise
LANGUAGE_COOKIE = "gridwork_lang"
CATALOGUE_DIR = {"zh-CN": "zh_CN"}  # English is the source language: no catalogue needed
BABEL_LOCALE = {"zh-CN": "zh_Hans_CN", "en": "en"}


def load_translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue for `language` (English: the messages as written)."""
    folder = CATALOGUE_DIR.get(language)
    if folder is None:
        return gettext.NullTranslations()
    source = resources.files("gridwork") / "locale" / folder / "LC_MESSAGES" / "messages.po"
    with source.open("rb") as handle:
        catalogue = read_po(handle, locale=folder)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _from_accept_language(header: str) -> str | None:
    """The first supported language in an Accept-Language header, by its q-values."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        weighted.append((-quality, index, tag.strip().lower()))
    for negative_quality, _index, tag in sorted(weighted):
        if negative_quality >= 0:
            continue
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return None


def choose_language(request: Request, default: str) -> str:
    """The user's choice (the language menu's cookie), else the browser's, else `default`."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return _from_accept_language(request.headers.get("accept-language", "")) or default
