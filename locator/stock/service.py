"""Apply stock counts to the stock index: the one write path for files and for the API.

Each batch is read (mget), merged in Python (`model.merge_count`) and written back with optimistic
concurrency (`if_seq_no`/`if_primary_term`), so a concurrent hold or count is never overwritten:
a conflicting row is simply re-read and merged again. The stripped node has no scripting, so this
read-modify-write is also what a production cluster runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from elasticsearch import Elasticsearch

from locator.config import Config
from locator.es import index_name
from locator.mappings import entity_id, stock_id
from locator.stock import model

APPLIED = {model.CREATED, model.UPDATED}
REJECTED = "rejected"
MAX_CONFLICT_RETRIES = 8


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
        docs = es.mget(index=index_name(config, "stores"),
                       ids=[entity_id(tenant, s) for s in missing_stores],
                       source_includes=["location", "status", "services"])["docs"]
        for store_id, doc in zip(missing_stores, docs, strict=True):
            cache.stores[store_id] = doc["_source"] if doc.get("found") else None
    missing_skus = sorted({r.sku for r in rows} - cache.products.keys())
    if missing_skus:
        docs = es.mget(index=index_name(config, "products"),
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
    (store, sku) wins and earlier ones are stale. Raises on cluster errors (nothing is reported
    applied unless Elasticsearch acknowledged it).
    """
    cache = cache or CatalogueCache()
    _lookup_catalogue(es, config, tenant, rows, cache)
    outcomes: list[RowOutcome | None] = [None] * len(rows)
    latest: dict[str, int] = {}
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
                    outcomes[previous] = RowOutcome(model.STALE)
                latest[doc_id] = position
            else:
                outcomes[position] = RowOutcome(model.STALE)

    pending = dict(latest)
    for _attempt in range(MAX_CONFLICT_RETRIES):
        if not pending:
            break
        pending = _write(es, config, tenant, rows, pending, outcomes, cache, refresh, extra_fields)
    for position in pending.values():
        outcomes[position] = RowOutcome(REJECTED, "too many concurrent writes; retry", retryable=True)
    return [o or RowOutcome(REJECTED, "not processed") for o in outcomes]


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
) -> dict[str, int]:
    """Write one round; return the rows that met a concurrent write and must be retried."""
    alias = index_name(config, "stock")
    ids = list(pending)
    current = {d["_id"]: d for d in es.mget(index=alias, ids=ids)["docs"]}
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
        if found:
            header = {"index": {"_index": found["_index"], "_id": doc_id,
                                "if_seq_no": found["_seq_no"], "if_primary_term": found["_primary_term"]}}
        else:
            header = {"create": {"_index": alias, "_id": doc_id}}
        operations += [header, source]
        before = model.available_qty(found["_source"], 0, now) if found else 0
        order.append((doc_id, merge.outcome, before, model.available_qty(source, 0, now)))
    if not operations:
        return {}
    response = es.bulk(operations=operations, refresh=refresh)
    retry: dict[str, int] = {}
    for (doc_id, outcome, before, after), item in zip(order, response["items"], strict=True):
        result = next(iter(item.values()))
        position = pending[doc_id]
        if result.get("status", 500) < 300:
            outcomes[position] = RowOutcome(outcome, unheld_before=before, unheld_after=after)
        elif result.get("status") == 409:
            retry[doc_id] = position
        else:
            error = result.get("error", {})
            status = result.get("status", 500)
            outcomes[position] = RowOutcome(REJECTED, f"{error.get('type')}: {error.get('reason')}",
                                            retryable=status == 429 or status >= 500)
    return retry


def summarize(outcomes: Iterable[RowOutcome]) -> dict[str, int]:
    """Count outcomes by kind."""
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
    return counts
