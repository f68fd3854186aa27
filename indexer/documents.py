"""Elasticsearch documents built from validated rows."""

from __future__ import annotations

from locator.areas import area_of
from locator.text import fold

EXACT = "exact"  # location_precision of coordinates given in the file


def store_document(tenant: str, row: dict, location: dict, precision: str, timezone: str,
                   demo: bool, stamp: str) -> dict:
    """Return the stores-index document of one validated store row."""
    return {
        "tenant": tenant,
        "store_id": row["store_id"],
        "name": row["name"],
        "street": row["street"],
        "postcode": row["postcode"],
        "city": row["city"],
        "country": row["country"],
        "location": location,
        "area": area_of(location),
        "location_precision": precision,
        "phone": row["phone"],
        "notify_email": row.get("notify_email") or None,
        "timezone": timezone,
        "opening_hours": row["opening_hours"],
        "services": row["services"],
        "status": row["status"],
        "search_text": fold(" ".join(filter(None, (row["name"], row["city"], row["postcode"])))),
        "demo": demo,
        "updated_at": stamp,
    }


def product_document(tenant: str, row: dict, demo: bool, stamp: str) -> dict:
    """Return the products-index document of one validated product row."""
    doc = {
        "tenant": tenant,
        "sku": row["sku"],
        "name": row["name"],
        "brand": row["brand"],
        "category": row["category"],
        "gtin": row["gtin"],
        "search_text": fold(" ".join(filter(None, (row["name"], row["brand"], row["sku"])))),
        "demo": demo,
        "updated_at": stamp,
    }
    if row.get("price") is not None:
        doc["price"] = row["price"]
    return doc


def same_content(old: dict | None, new: dict) -> bool:
    """Return True when two documents differ at most in `updated_at`."""
    if old is None:
        return False
    return {k: v for k, v in old.items() if k != "updated_at"} == \
        {k: v for k, v in new.items() if k != "updated_at"}
