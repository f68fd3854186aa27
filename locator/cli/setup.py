"""`locator setup` and `locator reset`: the indices behind their aliases."""

from __future__ import annotations

import click

from locator import indices, tenantsplit
from locator.cli.common import CliContext, pass_context


@click.command()
@pass_context
def setup(cli: CliContext) -> None:
    """Create every missing index behind its alias (idempotent); split old shared indices per tenant.

    Stock documents written by an older version get their store's area (see README, Upgrading).
    """
    created = tenantsplit.setup_all(cli.es, cli.config, echo=click.echo)
    for line in indices.layout_notes(cli.es, cli.config):
        click.echo(line)
    click.echo(f"Created: {', '.join(created)}" if created else "All indices exist.")


@click.command()
@click.confirmation_option(prompt="Delete every index of this prefix?")
@pass_context
def reset(cli: CliContext) -> None:
    """Delete every index of INDEX_PREFIX (all data of every tenant)."""
    indices.delete_all(cli.es, cli.config)
    click.echo(f"Deleted {cli.config.index_prefix}-* indices.")
