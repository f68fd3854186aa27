"""Write catalogue documents straight into the test indices (for tests of the read/write API).

The indexer's own tests go through its readers; other tests only need a few known documents.
"""

from __future__ import annotations

from datetime import UTC, datetime

from elasticsearch import Elasticsearch, helpers

from locator.areas import area_of
from locator.config import Config
from locator.indices import ensure_tenant_indices, stock_alias, tenant_alias
from locator.mappings import entity_id, stock_id, stock_routing


def store_doc(tenant: str, store_id: str, lat: float, lon: float, **fields) -> dict:
    name = fields.pop("name", f"Store {store_id}")
    city = fields.pop("city", "Paris")
    doc = {
        "tenant": tenant, "store_id": store_id, "name": name, "street": "", "postcode": "",
        "city": city, "country": "FR", "location": {"lat": lat, "lon": lon}, "phone": "",
        "timezone": "Europe/Paris", "opening_hours": "24/7", "services": [], "status": "open",
        "search_text": f"{name} {city}".lower(), "demo": False,
        "updated_at": datetime.now(UTC).isoformat(),
    }
    doc.update(fields)
    doc["area"] = area_of(doc["location"])  # as the indexer writes it
    return doc


def product_doc(tenant: str, sku: str, **fields) -> dict:
    doc = {"tenant": tenant, "sku": sku, "name": fields.pop("name", f"Product {sku}"),
           "brand": "", "category": "", "search_text": sku.lower(), "demo": False,
           "updated_at": datetime.now(UTC).isoformat()}
    doc.update(fields)
    return doc


def seed(es: Elasticsearch, config: Config, stores: list[dict], products: list[dict]) -> None:
    """Index store and product documents, each through its tenant's alias, and make them visible."""
    for tenant in {d["tenant"] for d in stores + products}:
        ensure_tenant_indices(es, config, tenant)
    actions = [{"_index": tenant_alias(config, "stores", s["tenant"]),
                "_id": entity_id(s["tenant"], s["store_id"]), **s} for s in stores]
    actions += [{"_index": tenant_alias(config, "products", p["tenant"]),
                 "_id": entity_id(p["tenant"], p["sku"]), **p} for p in products]
    helpers.bulk(es, actions, refresh=True)


def get_stock_doc(es: Elasticsearch, config: Config, tenant: str, store_id: str, sku: str) -> dict:
    """Return the stock document of (tenant, store, sku) as `get` answers it (with its routing)."""
    return es.get(index=stock_alias(config, tenant), id=stock_id(tenant, store_id, sku),
                  routing=stock_routing(sku))
