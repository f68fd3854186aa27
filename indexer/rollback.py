"""`locator index rollback KIND`: serve the previous index again.

The alias moves back to the index the last full load replaced (kept for this). Only that load is
undone. Stores, products and stock are one index per tenant, so `--tenant` names whose load, and
other tenants' indices are never touched. For stock, the current index
is write-blocked first (writers wait and write again through the alias), then every document of
it is merged into the previous index: its holds as they are now (placed, released, collected
since), and its count unless that count came from the load's own file (`loaded_by`): a count
pushed since is kept, stock never goes back in time. Documents the load created from its file
go, unless they hold units. For stores, stock documents follow the stores back to where they
were, and stock of stores that do not exist in the previous index is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from elasticsearch import Elasticsearch

from indexer import aliases, follow
from indexer.bulk import action_line, source_line
from indexer.stockload import STORE_COPY
from locator import indices
from locator.areafill import fill_areas
from locator.config import Config
from locator.es import index_name
from locator.stock import model
from locator.stock.model import store_fields


class NothingToRollBack(Exception):
    """No previous index is kept for this alias."""


@dataclass(frozen=True)
class Rollback:
    """What a rollback did."""

    kind: str
    from_index: str
    to_index: str
    carried: int = 0
    stock_moved: int = 0
    stock_deleted: int = 0


class TenantRequired(Exception):
    """Stores, products and stock are rolled back one tenant at a time."""


def rollback(es: Elasticsearch, config: Config, kind: str, tenant: str | None = None) -> Rollback:
    """Point the tenant's alias of `kind` back at its previous index."""
    if not tenant:
        raise TenantRequired(f"{kind}: rolled back per tenant: name the tenant with --tenant")
    alias = aliases.serving_alias(config, kind, tenant)
    readers = index_name(config, kind)
    live = aliases.live_index(es, alias)
    previous = aliases.previous_index(es, alias)
    if live is None or previous is None:
        raise NothingToRollBack(f"{alias}: no previous index to roll back to "
                                f"(one is kept after each full load)")
    meta = {"rolled_back_at": datetime.now(UTC).isoformat(), "rolled_back_from": live}
    carried = 0
    if kind == "stock":
        aliases.block_writes(es, live)
        try:
            aliases.block_writes(es, previous, blocked=False)  # blocked since the load replaced it
            indices.put_mapping(es, previous, "stock")  # it may predate a field, e.g. `area`
            carried = _carry_stock(es, live, previous)
            fill_areas(es, previous)  # its documents the carry did not rewrite
            aliases.swap(es, alias, live, previous, meta=meta, readers=readers)
        except BaseException:
            if aliases.live_index(es, alias) == live:
                aliases.block_writes(es, live, blocked=False)
            raise
    else:
        aliases.swap(es, alias, live, previous, meta=meta, readers=readers)
    moved = deleted = 0
    if kind == "stores":
        moved, deleted = _follow_back(es, config, live, previous)
    return Rollback(kind, live, previous, carried, moved, deleted)


def _carry_stock(es: Elasticsearch, current: str, previous: str) -> int:
    """Merge the current (write-blocked) stock index into the previous one; return documents written."""
    es.indices.refresh(index=current)
    now = datetime.now(UTC)
    written = 0
    batch: list[dict] = []
    for hit in aliases.scan(es, current, {"match_all": {}}):
        batch.append(hit)
        if len(batch) >= 1000:
            written += _carry_batch(es, current, previous, batch, now)
            batch = []
    if batch:
        written += _carry_batch(es, current, previous, batch, now)
    es.indices.refresh(index=previous)
    return written


def _carry_batch(es: Elasticsearch, current: str, previous: str, hits: list[dict], now: datetime) -> int:
    refs = [{"_id": h["_id"], "routing": h["_routing"]} for h in hits]
    before = {d["_id"]: d["_source"] for d in es.mget(index=previous, docs=refs)["docs"] if d.get("found")}
    lines: list[str] = []
    for hit in hits:
        doc = back(before.get(hit["_id"]), hit["_source"], current, now)
        if doc is not None:
            lines += [action_line("index", previous, hit["_id"], routing=hit["_routing"]), source_line(doc)]
    if not lines:
        return 0
    response = es.options(request_timeout=300).bulk(operations="\n".join(lines) + "\n", refresh=False)
    if response.get("errors"):
        raise RuntimeError("carrying stock into the previous index failed; the alias was not moved")
    return len(lines) // 2


def back(old: dict | None, current: dict, load: str, now: datetime) -> dict | None:
    """Return what the previous index keeps of a document: the load's count undone, the rest kept.

    `old` is the document before the load (None: the load created it), `current` the one served
    now, `load` the index the load built. None: nothing to write.
    """
    holds = [h for h in current.get("holds") or [] if model.hold_counts(h, now)]
    from_file = current.get("loaded_by") == load
    if old is None:
        if from_file and not holds:
            return None  # created by the load's file and holding nothing: it goes with the load
        doc = dict(current)  # counted by a writer since (or holding units): kept
    else:
        doc = dict(old)
        newer = model.parse_time(current["as_of"]) > model.parse_time(old["as_of"])
        if not from_file and newer:
            doc["on_hand"], doc["as_of"] = current["on_hand"], current["as_of"]
            doc["loaded_by"] = current.get("loaded_by")
        for field in STORE_COPY:
            if field in current:
                doc[field] = current[field]  # the store as it is now
    doc["holds"] = holds
    doc["held"] = model.held_qty(holds, now)
    doc["updated_at"] = max(current.get("updated_at", ""), (old or {}).get("updated_at", ""))
    return doc


def _follow_back(es: Elasticsearch, config: Config, current: str, previous: str) -> tuple[int, int]:
    before = {h["_id"]: h["_source"] for h in aliases.scan(es, previous, {"match_all": {}})}
    changed: dict[str, dict[str, dict]] = {}
    removed: dict[str, set[str]] = {}
    for hit in aliases.scan(es, current, {"match_all": {}}):
        doc = hit["_source"]
        old = before.get(hit["_id"])
        if old is None:
            removed.setdefault(doc["tenant"], set()).add(doc["store_id"])
        elif store_fields(old) != store_fields(doc):
            changed.setdefault(doc["tenant"], {})[doc["store_id"]] = store_fields(old)
    moved = deleted = 0
    for tenant in sorted(set(changed) | set(removed)):
        m, d = follow.follow_stores(es, config, tenant, changed.get(tenant, {}), removed.get(tenant, set()))
        moved, deleted = moved + m, deleted + d
    return moved, deleted
