"""Stock documents follow their store: a move or a change of status or services is copied to every
stock document of that store, and a removed store's stock documents are deleted.

Updates are partial (`_update` with `doc`): Elasticsearch applies them on the latest version of
each document, so they never overwrite a count or a hold written at the same time
(`retry_on_conflict` covers the race). `updated_at` is set so that a full stock load running at the
same moment carries the change into its new index before swapping.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from elasticsearch import Elasticsearch, helpers

from indexer import aliases
from locator.config import Config
from locator.indices import stock_alias
from locator.stock.service import BLOCKED_WAIT_SECONDS, blocked_pause, write_blocked

CHUNK = 500


def follow_stores(es: Elasticsearch, config: Config, tenant: str, changed: dict[str, dict],
                  removed: set[str]) -> tuple[int, int]:
    """Apply store changes to their stock documents; return (documents updated, documents deleted)."""
    alias = stock_alias(config, tenant)
    stamp = datetime.now(UTC).isoformat()
    moved = deleted = 0
    store_ids = sorted(changed)
    for start in range(0, len(store_ids), CHUNK):
        chunk = store_ids[start:start + CHUNK]
        actions = [
            {"_op_type": "update", "_index": alias, "_id": hit["_id"], "routing": hit["_routing"],
             "retry_on_conflict": 5, "doc": {**changed[hit["_source"]["store_id"]], "updated_at": stamp}}
            for hit in aliases.scan(es, alias, _query(tenant, chunk), source=["store_id"])
        ]
        moved += _run(es, actions)
    removed_ids = sorted(removed)
    for start in range(0, len(removed_ids), CHUNK):
        chunk = removed_ids[start:start + CHUNK]
        actions = [{"_op_type": "delete", "_index": alias, "_id": hit["_id"], "routing": hit["_routing"]}
                   for hit in aliases.scan(es, alias, _query(tenant, chunk), source=False)]
        deleted += _run(es, actions)
    if moved or deleted:
        es.indices.refresh(index=alias)
    return moved, deleted


def delete_stock_of_products(es: Elasticsearch, config: Config, tenant: str, skus: set[str]) -> int:
    """Delete the stock documents of removed products; return how many."""
    alias = stock_alias(config, tenant)
    deleted = 0
    ordered = sorted(skus)
    for start in range(0, len(ordered), CHUNK):
        query = {"bool": {"filter": [{"term": {"tenant": tenant}},
                                     {"terms": {"sku": ordered[start:start + CHUNK]}}]}}
        actions = [{"_op_type": "delete", "_index": alias, "_id": hit["_id"], "routing": hit["_routing"]}
                   for hit in aliases.scan(es, alias, query, source=False)]
        deleted += _run(es, actions)
    if deleted:
        es.indices.refresh(index=alias)
    return deleted


def delete_documents(es: Elasticsearch, alias: str, ids: list[str]) -> int:
    """Delete documents by id through an alias (missing ones are fine); return how many."""
    if not ids:
        return 0
    actions = [{"_op_type": "delete", "_index": alias, "_id": doc_id} for doc_id in ids]
    return _run(es, actions, missing_ok=True)


def _query(tenant: str, store_ids: list[str]) -> dict:
    return {"bool": {"filter": [{"term": {"tenant": tenant}}, {"terms": {"store_id": store_ids}}]}}


def _run(es: Elasticsearch, actions: list[dict], missing_ok: bool = True) -> int:
    """Apply actions through the alias; those refused by a full load's swap block are sent again."""
    done = blocked_rounds = 0
    deadline = time.monotonic() + BLOCKED_WAIT_SECONDS
    while actions:
        again: list[dict] = []
        by_id = {action["_id"]: action for action in actions}
        for ok, item in helpers.streaming_bulk(es.options(request_timeout=300), actions, chunk_size=1000,
                                               raise_on_error=False, max_retries=4):
            result = next(iter(item.values()))
            if ok:
                done += 1
            elif write_blocked(result.get("error")) and time.monotonic() < deadline:
                again.append(by_id[result["_id"]])
            elif not (missing_ok and result.get("status") == 404):
                raise RuntimeError(f"stock documents could not follow their store: {result}")
        if again:
            time.sleep(blocked_pause(blocked_rounds))
            blocked_rounds += 1
        actions = again
    return done
