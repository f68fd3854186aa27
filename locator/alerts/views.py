"""Back-in-stock alerts: creation (double opt-in), confirmation and cancellation by token."""

from __future__ import annotations

import logging
from collections.abc import Callable

from elasticsearch import Elasticsearch
from flask import Flask, current_app, g, request

from locator.alerts import model, service
from locator.alerts.delivery import AlertMailer
from locator.alerts.mailer import OutboxMailer, base_url
from locator.alerts.schemas import AlertCreateSchema, AlertSchema, TokenSchema
from locator.errors import NotFound, Unauthorized
from locator.geo import Point
from locator.http.apidoc import ServiceBlueprint
from locator.http.auth import API_KEY_HEADER, current_tenant, require_key
from locator.http.es import get_es
from locator.http.responses import clock_now
from locator.reports import views as unmet
from locator.reports.counting import ALERT_CREATED
from locator.tenants.service import ApiKey, get_tenant

log = logging.getLogger(__name__)
blp = ServiceBlueprint("alerts", __name__, url_prefix="/v1", description="Back-in-stock alerts")


MAILER_FACTORY = "alert_mailer_factory"
LINK_KIND = "alert-link"
LINK_SECURITY = [{"ApiKey": []}, {}]  # a key, or none: the token in the body is the credential
MailerFactory = Callable[[Elasticsearch, str], AlertMailer]  # (es, base URL) -> mailer


def _config():
    return current_app.config["LOCATOR"]


def request_mailer() -> AlertMailer:
    """Return this request's mailer, from the factory set at app creation (tests swap it)."""
    return current_app.extensions[MAILER_FACTORY](get_es(), base_url(_config(), request.host_url))


def _alert_link() -> None:
    """Accept the token of an alert email's link as the credential (when no key is sent).

    The landing pages (`/alerts/confirm`, `/alerts/cancel`) hold no API key: the token names its
    tenant and is itself the secret; it reaches only the confirm and cancel endpoints.
    """
    body = request.get_json(silent=True)
    token = body.get("token") if isinstance(body, dict) else None
    tenant_id = model.token_tenant(token) if isinstance(token, str) else None
    try:
        tenant = get_tenant(get_es(), _config(), tenant_id) if tenant_id else None
    except NotFound:
        tenant = None
    if tenant is None:
        raise Unauthorized(f"Send your API key in the {API_KEY_HEADER} header, or the token of an "
                           "alert email's link.")
    g.api_key = ApiKey(key_id=LINK_KIND, tenant=tenant.tenant, kind=LINK_KIND)
    g.tenant = tenant


def init_app(app: Flask, factory: MailerFactory | None = None) -> None:
    """Set how alert emails are sent: through the outbox unless a factory is given."""
    config = app.config["LOCATOR"]
    if config.smtp_url and not config.public_url:
        # Links then follow the request's Host header, which a client chooses.
        log.warning("PUBLIC_URL is not set: alert email links use each request's host")
    app.extensions[MAILER_FACTORY] = factory or (lambda es, base: OutboxMailer(es, config, base))


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
    doc, created = service.create(get_es(), _config(), current_tenant(), req, now, request_mailer())
    if created:
        unmet.record_unmet(ALERT_CREATED, [doc["sku"]], store_id=doc["store_ids"][0])
    return service.public(doc, now), 201 if created else 200


@blp.route("/alerts/confirm", methods=["POST"])
@blp.arguments(TokenSchema)
@blp.response(200, AlertSchema)
@blp.alt_response(409, description="The alert ended (cancelled, sent or expired).")
@blp.doc(security=LINK_SECURITY)
@require_key(alternative=_alert_link)
def confirm_alert(body: dict):
    """Confirm an alert with the token of its confirmation email (double opt-in).

    Any key of the tenant, or none: the token of the link is the credential.
    """
    now = clock_now()
    doc = service.confirm(get_es(), _config(), current_tenant().tenant, body["token"], now)
    return service.public(doc, now)


@blp.route("/alerts/cancel", methods=["POST"])
@blp.arguments(TokenSchema)
@blp.response(200, AlertSchema)
@blp.alt_response(409, description="The alert ended already.")
@blp.doc(security=LINK_SECURITY)
@require_key(alternative=_alert_link)
def cancel_alert(body: dict):
    """Cancel an alert with the token of the link in its emails; its email address is deleted.

    Any key of the tenant, or none: the token of the link is the credential.
    """
    now = clock_now()
    doc = service.cancel(get_es(), _config(), current_tenant().tenant, body["token"], now)
    return service.public(doc, now)
