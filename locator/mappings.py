"""Explicit mappings for the catalogue indices: stores, products and per-store stock."""

from __future__ import annotations

# Accents are folded in Python into the `*_folded` fields: the stripped test node has no
# asciifolding filter, and a production cluster then behaves the same way.
_FOLDED_TEXT = {"type": "text", "analyzer": "standard", "index_prefixes": {}}

STORES = {
    "dynamic": "strict",
    "properties": {
        "tenant": {"type": "keyword"},
        "store_id": {"type": "keyword"},
        "name": {"type": "text", "fields": {"sort": {"type": "keyword"}}},
        "street": {"type": "text"},
        "postcode": {"type": "keyword"},
        "city": {"type": "text", "fields": {"raw": {"type": "keyword"}}},
        "country": {"type": "keyword"},
        "location": {"type": "geo_point"},
        # exact (from the file) or the geocoder's precision: address | postcode | city
        "location_precision": {"type": "keyword"},
        "phone": {"type": "keyword", "index": False},
        "notify_email": {"type": "keyword", "index": False},  # told of new reservations
        "timezone": {"type": "keyword"},
        "opening_hours": {"type": "keyword", "index": False},
        "services": {"type": "keyword"},
        "status": {"type": "keyword"},  # open | temporarily_closed
        "search_text": _FOLDED_TEXT,  # folded name + city + postcode, for `q`
        "demo": {"type": "boolean"},
        "updated_at": {"type": "date"},
    },
}

PRODUCTS = {
    "dynamic": "strict",
    "properties": {
        "tenant": {"type": "keyword"},
        "sku": {"type": "keyword"},
        "name": {"type": "text", "fields": {"raw": {"type": "keyword"}}},
        "brand": {"type": "keyword"},
        "category": {"type": "keyword"},
        "gtin": {"type": "keyword"},
        "price": {"type": "double"},
        "search_text": _FOLDED_TEXT,
        "demo": {"type": "boolean"},
        "updated_at": {"type": "date"},
    },
}

# One document per (tenant, store, sku), carrying what "sku X near me" filters on, so that the
# query is one filtered geo query sorted by distance. Active holds sit in the document itself so
# that a hold and the availability it changes are written in one atomic, versioned update.
STOCK = {
    "dynamic": "strict",
    "properties": {
        "tenant": {"type": "keyword"},
        "store_id": {"type": "keyword"},
        "sku": {"type": "keyword"},
        "location": {"type": "geo_point"},
        "store_status": {"type": "keyword"},
        "services": {"type": "keyword"},
        "on_hand": {"type": "integer"},
        "as_of": {"type": "date"},
        "holds": {
            "type": "object",
            "enabled": False,  # read back from _source, never queried
        },
        "held": {"type": "integer"},
        "demo": {"type": "boolean"},
        "simulated": {"type": "boolean"},
        "updated_at": {"type": "date"},
    },
}


def stock_id(tenant: str, store_id: str, sku: str) -> str:
    """Return the id of the stock document of one (tenant, store, sku)."""
    return f"{tenant}\x1f{store_id}\x1f{sku}"


def entity_id(tenant: str, key: str) -> str:
    """Return the id of a tenant-scoped document (a store or a product)."""
    return f"{tenant}\x1f{key}"
