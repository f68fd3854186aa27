"""Click & reserve: holds, their life cycle and the store's pick-up list."""

from __future__ import annotations

import re

from flask import current_app, request

from locator.errors import NotFound, Unauthorized, ValidationFailed
from locator.http.apidoc import ServiceBlueprint
from locator.http.auth import (
    current_key,
    current_tenant,
    require_key,
    require_store_scope,
    require_visible_reservation,
)
from locator.http.es import get_es
from locator.indices import tenant_alias
from locator.mappings import entity_id
from locator.metrics import record_reservation
from locator.reports import views as unmet
from locator.reservations import service, states, sweeper, webhooks
from locator.reservations.errors import InsufficientStock
from locator.reservations.schemas import (
    CancelArgs,
    CreatedReservationSchema,
    DeliveryArgs,
    DeliveryListSchema,
    ReservationCreateSchema,
    ReservationListArgs,
    ReservationListSchema,
    ReservationSchema,
    TokenArgs,
)
from locator.stock import visibility

blp = ServiceBlueprint("reservations", __name__, url_prefix="/v1", description="Click & reserve")

IDEMPOTENCY_HEADER = "Idempotency-Key"
TOKEN_HEADER = "X-Reservation-Token"
_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{16,200}$")
_IDEMPOTENCY_DOC = {"in": "header", "name": IDEMPOTENCY_HEADER, "required": True,
                    "description": "A random value (16–200 visible ASCII characters, e.g. a UUID) "
                                   "per reservation attempt: the same key and body give the same "
                                   "reservation (and token) again; the same key with another body "
                                   "is a 422.", "schema": {"type": "string"}}
_TOKEN_DOC = {"in": "header", "name": TOKEN_HEADER, "required": False,
              "description": "The reservation token returned at creation (publishable keys).",
              "schema": {"type": "string"}}


@blp.before_app_request
def _start_background_worker() -> None:
    # Started on the first request of each worker process, never at import; tests using the
    # test client run the sweeper themselves.
    if not current_app.testing:
        sweeper.ensure_background_worker(current_app.config["LOCATOR"])


def _config():
    return current_app.config["LOCATOR"]


def _authorized(rid: str, token: str | None) -> dict:
    """Return the reservation if this request may see it: secret key, its store's store key, or
    publishable key + token."""
    doc = service.get(get_es(), _config(), current_tenant().tenant, rid)
    if current_key().is_staff:
        return require_visible_reservation(doc)
    token = request.headers.get(TOKEN_HEADER) or token
    if not token:
        raise Unauthorized(f"Send the reservation token in the {TOKEN_HEADER} header.")
    if not service.token_matches(doc, token):
        raise NotFound(f"No reservation {rid!r}.")  # indistinguishable from a missing one
    return doc


def _managed_store(store_id: str) -> None:
    """Check that the store is this tenant's (else 404) and that the key may manage it (else 403)."""
    # Another tenant's store (or none) is a 404 like any other object, not an empty list.
    tenant = current_tenant().tenant
    if not get_es().exists(index=tenant_alias(_config(), "stores", tenant), id=entity_id(tenant, store_id)):
        raise NotFound(f"No store {store_id!r}.")
    require_store_scope(store_id)


@blp.route("/reservations", methods=["POST"])
@blp.arguments(ReservationCreateSchema)
@blp.response(201, CreatedReservationSchema, headers={
    "Location": {"description": "The reservation's URL.", "schema": {"type": "string"}},
    "Idempotent-Replayed": {"description": "`true` when this answers a repeat of an earlier request.",
                            "schema": {"type": "string"}}})
@blp.alt_response(409, description="Stock is short (`items`: sku, requested, available — capped at "
                  "10 unless quantities are exposed; nothing held), the store is temporarily "
                  "closed, a request with the same Idempotency-Key is still running, or a replay's "
                  "token was made with a retired secret (`token-unavailable`).")
@blp.alt_response(422, description="Unknown store, or Idempotency-Key reused with another body.")
@blp.doc(parameters=[_IDEMPOTENCY_DOC])
@require_key()
def create_reservation(body: dict):
    """Hold items at one store for the tenant's hold time (default 24 h) for pick-up.

    All items are held or none: the 409 lists each short item with the units available. The
    answer carries the `pickup_code` and the shopper's `token` (shown at creation only, and again
    for a repeat of the same request).
    """
    key = request.headers.get(IDEMPOTENCY_HEADER, "")
    if not _IDEMPOTENCY_KEY.match(key):
        raise ValidationFailed(f"Send a unique {IDEMPOTENCY_HEADER} header (16 to 200 visible ASCII "
                               "characters, e.g. a UUID) with each new reservation.",
                               errors={IDEMPOTENCY_HEADER: ["Missing or malformed."]})
    try:
        created = service.create(get_es(), _config(), current_tenant(), key, body)
    except InsufficientStock as exc:
        record_reservation("short")
        unmet.record_refused(body["store_id"], exc.extra["items"])
        tenant = current_tenant()
        raise exc.disclosed(current_key().is_secret or tenant.settings.expose_quantities) from None
    record_reservation("replayed" if created.replayed else "held")
    if not created.replayed:
        visibility.request_refresh(current_app.config["LOCATOR"])  # availability searches show the hold soon
    headers = {"Location": f"/v1/reservations/{created.doc['reservation_id']}"}
    if created.replayed:
        headers["Idempotent-Replayed"] = "true"
    return {**service.public(created.doc), "token": created.token}, 201, headers


@blp.route("/reservations/<rid>")
@blp.arguments(TokenArgs, location="query")
@blp.response(200, ReservationSchema)
@blp.doc(parameters=[_TOKEN_DOC])
@require_key()
def get_reservation(args: dict, rid: str):
    """Read a reservation: the shopper with the publishable key and token, the store with a secret key."""
    return service.public(_authorized(rid, args["token"]))


@blp.route("/reservations/<rid>/cancel", methods=["POST"])
@blp.arguments(CancelArgs, location="query")
@blp.response(200, ReservationSchema)
@blp.alt_response(409, description="Not held or ready any more.")
@blp.doc(parameters=[_TOKEN_DOC])
@require_key()
def cancel_reservation(args: dict, rid: str):
    """Cancel a held or ready reservation (shopper with token, or store): the units are free at once.

    The store may say why (`reason`: not_collected, changed_mind, unavailable, other).
    """
    _authorized(rid, args["token"])
    actor = "store" if current_key().is_staff else "shopper"
    reason = args["reason"] if actor == "store" else None
    doc = service.transition(get_es(), _config(), current_tenant(), rid, states.CANCEL, actor=actor,
                             reason=reason)
    record_reservation("cancelled")
    visibility.request_refresh(current_app.config["LOCATOR"])
    return service.public(doc)


@blp.route("/reservations/<rid>/ready", methods=["POST"])
@blp.response(200, ReservationSchema)
@blp.alt_response(409, description="Not held any more.")
@require_key("secret", "store")
def ready_reservation(rid: str):
    """Mark a held reservation ready for pick-up (store)."""
    _authorized(rid, None)
    doc = service.transition(get_es(), _config(), current_tenant(), rid, states.READY_ACTION)
    record_reservation("ready")
    return service.public(doc)


@blp.route("/reservations/<rid>/collect", methods=["POST"])
@blp.response(200, ReservationSchema)
@blp.alt_response(409, description="Not ready (or expired, cancelled, collected already).")
@require_key("secret", "store")
def collect_reservation(rid: str):
    """Record the hand-over of a ready reservation (store).

    The held units keep counting until the till reports a count taken at or after the
    collection (`PUT /v1/stock` with `as_of` ≥ `collected_at`), which already has the sale.
    """
    _authorized(rid, None)
    doc = service.transition(get_es(), _config(), current_tenant(), rid, states.COLLECT)
    record_reservation("collected")
    return service.public(doc)


@blp.route("/stores/<store_id>/reservations")
@blp.arguments(ReservationListArgs, location="query")
@blp.response(200, ReservationListSchema)
@require_key("secret", "store")
def list_store_reservations(args: dict, store_id: str):
    """List a store's reservations, optionally by status, soonest expiry first."""
    _managed_store(store_id)
    total, docs = service.list_for_store(get_es(), _config(), current_tenant().tenant, store_id,
                                         args["status"], args["limit"], args["offset"])
    return {"total": total, "reservations": [service.public(d) for d in docs]}


@blp.route("/stores/<store_id>/reservations/by-code/<code>")
@blp.response(200, ReservationSchema)
@require_key("secret", "store")
def reservation_by_code(store_id: str, code: str):
    """Find the open reservation holding a pick-up code at a store (case and dashes ignored)."""
    _managed_store(store_id)
    return service.public(service.find_by_code(get_es(), _config(), current_tenant().tenant, store_id, code))


@blp.route("/webhooks/deliveries")
@blp.arguments(DeliveryArgs, location="query")
@blp.response(200, DeliveryListSchema)
@require_key("secret")
def list_webhook_deliveries(args: dict):
    """List this tenant's deliveries (webhooks and emails), newest first, with every attempt.

    An email shows its `recipient` (`shopper` or `store`), never the address.
    """
    return {"deliveries": webhooks.list_deliveries(get_es(), _config(), current_tenant().tenant,
                                                   status=args["status"], channel=args["channel"],
                                                   reservation_id=args["reservation_id"],
                                                   limit=args["limit"])}
