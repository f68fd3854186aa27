"""Upgrade from one stock index shared by every tenant to one stock index per tenant.

Before per-tenant stock indices, `<prefix>-stock` pointed at one index holding every tenant's
stock, each document placed by its id. `locator setup` splits it: writes to it are blocked first
(a writer then gets an error and its row is sent again, never lost), each tenant's documents are
copied into that tenant's new index with their routing, and one alias change serves them all. The
old index is kept, write-blocked, until you delete it (its name is printed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from elasticsearch import Elasticsearch, NotFoundError, helpers

from locator import indices
from locator.config import Config
from locator.es import index_name
from locator.mappings import stock_routing


def setup_all(es: Elasticsearch, config: Config, echo: Callable[[str], None] = print) -> list[str]:
    """Create every missing index, splitting an old shared stock index first; return what was made."""
    created = indices.ensure_shared(es, config)
    moved = split_stock(es, config, echo)
    if moved:
        echo(f"Stock split into one index per tenant: {', '.join(moved)}")
    return created + indices.ensure_all(es, config)


def shared_stock_indices(es: Elasticsearch, config: Config) -> list[str]:
    """Return the stock indices of the shared layout still behind `<prefix>-stock`."""
    shared = index_name(config, "stock")
    legacy = re.compile(rf"^{re.escape(shared)}-\d{{20}}$")
    try:
        found = es.indices.get_alias(name=shared)
    except NotFoundError:
        return []
    return sorted(name for name in found if legacy.match(name))


def split_stock(es: Elasticsearch, config: Config, echo: Callable[[str], None] = print) -> list[str]:
    """Move the shared stock index's documents into per-tenant indices; return the tenants moved."""
    old = shared_stock_indices(es, config)
    if not old:
        return []
    source = ",".join(old)
    es.indices.put_settings(index=source, settings={"index.blocks.write": True})
    es.indices.refresh(index=source)
    tenants = _tenants(es, source)
    actions: list[dict] = [{"remove": {"index": name, "alias": index_name(config, "stock")}} for name in old]
    for tenant in tenants:
        alias = indices.stock_alias(config, tenant)
        target = indices.concrete_name(alias)
        es.indices.create(index=target, mappings=indices.MAPPINGS["stock"],
                          settings=indices.index_settings(config, "stock", tenant))
        copied = _copy(es, source, target, tenant)
        es.indices.refresh(index=target)
        echo(f"stock of {tenant}: {copied} documents copied into {target}")
        previous = es.indices.get_alias(name=alias) if es.indices.exists_alias(name=alias) else {}
        actions += [{"remove": {"index": name, "alias": alias}} for name in previous]
        actions += [{"add": {"index": target, "alias": alias, "is_write_index": True}},
                    {"add": {"index": target, "alias": index_name(config, "stock")}}]
    es.indices.update_aliases(actions=actions)
    echo(f"the shared stock index {source} is no longer served (writes blocked): delete it when "
         f"you no longer need it")
    return tenants


def _tenants(es: Elasticsearch, index: str) -> list[str]:
    tenants: list[str] = []
    after: dict | None = None
    while True:
        composite: dict = {"size": 1000, "sources": [{"tenant": {"terms": {"field": "tenant"}}}]}
        if after:
            composite["after"] = after
        result = es.search(index=index, size=0, aggregations={"t": {"composite": composite}})
        buckets = result["aggregations"]["t"]["buckets"]
        tenants += [b["key"]["tenant"] for b in buckets]
        after = result["aggregations"]["t"].get("after_key")
        if not buckets or after is None:
            return tenants


def _copy(es: Elasticsearch, source: str, target: str, tenant: str) -> int:
    def actions() -> Iterator[dict]:
        for hit in helpers.scan(es, index=source, query={"query": {"term": {"tenant": tenant}},
                                                          "sort": ["_doc"]}, size=2000):
            yield {"_index": target, "_id": hit["_id"], "_routing": stock_routing(hit["_source"]["sku"]),
                   "_source": hit["_source"]}

    copied = 0
    for ok, item in helpers.streaming_bulk(es.options(request_timeout=300), actions(), chunk_size=2000,
                                           raise_on_error=False, max_retries=6):
        if not ok:
            raise RuntimeError(f"copying the stock of {tenant} into {target} failed: {item}")
        copied += 1
    return copied
