"""Webhooks of reservation events: signed POSTs sent from the outbox of deliveries.

Events are recorded in the reservation document with the change they report (`events`), then
turned into deliveries of the `webhook-deliveries` index and sent by the service's sender
threads (or `locator reservations webhooks deliver`), so a slow or dead receiver never blocks a
reservation. Bodies carry no personal data: the receiver fetches the customer's details with its
secret key when it needs them.

Signature: `X-Locator-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>." + raw body)>` with
`X-Locator-Timestamp: <unix seconds>`. A receiver recomputes it over the raw bytes, compares in
constant time and refuses timestamps older than a few minutes (replay protection); the
`X-Locator-Delivery` id lets it drop a delivery it has already processed.
"""

from __future__ import annotations

import time

from elasticsearch import Elasticsearch

from locator.config import Config
from locator.notifications import deliveries
from locator.notifications.deliveries import MAX_BACKOFF, backoff  # noqa: F401 - public API
from locator.notifications.signing import (  # noqa: F401 - public API of webhook receivers
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    sign,
    verify,
)
from locator.tenants.service import get_tenant

EVENTS = ("reservation.created", "reservation.ready", "reservation.cancelled",
          "reservation.expired", "reservation.collected")


def public_payload(doc: dict, status: str) -> dict:
    """Return what an event says about a reservation: everything but the customer."""
    return {"id": doc["reservation_id"], "status": status, "store_id": doc["store_id"],
            "items": doc["items"], "pickup_code": doc.get("pickup_code"),
            "created_at": doc["created_at"], "expires_at": doc["expires_at"],
            "updated_at": doc.get("updated_at")}


def secret_lookup(es: Elasticsearch, config: Config, ttl: float = 30.0) -> deliveries.SecretLookup:
    """Return tenant -> webhook secret, each read again after `ttl` seconds (a new secret applies)."""
    cache: dict[str, tuple[float, str | None]] = {}

    def secret_of(tenant: str) -> str | None:
        found = cache.get(tenant)
        if found is None or time.monotonic() - found[0] > ttl:
            found = (time.monotonic(), get_tenant(es, config, tenant).settings.webhook_secret)
            cache[tenant] = found
        return found[1]

    return secret_of


def deliver_due(es: Elasticsearch, config: Config, limit: int = 100) -> dict[str, int]:
    """Attempt every due delivery (webhooks and emails) now; return the count per status."""
    return deliveries.deliver_due(es, config, secret_lookup(es, config), limit)


list_deliveries = deliveries.list_deliveries
