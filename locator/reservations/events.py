"""Reservation events: recorded in the reservation's outbox, turned into webhooks and emails.

A status change writes its event (`reservation.created`, `.ready`, `.collected`, `.cancelled`,
`.expired`, and the sweeper's `.reminder`) into the reservation's `outbox` in the same
compare-and-set write, so no crash can separate the change from its event. `dispatch` then
records one delivery per channel with an id derived from (reservation, event, channel) and
empties the outbox; run again after a crash, it records nothing twice. The request that made
the change dispatches at once; the sweeper dispatches whatever a crash left behind.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from elasticsearch import ConflictError, Elasticsearch, NotFoundError

from locator.config import Config
from locator.es import index_name
from locator.indices import tenant_alias
from locator.mappings import entity_id
from locator.notifications import deliveries, mail, windows
from locator.notifications.formatting import language, local_datetime, week_hours
from locator.reservations import webhooks
from locator.stock.model import parse_time
from locator.tenants.service import Tenant

REMINDER = "reservation.reminder"
SHOPPER_TEMPLATES = {"reservation.created": "confirmation", "reservation.ready": "ready",
                     REMINDER: "reminder", "reservation.cancelled": "cancelled",
                     "reservation.expired": "expired"}
FRENCH_COUNTRIES = {"FR", "BE", "LU", "MC"}  # the language of a store's own emails
STORE_FIELDS = ["name", "street", "postcode", "city", "country", "phone", "timezone",
                "opening_hours", "notify_email"]
MAX_RETRIES = 10
log = logging.getLogger(__name__)


def with_event(doc: dict, event: str) -> list[str]:
    """Return the outbox of `doc` with `event` added (once)."""
    outbox = list(doc.get("outbox") or [])
    return outbox if event in outbox else [*outbox, event]


def delivery_id(rid: str, event: str, channel: str) -> str:
    return f"{rid}.{event.split('.', 1)[1]}.{channel}"


def store_of(es: Elasticsearch, config: Config, tenant: str, store_id: str) -> dict:
    """Return what messages say about a store ({} when it is gone)."""
    try:
        return es.get(index=tenant_alias(config, "stores", tenant), id=entity_id(tenant, store_id),
                      source_includes=STORE_FIELDS)["_source"]
    except NotFoundError:
        return {}


def dispatch(es: Elasticsearch, config: Config, tenant: Tenant, rid: str) -> int:
    """Record the deliveries of every event in a reservation's outbox, then empty it."""
    alias = index_name(config, "reservations")
    store: dict | None = None
    for _attempt in range(MAX_RETRIES):
        try:
            current = es.get(index=alias, id=rid)
        except NotFoundError:
            return 0
        doc = current["_source"]
        events = list(doc.get("outbox") or [])
        if not events:
            return 0
        store = store if store is not None else store_of(es, config, doc["tenant"], doc["store_id"])
        for event in events:
            _record(es, config, tenant, doc, event, store)
        try:
            es.update(index=current["_index"], id=rid, doc={"outbox": []},
                      if_seq_no=current["_seq_no"], if_primary_term=current["_primary_term"])
            return len(events)
        except ConflictError:
            continue  # a newer change (maybe a new event) meanwhile: record from the new version
    return 0


def dispatch_quietly(es: Elasticsearch, config: Config, tenant: Tenant, rid: str) -> None:
    """Dispatch, never failing the caller: the sweeper dispatches whatever is left."""
    try:
        dispatch(es, config, tenant, rid)
    except Exception as exc:  # noqa: BLE001
        log.warning("events left to the sweeper: %s", type(exc).__name__, extra={"reservation_id": rid})


def _record(es: Elasticsearch, config: Config, tenant: Tenant, doc: dict, event: str, store: dict) -> None:
    rid = doc["reservation_id"]
    settings = tenant.settings
    if settings.webhook_url and event in webhooks.EVENTS:
        deliveries.enqueue_webhook(
            es, config, delivery_id=delivery_id(rid, event, "webhook"), tenant=doc["tenant"],
            url=settings.webhook_url, event=event, reservation_id=rid,
            payload={"reservation": webhooks.public_payload(doc, event.split(".", 1)[1])})
    if not config.smtp_url:
        return  # email is off: webhooks only
    sender = mail.sender_address(config.mail_from, tenant.name, settings.mail_from)
    customer = doc.get("customer") or {}
    template = SHOPPER_TEMPLATES.get(event)
    if template and customer.get("email"):
        lang = language(doc.get("lang"))
        window = None
        if event in (REMINDER, "reservation.expired"):
            window = {"kind": windows.DAYTIME, "timezone": store.get("timezone")}
            if event == REMINDER:
                window["until"] = doc["expires_at"]
        deliveries.enqueue_email(
            es, config, delivery_id=delivery_id(rid, event, "shopper"), tenant=doc["tenant"],
            to=customer["email"], sender=sender, template=template, lang=lang, event=event,
            context=context(es, config, tenant, doc, store, lang), reservation_id=rid,
            qr=doc.get("pickup_code") if template == "confirmation" else None, window=window)
    store_address = store.get("notify_email") or settings.notify_email
    if event == "reservation.created" and store_address:
        lang = "fr" if (store.get("country") or "").upper() in FRENCH_COUNTRIES else "en"
        deliveries.enqueue_email(
            es, config, delivery_id=delivery_id(rid, event, "store"), tenant=doc["tenant"],
            to=store_address, sender=sender, template="store_new", lang=lang, event=event,
            recipient="store", context=context(es, config, tenant, doc, store, lang), reservation_id=rid,
            window={"kind": windows.STORE_HOURS, "timezone": store.get("timezone"),
                    "opening_hours": store.get("opening_hours"), "country": store.get("country")})


def context(es: Elasticsearch, config: Config, tenant: Tenant, doc: dict, store: dict, lang: str) -> dict:
    """Return what the templates show: items, code, store, hours and expiry in the store's zone."""
    names = _product_names(es, config, doc["tenant"], [i["sku"] for i in doc["items"]])
    address = [store.get("street") or "",
               " ".join(p for p in (store.get("postcode"), store.get("city")) if p)]
    tz_name = store.get("timezone")
    return {
        "retailer": tenant.name or tenant.tenant,
        "customer_name": (doc.get("customer") or {}).get("name") or "",
        "reservation_id": doc["reservation_id"], "pickup_code": doc.get("pickup_code") or "",
        "items": [{"sku": i["sku"], "qty": i["qty"], "name": names.get(i["sku"], i["sku"])}
                  for i in doc["items"]],
        "store": {"name": store.get("name") or doc["store_id"], "address": [a for a in address if a],
                  "phone": store.get("phone") or ""},
        "hours": week_hours(store.get("opening_hours"), tz_name, store.get("country"),
                            datetime.now(UTC), lang),
        "expires": local_datetime(parse_time(doc["expires_at"]), tz_name, lang),
        "cancelled_by": doc.get("cancelled_by"),
    }


def _product_names(es: Elasticsearch, config: Config, tenant: str, skus: list[str]) -> dict[str, str]:
    found = es.mget(index=tenant_alias(config, "products", tenant), ids=[entity_id(tenant, s) for s in skus],
                    source_includes=["sku", "name"])["docs"]
    return {d["_source"]["sku"]: d["_source"]["name"] for d in found if d.get("found")}
