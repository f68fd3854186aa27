"""`locator reservations …`: expiry sweep, personal-data purge, webhook deliveries."""

from __future__ import annotations

import json

import click

from locator.cli.common import CliContext, pass_context
from locator.reservations.sweeper import purge, sweep
from locator.reservations.webhooks import deliver_due, list_deliveries


@click.group()
def reservations() -> None:
    """Maintain reservations (expiry sweep, personal-data purge, webhooks)."""


@reservations.command("sweep")
@pass_context
def sweep_command(cli: CliContext) -> None:
    """Expire reservations past their hold time, remove their holds, repair interrupted changes."""
    counts = sweep(cli.es, cli.config)
    click.echo(" ".join(f"{name}={n}" for name, n in counts.items()))


@reservations.command("purge")
@pass_context
def purge_command(cli: CliContext) -> None:
    """Delete customer details of reservations closed more than each tenant's purge_days ago."""
    purged = purge(cli.es, cli.config)
    click.echo(f"purged={sum(purged.values())}" + "".join(f" {t}={n}" for t, n in sorted(purged.items())))


@reservations.group("webhooks")
def webhooks_group() -> None:
    """Deliveries of webhooks and emails: send the due ones, list attempts."""


@webhooks_group.command("deliver")
@pass_context
def deliver_command(cli: CliContext) -> None:
    """Attempt every delivery (webhook or email) that is due now."""
    counts = deliver_due(cli.es, cli.config)
    click.echo(" ".join(f"{status}={n}" for status, n in sorted(counts.items())) or "nothing due")


@webhooks_group.command("list")
@click.option("--tenant", help="Only this tenant's deliveries.")
@click.option("--status", type=click.Choice(["pending", "delivered", "failed", "skipped"]))
@click.option("--channel", type=click.Choice(["webhook", "email"]), help="Only webhooks or only emails.")
@click.option("--reservation", "reservation_id", help="Only the deliveries of this reservation.")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line, with every attempt.")
@pass_context
def list_command(cli: CliContext, tenant: str | None, status: str | None, channel: str | None,
                 reservation_id: str | None, limit: int, as_json: bool) -> None:
    """List deliveries (webhooks and emails), newest first: id, tenant, channel, event, reservation,
    status, attempts, last outcome."""
    for delivery in list_deliveries(cli.es, cli.config, tenant, status=status, channel=channel,
                                    reservation_id=reservation_id, limit=limit):
        if as_json:
            click.echo(json.dumps(delivery))
            continue
        last = (delivery.get("attempts") or [{}])[-1]
        outcome = last.get("status_code") or last.get("error") or "-"
        click.echo("\t".join(str(v) for v in (
            delivery["id"], delivery["tenant"],
            delivery["channel"] + (f":{delivery['recipient']}" if delivery.get("recipient") else ""),
            delivery["event"], delivery["reservation_id"],
            delivery["status"], delivery["attempt_count"], outcome)))
