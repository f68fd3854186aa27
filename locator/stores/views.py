"""Stores near a point, in a viewport or a polygon, and one store."""

from __future__ import annotations

from flask import current_app

from locator.geo import BBox, Point
from locator.http import responses
from locator.http.apidoc import ServiceBlueprint
from locator.http.auth import current_tenant, require_key
from locator.http.es import get_es
from locator.stores import polygons, service
from locator.stores.queries import StoreSearch
from locator.stores.schemas import (
    DEFAULT_RADIUS_KM,
    PolygonSearchBody,
    StoreListQuery,
    StoreListSchema,
    StoreQuery,
    StoreSchema,
)
from locator.stores.table import StoreTable
from locator.text import fold

blp = ServiceBlueprint("stores", __name__, url_prefix="/v1", description="Stores near a point")
STORES_MAX_AGE = 30  # seconds; open_now and next_change move with the clock
STORE_DOC = {"responses": {**responses.NOT_MODIFIED_DOC, **responses.problem_doc(404, "No such store.")}}


def worker_store_table() -> StoreTable:
    """Return this worker's table of stores, made on first use (store and availability listings)."""
    ext = current_app.extensions
    table = ext.get("store_table")
    if table is None:  # two first requests at once: setdefault keeps one table (it loads lazily)
        config = current_app.config["LOCATOR"]
        table = ext.setdefault("store_table", service.store_table(config.store_refresh_seconds))
    return table


def _location(item: dict) -> dict:
    return item["location"]


def _run(search: StoreSearch, args: dict):
    config = current_app.config["LOCATOR"]
    page = service.search_stores(get_es(), config, search, limit=args["limit"],
                                 cursor=args.get("cursor"), now=responses.clock_now(),
                                 open_now=args["open_now"], table=worker_store_table())
    body = {"results": page.results, "next_cursor": page.next_cursor}
    return responses.listing_response(body, "results", _location, max_age=STORES_MAX_AGE)


@blp.route("/stores")
@blp.arguments(StoreListQuery, location="query")
@blp.response(200, StoreListSchema)
@responses.listing_doc(blp)
@require_key()
def list_stores(args: dict):
    """Stores near a point, nearest first.

    Distances are great-circle; ties are broken by store id. `radius_km` (default 25) applies
    around `lat`/`lon`; with `q` or `bbox` it applies only when given. Without a point, a `bbox`
    sorts by distance from its centre and `q` alone sorts by name. `open_now` is evaluated in
    each store's own time zone; stores with unknown hours are left out by it. Without `q` or
    `bbox`, the listing is read from the service's table of stores: an edit to a store shows
    within `STORE_REFRESH_SECONDS` (5 s by default).
    """
    point = Point(args["lat"], args["lon"]) if "lat" in args else None
    radius = args.get("radius_km")
    if radius is None and point is not None and "q" not in args and "bbox" not in args:
        radius = DEFAULT_RADIUS_KM
    bbox = BBox(*args["bbox"]) if "bbox" in args else None
    q = fold(args["q"]) if args.get("q") else None
    search = StoreSearch(tenant=current_tenant().tenant, point=point, radius_km=radius, bbox=bbox,
                         services=tuple(args["services"]), q=q or None)
    return _run(search, args)


@blp.route("/stores/search", methods=["POST"])
@blp.arguments(PolygonSearchBody, location="json")
@blp.response(200, StoreListSchema)
@responses.listing_doc(blp)
@require_key()
def search_polygon(args: dict):
    """Stores inside a GeoJSON polygon (e.g. a delivery zone or a drawn area).

    The polygon is validated and repaired (self-intersections, ring orientation). Results are
    sorted by distance from `lat`/`lon` when given, else from the polygon's centroid.
    """
    geometry = polygons.repair_polygon(args["polygon"])
    if "lat" in args:
        point = Point(args["lat"], args["lon"])
    else:
        point = polygons.inner_point(geometry)
    q = fold(args["q"]) if args.get("q") else None
    search = StoreSearch(tenant=current_tenant().tenant, point=point, polygon=geometry,
                         services=tuple(args["services"]), q=q or None)
    return _run(search, args)


@blp.route("/stores/<string:store_id>")
@blp.arguments(StoreQuery, location="query")
@blp.response(200, StoreSchema)
@blp.doc(**STORE_DOC)
@require_key()
def get_store(args: dict, store_id: str):
    """One store; with `lat`/`lon`, its distance from there."""
    point = Point(args["lat"], args["lon"]) if "lat" in args else None
    store = service.get_store(get_es(), current_app.config["LOCATOR"], current_tenant().tenant,
                              store_id, responses.clock_now(), point)
    return responses.read_response(store, max_age=STORES_MAX_AGE)
