"""`locator index rollback KIND`: serve the previous index again.

The alias moves back to the index the last full load replaced (kept for this). What happened since
is not all lost: for stock, the holds of active reservations in the current index are carried into
the previous one first (a rollback never frees units that a shopper holds), with the newer count
when the current one is newer (stock never goes back in time); for stores, stock documents follow
the stores back to where they were, and stock of stores that do not exist in the previous index is
deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from elasticsearch import Elasticsearch

from indexer import aliases, follow
from indexer.bulk import action_line, source_line
from indexer.stockload import merge_into
from locator.config import Config
from locator.es import index_name
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


def rollback(es: Elasticsearch, config: Config, kind: str) -> Rollback:
    """Point the alias of `kind` back at its previous index; return what was done."""
    alias = index_name(config, kind)
    live = aliases.live_index(es, alias)
    previous = aliases.previous_index(es, alias)
    if live is None or previous is None:
        raise NothingToRollBack(f"{alias}: no previous index to roll back to "
                                f"(one is kept after each full load)")
    carried = _carry_holds(es, live, previous) if kind == "stock" else 0
    aliases.swap(es, alias, live, previous,
                 meta={"rolled_back_at": datetime.now(UTC).isoformat(), "rolled_back_from": live})
    moved = deleted = 0
    if kind == "stores":
        moved, deleted = _follow_back(es, config, live, previous)
    return Rollback(kind, live, previous, carried, moved, deleted)


def _carry_holds(es: Elasticsearch, current: str, previous: str) -> int:
    es.indices.refresh(index=current)
    now = datetime.now(UTC)
    hits = list(aliases.scan(es, current, {"range": {"held": {"gt": 0}}}))
    for start in range(0, len(hits), 1000):
        chunk = hits[start:start + 1000]
        docs = es.mget(index=previous, ids=[h["_id"] for h in chunk])["docs"]
        found = {d["_id"]: d["_source"] for d in docs if d.get("found")}
        lines: list[str] = []
        for hit in chunk:
            old = found.get(hit["_id"])
            doc = hit["_source"] if old is None else merge_into(old, hit["_source"], now)
            lines += [action_line("index", previous, hit["_id"]), source_line(doc)]
        response = es.bulk(operations="\n".join(lines) + "\n", refresh=True)
        if response.get("errors"):
            raise RuntimeError("carrying holds into the previous index failed; the alias was not moved")
    return len(hits)


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
