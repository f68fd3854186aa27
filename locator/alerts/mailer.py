"""The alert emails, recorded in the notifications outbox (sent by its pool, with retries).

Delivery ids derive from the alert and its generation (an ended alert of the same email, sku and
place starts a new one), so recording an email again after a crash or a replay sends nothing twice.
Links point at the service's own landing pages (`/alerts/confirm`, `/alerts/cancel`), the token
in the fragment: a fragment never reaches a server log or a Referer header.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError

from locator.alerts import model, service
from locator.config import Config
from locator.errors import NotFound
from locator.indices import tenant_alias
from locator.mappings import entity_id
from locator.notifications import deliveries, mail
from locator.notifications.formatting import language, week_hours
from locator.tenants.service import Tenant, get_tenant

STORE_FIELDS = ["name", "street", "postcode", "city", "phone", "timezone", "opening_hours", "country"]
CONFIRM, BACK = "alert_confirm", "back_in_stock"
log = logging.getLogger(__name__)


def base_url(config: Config, request_host: str | None = None) -> str:
    """Return the service's public base URL: PUBLIC_URL, else the request's host, else local."""
    return (config.public_url or request_host or f"http://127.0.0.1:{config.port}").rstrip("/")


def delivery_id(alert: dict, kind: str) -> str:
    """Return the outbox id of an alert's email: one per alert generation and kind."""
    generation = hashlib.sha256(alert["created_at"].encode()).hexdigest()[:10]
    return f"{alert['alert_id']}.{generation}.{kind}"


def product_url(tenant: Tenant, base: str, sku: str, store_id: str) -> str:
    """Return the product page with the store chosen: the tenant's template, else the demo page."""
    template = tenant.settings.product_url_template
    if template:
        return template.replace("{sku}", quote(sku, safe="")).replace("{store_id}", quote(store_id, safe=""))
    return f"{base}/demo?{urlencode({'sku': sku, 'store': store_id})}#retrait"


class OutboxMailer:
    """Queue alert emails in the outbox; nothing at all when email is off (no SMTP_URL)."""

    def __init__(self, es: Elasticsearch, config: Config, base: str) -> None:
        self._es, self._config, self._base = es, config, base.rstrip("/")
        self._tenants: dict[str, Tenant] = {}

    def _tenant(self, tenant_id: str) -> Tenant:
        if tenant_id not in self._tenants:  # one lookup per batch of matches
            self._tenants[tenant_id] = get_tenant(self._es, self._config, tenant_id)
        return self._tenants[tenant_id]

    def _link(self, page: str, token: str, lang: str) -> str:
        return f"{self._base}/alerts/{page}?lang={lang}#token={token}"

    def _product_name(self, tenant: str, sku: str) -> str:
        try:
            doc = self._es.get(index=tenant_alias(self._config, "products", tenant),
                               id=entity_id(tenant, sku), source_includes=["name"])
        except NotFoundError:
            return sku
        return doc["_source"].get("name") or sku

    def _enqueue(self, alert: dict, kind: str, template: str, context: dict) -> None:
        if not self._config.smtp_url or not alert.get("email"):
            return
        tenant = self._tenant(alert["tenant"])
        lang = language(alert.get("lang"))
        deliveries.enqueue_email(
            self._es, self._config, delivery_id=delivery_id(alert, kind), tenant=alert["tenant"],
            to=alert["email"], sender=mail.sender_address(self._config.mail_from, tenant.name,
                                                          tenant.settings.mail_from),
            template=template, lang=lang, event=f"alert.{kind}",
            context={"retailer": tenant.name or tenant.tenant,
                     "product": self._product_name(alert["tenant"], alert["sku"]), "sku": alert["sku"],
                     "radius_km": alert.get("radius_km"), **context})

    def confirmation_requested(self, alert: dict, confirm_token: str, cancel_token: str) -> None:
        """Queue the double opt-in email: a confirm link and a cancel link."""
        lang = language(alert.get("lang"))
        self._enqueue(alert, "confirm", CONFIRM, {
            "confirm_url": self._link("confirm", confirm_token, lang),
            "cancel_url": self._link("cancel", cancel_token, lang)})

    def back_in_stock(self, alert: dict, store_id: str, cancel_token: str) -> None:
        """Queue the back-in-stock email: the store, its address and hours, the product page."""
        lang = language(alert.get("lang"))
        try:
            store = self._es.get(index=tenant_alias(self._config, "stores", alert["tenant"]),
                                 id=entity_id(alert["tenant"], store_id),
                                 source_includes=STORE_FIELDS)["_source"]
        except NotFoundError:
            store = {}
        address = [store.get("street") or "",
                   " ".join(p for p in (store.get("postcode"), store.get("city")) if p)]
        self._enqueue(alert, "instock", BACK, {
            "store": {"name": store.get("name") or store_id, "address": [a for a in address if a],
                      "phone": store.get("phone") or ""},
            "hours": week_hours(store.get("opening_hours"), store.get("timezone"), store.get("country"),
                                datetime.now(UTC), lang),
            "product_url": product_url(self._tenant(alert["tenant"]), self._base, alert["sku"], store_id),
            "cancel_url": self._link("cancel", cancel_token, lang)})


def notify_crossed(es: Elasticsearch, config: Config, tenant: str, crossed: list[tuple[str, str]]) -> int:
    """End the alerts these (store, sku) rows that came back match, emailing through the outbox.

    For writers without a request (file loads, reservations released by the sweeper or a
    cancellation): links use PUBLIC_URL. A failure is logged and never fails the writer; its
    counts or releases stand.
    """
    if not crossed:
        return 0
    try:
        return service.notify_matches(es, config, tenant, sorted(set(crossed)), datetime.now(UTC),
                                      OutboxMailer(es, config, base_url(config)))
    except (ApiError, TransportError) as exc:
        log.warning("back-in-stock matching failed: %s", type(exc).__name__)
        return 0


def notify_released(es: Elasticsearch, config: Config, tenant: str, store_id: str,
                    released: dict[str, tuple[int, int]]) -> int:
    """End the alerts of the skus a released reservation made available again at its store."""
    grew = {sku: units for sku, units in released.items() if units[1] > units[0]}
    if not grew:
        return 0
    try:
        safety = get_tenant(es, config, tenant).settings.safety_stock
    except (ApiError, TransportError, NotFound) as exc:  # the release stands; no alert ends
        log.warning("back-in-stock matching failed: %s", type(exc).__name__)
        return 0
    return notify_crossed(es, config, tenant, [(store_id, sku) for sku, (before, after) in grew.items()
                                               if model.came_back(before, after, safety)])
