"""Holds inside the stock documents: placed, released and collected atomically with availability.

A hold is one entry of a stock document's `holds` list, so a hold and the availability it
changes are one document write. Every change is a read-modify-write guarded by
`if_seq_no`/`if_primary_term`: a hold is appended only if, in the version it replaces, enough
units are available; when another writer got there first (409), the document is read again and
the decision taken again. No scripting is needed, so the stripped local node and a production
cluster run the same code.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from elasticsearch import ApiError, ConflictError, Elasticsearch, NotFoundError

from locator.config import Config
from locator.errors import ServiceUnavailable
from locator.indices import stock_alias
from locator.mappings import stock_id, stock_routing
from locator.stock import model
from locator.stock.service import BLOCKED_WAIT_SECONDS, blocked_pause, write_blocked

MAX_CONFLICT_RETRIES = 200
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Short:
    """An item that cannot be held: `available` units at the store, `requested` asked."""

    sku: str
    requested: int
    available: int

    def to_dict(self) -> dict:
        return {"sku": self.sku, "requested": self.requested, "available": self.available}


def _change(es: Elasticsearch, config: Config, tenant: str, store_id: str, sku: str,
            mutate: Callable[[dict | None, datetime], dict | None]) -> None:
    """Apply `mutate` to the current stock document, retrying on concurrent writes.

    `mutate(source, now)` returns the new source, or None when nothing must be written. A write
    refused because a full load is swapping the index is read and written again through the alias.
    """
    alias = stock_alias(config, tenant)
    doc_id, routing = stock_id(tenant, store_id, sku), stock_routing(sku)
    blocked_until = time.monotonic() + BLOCKED_WAIT_SECONDS
    attempt = blocked = 0
    while attempt < MAX_CONFLICT_RETRIES:
        try:
            current = es.get(index=alias, id=doc_id, routing=routing)
        except NotFoundError:
            current = None
        now = datetime.now(UTC)
        source = mutate(current["_source"] if current else None, now)
        if source is None:
            return
        assert current is not None  # mutate never writes a document that does not exist
        source["held"] = model.held_qty(source["holds"], now)
        # A full stock load catches up on documents changed while it ran, by `updated_at`.
        source["updated_at"] = now.isoformat()
        try:
            es.index(index=current["_index"], id=doc_id, document=source, routing=routing,
                     if_seq_no=current["_seq_no"], if_primary_term=current["_primary_term"])
            return
        except ConflictError:
            # Another hold or count won the race: back off a little (jitter spreads the
            # contenders of a hot item) and decide again on the fresh version.
            attempt += 1
            time.sleep(random.uniform(0, min(0.002 * attempt, 0.05)))
        except ApiError as exc:
            if not (write_blocked(_error(exc)) and time.monotonic() < blocked_until):
                raise
            time.sleep(blocked_pause(blocked))
            blocked += 1
    raise ServiceUnavailable("Too many concurrent changes to this item; retry shortly.")


def _error(exc: ApiError) -> dict | None:
    body = exc.body if isinstance(exc.body, dict) else {}
    return body.get("error") if isinstance(body.get("error"), dict) else None


def _is_own(hold: dict, reservation_id: str, attempt: str | None) -> bool:
    """Tell whether a hold belongs to this reservation (and, when given, to this attempt of it).

    A creation taken over by a retry of the same Idempotency-Key still runs for a while; both
    attempts share the reservation id, so each tags its holds with its attempt and undoes only
    its own. Without an attempt (a cancel, an expiry) every hold of the reservation counts.
    """
    return hold["reservation_id"] == reservation_id and (attempt is None or hold.get("attempt") == attempt)


def _counting(holds: list[dict], now: datetime) -> list[dict]:
    """Drop the holds that no longer count (expired, uncollected) while rewriting the list."""
    return [h for h in holds if model.hold_counts(h, now)]


def _place_one(es: Elasticsearch, config: Config, tenant: str, store_id: str, reservation_id: str,
               sku: str, qty: int, expires_at: datetime, safety_stock: int,
               attempt: str | None) -> Short | None:
    short: list[Short] = []

    def mutate(source: dict | None, now: datetime) -> dict | None:
        short.clear()
        if source is None:
            short.append(Short(sku, qty, 0))
            return None
        holds = source.get("holds") or []
        if any(_is_own(h, reservation_id, attempt) for h in holds):
            return None  # placed already: our write landed although its answer was lost
        available = model.available_qty(source, safety_stock, now)
        if available < qty:
            short.append(Short(sku, qty, available))
            return None
        hold = {"reservation_id": reservation_id, "qty": qty,
                "expires_at": expires_at.isoformat(), "collected_at": None}
        if attempt is not None:
            hold["attempt"] = attempt
        return {**source, "holds": [*_counting(holds, now), hold]}

    _change(es, config, tenant, store_id, sku, mutate)
    return short[0] if short else None


def availability(es: Elasticsearch, config: Config, tenant: str, store_id: str, sku: str,
                 safety_stock: int) -> int:
    """Return the units of `sku` available at `store_id` right now."""
    try:
        source = es.get(index=stock_alias(config, tenant), id=stock_id(tenant, store_id, sku),
                        routing=stock_routing(sku))["_source"]
    except NotFoundError:
        return 0
    return model.available_qty(source, safety_stock, datetime.now(UTC))


def place(es: Elasticsearch, config: Config, tenant: str, store_id: str, reservation_id: str,
          items: list[dict], expires_at: datetime, safety_stock: int,
          attempt: str | None = None) -> list[Short]:
    """Hold every item or none: return the short items (empty when all are held).

    On the first short item the holds placed so far are removed again (compensation); the
    remaining items are only read, so the answer lists every short item. Holds are tagged with
    `attempt`, and only this attempt's are ever removed here.
    """
    placed: list[str] = []
    shorts: list[Short] = []
    try:
        for item in items:
            if shorts:
                available = availability(es, config, tenant, store_id, item["sku"], safety_stock)
                if available < item["qty"]:
                    shorts.append(Short(item["sku"], item["qty"], available))
                continue
            short = _place_one(es, config, tenant, store_id, reservation_id, item["sku"], item["qty"],
                               expires_at, safety_stock, attempt)
            if short:
                shorts.append(short)
            else:
                placed.append(item["sku"])
    except Exception:
        _release_quietly(es, config, tenant, store_id, reservation_id, placed, attempt)
        raise
    if shorts:
        release(es, config, tenant, store_id, reservation_id, placed, attempt)
    return shorts


def _release_quietly(es: Elasticsearch, config: Config, tenant: str, store_id: str,
                     reservation_id: str, skus: list[str], attempt: str | None) -> None:
    try:
        release(es, config, tenant, store_id, reservation_id, skus, attempt)
    except Exception as exc:  # noqa: BLE001 - the caller's pending reservation gets them released
        # The creation is still `pending`: its undo (`service.abandon`), or the sweeper's after
        # `sweeper.STALE_PENDING`, releases this attempt's holds.
        log.warning("releasing the holds of a failed creation failed (%s); left to its undo",
                    type(exc).__name__, extra={"reservation_id": reservation_id})


def release(es: Elasticsearch, config: Config, tenant: str, store_id: str, reservation_id: str,
            skus: list[str], attempt: str | None = None) -> dict[str, tuple[int, int]]:
    """Remove this reservation's holds, or only those of one `attempt` (idempotent): the units
    are available again at once.

    Return, per sku whose holds this call removed, the units not held before and after
    (`on_hand` − counting holds), the released holds counted before even when expired: an
    expired hold stopped counting silently, its removal is when the units are seen to be back.
    """
    released: dict[str, tuple[int, int]] = {}

    def mutate(source: dict | None, now: datetime, sku: str = "") -> dict | None:
        holds = (source or {}).get("holds") or []
        mine = [h for h in holds if _is_own(h, reservation_id, attempt)]
        if not mine:
            released.pop(sku, None)  # a retry found them gone: another writer released them
            return None
        rest = [h for h in holds if not _is_own(h, reservation_id, attempt)]
        after = int(source.get("on_hand", 0)) - model.held_qty(rest, now)
        released[sku] = (after - sum(int(h["qty"]) for h in mine), after)
        return {**source, "holds": rest}

    for sku in skus:
        _change(es, config, tenant, store_id, sku, lambda source, now, sku=sku: mutate(source, now, sku))
    return released


def collect(es: Elasticsearch, config: Config, tenant: str, store_id: str, reservation_id: str,
            items: list[dict], collected_at: datetime, expires_at: datetime) -> None:
    """Mark this reservation's holds collected (idempotent).

    A collected hold keeps counting until a count taken at or after `collected_at` arrives
    (`model.merge_count` drops it then): the unit has left the shelf but the till has not
    reported the sale yet. A hold pruned meanwhile is put back, since the unit is gone.
    """
    stamp = collected_at.isoformat()
    for item in items:
        def mutate(source: dict | None, now: datetime, item: dict = item) -> dict | None:
            if source is None:
                return None
            holds = source.get("holds") or []
            mine = [h for h in holds if h["reservation_id"] == reservation_id]
            if mine and all(h.get("collected_at") for h in mine):
                return None
            others = [h for h in holds if h["reservation_id"] != reservation_id]
            if model.parse_time(source["as_of"]) >= collected_at:
                # The till's count taken after the hand-over already has the sale: drop the hold.
                return {**source, "holds": others} if mine else None
            hold = {"reservation_id": reservation_id, "qty": item["qty"],
                    "expires_at": expires_at.isoformat(), "collected_at": stamp}
            return {**source, "holds": [*others, hold]}

        _change(es, config, tenant, store_id, item["sku"], mutate)
