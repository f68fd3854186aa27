"""Explicit mappings for the catalogue indices: stores, products and per-store stock."""

from __future__ import annotations

import hashlib

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
        "area": {"type": "keyword"},  # its cell of `locator.areas`: a search reads a few
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
    # Every read and write names the routing (`stock_routing`): one forgotten is an error, never a
    # document written to, or looked for in, the wrong shard.
    "_routing": {"required": True},
    "properties": {
        "tenant": {"type": "keyword"},
        "store_id": {"type": "keyword"},
        "sku": {"type": "keyword"},
        "location": {"type": "geo_point"},
        "area": {"type": "keyword"},  # the store's cell of `locator.areas`: few read per search
        "store_status": {"type": "keyword"},
        "services": {"type": "keyword"},
        "on_hand": {"type": "integer"},
        "as_of": {"type": "date"},
        "holds": {
            "type": "object",
            "enabled": False,  # read back from _source, never queried
        },
        "held": {"type": "integer"},
        # The full load (its index's name) whose file gave this count, so that a rollback of that
        # load takes the count back and keeps any other: none when a writer counted since.
        "loaded_by": {"type": "keyword"},
        "demo": {"type": "boolean"},
        "simulated": {"type": "boolean"},
        "updated_at": {"type": "date"},
    },
}


# Stock documents are stored in (sku, area) order: a search reads one sku's documents in a few
# areas, which then sit side by side, so its hits come from fewer compressed blocks and its doc
# values are walked in order (bench/README.md, sixth round: 10 to 20 % less node CPU per stock
# query). Set when an index is created: a full load's new index has it, older ones keep theirs.
STOCK_INDEX_SORT = {"sort.field": ["sku", "area"], "sort.order": ["asc", "asc"]}


def stock_id(tenant: str, store_id: str, sku: str) -> str:
    """Return the id of the stock document of one (tenant, store, sku)."""
    return f"{tenant}\x1f{store_id}\x1f{sku}"


def stock_routing(sku: str) -> str:
    """Return the routing of a stock document: its sku, so "sku X near me" reads one shard.

    Within a tenant's own stock index the sku spreads documents evenly and keeps every store's
    count of one product together. Hashed, because a sku may hold a comma, which separates the
    routing values of a search (a basket routes to each of its skus).
    """
    return hashlib.blake2b(sku.encode(), digest_size=8).hexdigest()


def stock_ref(tenant: str, store_id: str, sku: str) -> dict:
    """Return the `_id` and routing of one stock document, for `mget` and bulk actions."""
    return {"_id": stock_id(tenant, store_id, sku), "routing": stock_routing(sku)}


def entity_id(tenant: str, key: str) -> str:
    """Return the id of a tenant-scoped document (a store or a product)."""
    return f"{tenant}\x1f{key}"
