"""The `locator` command: the service's command groups, and those other packages plug in.

The indexer builds on the service, never the other way round, so its groups (`index`, `demo`)
are found through the `locator.commands` entry points it declares in pyproject.toml.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import click

from locator.cli.es import es
from locator.cli.mail import mail
from locator.cli.setup import reset, setup
from locator.cli.tenants import keys, tenants
from locator.reports.cli import reports
from locator.reservations.cli import reservations

PLUGIN_GROUP = "locator.commands"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="store-locator")
def main() -> None:
    """Store locator and local availability service."""


for command in (es, setup, reset, tenants, keys, reservations, mail, reports):
    main.add_command(command)
for plugin in entry_points(group=PLUGIN_GROUP):
    main.add_command(plugin.load(), plugin.name)
