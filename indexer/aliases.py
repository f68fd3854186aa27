"""Timestamped indices behind aliases: build a new one, swap atomically, keep one for rollback.

A full load never writes into the index being served. It builds `<alias>-<timestamp>` with no
replicas and refresh off, restores the settings, then moves the alias in one `_aliases` call that
also requires the alias to still point at the index it started from (two full loads racing cannot
silently undo each other). The previous index is kept for `locator index rollback`; older ones
are deleted. A failed build is deleted while the live index keeps serving; an index that an alias
points at is never deleted (after a swap that timed out, the build may be the live index).

Stores, products and stock have one index per tenant (`<prefix>-stores.<tenant>` …), also read
through `<prefix>-stores` …: their swaps move both aliases at once, and touch no other tenant.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError, helpers

from locator import indices
from locator.config import Config
from locator.es import index_name

# Settings restored on a build, and how long its replicas may take to be assigned.
GREEN_TIMEOUT = "120s"
MERGE_TIMEOUT = 3600  # seconds: merging tens of millions of documents takes minutes


def live_index(es: Elasticsearch, alias: str) -> str | None:
    """Return the concrete index the alias writes to, or None when the alias does not exist."""
    try:
        found = es.indices.get_alias(name=alias)
    except NotFoundError:
        return None
    names = sorted(found)
    for name in names:
        if found[name]["aliases"][alias].get("is_write_index"):
            return name
    return names[-1] if names else None


def versions(es: Elasticsearch, alias: str) -> list[str]:
    """Return the timestamped indices of an alias, oldest first."""
    # `acme` and `acme-2` are two tenants: only `<alias>-<20 digits>` is a version of `alias`.
    stamp = re.compile(rf"^{re.escape(alias)}-\d{{20}}$")
    names = es.indices.get(index=f"{alias}-*", allow_no_indices=True, expand_wildcards="open")
    return sorted(n for n in names if stamp.match(n))


def serving_alias(config: Config, kind: str, tenant: str) -> str:
    """Return the alias a full load of `kind` for `tenant` replaces (the tenant's own, per-tenant kinds)."""
    if kind in indices.TENANT_KINDS:
        return indices.tenant_alias(config, kind, tenant)
    return index_name(config, kind)


def create_build(es: Elasticsearch, config: Config, kind: str, tenant: str) -> str:
    """Create a new empty index for a full load: no replicas, refresh off (faster, not served)."""
    name = indices.concrete_name(serving_alias(config, kind, tenant))
    settings = {**indices.index_settings(config, kind, tenant), "number_of_replicas": 0,
                "refresh_interval": "-1"}
    es.indices.create(index=name, mappings=indices.MAPPINGS[kind], settings=settings)
    return name


def finish_build(es: Elasticsearch, config: Config, kind: str, tenant: str, name: str) -> None:
    """Merge a built index into one segment, restore its serving settings; return once every copy
    of it is assigned.

    One segment: a search then looks each sku's documents up once and reads them from fewer
    compressed blocks (measured: bench/README.md). Merged before its replicas exist, which then
    copy the merged files. Green, not yellow: an index swapped in before its replicas exist is
    lost with one node.
    """
    es.indices.refresh(index=name)
    es.options(request_timeout=MERGE_TIMEOUT).indices.forcemerge(index=name, max_num_segments=1)
    replicas = indices.index_settings(config, kind, tenant)["number_of_replicas"]
    es.indices.put_settings(index=name, settings={"number_of_replicas": replicas, "refresh_interval": None})
    es.indices.refresh(index=name)
    # A timeout answers 408 with the health as it is.
    health = es.options(ignore_status=408).cluster.health(index=name, wait_for_status="green",
                                                          timeout=GREEN_TIMEOUT)
    if health.get("timed_out") or health.get("status") != "green":
        raise RuntimeError(f"{name} is {health.get('status')} after {GREEN_TIMEOUT} "
                           f"({replicas} replica(s) asked: enough nodes?); the live index is kept")


def block_writes(es: Elasticsearch, name: str, blocked: bool = True) -> None:
    """Refuse (or accept again) writes to an index; refused writers retry through the alias."""
    es.indices.put_settings(index=name, settings={"index.blocks.write": True if blocked else None})


def swap(es: Elasticsearch, alias: str, old: str | None, new: str, meta: dict | None = None,
         readers: str | None = None) -> None:
    """Point `alias` (and the shared `readers` alias) at `new` in one step; fails if it moved off `old`."""
    if meta:
        es.indices.put_mapping(index=new, meta=meta)
    actions: list[dict] = []
    if old:
        actions.append({"remove": {"index": old, "alias": alias, "must_exist": True}})
        if readers:
            actions.append({"remove": {"index": old, "alias": readers}})
    actions.append({"add": {"index": new, "alias": alias, "is_write_index": True}})
    if readers:
        actions.append({"add": {"index": new, "alias": readers}})
    es.indices.update_aliases(actions=actions)


def prune(es: Elasticsearch, alias: str, keep: str | None) -> list[str]:
    """Delete the versions of `alias` older than the live one except `keep`; return them.

    Best effort, after a swap that succeeded: a failure here is reported, never undone.
    """
    live = live_index(es, alias)
    if live is None:
        return []
    doomed = [n for n in versions(es, alias) if n < live and n != keep and not aliases_of(es, n)]
    if doomed:
        es.indices.delete(index=",".join(doomed), ignore_unavailable=True)
    return doomed


def aliases_of(es: Elasticsearch, name: str) -> list[str]:
    """Return the aliases pointing at an index (none when it does not exist)."""
    try:
        found = es.indices.get_alias(index=name)
    except NotFoundError:
        return []
    return sorted(found.get(name, {}).get("aliases", {}))


def previous_index(es: Elasticsearch, alias: str) -> str | None:
    """Return the newest index older than the live one (the rollback target), or None."""
    live = live_index(es, alias)
    older = [n for n in versions(es, alias) if live is None or n < live]
    return older[-1] if older else None


def drop(es: Elasticsearch, name: str) -> bool:
    """Delete a (half-built) index unless an alias points at it; return True if deleted.

    A swap that timed out or was interrupted may have moved the alias all the same: the build
    is then the live index, and it stays.
    """
    if aliases_of(es, name):
        return False
    es.indices.delete(index=name, ignore_unavailable=True)
    return True


def prune_quietly(es: Elasticsearch, alias: str, keep: str | None, notes: list[str]) -> None:
    """Prune old versions after a swap; a failure becomes a note, the load still succeeded."""
    try:
        prune(es, alias, keep)
    except (ApiError, TransportError) as exc:
        notes.append(f"older indices of {alias} could not be deleted ({exc}); the next full "
                     f"load tries again")


def scan(es: Elasticsearch, index: str, query: dict, source: bool | list[str] = True) -> Iterator[dict]:
    """Yield every hit of `query` in `index` (sorted by _doc: the cheapest full read)."""
    yield from helpers.scan(es, index=index, query={"query": query, "sort": ["_doc"]},
                            _source=source, size=2000, request_timeout=120)


def copy_docs(es: Elasticsearch, source: str, target: str, query: dict,
              transform: Callable[[dict], dict | None] | None = None) -> int:
    """Copy the documents matching `query` from `source` to `target` (scan + bulk; no _reindex here)."""
    def actions() -> Iterator[dict]:
        for hit in scan(es, source, query):
            doc = transform(hit) if transform else hit["_source"]
            if doc is not None:
                yield {"_index": target, "_id": hit["_id"], "_source": doc}

    copied = 0
    for ok, item in helpers.streaming_bulk(es.options(request_timeout=300), actions(), chunk_size=2000,
                                           raise_on_error=False, max_retries=4):
        if not ok:
            raise RuntimeError(f"copying {source} -> {target} failed: {item}")
        copied += 1
    return copied
