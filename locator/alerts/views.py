"""Back-in-stock alerts: creation (double opt-in), confirmation and cancellation by token."""

from __future__ import annotations

from flask import current_app

from locator.alerts import service
from locator.alerts.schemas import AlertCreateSchema, AlertSchema, TokenSchema
from locator.geo import Point
from locator.http.apidoc import ServiceBlueprint
from locator.http.auth import current_tenant, require_key
from locator.http.es import get_es
from locator.http.responses import clock_now
from locator.reports import views as unmet
from locator.reports.counting import ALERT_CREATED

blp = ServiceBlueprint("alerts", __name__, url_prefix="/v1", description="Back-in-stock alerts")


def _config():
    return current_app.config["LOCATOR"]


@blp.route("/alerts", methods=["POST"])
@blp.arguments(AlertCreateSchema)
@blp.response(201, AlertSchema)
@blp.alt_response(200, schema=AlertSchema, description="The same alert is open already (a repeat).")
@blp.alt_response(422, description="Unknown sku or store, or no store within the radius.")
@require_key()
def create_alert(body: dict):
    """Ask to be told when a product is back at a store, or at any store nearby.

    The alert is `pending` until the shopper follows the confirmation link emailed to them
    (double opt-in), then `active` until stock comes back (one email, and it ends), it is
    cancelled, or it expires (the tenant's `alert_days`, default 60). One alert per email, sku
    and place: a repeat answers the open alert (200) and sends nothing again.
    """
    point = Point(body["lat"], body["lon"]) if body.get("lat") is not None else None
    req = service.AlertRequest(email=body["email"], sku=body["sku"], lang=body["lang"],
                               store_id=body.get("store_id"), point=point,
                               radius_km=body.get("radius_km"))
    now = clock_now()
    doc, created = service.create(get_es(), _config(), current_tenant(), req, now)
    if created:
        unmet.record_unmet(ALERT_CREATED, [doc["sku"]], store_id=doc["store_ids"][0])
    return service.public(doc, now), 201 if created else 200


@blp.route("/alerts/confirm", methods=["POST"])
@blp.arguments(TokenSchema)
@blp.response(200, AlertSchema)
@blp.alt_response(409, description="The alert ended (cancelled, sent or expired).")
@require_key()
def confirm_alert(body: dict):
    """Confirm an alert with the token of its confirmation email (double opt-in)."""
    now = clock_now()
    doc = service.confirm(get_es(), _config(), current_tenant().tenant, body["token"], now)
    return service.public(doc, now)


@blp.route("/alerts/cancel", methods=["POST"])
@blp.arguments(TokenSchema)
@blp.response(200, AlertSchema)
@blp.alt_response(409, description="The alert ended already.")
@require_key()
def cancel_alert(body: dict):
    """Cancel an alert with the token of the link in its emails; its email address is deleted."""
    now = clock_now()
    doc = service.cancel(get_es(), _config(), current_tenant().tenant, body["token"], now)
    return service.public(doc, now)
