"""`gridwork serve`: run the web application."""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

import click
import uvicorn
from uvicorn.config import LOGGING_CONFIG

from gridwork.cli.context import CliContext
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


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.pass_obj
def command(ctx: CliContext, host: str, port: int) -> None:
    """Serve the API and pages."""
    app = create_app(ctx.settings)
    click.echo(f"serving on http://{host}:{port}/ (database {ctx.settings.database_url})")
    uvicorn.run(app, host=host, port=port, log_level="info", log_config=log_config())
