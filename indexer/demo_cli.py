"""`locator demo …`: the demo tenant, its keys and the demo dataset."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from elasticsearch import helpers

from indexer import demo as demo_data
from indexer.context import LoadOptions
from indexer.loader import load_file
from locator import indices, tenantsplit
from locator.cli.common import CliContext, pass_context
from locator.errors import NotFound
from locator.es import index_name
from locator.geo import Point
from locator.reports.areas import area_of
from locator.reports.counting import SEARCH, DemandBuffer
from locator.reports.flush import flush
from locator.tenants import service
from locator.tenants.settings import TenantSettings

WORK_DIR = Path(".locator") / "demo"


@click.group()
def demo() -> None:
    """Create the demo tenant and load the demo dataset (real IKEA stores, simulated stock)."""


def ensure_tenant(cli: CliContext) -> bool:
    """Create the demo tenant and its fixed keys when missing; return True if created."""
    try:
        service.get_tenant(cli.es, cli.config, demo_data.DEMO_TENANT)
        return False
    except NotFound:
        pass
    service.create_tenant(cli.es, cli.config, demo_data.DEMO_TENANT, "Demo retailer (IKEA stores)",
                          TenantSettings(expose_quantities=True, notify_email="magasin@demo.example",
                                         mail_from="Démo IKEA <reservations@demo.example>"))
    service.create_key(cli.es, cli.config, demo_data.DEMO_TENANT, "publishable",
                       plaintext=demo_data.DEMO_PUBLISHABLE_KEY, demo=True)
    service.create_key(cli.es, cli.config, demo_data.DEMO_TENANT, "secret",
                       plaintext=demo_data.DEMO_SECRET_KEY, demo=True)
    return True


def ensure_store_key(cli: CliContext) -> None:
    """Create the demo desk's store key once its store is loaded (a store key needs its store)."""
    if service.find_keys(cli.es, cli.config, demo_data.DEMO_STORE_KEY):
        return
    service.create_key(cli.es, cli.config, demo_data.DEMO_TENANT, "store", store_id=demo_data.DEMO_DESK_STORE,
                       plaintext=demo_data.DEMO_STORE_KEY, demo=True)


def demo_loaded(cli: CliContext) -> bool:
    """Return True when the demo tenant has stock documents."""
    count = cli.es.count(index=indices.stock_alias(cli.config, demo_data.DEMO_TENANT))["count"]
    return count > 0


@demo.command("load")
@click.option("--force", is_flag=True, help="Reload even when the demo data is present.")
@pass_context
def load(cli: CliContext, force: bool) -> None:
    """Set up indices, the demo tenant and keys, and load the demo data unless present."""
    tenantsplit.setup_all(cli.es, cli.config, echo=click.echo)
    ensure_tenant(cli)
    if demo_loaded(cli) and not force:
        ensure_store_key(cli)
        click.echo("Demo data already loaded (use --force to reload).")
        return
    paths = demo_data.write_files(WORK_DIR)
    _load(cli, paths, full=force)
    ensure_store_key(cli)
    _simulate_unmet_demand(cli)
    click.echo("Demo data loaded.")


@demo.command("keys")
def keys() -> None:
    """Print the demo tenant's keys."""
    click.echo(f"publishable: {demo_data.DEMO_PUBLISHABLE_KEY}\nsecret:      {demo_data.DEMO_SECRET_KEY}\n"
               f"store:       {demo_data.DEMO_STORE_KEY} (store {demo_data.DEMO_DESK_STORE}, IKEA Rivoli)")


def _simulate_unmet_demand(cli: CliContext) -> None:
    """Replace the demo's simulated unmet searches (so the report page is not empty)."""
    alias = index_name(cli.config, "unmet-demand")
    query = {"bool": {"filter": [{"term": {"tenant": demo_data.DEMO_TENANT}}, {"term": {"demo": True}}]}}
    old = [{"_op_type": "delete", "_index": hit["_index"], "_id": hit["_id"]}
           for hit in helpers.scan(cli.es, index=alias, query={"query": query}, _source=False)]
    helpers.bulk(cli.es, old, refresh=True)
    buffer = DemandBuffer()
    skus = demo_data.product_skus()
    for sku, lat, lon, when in demo_data.unmet_searches(skus, datetime.now(UTC)):
        buffer.record(demo_data.DEMO_TENANT, SEARCH, [sku], at=when, area=area_of(Point(lat, lon)), demo=True)
    result = flush(cli.es, cli.config, buffer)
    cli.es.indices.refresh(index=alias)
    click.echo(f"unmet demand: {result.events} simulated searches from "
               f"{len(demo_data.UNMET_TOWNS)} towns without a store nearby")


def _load(cli: CliContext, paths: dict[str, Path], full: bool) -> None:
    # The demo goes through the indexer like any retailer's files: validated, geocoded, reported.
    # A store that cannot be geocoded is reported (and its stock rejected) without failing the demo.
    for kind in ("stores", "products", "stock"):
        options = LoadOptions(tenant=demo_data.DEMO_TENANT, demo=True, full=full)
        summary = load_file(cli.es, cli.config, kind, paths[kind], options,
                            echo=lambda message: click.echo(message, err=True))
        for line in summary.lines():
            click.echo(line)
