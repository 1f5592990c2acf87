"""`gridwork serve`: run the web application."""

from __future__ import annotations

import click
import uvicorn

from gridwork.cli.context import CliContext
from gridwork.web.app import create_app


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
    app = create_app(ctx.settings)
    click.echo(f"serving on http://{host}:{port}/ (database {ctx.settings.database_url})")
    proxy_headers, allow = proxy_options(ctx.settings.trusted_proxies)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        proxy_headers=proxy_headers,
        forwarded_allow_ips=allow,
    )
