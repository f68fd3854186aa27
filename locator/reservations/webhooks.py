"""Webhooks: one signed POST per reservation event, retried with backoff, every attempt recorded.

An event is first recorded in the `webhook-deliveries` index, then sent by a background thread
of the service (or `locator reservations webhooks deliver`), so a slow or dead receiver never
blocks a reservation. Bodies carry no personal data: the receiver fetches the customer's details
with its secret key when it needs them.

Signature: `X-Locator-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>." + raw body)>` with
`X-Locator-Timestamp: <unix seconds>`. A receiver recomputes it over the raw bytes, compares in
constant time and refuses timestamps older than a few minutes (replay protection); the
`X-Locator-Delivery` id lets it drop a delivery it has already processed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import requests
from elasticsearch import ConflictError, Elasticsearch, NotFoundError

from locator.config import Config
from locator.es import index_name
from locator.reservations import queries
from locator.tenants.service import get_tenant
from locator.tenants.settings import TenantSettings

EVENTS = ("reservation.created", "reservation.ready", "reservation.cancelled",
          "reservation.expired", "reservation.collected")
SIGNATURE_HEADER = "X-Locator-Signature"
TIMESTAMP_HEADER = "X-Locator-Timestamp"
EVENT_HEADER = "X-Locator-Event"
DELIVERY_HEADER = "X-Locator-Delivery"
DEFAULT_TOLERANCE_SECONDS = 300
LEASE = timedelta(seconds=60)  # one sender per delivery at a time, across workers
MAX_BACKOFF = timedelta(hours=6)
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"

log = logging.getLogger(__name__)
# Called with a new delivery id; the service's background worker registers itself here so that
# a new event is sent at once rather than at the next periodic pass.
_wakeups: list[Callable[[str], None]] = []


def register_wakeup(callback: Callable[[str], None]) -> None:
    """Be told about every delivery recorded in this process."""
    if callback not in _wakeups:
        _wakeups.append(callback)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Return the signature header value of `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def verify(secret: str, body: bytes, timestamp: str, signature: str, *,
           now: float | None = None, tolerance: int = DEFAULT_TOLERANCE_SECONDS) -> bool:
    """Check a received webhook: right signature over the raw body, timestamp recent enough."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature or "")


def public_payload(doc: dict, status: str) -> dict:
    """Return what an event says about a reservation: everything but the customer."""
    return {"id": doc["reservation_id"], "status": status, "store_id": doc["store_id"],
            "items": doc["items"], "pickup_code": doc.get("pickup_code"),
            "created_at": doc["created_at"], "expires_at": doc["expires_at"],
            "updated_at": doc.get("updated_at")}


def emit(es: Elasticsearch, config: Config, settings: TenantSettings, event: str, doc: dict) -> str | None:
    """Record an event for delivery when the tenant has a webhook URL; return the delivery id."""
    if not settings.webhook_url:
        return None
    now = datetime.now(UTC)
    delivery_id = uuid.uuid4().hex
    body = json.dumps({"id": delivery_id, "type": event, "created_at": now.isoformat(),
                       "data": {"reservation": public_payload(doc, event.split(".", 1)[1])}},
                      separators=(",", ":"))
    es.index(index=index_name(config, "webhook-deliveries"), id=delivery_id, document={
        "tenant": doc["tenant"], "event": event, "reservation_id": doc["reservation_id"],
        "url": settings.webhook_url, "body": body, "status": PENDING, "attempts": [],
        "attempt_count": 0, "next_attempt_at": now.isoformat(), "created_at": now.isoformat(),
        "updated_at": now.isoformat()})
    for wakeup in list(_wakeups):
        wakeup(delivery_id)
    return delivery_id


def emit_quietly(es: Elasticsearch, config: Config, settings: TenantSettings, event: str,
                 doc: dict) -> None:
    """Emit, never failing the caller: the reservation matters more than its notification."""
    try:
        emit(es, config, settings, event, doc)
    except Exception:  # noqa: BLE001
        log.warning("could not record webhook event", extra={"event": event,
                                                               "reservation_id": doc["reservation_id"]})


def backoff(config: Config, attempt: int) -> timedelta:
    """Return the wait after failed attempt number `attempt` (1-based): doubling, capped."""
    return min(timedelta(seconds=config.webhook_retry_seconds * 2 ** (attempt - 1)), MAX_BACKOFF)


def deliver(es: Elasticsearch, config: Config, delivery_id: str, session: requests.Session | None = None,
            tenants: dict[str, TenantSettings] | None = None) -> str | None:
    """Make one attempt if the delivery is due and nobody else is sending it; return its status."""
    alias = index_name(config, "webhook-deliveries")
    try:
        current = es.get(index=alias, id=delivery_id)
    except NotFoundError:
        return None
    doc = current["_source"]
    now = datetime.now(UTC)
    if doc["status"] != PENDING or datetime.fromisoformat(doc["next_attempt_at"]) > now:
        return doc["status"]
    try:  # the lease: only the worker whose write wins sends this attempt
        es.update(index=current["_index"], id=delivery_id,
                  doc={"next_attempt_at": (now + LEASE).isoformat()},
                  if_seq_no=current["_seq_no"], if_primary_term=current["_primary_term"])
    except ConflictError:
        return None
    settings = _settings(es, config, doc["tenant"], tenants)
    attempt = _send(session or requests, config, doc, delivery_id, settings.webhook_secret)
    attempts = [*doc.get("attempts", []), attempt]
    done = attempt.get("status_code") is not None and 200 <= attempt["status_code"] < 300
    if done:
        status, next_at = DELIVERED, None
    elif len(attempts) >= config.webhook_max_attempts:
        status, next_at = FAILED, None
    else:
        status, next_at = PENDING, (datetime.now(UTC) + backoff(config, len(attempts))).isoformat()
    es.update(index=current["_index"], id=delivery_id, doc={
        "status": status, "attempts": attempts, "attempt_count": len(attempts),
        "next_attempt_at": next_at, "updated_at": datetime.now(UTC).isoformat()})
    return status


def _settings(es: Elasticsearch, config: Config, tenant: str,
              cache: dict[str, TenantSettings] | None) -> TenantSettings:
    if cache is not None and tenant in cache:
        return cache[tenant]
    settings = get_tenant(es, config, tenant).settings
    if cache is not None:
        cache[tenant] = settings
    return settings


def _send(http, config: Config, doc: dict, delivery_id: str, secret: str | None) -> dict:
    body = doc["body"].encode()
    timestamp = int(time.time())
    headers = {"Content-Type": "application/json", EVENT_HEADER: doc["event"],
               DELIVERY_HEADER: delivery_id, TIMESTAMP_HEADER: str(timestamp),
               "User-Agent": "store-locator-webhooks/1"}
    if secret:
        headers[SIGNATURE_HEADER] = sign(secret, timestamp, body)
    started = time.perf_counter()
    attempt: dict = {"at": datetime.now(UTC).isoformat(), "status_code": None, "error": None}
    try:
        response = http.post(doc["url"], data=body, headers=headers,
                             timeout=config.webhook_timeout_seconds, allow_redirects=False)
        attempt["status_code"] = response.status_code
        if not 200 <= response.status_code < 300:
            attempt["error"] = f"HTTP {response.status_code}"
    except requests.RequestException as exc:
        attempt["error"] = type(exc).__name__
    attempt["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return attempt


def deliver_due(es: Elasticsearch, config: Config, limit: int = 100) -> dict[str, int]:
    """Attempt every delivery that is due; return how many ended in each status."""
    hits = es.search(index=index_name(config, "webhook-deliveries"),
                     query=queries.due_deliveries_query(datetime.now(UTC)),
                     sort=[{"next_attempt_at": "asc"}], size=limit, source=False)["hits"]["hits"]
    counts: dict[str, int] = {}
    tenants: dict[str, TenantSettings] = {}
    with requests.Session() as session:
        for hit in hits:
            status = deliver(es, config, hit["_id"], session, tenants)
            if status:
                counts[status] = counts.get(status, 0) + 1
    return counts


def list_deliveries(es: Elasticsearch, config: Config, tenant: str | None = None, *,
                    status: str | None = None, reservation_id: str | None = None,
                    limit: int = 50) -> list[dict]:
    """Return recorded deliveries, newest first, with their attempts."""
    filters: list[dict] = []
    if tenant:
        filters.append({"term": {"tenant": tenant}})
    if status:
        filters.append({"term": {"status": status}})
    if reservation_id:
        filters.append({"term": {"reservation_id": reservation_id}})
    hits = es.search(index=index_name(config, "webhook-deliveries"),
                     query={"bool": {"filter": filters}}, sort=[{"created_at": "desc"}],
                     size=limit)["hits"]["hits"]
    return [{"id": h["_id"], **{k: v for k, v in h["_source"].items() if k != "body"}} for h in hits]
