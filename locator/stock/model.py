"""Pure stock arithmetic: availability, levels, and how a new count merges into a stock document.

A stock document holds `on_hand` (the store's last count, at `as_of`) and `holds`, one entry per
reservation line: `{"reservation_id", "qty", "expires_at", "collected_at"}`. A hold counts while it
is unexpired; once collected it counts until a stock count taken at or after the collection
arrives (that count already reflects the sale), so no unit is ever counted twice or not at all.

`stock_document` is the one place a stock document is put together, for the API and file loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from locator.areas import area_of

IN_STOCK, LOW_STOCK, OUT_OF_STOCK = "in_stock", "low_stock", "out_of_stock"


def parse_time(value: str | datetime) -> datetime:
    """Parse an ISO 8601 time (with offset) into an aware datetime."""
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def hold_counts(hold: dict, now: datetime) -> bool:
    """Return True while a hold still takes units away from availability."""
    if hold.get("collected_at"):
        return True
    return parse_time(hold["expires_at"]) > now


def held_qty(holds: list[dict], now: datetime) -> int:
    """Return the units held by the holds that count at `now`."""
    return sum(int(h["qty"]) for h in holds if hold_counts(h, now))


def available_qty(doc: dict, safety_stock: int, now: datetime | None = None) -> int:
    """Return on_hand − counting holds − safety stock, never below 0."""
    now = now or datetime.now(UTC)
    return max(0, int(doc.get("on_hand", 0)) - held_qty(doc.get("holds") or [], now) - safety_stock)


def stock_level(available: int, low_stock_threshold: int) -> str:
    """Classify an available quantity: in_stock, low_stock (0 < n ≤ threshold) or out_of_stock."""
    if available <= 0:
        return OUT_OF_STOCK
    if available <= low_stock_threshold:
        return LOW_STOCK
    return IN_STOCK


CREATED, UPDATED, UNCHANGED, STALE = "created", "updated", "unchanged", "stale"


@dataclass(frozen=True)
class Merge:
    """The outcome of merging a count into a stock document, and the new holds."""

    outcome: str  # created | updated | unchanged | stale
    holds: list[dict]


def merge_count(current: dict | None, on_hand: int, as_of: datetime, now: datetime) -> Merge:
    """Decide what a new count (`on_hand` at `as_of`) does to the current document.

    Older counts are stale (stock never goes back in time). Collected holds whose collection is
    not after `as_of` are dropped, since the count includes the sale; expired holds are pruned.
    """
    if current is None:
        return Merge(CREATED, [])
    current_as_of = parse_time(current["as_of"])
    holds = current.get("holds") or []
    if as_of < current_as_of:
        return Merge(STALE, holds)
    kept = [h for h in holds if _keep_hold(h, as_of, now)]
    if as_of == current_as_of and on_hand == current.get("on_hand") and len(kept) == len(holds):
        return Merge(UNCHANGED, holds)
    return Merge(UPDATED, kept)


def _keep_hold(hold: dict, as_of: datetime, now: datetime) -> bool:
    if hold.get("collected_at"):
        return parse_time(hold["collected_at"]) > as_of
    return parse_time(hold["expires_at"]) > now


def store_fields(store: dict) -> dict:
    """Return what a stock document copies from its store."""
    return {
        "location": store["location"],
        "area": area_of(store["location"]),
        "store_status": store.get("status", "open"),
        "services": store.get("services", []),
    }


def stock_document(tenant: str, store_id: str, sku: str, store: dict, on_hand: int, as_of: datetime,
                   holds: list[dict], now: datetime, extra: dict | None = None,
                   updated_at: datetime | None = None, loaded_by: str | None = None) -> dict:
    """Return the stock document of one (store, sku): count, holds, the store's copied fields.

    `store` is what `store_fields` returns; `extra` marks demo data (`demo`, `simulated`);
    `updated_at` (default `now`) is the write's time, a full load's start for all its documents;
    `loaded_by` names the full load whose file gave the count (None: any other writer).
    """
    return {
        "tenant": tenant,
        "store_id": store_id,
        "sku": sku,
        **store,
        "on_hand": int(on_hand),
        "as_of": as_of.isoformat(),
        "holds": holds,
        "held": held_qty(holds, now),
        "updated_at": (updated_at or now).isoformat(),
        "loaded_by": loaded_by,
        **(extra or {}),
    }
