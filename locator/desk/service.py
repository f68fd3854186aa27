"""The desk's reads: who is signed in, the store's pick-up list and the product search."""

from __future__ import annotations

from datetime import datetime

from elasticsearch import Elasticsearch

from locator.config import Config
from locator.desk.queries import pickup_list_query, product_search_query
from locator.es import index_name
from locator.indices import TENANT_SEARCH, tenant_alias
from locator.mappings import entity_id
from locator.reservations import service as reservations

PICKUP_LIST_LIMIT = 200  # a store's open reservations; far above a day's pick-ups
PRODUCT_FIELDS = ["sku", "name", "brand", "category", "gtin", "price"]


def pickup_list(es: Elasticsearch, config: Config, tenant: str, store_id: str, now: datetime) -> dict:
    """Return the store's held and ready reservations, soonest expiry first, as the API shows them."""
    result = es.search(index=index_name(config, "reservations"),
                       query=pickup_list_query(tenant, store_id, now),
                       sort=[{"expires_at": "asc"}, {"reservation_id": "asc"}],
                       size=PICKUP_LIST_LIMIT, track_total_hits=True)
    docs = [hit["_source"] for hit in result["hits"]["hits"]]
    return {"store_id": store_id, "total": result["hits"]["total"]["value"],
            "reservations": [reservations.public(doc, now) for doc in docs],
            "product_names": product_names(es, config, tenant,
                                           {item["sku"] for doc in docs for item in doc["items"]})}


def product_names(es: Elasticsearch, config: Config, tenant: str, skus: set[str]) -> dict[str, str]:
    """Return the names of the tenant's products by sku (skus without a product are left out)."""
    if not skus:
        return {}
    ids = [entity_id(tenant, sku) for sku in sorted(skus)]
    found = es.mget(index=tenant_alias(config, "products", tenant), ids=ids,
                    source_includes=["sku", "name"])["docs"]
    return {doc["_source"]["sku"]: doc["_source"].get("name") or doc["_source"]["sku"]
            for doc in found if doc.get("found")}


def search_products(es: Elasticsearch, config: Config, tenant: str, q: str, limit: int) -> list[dict]:
    """Return the tenant's products matching a sku, a GTIN or words of the name, best first."""
    hits = es.search(index=tenant_alias(config, "products", tenant), query=product_search_query(tenant, q),
                     **TENANT_SEARCH,
                     size=limit, source_includes=PRODUCT_FIELDS,
                     sort=["_score", {"sku": "asc"}])["hits"]["hits"]
    return [{name: hit["_source"].get(name) for name in PRODUCT_FIELDS} for hit in hits]
