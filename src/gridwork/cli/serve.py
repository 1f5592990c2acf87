"""`gridwork serve`: run the web application."""

from __future__ import annotations

import click
import uvicorn

from gridwork.cli.context import CliContext, warn_placeholder_key
from gridwork.web.app import create_app


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
    uvicorn.run(app, host=host, port=port, log_level="info")
