"""`locator es …`: the local Elasticsearch node."""

from __future__ import annotations

import json
import sys

import click

from locator.cli.common import CliContext, pass_context
from locator.localnode import LocalNode, NodeError


def _node(cli: CliContext) -> LocalNode | None:
    if not cli.config.uses_local_node:
        click.echo(f"ELASTICSEARCH_URL is set ({cli.config.es_url}): no local node is managed.")
        return None
    return LocalNode(cli.config)


@click.group()
def es() -> None:
    """Run a local single-node Elasticsearch (skipped when ELASTICSEARCH_URL is set)."""


@es.command()
@click.option("--timeout", default=180.0, show_default=True, help="Seconds to wait for health.")
@pass_context
def start(cli: CliContext, timeout: float) -> None:
    """Fetch (once), then start the node and wait until it is healthy; no-op if running."""
    node = _node(cli)
    if node is None:
        return
    try:
        node.start(timeout=timeout, echo=click.echo)
    except NodeError as exc:
        raise click.ClickException(str(exc)) from exc


@es.command()
@pass_context
def stop(cli: CliContext) -> None:
    """Stop the local node."""
    node = _node(cli)
    if node is not None:
        node.stop(echo=click.echo)


@es.command()
@pass_context
def status(cli: CliContext) -> None:
    """Show whether the node runs and its cluster health; exit 1 when it is down."""
    node = _node(cli)
    if node is None:
        health = cli.es.cluster.health()
        click.echo(json.dumps(dict(health), indent=2))
        return
    health = node.health()
    click.echo(f"url: {node.url}\npid: {node.pid() or '-'}\nhome: {node.home}")
    click.echo(f"health: {health['status'] if health else 'down'}")
    if not health:
        sys.exit(1)


@es.command()
@click.option("-n", "--lines", default=40, show_default=True, help="How many lines.")
@pass_context
def logs(cli: CliContext, lines: int) -> None:
    """Print the tail of the node's log."""
    node = _node(cli)
    if node is not None:
        click.echo(node.tail(lines))
