"""Apply stock counts to the stock index: the one write path for files and for the API.

Each batch is read (mget), merged in Python (`model.merge_count`) and written back with optimistic
concurrency (`if_seq_no`/`if_primary_term`), so a concurrent hold or count is never overwritten:
a conflicting row is simply re-read and merged again. The stripped node has no scripting, so this
read-modify-write is also what a production cluster runs.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from elasticsearch import Elasticsearch

from locator import indices
from locator.config import Config
from locator.mappings import entity_id, stock_id, stock_ref, stock_routing
from locator.stock import model

APPLIED = {model.CREATED, model.UPDATED}
REJECTED = "rejected"
MAX_CONFLICT_RETRIES = 8
# A full load blocks writes to the index it replaces for its last catch-up pass and the alias
# swap; writers wait for the swap and write again through the alias, this long at most.
BLOCKED_WAIT_SECONDS = 60.0


def write_blocked(error: dict | None) -> bool:
    """Return True for the refusal of a write-blocked index (a full load about to swap it)."""
    return bool(error) and error.get("type") == "cluster_block_exception"


def blocked_pause(attempt: int) -> float:
    """Return how long a writer waits before trying a blocked write again."""
    return min(0.05 * 2 ** attempt, 1.0)


@dataclass(frozen=True)
class StockRow:
    """One validated count: `on_hand` units of `sku` at `store_id`, counted at `as_of`."""

    store_id: str
    sku: str
    on_hand: int
    as_of: datetime


@dataclass(frozen=True)
class RowOutcome:
    """What happened to one row: created, updated, unchanged, stale or rejected (with reason).

    `retryable` marks a rejection caused by the cluster (overload, shard unavailable) or by
    contention, not by the row: sending the row again may succeed.
    """

    outcome: str
    reason: str | None = None
    retryable: bool = False
    # On hand − counting holds before and after an applied write (before the tenant's safety
    # stock): back-in-stock alerts look only at rows that went from nothing to something.
    unheld_before: int | None = None
    unheld_after: int | None = None


@dataclass
class CatalogueCache:
    """Store and product look-ups remembered across the batches of one load."""

    stores: dict[str, dict | None] = field(default_factory=dict)
    products: dict[str, bool] = field(default_factory=dict)


def _lookup_catalogue(
    es: Elasticsearch, config: Config, tenant: str, rows: Sequence[StockRow], cache: CatalogueCache
) -> None:
    missing_stores = sorted({r.store_id for r in rows} - cache.stores.keys())
    if missing_stores:
        docs = es.mget(index=indices.tenant_alias(config, "stores", tenant),
                       ids=[entity_id(tenant, s) for s in missing_stores],
                       source_includes=["location", "status", "services"])["docs"]
        for store_id, doc in zip(missing_stores, docs, strict=True):
            cache.stores[store_id] = doc["_source"] if doc.get("found") else None
    missing_skus = sorted({r.sku for r in rows} - cache.products.keys())
    if missing_skus:
        docs = es.mget(index=indices.tenant_alias(config, "products", tenant),
                       ids=[entity_id(tenant, s) for s in missing_skus], source=False)["docs"]
        for sku, doc in zip(missing_skus, docs, strict=True):
            cache.products[sku] = bool(doc.get("found"))


def apply_stock_batch(
    es: Elasticsearch,
    config: Config,
    tenant: str,
    rows: Sequence[StockRow],
    *,
    cache: CatalogueCache | None = None,
    refresh: bool | str = False,
    extra_fields: dict | None = None,
) -> list[RowOutcome]:
    """Apply counts for one tenant; return one outcome per row, in order.

    Rows naming an unknown store or sku are rejected. Within a batch, the latest count of a
    (store, sku) wins, the last row of that `as_of` among equals; the others are stale, or
    unchanged when they repeat the winning count exactly. Raises on cluster errors (nothing is
    reported applied unless Elasticsearch acknowledged it).
    """
    cache = cache or CatalogueCache()
    _lookup_catalogue(es, config, tenant, rows, cache)
    outcomes: list[RowOutcome | None] = [None] * len(rows)
    latest: dict[str, int] = {}
    beaten: list[tuple[int, str]] = []
    for position, row in enumerate(rows):
        if cache.stores.get(row.store_id) is None:
            outcomes[position] = RowOutcome(REJECTED, f"unknown store_id {row.store_id!r}")
        elif not cache.products.get(row.sku):
            outcomes[position] = RowOutcome(REJECTED, f"unknown sku {row.sku!r}")
        else:
            doc_id = stock_id(tenant, row.store_id, row.sku)
            previous = latest.get(doc_id)
            if previous is None or rows[previous].as_of <= row.as_of:
                if previous is not None:
                    beaten.append((previous, doc_id))
                latest[doc_id] = position
            else:
                beaten.append((position, doc_id))
    for position, doc_id in beaten:
        outcomes[position] = RowOutcome(duplicate_outcome(rows[position], rows[latest[doc_id]]))

    indices.ensure_tenant_index(es, config, "stock", tenant)
    pending = dict(latest)
    conflicts = blocked_rounds = 0
    deadline = time.monotonic() + BLOCKED_WAIT_SECONDS
    while pending and conflicts < MAX_CONFLICT_RETRIES:
        pending, blocked = _write(es, config, tenant, rows, pending, outcomes, cache, refresh,
                                  extra_fields)
        if blocked and time.monotonic() < deadline:
            time.sleep(blocked_pause(blocked_rounds))
            blocked_rounds += 1
        else:
            conflicts += 1
    for position in pending.values():
        outcomes[position] = RowOutcome(REJECTED, "too many concurrent writes; retry", retryable=True)
    return [o or RowOutcome(REJECTED, "not processed") for o in outcomes]


def duplicate_outcome(row: StockRow, winner: StockRow) -> str:
    """Return how a row beaten by a later or newer row of the same (store, sku) is counted."""
    same = row.as_of == winner.as_of and row.on_hand == winner.on_hand
    return model.UNCHANGED if same else model.STALE


def _write(
    es: Elasticsearch,
    config: Config,
    tenant: str,
    rows: Sequence[StockRow],
    pending: dict[str, int],
    outcomes: list[RowOutcome | None],
    cache: CatalogueCache,
    refresh: bool | str,
    extra_fields: dict | None,
) -> tuple[dict[str, int], bool]:
    """Write one round; return the rows to write again and whether a write was blocked.

    Rows meet a concurrent write (409) or an index a full load is about to replace (blocked):
    both are read again through the alias and written again.
    """
    alias = indices.stock_alias(config, tenant)
    ids = list(pending)
    refs = [stock_ref(tenant, rows[pending[i]].store_id, rows[pending[i]].sku) for i in ids]
    current = {d["_id"]: d for d in es.mget(index=alias, docs=refs)["docs"]}
    now = datetime.now(UTC)
    operations: list[dict] = []
    order: list[tuple[str, str, int, int]] = []
    for doc_id in ids:
        row = rows[pending[doc_id]]
        found = current[doc_id] if current[doc_id].get("found") else None
        merge = model.merge_count(found["_source"] if found else None, row.on_hand, row.as_of, now)
        if merge.outcome in (model.STALE, model.UNCHANGED):
            outcomes[pending[doc_id]] = RowOutcome(merge.outcome)
            continue
        source = {
            **(found["_source"] if found else {}),
            **model.stock_document(tenant, row.store_id, row.sku,
                                   model.store_fields(cache.stores[row.store_id]),
                                   row.on_hand, row.as_of, merge.holds, now, extra_fields),
        }
        routing = stock_routing(row.sku)
        if found:
            header = {"index": {"_index": found["_index"], "_id": doc_id, "routing": routing,
                                "if_seq_no": found["_seq_no"], "if_primary_term": found["_primary_term"]}}
        else:
            header = {"create": {"_index": alias, "_id": doc_id, "routing": routing}}
        operations += [header, source]
        before = model.available_qty(found["_source"], 0, now) if found else 0
        order.append((doc_id, merge.outcome, before, model.available_qty(source, 0, now)))
    if not operations:
        return {}, False
    response = es.bulk(operations=operations, refresh=refresh)
    retry: dict[str, int] = {}
    blocked = False
    for (doc_id, outcome, before, after), item in zip(order, response["items"], strict=True):
        result = next(iter(item.values()))
        position = pending[doc_id]
        if result.get("status", 500) < 300:
            outcomes[position] = RowOutcome(outcome, unheld_before=before, unheld_after=after)
        elif result.get("status") == 409:
            retry[doc_id] = position
        elif write_blocked(result.get("error")):
            retry[doc_id] = position
            blocked = True
        else:
            error = result.get("error", {})
            status = result.get("status", 500)
            outcomes[position] = RowOutcome(REJECTED, f"{error.get('type')}: {error.get('reason')}",
                                            retryable=status == 429 or status >= 500)
    return retry, blocked


def summarize(outcomes: Iterable[RowOutcome]) -> dict[str, int]:
    """Count outcomes by kind."""
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
    return counts
