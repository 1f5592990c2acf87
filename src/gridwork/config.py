"""Settings, read once at start-up from the environment (prefix GRIDWORK_) and passed down."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "dev-insecure-change-me"


class Settings(BaseSettings):
    """Every setting gridwork reads; documented one by one in docs/settings.md."""

    model_config = SettingsConfigDict(env_prefix="GRIDWORK_", extra="ignore")

    env: str = Field(default="dev", description="Deployment environment: `dev`, `test` or `prod`.")
    database_url: str = Field(
        default="sqlite:///var/gridwork.db",
        description="SQLAlchemy URL of the database (SQLite file or PostgreSQL).",
    )
    timezone: str = Field(
        default="Asia/Shanghai", description="Zone in which times are shown to people."
    )
    secret_key: str = Field(
        default=PLACEHOLDER_SECRET,
        description="Key for hashing tokens and case secrets; must be set outside dev.",
    )
    previous_secret_keys: str = Field(
        default="",
        description="Comma-separated keys that were `secret_key` before a rotation: tokens, "
        "case secrets and resident tokens made with them are still accepted; everything new "
        "is made with `secret_key`. Remove them once the old tokens have expired.",
    )
    token_ttl_hours: int = Field(
        default=12, ge=1, description="How long an API bearer token stays valid."
    )
    media_dir: str = Field(
        default="var/media", description="Folder where photos sent with reports are kept."
    )
    max_image_pixels: int = Field(
        default=40_000_000,
        ge=1,
        description="Most pixels (width × height, read from the file's header before any "
        "decoding) a photo sent with a report may have; larger ones are refused.",
    )
    max_body_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="Largest request body accepted."
    )
    geo_refresh_seconds: float = Field(
        default=1.0,
        ge=0,
        description="How often a process checks whether grid geometry changed (0: every call).",
    )
    page_size_max: int = Field(
        default=200, ge=1, description="Largest page a list endpoint will return."
    )
    retention_days: int = Field(
        default=365,
        ge=1,
        description="Days after a case is closed (or a resident archived) before `gridwork "
        "sweep` removes the personal data in it.",
    )
    otp_sender: str = Field(
        default="console",
        description="How residents' one-time codes are sent: `console` (prints them; "
        "development) or `package.module:Name` of a sender with `send(phone, message)`.",
    )
    sms_sender: str = Field(
        default="console",
        description="The SMS gateway for notifications residents chose to get by SMS: "
        "`console` (prints them; development) or `package.module:Name` of a sender with "
        "`send(phone, message)`.",
    )
    smtp_host: str = Field(
        default="", description="SMTP server for e-mail notifications (empty: e-mail is off)."
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, description="SMTP server port.")
    smtp_from: str = Field(
        default="gridwork@localhost", description="The From address of e-mail notifications."
    )
    smtp_starttls: bool = Field(default=False, description="Upgrade SMTP with STARTTLS.")
    smtp_username: str = Field(default="", description="SMTP login (empty: no login).")
    smtp_password: str = Field(default="", description="SMTP password.")
    notify_interval: float = Field(
        default=30.0,
        ge=0,
        description="Seconds between the server's deliveries of pending notifications (0: "
        "the server does not deliver; run `gridwork notify send` from cron instead).",
    )
    otp_codes_per_day: int = Field(
        default=10,
        ge=1,
        description="One-time codes a phone may ask for in 24 hours (and at most 5 in 15 "
        "minutes), counted in the database.",
    )
    login_failures_per_user: int = Field(
        default=5,
        ge=1,
        description="Failed sign-ins allowed per account from one client address in 15 minutes.",
    )
    login_failures_per_account: int = Field(
        default=50,
        ge=1,
        description="Failed sign-ins allowed per account from all addresses together in an hour.",
    )
    login_failures_per_ip: int = Field(
        default=20, ge=1, description="Failed sign-ins allowed per client address in 15 minutes."
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses (or `*`) of reverse proxies whose "
        "X-Forwarded-For / X-Forwarded-Proto are believed (empty: trust none; the client's "
        "address is the connection's).",
    )
    password_min_length: int = Field(
        default=10, ge=8, le=128, description="Shortest password accepted for a staff account."
    )

    tile_url: str = Field(
        default="",
        description="Base map tiles for the web maps, as a Leaflet URL template "
        "(`https://…/{z}/{x}/{y}.png`); empty: grid outlines on a plain background.",
    )
    tile_attribution: str = Field(
        default="", description="The attribution the tile provider requires under its maps."
    )
    public_url: str = Field(
        default="",
        description="The address residents and integrators reach this site at "
        "(`https://grid.example.gov.cn`), used for every absolute URL the app builds; empty: "
        "the request's own address in `dev`, `http://localhost:8000` otherwise.",
    )
    assets_dir: str = Field(
        default="node_modules",
        description="Folder of the npm packages the pages serve (htmx, Leaflet, ECharts), "
        "as `make install` leaves them.",
    )
    default_language: str = Field(
        default="zh-CN",
        description="Language of the pages when neither the user nor the browser chooses: "
        "`zh-CN` or `en`.",
    )

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in {"zh-CN", "en"}:
            raise ValueError("default_language must be zh-CN or en")
        return value

    @field_validator("public_url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value:
            parts = urlsplit(value)
            if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query:
                raise ValueError("public_url must look like https://grid.example.gov.cn")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("env")
    @classmethod
    def _known_env(cls, value: str) -> str:
        if value not in {"dev", "test", "prod"}:
            raise ValueError("env must be dev, test or prod")
        return value

    @model_validator(mode="after")
    def _real_secret_outside_dev(self) -> Settings:
        if self.env != "dev" and (
            self.secret_key == PLACEHOLDER_SECRET or len(self.secret_key) < 16
        ):
            raise ValueError(
                "GRIDWORK_SECRET_KEY must be set to a real secret (16+ characters) outside dev"
            )
        return self

    @property
    def previous_keys(self) -> tuple[str, ...]:
        """The keys accepted besides `secret_key` while a rotation is under way."""
        return tuple(k.strip() for k in self.previous_secret_keys.split(",") if k.strip())

    @property
    def uses_placeholder_key(self) -> bool:
        """Whether case secrets and tokens are made with the public placeholder key."""
        return self.secret_key == PLACEHOLDER_SECRET

    def sqlite_path(self) -> Path | None:
        """The database file when the URL points at SQLite on disk."""
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            return Path(self.database_url[len(prefix) :])
        return None
