"""The `locator` command line: local Elasticsearch, set-up, demo data, tenants and keys."""

from __future__ import annotations

import click

from locator.cli.common import pass_context


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="store-locator")
def main() -> None:
    """Store locator and local availability service."""


def _register() -> None:
    from indexer.cli import index
    from locator.cli.demo import demo
    from locator.cli.es import es
    from locator.cli.setup import reset, setup
    from locator.cli.tenants import keys, tenants
    from locator.reservations.cli import reservations

    for command in (es, setup, reset, demo, tenants, keys, index, reservations):
        main.add_command(command)


_register()

__all__ = ["main", "pass_context"]
