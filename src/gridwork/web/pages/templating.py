"""Rendering pages: one Jinja2 environment per language, filters for times and rates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_timedelta
from babel.numbers import format_percent
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request

from gridwork.config import Settings
from gridwork.domain.access import Actor
from gridwork.services.clock import utcnow
from gridwork.web.pages import labels
from gridwork.web.pages.i18n import BABEL_LOCALE, LANGUAGES, choose_language, load_translations


class Pages:
    """The page renderer of one application: built from its settings at start-up."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.zone = ZoneInfo(settings.timezone)
        self.translations = {lang: load_translations(lang) for lang in LANGUAGES}
        self.environments = {lang: self._environment(lang) for lang in LANGUAGES}

    def _environment(self, language: str) -> Environment:
        env = Environment(
            loader=PackageLoader("gridwork.web", "templates"),
            autoescape=select_autoescape(default=True),
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.install_gettext_translations(self.translations[language], newstyle=True)  # type: ignore[attr-defined]
        locale = BABEL_LOCALE[language]
        zone = self.zone

        def when(value: datetime | None, style: str = "medium") -> str:
            if value is None:
                return ""
            return format_datetime(
                value, "short" if style == "short" else "medium", tzinfo=zone, locale=locale
            )

        def until(value: datetime | None) -> str:
            """How long until `value` (negative: how long ago), in words."""
            if value is None:
                return ""
            return format_timedelta(
                value - utcnow(),
                granularity="minute",
                threshold=1.5,
                add_direction=True,
                locale=locale,
            )

        def percent(value: float | None) -> str:
            return "–" if value is None else format_percent(value, "#0.0%", locale=locale)

        def yuan(fen: int | None) -> str:
            """An amount in fen, shown in yuan."""
            return "–" if fen is None else f"¥{fen / 100:.2f}"

        env.filters.update(when=when, until=until, percent=percent, yuan=yuan)
        env.globals.update(
            labels=labels,
            language=language,
            languages=LANGUAGES,
            tile_url=self.settings.tile_url,
            tile_attribution=self.settings.tile_attribution,
        )
        return env

    def language(self, request: Request) -> str:
        """The language a request is answered in."""
        return choose_language(request, self.settings.default_language)

    def words(
        self, request: Request
    ) -> tuple[Callable[..., str], Callable[[datetime | None], str]]:
        """For output that is not a template (a PDF): the request's translation, as
        `_("text %(n)s", n=1)`, and its way of writing a time."""
        language = self.language(request)
        translations = self.translations[language]

        def translate(text: str, **values: object) -> str:
            said = translations.gettext(text)
            return said % values if values else said

        when: Callable[[datetime | None], str] = self.environments[language].filters["when"]
        return translate, when

    def render(
        self,
        request: Request,
        name: str,
        actor: Actor | None = None,
        status_code: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        """The template `name` in the request's language."""
        language = self.language(request)
        template = self.environments[language].get_template(name)
        context.setdefault("category_names", {})
        html = template.render(request=request, actor=actor, home=home_for(actor), **context)
        response = HTMLResponse(html, status_code=status_code)
        response.headers["Content-Language"] = language
        response.headers["Vary"] = "Accept-Language, Cookie"
        return response


def home_for(actor: Actor | None) -> str:
    """Where a user's own pages start: workers at their cases, staff at the desk,
    administrators at the dashboard."""
    if actor is None:
        return "/"
    roles = {g.role.value for g in actor.grants}
    if roles & {"admin", "city_admin", "district_admin", "street_admin", "auditor"}:
        return "/dashboard"
    if "community_staff" in roles:
        return "/desk"
    if "legal_staff" in roles:
        return "/mediations"
    return "/work"
