"""The desk's endpoints: a store key's own store, its pick-up list (polled), and product search.

Desks poll `GET /v1/desk/pickups` every `DESK_POLL_SECONDS` with `If-None-Match`: an unchanged
list answers 304 without a body after one small filtered search, and no request ever waits, so
many open desks cost short requests rather than a worker thread each (as a long poll or an
open stream would on gunicorn's threads).
"""

from __future__ import annotations

from flask import current_app

from locator.desk import service
from locator.desk.schemas import DeskProductListSchema, DeskProductQuery, DeskSchema, PickupListSchema
from locator.http import responses
from locator.http.apidoc import ServiceBlueprint
from locator.http.auth import current_key, current_tenant, require_key
from locator.http.es import get_es
from locator.stores import service as stores

blp = ServiceBlueprint("desk", __name__, url_prefix="/v1", description="Store desk")
PICKUPS_DOC = {"responses": responses.NOT_MODIFIED_DOC}


def _config():
    return current_app.config["LOCATOR"]


@blp.route("/desk")
@blp.response(200, DeskSchema)
@require_key("store")
def desk():
    """Who is signed in: the tenant and the one store this store key manages."""
    tenant = current_tenant()
    store = stores.get_store(get_es(), _config(), tenant.tenant, current_key().store_id,
                             responses.clock_now())
    return {"tenant": tenant.tenant, "tenant_name": tenant.name, "store": store,
            "poll_seconds": _config().desk_poll_seconds}


@blp.route("/desk/pickups")
@blp.response(200, PickupListSchema)
@blp.doc(**PICKUPS_DOC)
@require_key("store")
def pickups():
    """The store's pick-up list: held and ready reservations, soonest expiry first.

    Poll it with `If-None-Match` (its strong ETag): 304 while nothing changed.
    """
    body = service.pickup_list(get_es(), _config(), current_tenant().tenant, current_key().store_id,
                               responses.clock_now())
    return responses.read_response(body, max_age=0)


@blp.route("/products")
@blp.arguments(DeskProductQuery, location="query")
@blp.response(200, DeskProductListSchema)
@require_key()
def products(args: dict):
    """Find products by sku, GTIN or name (the desk's endless aisle, a kiosk), exact sku or GTIN first."""
    results = service.search_products(get_es(), _config(), current_tenant().tenant, args["q"],
                                      args["limit"])
    return responses.read_response({"results": results}, max_age=10)
