"""Availability near a point: one product, or a basket of products.

Exact availability is computed here with `locator.stock.model` (on hand − counting holds −
safety stock), at the request's `now`, so an expired hold stops counting at once.

Two flags keep a listing honest:
- `stale`: the count is older than the tenant's `stock_freshness_hours`. Its `level` is then at
  most `low_stock` (never a plain `in_stock`); `reported_level` keeps what the count says.
- a store `temporarily_closed` cannot supply anything: its `level` is `out_of_stock`, and it is
  listed only among the stores without the product.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from elasticsearch import Elasticsearch

from locator import geo, listing
from locator.areas import within_radius
from locator.availability.queries import StockSearch, stock_search_body
from locator.config import Config
from locator.doccache import DocCache
from locator.errors import NotFound
from locator.geo import Point
from locator.indices import stock_alias, tenant_alias
from locator.mappings import stock_ref
from locator.stock import model
from locator.stores.queries import StoreSearch
from locator.stores.service import Page, search_hits, store_hits, store_summary
from locator.stores.table import StoreTable
from locator.tenants.service import Tenant

PHASE_WITH, PHASE_WITHOUT = 1, 2
CURSOR_PHASES = frozenset({PHASE_WITH, PHASE_WITHOUT})
# The cursor that starts the "without it" phase: every distance is above -1.
PHASE_WITHOUT_START = [-1, ""]
WITHOUT_BATCH = 200


@dataclass(frozen=True)
class Visibility:
    """What the caller may see and the tenant's arithmetic settings."""

    show_qty: bool
    safety_stock: int
    low_stock_threshold: int
    freshness: timedelta

    @classmethod
    def for_request(cls, tenant: Tenant, secret_key: bool) -> Visibility:
        settings = tenant.settings
        return cls(secret_key or settings.expose_quantities, settings.safety_stock,
                   settings.low_stock_threshold, timedelta(hours=settings.stock_freshness_hours))


def stock_state(doc: dict | None, vis: Visibility, now: datetime, closed: bool = False) -> dict:
    """Return level, available quantity, staleness and `updated_at` of one stock document."""
    if doc is None:
        available, stale, updated = 0, False, None
    else:
        available = model.available_qty(doc, vis.safety_stock, now)
        stale = model.parse_time(doc["as_of"]) < now - vis.freshness
        updated = doc.get("as_of")
    if closed:
        available = 0
    reported = model.stock_level(available, vis.low_stock_threshold)
    level = model.LOW_STOCK if stale and reported == model.IN_STOCK else reported
    state = {"level": level, "reported_level": reported, "stale": stale, "updated_at": updated,
             "available": available}
    return state


def public_state(state: dict, vis: Visibility) -> dict:
    """Return a stock state as the caller may see it (quantities only when allowed)."""
    result = {k: v for k, v in state.items() if k != "available"}
    if vis.show_qty:
        result["available_qty"] = state["available"]
    return result


PRODUCT_FIELDS = ["sku", "name", "brand", "category"]


def product_cache(ttl: float = DocCache.DEFAULT_TTL) -> DocCache:
    """Return a per-worker cache of products (an unknown sku is never remembered)."""
    return DocCache("products", PRODUCT_FIELDS, ttl=ttl, max_entries=100_000, remember_missing=False)


@dataclass(frozen=True)
class AvailabilityRequest:
    sku: str
    point: Point
    radius_km: float
    limit: int
    min_qty: int
    include_out_of_stock: bool
    services: tuple[str, ...] = ()


@dataclass
class Context:
    """What one request's service calls share."""

    es: Elasticsearch
    config: Config
    tenant: str
    vis: Visibility
    now: datetime
    stores: StoreTable
    # Told the skus a basket's first page found nowhere within the radius (unmet-demand report).
    on_unsupplied: Callable[[list[str]], None] | None = None


def _collect(fetch: Callable[[list | None, int], list[dict]],
             convert: Callable[[list[dict]], list[tuple[list, dict | None]]],
             limit: int, search_after: list | None, batch: int) -> tuple[list[dict], list | None]:
    """Read hits in batches until `limit` items are kept; return items and the next cursor values."""
    items: list[dict] = []
    last: list | None = None
    while True:
        hits = fetch(search_after, batch)
        for sort, item in convert(hits):
            if len(items) == limit:
                return items, last
            search_after = sort
            if item is not None:
                items.append(item)
                last = sort
        if len(hits) < batch:
            return items, None


def decode_availability_cursor(cursor: str | None) -> tuple[list | None, int | None]:
    """Return (search_after, phase) of an availability cursor; anything else is a 400."""
    return listing.decode_cursor(cursor, listing.DISTANCE, CURSOR_PHASES)


def availability(ctx: Context, req: AvailabilityRequest, cursor: str | None) -> Page:
    """Return one page: stores with the product (nearest first), then, if asked, those without."""
    search_after, phase = decode_availability_cursor(cursor)
    phase = phase or PHASE_WITH
    results: list[dict] = []
    if phase == PHASE_WITH:
        results, last = _collect(lambda after, size: _fetch_with(ctx, req, after, size),
                                 lambda hits: _convert_with(ctx, req, hits),
                                 req.limit, search_after, req.limit + 1)
        if last is not None:
            return Page(results, listing.encode_cursor(last, PHASE_WITH))
        if not req.include_out_of_stock:
            return Page(results, None)
        if len(results) == req.limit:
            return Page(results, listing.encode_cursor(PHASE_WITHOUT_START, PHASE_WITHOUT))
        search_after = None
    more, last = _collect(lambda after, size: _fetch_without(ctx, req, after, size),
                          lambda hits: _convert_without(ctx, req, hits),
                          req.limit - len(results), search_after, WITHOUT_BATCH)
    results += more
    return Page(results, listing.encode_cursor(last, PHASE_WITHOUT) if last else None)


def _stock_search(ctx: Context, req: AvailabilityRequest) -> StockSearch:
    return StockSearch(skus=(req.sku,), point=req.point, radius_km=req.radius_km,
                       min_on_hand=req.min_qty + ctx.vis.safety_stock, services=req.services)


def stock_hits(ctx: Context, search: StockSearch, size: int, after: list | None) -> list[dict]:
    """Return one page of stock hits within the search's radius, nearest first.

    A page cut short at the radius is shorter than `size`, which tells callers it is the last.
    """
    hits = search_hits(ctx.es, stock_alias(ctx.config, ctx.tenant), stock_search_body(search, size, after))
    return within_radius(hits, search.radius_km)


def _fetch_with(ctx: Context, req: AvailabilityRequest, after: list | None, size: int) -> list[dict]:
    return stock_hits(ctx, _stock_search(ctx, req), size, after)


def _convert_with(ctx: Context, req: AvailabilityRequest, hits: list[dict]):
    stores = ctx.stores.get_many(ctx.es, ctx.config, ctx.tenant, [h["_source"]["store_id"] for h in hits])
    converted = []
    for hit in hits:
        source = hit["_source"]
        store = stores.get(source["store_id"])
        state = stock_state(source, ctx.vis, ctx.now)
        if store is None or state["available"] < req.min_qty:
            converted.append((hit["sort"], None))  # held away, or an orphan stock document
            continue
        distance = geo.distance_km(hit["sort"], req.point)
        converted.append((hit["sort"], _entry(ctx, store, distance, state)))
    return converted


def _entry(ctx: Context, store: dict, distance: float | None, state: dict) -> dict:
    summary = store_summary(store, ctx.now, distance)
    return {"store": summary, "distance_km": distance, **public_state(state, ctx.vis)}


def _fetch_without(ctx: Context, req: AvailabilityRequest, after: list | None, size: int) -> list[dict]:
    search = StoreSearch(tenant=ctx.tenant, point=req.point, radius_km=req.radius_km,
                         services=req.services)
    return store_hits(ctx.es, tenant_alias(ctx.config, "stores", ctx.tenant), search, size, after)


def _convert_without(ctx: Context, req: AvailabilityRequest, hits: list[dict]):
    if not hits:
        return []
    refs = [stock_ref(ctx.tenant, h["_source"]["store_id"], req.sku) for h in hits]
    docs = ctx.es.mget(index=stock_alias(ctx.config, ctx.tenant), docs=refs,
                       source_includes=["on_hand", "as_of", "holds"])["docs"]
    converted = []
    for hit, doc in zip(hits, docs, strict=True):
        store = hit["_source"]
        closed = store.get("status") == "temporarily_closed"
        state = stock_state(doc["_source"] if doc.get("found") else None, ctx.vis, ctx.now, closed)
        if not closed and state["available"] >= req.min_qty:
            converted.append((hit["sort"], None))  # listed in the first phase already
            continue
        distance = geo.distance_km(hit["sort"], req.point)
        converted.append((hit["sort"], _entry(ctx, store, distance, state)))
    return converted


def require_products(ctx: Context, products: DocCache, skus: list[str]) -> dict[str, dict]:
    """Return {sku: product summary} for `skus`, or raise NotFound naming the unknown ones."""
    found = products.get_many(ctx.es, ctx.config, ctx.tenant, skus)
    unknown = [s for s in skus if s not in found]
    if unknown:
        raise NotFound(f"Unknown sku: {', '.join(unknown)}.", unknown_skus=unknown)
    return {sku: {"sku": sku, "name": src.get("name", ""), "brand": src.get("brand") or None,
                  "category": src.get("category") or None} for sku, src in found.items()}
