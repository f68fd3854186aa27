"""`locator reports …`: signed links to the unmet-demand report page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click

from locator.cli.common import CliContext, pass_context
from locator.reports import links
from locator.tenants import service


@click.group()
def reports() -> None:
    """Reports: signed links to the unmet-demand page."""


@reports.command("link")
@click.option("--tenant", required=True, help="The tenant whose report the link opens.")
@click.option("--days", type=click.IntRange(1, links.MAX_DAYS), default=7, show_default=True,
              help="Days the link stays valid.")
@click.option("--rotate", is_flag=True,
              help="Replace the tenant's signing secret first: every earlier link stops working.")
@click.option("--base-url", help="The service's public URL (default: PUBLIC_URL, else http://127.0.0.1:PORT).")
@pass_context
def link_command(cli: CliContext, tenant: str, days: int, rotate: bool, base_url: str | None) -> None:
    """Print a link to /reports that opens the tenant's report without a secret key."""
    current = service.get_tenant(cli.es, cli.config, tenant)
    secret = current.settings.reports_link_secret
    if rotate or not secret:
        secret = links.new_secret()
        service.update_settings(cli.es, cli.config, tenant, reports_link_secret=secret)
    expires_at = datetime.now(UTC) + timedelta(days=days)
    base = (base_url or cli.config.public_url or f"http://127.0.0.1:{cli.config.port}").rstrip("/")
    # In the fragment: browsers never send it to the server, so it stays out of logs and Referer.
    click.echo(f"{base}/reports#link={links.sign(secret, tenant, expires_at)}")
    click.echo(f"valid until {expires_at.isoformat(timespec='seconds')}"
               + (" (earlier links revoked)" if rotate else ""), err=True)
