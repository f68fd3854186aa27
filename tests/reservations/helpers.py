"""Shared set-up of the reservation tests: a store, products and counts on the real node."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from locator.stock import model
from locator.stock.service import StockRow, apply_stock_batch
from tests.factories import get_stock_doc, product_doc, seed, store_doc

CUSTOMER = {"name": "Ada Lovelace", "email": "ada@example.org"}


def stock_up(es, config, tenant_id: str, counts: dict[str, int], store: str = "S1",
             as_of: datetime | None = None) -> None:
    """Create the store and products and set their counts."""
    seed(es, config, [store_doc(tenant_id, store, 48.85, 2.35)],
         [product_doc(tenant_id, sku) for sku in counts])
    as_of = as_of or datetime.now(UTC)
    outcomes = apply_stock_batch(es, config, tenant_id,
                                 [StockRow(store, sku, n, as_of) for sku, n in counts.items()])
    assert all(o.outcome in ("created", "updated", "unchanged") for o in outcomes), outcomes


def stock_doc(es, config, tenant_id: str, sku: str, store: str = "S1") -> dict:
    return get_stock_doc(es, config, tenant_id, store, sku)["_source"]


def available(es, config, tenant_id: str, sku: str, store: str = "S1", now: datetime | None = None) -> int:
    return model.available_qty(stock_doc(es, config, tenant_id, sku, store), 0, now)


def body(items: dict[str, int], store: str = "S1", customer: dict | None = None) -> dict:
    return {"store_id": store, "items": [{"sku": s, "qty": q} for s, q in items.items()],
            "customer": customer or CUSTOMER}


def new_key() -> str:
    return str(uuid.uuid4())
