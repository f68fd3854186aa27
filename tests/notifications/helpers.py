"""Shared set-up of the notification tests: a store in a chosen zone, reservations through the service."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from locator.es import index_name
from locator.reservations import service
from locator.stock.service import StockRow, apply_stock_batch
from locator.tenants.service import get_tenant
from tests.factories import product_doc, seed, store_doc

SHOPPER = {"name": "Camille Martin", "email": "camille.private@example.org"}


def zone_where_hour_is(hours: range) -> str:
    """Return a fixed-offset zone whose local hour is now in `hours` (so tests need no clock)."""
    now = datetime.now(UTC)
    for offset in range(-12, 15):
        name = f"Etc/GMT{-offset:+d}"  # Etc/GMT-3 is UTC+3
        if now.astimezone(ZoneInfo(name)).hour in hours:
            return name
    raise AssertionError(f"no zone has a local hour in {hours}")


def night_zone() -> str:
    return zone_where_hour_is(range(0, 5))


def day_zone() -> str:
    return zone_where_hour_is(range(10, 16))


def mail_config(config, smtp_url: str, **changes):
    return dataclasses.replace(config, smtp_url=smtp_url, webhook_retry_seconds=0.01, **changes)


def open_store(es, config, tenant_id: str, *, timezone: str = "Europe/Paris", hours: str = "24/7",
               notify_email: str | None = "store.s1@shop.example",
               skus: dict[str, int] | None = None) -> None:
    skus = skus or {"SOFA": 5}
    seed(es, config, [store_doc(tenant_id, "S1", 48.85, 2.35, name="Boutique Bastille", timezone=timezone,
                                opening_hours=hours, notify_email=notify_email, street="1 rue de la Roquette",
                                postcode="75011", city="Paris")],
         [product_doc(tenant_id, sku, name="Canapé Lin") for sku in skus])
    rows = [StockRow("S1", sku, n, datetime.now(UTC)) for sku, n in skus.items()]
    apply_stock_batch(es, config, tenant_id, rows)


def reserve(es, config, tenant_id: str, lang: str = "fr", qty: int = 1):
    body = {"store_id": "S1", "items": [{"sku": "SOFA", "qty": qty}], "customer": dict(SHOPPER), "lang": lang}
    return service.create(es, config, get_tenant(es, config, tenant_id), str(uuid.uuid4()), body)


def deliveries_of(es, config, rid: str) -> dict[str, dict]:
    es.indices.refresh(index=index_name(config, "webhook-deliveries"))
    hits = es.search(index=index_name(config, "webhook-deliveries"), query={"term": {"reservation_id": rid}},
                     size=100)["hits"]["hits"]
    return {h["_id"]: h["_source"] for h in hits}


def refresh(es, config) -> None:
    es.indices.refresh(index=",".join(index_name(config, k) for k in ("reservations", "webhook-deliveries")))
