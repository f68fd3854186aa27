"""Product and basket availability near a point."""

from __future__ import annotations

from flask import current_app

from locator.availability import basket as basket_service
from locator.availability import service
from locator.availability.schemas import (
    AvailabilityQuery,
    AvailabilitySchema,
    BasketRequestSchema,
    BasketSchema,
)
from locator.doccache import DocCache
from locator.geo import Point
from locator.http import responses
from locator.http.apidoc import ServiceBlueprint
from locator.http.auth import current_key, current_tenant, require_key
from locator.http.es import get_es
from locator.reports import views as unmet
from locator.stock import disclosure
from locator.stores.table import StoreTable
from locator.stores.views import worker_store_table

blp = ServiceBlueprint("availability", __name__, url_prefix="/v1", description="Product availability")
STOCK_MAX_AGE = 10  # seconds: stock moves


def _caches() -> tuple[StoreTable, DocCache]:
    """Return this worker's store table and product cache, made on first use."""
    ext = current_app.extensions
    if "product_cache" not in ext:
        ext["product_cache"] = service.product_cache()
    return worker_store_table(), ext["product_cache"]


def _context() -> service.Context:
    tenant = current_tenant()
    stores, _ = _caches()
    return service.Context(
        es=get_es(), config=current_app.config["LOCATOR"], tenant=tenant.tenant,
        vis=service.Visibility.for_request(tenant, current_key().is_staff),
        now=responses.clock_now(), stores=stores,
    )


def _store_location(item: dict) -> dict:
    return item["store"]["location"]


@blp.route("/availability")
@blp.arguments(AvailabilityQuery, location="query")
@blp.response(200, AvailabilitySchema)
@responses.listing_doc(blp)
@blp.doc(responses=responses.problem_doc(404, "Unknown sku (`unknown_skus` lists it)."))
@require_key()
def availability(args: dict):
    """Stores near a point with a product, nearest first.

    Per store: `level`, `stale`, `updated_at` and, for secret keys or when the tenant exposes
    quantities, `available_qty`. With `include_out_of_stock=true`, the nearby stores without
    the product follow, so a page is never empty while stores are near. An unknown sku is a 404.

    A count older than the tenant's freshness limit is `stale: true` and never a plain
    `in_stock` (shown as `low_stock`; `reported_level` keeps the count's own level). A store
    temporarily closed supplies nothing: `out_of_stock`, among the stores without the product.
    """
    service.decode_availability_cursor(args.get("cursor"))  # a bad cursor: 400 before any lookup
    ctx = _context()
    disclosure.check_asked_qty("min_qty", args["min_qty"], ctx.vis.show_qty)
    _, products = _caches()
    product = service.require_products(ctx, products, [args["sku"]])[args["sku"]]
    req = service.AvailabilityRequest(
        sku=args["sku"], point=Point(args["lat"], args["lon"]), radius_km=args["radius_km"],
        limit=args["limit"], min_qty=args["min_qty"],
        include_out_of_stock=args["include_out_of_stock"], services=tuple(args["services"]),
    )
    page = service.availability(ctx, req, args.get("cursor"))
    unmet.record_availability(args, req.point, page.results)
    body = {"sku": args["sku"], "product": product, "results": page.results,
            "next_cursor": page.next_cursor}
    return responses.listing_response(body, "results", _store_location, max_age=STOCK_MAX_AGE)


@blp.route("/availability/basket", methods=["POST"])
@blp.arguments(BasketRequestSchema, location="json")
@blp.response(200, BasketSchema)
@responses.listing_doc(blp)
@blp.doc(responses=responses.problem_doc(404, "Unknown skus (`unknown_skus` lists them)."))
@require_key()
def basket(args: dict):
    """Stores near a point that can supply a basket (up to 50 lines).

    Stores that can supply everything come first (nearest first), then partial ones ranked by
    the units they can supply, each with what is available and missing per line.
    """
    basket_service.decode_basket_cursor(args.get("cursor"))
    merged: dict[str, int] = {}
    for item in args["items"]:
        merged[item["sku"]] = merged.get(item["sku"], 0) + item["qty"]
    ctx = _context()
    for qty in merged.values():
        disclosure.check_asked_qty("items", qty, ctx.vis.show_qty)
    _, products = _caches()
    service.require_products(ctx, products, list(merged))
    ctx.on_unsupplied = unmet.basket_recorder(Point(args["lat"], args["lon"]))
    req = basket_service.BasketRequest(
        items=tuple(merged.items()), point=Point(args["lat"], args["lon"]),
        radius_km=args["radius_km"], limit=args["limit"], include_partial=args["include_partial"],
    )
    page = basket_service.basket(ctx, req, args.get("cursor"))
    body = {"items": [{"sku": s, "qty": q} for s, q in merged.items()], "results": page.results,
            "next_cursor": page.next_cursor}
    # A POST answer is not cached by HTTP caches; the ETag still lets a client compare answers.
    return responses.listing_response(body, "results", _store_location, max_age=0)

