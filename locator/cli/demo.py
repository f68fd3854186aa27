"""`locator demo …`: the demo tenant, its keys and the demo dataset."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from elasticsearch import helpers
from timezonefinder import TimezoneFinder

from indexer import demo as demo_data
from indexer.mappings import entity_id, stock_id
from locator import indices
from locator.cli.common import CliContext, pass_context
from locator.errors import NotFound
from locator.es import index_name
from locator.tenants import service
from locator.tenants.service import now_iso
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
                          TenantSettings(expose_quantities=True))
    service.create_key(cli.es, cli.config, demo_data.DEMO_TENANT, "publishable",
                       plaintext=demo_data.DEMO_PUBLISHABLE_KEY, demo=True)
    service.create_key(cli.es, cli.config, demo_data.DEMO_TENANT, "secret",
                       plaintext=demo_data.DEMO_SECRET_KEY, demo=True)
    return True


def demo_loaded(cli: CliContext) -> bool:
    """Return True when the demo tenant has stock documents."""
    count = cli.es.count(index=index_name(cli.config, "stock"),
                         query={"term": {"tenant": demo_data.DEMO_TENANT}})["count"]
    return count > 0


@demo.command("load")
@click.option("--force", is_flag=True, help="Reload even when the demo data is present.")
@pass_context
def load(cli: CliContext, force: bool) -> None:
    """Set up indices, the demo tenant and keys, and load the demo data unless present."""
    indices.ensure_all(cli.es, cli.config)
    ensure_tenant(cli)
    if demo_loaded(cli) and not force:
        click.echo("Demo data already loaded (use --force to reload).")
        return
    paths = demo_data.write_files(WORK_DIR)
    _minimal_load(cli, paths)
    click.echo("Demo data loaded.")


@demo.command("keys")
def keys() -> None:
    """Print the demo tenant's keys."""
    click.echo(f"publishable: {demo_data.DEMO_PUBLISHABLE_KEY}\nsecret:      {demo_data.DEMO_SECRET_KEY}")


def _minimal_load(cli: CliContext, paths: dict[str, Path]) -> None:
    # Stand-in until the indexer's loader lands: trusted demo files only, no validation.
    tenant, finder, stamp = demo_data.DEMO_TENANT, TimezoneFinder(), now_iso()
    with paths["stores"].open(encoding="utf-8") as handle:
        stores = list(csv.DictReader(handle))
    with paths["products"].open(encoding="utf-8") as handle:
        products = list(csv.DictReader(handle))
    locations = {}
    actions = []
    for row in stores:
        if not row["lat"]:
            continue
        lat, lon = float(row["lat"]), float(row["lon"])
        locations[row["store_id"]] = {"lat": lat, "lon": lon}
        actions.append({
            "_index": index_name(cli.config, "stores"), "_id": entity_id(tenant, row["store_id"]),
            "tenant": tenant, "store_id": row["store_id"], "name": row["name"], "street": "",
            "postcode": "", "city": row["city"], "country": row["country"],
            "location": locations[row["store_id"]], "phone": "",
            "timezone": finder.timezone_at(lat=lat, lng=lon) or "UTC",
            "opening_hours": row["opening_hours"], "services": row["services"].split("|"),
            "status": "open", "search_text": f"{row['name']} {row['city']}".lower(),
            "demo": True, "updated_at": stamp,
        })
    for row in products:
        actions.append({
            "_index": index_name(cli.config, "products"), "_id": entity_id(tenant, row["sku"]),
            "tenant": tenant, "sku": row["sku"], "name": row["name"], "brand": row["brand"],
            "category": row["category"], "price": float(row["price"]),
            "search_text": row["name"].lower(), "demo": True, "updated_at": stamp,
        })
    with paths["stock"].open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["store_id"] not in locations:
                continue
            actions.append({
                "_index": index_name(cli.config, "stock"),
                "_id": stock_id(tenant, row["store_id"], row["sku"]),
                "tenant": tenant, "store_id": row["store_id"], "sku": row["sku"],
                "location": locations[row["store_id"]], "store_status": "open",
                "on_hand": int(row["on_hand"]), "as_of": row["as_of"], "holds": [], "held": 0,
                "demo": True, "simulated": True, "updated_at": stamp,
            })
    helpers.bulk(cli.es, actions, chunk_size=2000, refresh="wait_for")
