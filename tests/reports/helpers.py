"""A small world for the report tests: stores in Paris and Lyon, two products."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from locator.config import Config
from locator.es import index_name
from locator.reports.counting import buffer_for
from locator.reports.flush import flush
from locator.stock.service import StockRow, apply_stock_batch
from tests.conftest import make_tenant
from tests.factories import product_doc, seed, store_doc

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
PARIS = (48.8566, 2.3522)
LYON = (45.764, 4.8357)
BORDEAUX = (44.8378, -0.5792)  # no store within 25 km


def make_world(es, config: Config, **settings):
    tenant = make_tenant(es, config, **settings)
    seed(es, config, [store_doc(tenant.id, "PAR", *PARIS, name="Shop Paris"),
                      store_doc(tenant.id, "LYO", *LYON, name="Shop Lyon", city="Lyon")],
         [product_doc(tenant.id, "LAMP", name="Lamp"), product_doc(tenant.id, "SOFA", name="Sofa")])
    rows = [StockRow("PAR", "LAMP", 5, NOW - timedelta(hours=1)),
            StockRow("PAR", "SOFA", 0, NOW - timedelta(hours=1)),
            StockRow("LYO", "SOFA", 1, NOW - timedelta(hours=1))]
    apply_stock_batch(es, config, tenant.id, rows, refresh="wait_for")
    return tenant


def flush_all(es, config: Config) -> None:
    """Write what this process buffered and make it searchable."""
    result = flush(es, config, buffer_for(config), now=datetime.now(UTC))
    assert result.kept == 0, result
    es.indices.refresh(index=index_name(config, "unmet-demand"))


def counters(es, config: Config, tenant: str) -> list[dict]:
    es.indices.refresh(index=index_name(config, "unmet-demand"))
    hits = es.search(index=index_name(config, "unmet-demand"), query={"term": {"tenant": tenant}},
                     size=100)["hits"]["hits"]
    return sorted((h["_source"] for h in hits), key=lambda d: (d["kind"], d["sku"], d["day"]))
