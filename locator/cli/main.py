"""The `locator` command: composes the service's and the indexer's command groups."""

from __future__ import annotations

import click

from indexer.cli import index
from locator.cli.demo import demo
from locator.cli.es import es
from locator.cli.mail import mail
from locator.cli.setup import reset, setup
from locator.cli.tenants import keys, tenants
from locator.reports.cli import reports
from locator.reservations.cli import reservations


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="store-locator")
def main() -> None:
    """Store locator and local availability service."""


for command in (es, setup, reset, demo, tenants, keys, index, reservations, mail, reports):
    main.add_command(command)
