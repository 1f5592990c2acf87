"""`gridwork serve`: run the web application."""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

import click
import uvicorn
from uvicorn.config import LOGGING_CONFIG

from gridwork.cli.context import CliContext, warn_placeholder_key
from gridwork.web.app import create_app

# `api_key=…` in a query string (Open311 clients send their key there), `_` maybe encoded.
_API_KEY = re.compile(r"((?:^|[?&])api(?:_|%5f)key=)[^&#\s]*", re.IGNORECASE)


def redact(text: str) -> str:
    """`text` with the value of every `api_key` query parameter replaced by `***`."""
    return _API_KEY.sub(r"\1***", text)


class RedactApiKey(logging.Filter):
    """Keeps Open311 API keys out of uvicorn's access log: the request path it logs (the
    third of the record's arguments) has the `api_key` value replaced by `***`."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact(args[2]), *args[3:])
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with `RedactApiKey` on the access log."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_api_key"] = {"()": RedactApiKey}
    config["loggers"]["uvicorn.access"]["filters"] = ["redact_api_key"]
    return config


def proxy_options(trusted_proxies: str) -> tuple[bool, str]:
    """uvicorn's (proxy_headers, forwarded_allow_ips): believe X-Forwarded-* only from the
    configured proxies, and from nobody when none is configured (uvicorn's own default
    trusts 127.0.0.1, so a local client could claim any address)."""
    proxies = [p.strip() for p in trusted_proxies.split(",") if p.strip()]
    return bool(proxies), ",".join(proxies)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.pass_obj
def command(ctx: CliContext, host: str, port: int) -> None:
    """Serve the API and pages."""
    if ctx.settings.uses_placeholder_key:
        if ctx.settings.env != "dev":  # Settings refuse this already; never serve it anyway
            raise click.ClickException("set GRIDWORK_SECRET_KEY: the placeholder is for dev only")
        warn_placeholder_key()
    app = create_app(ctx.settings)
    click.echo(f"serving on http://{host}:{port}/ (database {ctx.settings.database_url})")
    proxy_headers, allow = proxy_options(ctx.settings.trusted_proxies)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        log_config=log_config(),
        proxy_headers=proxy_headers,
        forwarded_allow_ips=allow,
    )
