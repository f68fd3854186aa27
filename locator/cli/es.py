"""`locator es …`: the local Elasticsearch node."""

from __future__ import annotations

import json
import sys

import click

from locator.cli.common import CliContext, pass_context
from locator.localcluster import DEFAULT_PORTS, LocalCluster
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


def _ports(ctx: click.Context, param: click.Parameter, value: str) -> tuple[int, ...]:
    try:
        ports = tuple(int(p) for p in value.split(","))
    except ValueError as exc:
        raise click.BadParameter("comma-separated HTTP ports, e.g. 9261,9262,9263") from exc
    if len(ports) < 3 or len(set(ports)) != len(ports):
        raise click.BadParameter("at least three different ports (a majority must survive a node)")
    return ports


_PORTS_OPTION = click.option("--ports", default=",".join(map(str, DEFAULT_PORTS)), show_default=True,
                             callback=_ports, help="HTTP ports of the nodes (transport: each + 100).")


@es.group()
def cluster() -> None:
    """A local cluster of several nodes (failure tests, benchmarks); heap per node: ES_HEAP."""


@cluster.command("start")
@_PORTS_OPTION
@click.option("--timeout", default=300.0, show_default=True, help="Seconds to wait for green.")
@pass_context
def cluster_start(cli: CliContext, ports: tuple[int, ...], timeout: float) -> None:
    """Start every node (fetching Elasticsearch once) and wait until the cluster is green.

    Then use it with ELASTICSEARCH_URL set to the URLs printed (indices get one replica).
    """
    local = LocalCluster(cli.config, ports)
    try:
        local.start(timeout=timeout, echo=click.echo)
    except NodeError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"export ELASTICSEARCH_URL={local.url}")


@cluster.command("stop")
@_PORTS_OPTION
@click.option("--wipe", is_flag=True, help="Also delete the nodes' data folders.")
@pass_context
def cluster_stop(cli: CliContext, ports: tuple[int, ...], wipe: bool) -> None:
    """Stop every node of the local cluster."""
    local = LocalCluster(cli.config, ports)
    local.stop(echo=click.echo)
    if wipe:
        local.wipe()
        click.echo("Data folders deleted.")


@cluster.command("status")
@_PORTS_OPTION
@pass_context
def cluster_status(cli: CliContext, ports: tuple[int, ...]) -> None:
    """Show each node's pid and the cluster's health; exit 1 when no node answers."""
    local = LocalCluster(cli.config, ports)
    for node in local.nodes:
        click.echo(f"{node.node_name}: {node.url} pid {node.pid() or '-'}")
    health = local.health()
    if not health:
        click.echo("health: down")
        sys.exit(1)
    click.echo(f"health: {health['status']} ({health['number_of_nodes']} nodes)")
