"""Timestamped indices behind aliases: build a new one, swap atomically, keep one for rollback.

A full load never writes into the index being served. It builds `<alias>-<timestamp>` with no
replicas and refresh off, restores the settings, then moves the alias in one `_aliases` call that
also requires the alias to still point at the index it started from (two full loads racing cannot
silently undo each other). The previous index is kept for `locator index rollback`; older ones
are deleted. A failed build is deleted while the live index keeps serving.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from elasticsearch import Elasticsearch, NotFoundError, helpers

from locator import indices
from locator.config import Config
from locator.es import index_name

_STAMP = re.compile(r"-\d{20}$")


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
    names = es.indices.get(index=f"{alias}-*", allow_no_indices=True, expand_wildcards="open")
    return sorted(n for n in names if n.startswith(alias + "-") and _STAMP.search(n))


def create_build(es: Elasticsearch, config: Config, kind: str) -> str:
    """Create a new empty index for a full load: no replicas, refresh off (faster, not served)."""
    name = indices.concrete_name(index_name(config, kind))
    settings = {**indices.index_settings(config), "number_of_replicas": 0, "refresh_interval": "-1"}
    es.indices.create(index=name, mappings=indices.MAPPINGS[kind], settings=settings)
    return name


def finish_build(es: Elasticsearch, config: Config, name: str) -> None:
    """Restore the serving settings of a built index and make everything in it searchable."""
    replicas = indices.index_settings(config)["number_of_replicas"]
    es.indices.put_settings(index=name, settings={"number_of_replicas": replicas, "refresh_interval": None})
    es.indices.refresh(index=name)
    es.cluster.health(index=name, wait_for_status="yellow", timeout="60s")


def swap(es: Elasticsearch, alias: str, old: str | None, new: str, meta: dict | None = None) -> list[str]:
    """Point `alias` at `new` in one step (fails if it moved off `old`); return indices deleted."""
    if meta:
        es.indices.put_mapping(index=new, meta=meta)
    actions: list[dict] = []
    if old:
        actions.append({"remove": {"index": old, "alias": alias, "must_exist": True}})
    actions.append({"add": {"index": new, "alias": alias, "is_write_index": True}})
    es.indices.update_aliases(actions=actions)
    # Keep `old` for rollback; older ones (and builds abandoned before ours) go.
    doomed = [n for n in versions(es, alias) if n < new and n != old]
    if doomed:
        es.indices.delete(index=",".join(doomed), ignore_unavailable=True)
    return doomed


def previous_index(es: Elasticsearch, alias: str) -> str | None:
    """Return the newest index older than the live one (the rollback target), or None."""
    live = live_index(es, alias)
    older = [n for n in versions(es, alias) if live is None or n < live]
    return older[-1] if older else None


def drop(es: Elasticsearch, name: str) -> None:
    """Delete a (half-built) index; never the one being served."""
    es.indices.delete(index=name, ignore_unavailable=True)


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
