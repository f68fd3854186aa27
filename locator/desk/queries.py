"""Query bodies of the desk: pure functions, unit-tested on their own."""

from __future__ import annotations

from datetime import datetime

from locator.reservations import states
from locator.text import fold


def pickup_list_query(tenant: str, store_id: str, now: datetime) -> dict:
    """Open reservations of one store (held or ready) whose hold time has not passed."""
    return {"bool": {"filter": [
        {"term": {"tenant": tenant}}, {"term": {"store_id": store_id}},
        {"terms": {"status": list(states.OPEN)}},
        {"range": {"expires_at": {"gt": now.isoformat()}}},
    ]}}


def product_search_query(tenant: str, q: str) -> dict:
    """Products by exact sku or GTIN first, then by name words (accents ignored, last word a prefix)."""
    text = q.strip()
    should: list[dict] = [
        {"term": {"sku": {"value": text, "boost": 10}}},
        {"term": {"gtin": {"value": text, "boost": 10}}},
    ]
    folded = fold(text)
    if folded:
        should.append({"match_bool_prefix": {"search_text": {"query": folded, "operator": "and"}}})
    return {"bool": {"filter": [{"term": {"tenant": tenant}}], "should": should,
                     "minimum_should_match": 1}}
