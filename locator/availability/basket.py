"""Basket availability: which nearby stores can supply several products at once.

Every stock document of the basket's skus within the radius is read (nearest first), grouped by
store and ranked in Python: stores that can supply the whole basket first, nearest first; then
partial ones by units they can supply, then complete lines, then distance and store id.
"""

from __future__ import annotations

from dataclasses import dataclass

from locator import geo, listing
from locator.availability.queries import StockSearch
from locator.availability.service import Context, public_state, stock_hits, stock_state
from locator.geo import Point
from locator.stores.service import Page, store_summary

PAGE = 5000
MAX_DOCS = 200_000  # bounds one request's work: 50 skus x 4,000 stores
BASKET_PHASE = 3


@dataclass(frozen=True)
class BasketRequest:
    items: tuple[tuple[str, int], ...]  # (sku, qty), skus unique
    point: Point
    radius_km: float
    limit: int
    include_partial: bool = True


def decode_basket_cursor(cursor: str | None) -> int:
    """Return the offset into the ranking a basket cursor points at; anything else is a 400."""
    after, _phase = listing.decode_cursor(cursor, listing.OFFSET, {BASKET_PHASE})
    return after[0] if after else 0


def basket(ctx: Context, req: BasketRequest, cursor: str | None) -> Page:
    """Return one page of stores ranked by how much of the basket they can supply."""
    offset = decode_basket_cursor(cursor)
    per_store, distances = _read_stock(ctx, req)
    ranked = _rank(ctx, req, per_store, distances)
    if cursor is None and req.include_partial and ctx.on_unsupplied is not None:
        ctx.on_unsupplied(unsupplied_skus(req, ranked))
    page = ranked[offset:offset + req.limit]
    stores = ctx.stores.get_many(ctx.es, ctx.config, ctx.tenant, [r["store_id"] for r in page])
    results = []
    for row in page:
        store = stores.get(row["store_id"])
        if store is None:
            continue
        summary = store_summary(store, ctx.now, row["distance_km"])
        results.append({"store": summary, **{k: v for k, v in row.items() if k != "store_id"}})
    more = offset + req.limit < len(ranked)
    next_cursor = listing.encode_cursor([offset + req.limit, ""], BASKET_PHASE) if more else None
    return Page(results, next_cursor)


def unsupplied_skus(req: BasketRequest, ranked: list[dict]) -> list[str]:
    """Return the basket's skus that no ranked store can supply, not even one unit."""
    supplied = {line["sku"] for row in ranked for line in row["items"] if line["supplied_qty"]}
    return [sku for sku, _ in req.items if sku not in supplied]


def _read_stock(ctx: Context, req: BasketRequest) -> tuple[dict[str, dict[str, dict]], dict[str, float]]:
    search = StockSearch(skus=tuple(sku for sku, _ in req.items), point=req.point,
                         radius_km=req.radius_km, min_on_hand=1 + ctx.vis.safety_stock)
    per_store: dict[str, dict[str, dict]] = {}
    distances: dict[str, float] = {}
    after = None
    read = 0
    while read < MAX_DOCS:
        hits = stock_hits(ctx, search, PAGE, after)
        for hit in hits:
            source = hit["_source"]
            per_store.setdefault(source["store_id"], {})[source["sku"]] = source
            distances[source["store_id"]] = geo.distance_km(hit["sort"], req.point)
        read += len(hits)
        if len(hits) < PAGE:
            break
        after = hits[-1]["sort"]
    return per_store, distances


def _rank(ctx: Context, req: BasketRequest, per_store: dict[str, dict[str, dict]],
          distances: dict[str, float]) -> list[dict]:
    requested = sum(qty for _, qty in req.items)
    rows = []
    for store_id, docs in per_store.items():
        lines = []
        supplied_units = complete_lines = 0
        for sku, qty in req.items:
            state = stock_state(docs.get(sku), ctx.vis, ctx.now)
            supplied = min(qty, state["available"])
            supplied_units += supplied
            complete_lines += supplied == qty
            line = {"sku": sku, "qty": qty, "supplied_qty": supplied, "missing_qty": qty - supplied,
                    **public_state(state, ctx.vis)}
            lines.append(line)
        if supplied_units == 0:
            continue
        complete = supplied_units == requested
        if not complete and not req.include_partial:
            continue
        rows.append({
            "store_id": store_id,
            "distance_km": distances[store_id],
            "complete": complete,
            "supplied_units": supplied_units,
            "requested_units": requested,
            "complete_lines": complete_lines,
            "missing": [line["sku"] for line in lines if line["missing_qty"]],
            "items": lines,
        })
    rows.sort(key=lambda r: (not r["complete"],
                             0 if r["complete"] else -r["supplied_units"],
                             0 if r["complete"] else -r["complete_lines"],
                             r["distance_km"], r["store_id"]))
    return rows
