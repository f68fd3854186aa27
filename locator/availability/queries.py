"""Pure query building for availability: stock documents near a point, sorted by distance.

Stock documents carry their store's location, area, status and services, so "sku X near me" is
the sku's documents in the areas the circle touches (`locator.areas.circle_filter`), nearest
first, and the hits are cut at the radius (`locator.areas.within_radius`). The stock
index is the tenant's own, so no tenant filter is needed. `on_hand >= min_qty + safety_stock` is
an upper bound of availability (holds are subtracted in Python, from the document's `holds`), so
no store that has the product is left out, and the few that holds rule out are dropped after the
query.
"""

from __future__ import annotations

from dataclasses import dataclass

from locator.areas import circle_filter
from locator.geo import Point, distance_sort
from locator.mappings import stock_routing

STOCK_SOURCE = ["store_id", "sku", "on_hand", "as_of", "holds", "store_status", "updated_at"]
# Excluding the few closed stores' documents costs the node far less than a term on "open",
# whose postings list every document (measured: about a fifth of the stock query's CPU).
NOT_CLOSED = {"bool": {"must_not": {"term": {"store_status": "temporarily_closed"}}}}


@dataclass(frozen=True)
class StockSearch:
    """Stock documents of some skus near a point, with at least `min_on_hand` counted."""

    skus: tuple[str, ...]
    point: Point
    radius_km: float
    min_on_hand: int
    services: tuple[str, ...] = ()


def stock_filters(search: StockSearch) -> list[dict]:
    """Return the filter clauses of a stock search."""
    sku_clause = ({"term": {"sku": search.skus[0]}} if len(search.skus) == 1
                  else {"terms": {"sku": list(search.skus)}})
    filters = [
        sku_clause,
        circle_filter(search.point, search.radius_km),
        {"range": {"on_hand": {"gte": search.min_on_hand}}},
        NOT_CLOSED,
    ]
    filters += [{"term": {"services": service}} for service in search.services]
    return filters


def stock_search_body(search: StockSearch, size: int, search_after: list | None = None) -> dict:
    """Build one page of stock documents, nearest store first, ties by store id then sku."""
    sort = distance_sort(search.point)
    if len(search.skus) > 1:
        # Several documents per store: the sku makes the sort key unique, as search_after needs.
        sort.append({"sku": "asc"})
    body: dict = {
        "query": {"bool": {"filter": stock_filters(search)}},
        "sort": sort,
        "size": size,
        "_source": STOCK_SOURCE,
        "track_total_hits": False,
        # Only the shards of these skus hold their documents (one shard for one sku).
        "routing": ",".join(sorted({stock_routing(sku) for sku in search.skus})),
    }
    if search_after:
        body["search_after"] = search_after
    return body
