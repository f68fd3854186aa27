"""Upgrade from one index shared by every tenant to one index per tenant (stores, products, stock).

Before per-tenant indices, `<prefix>-stores`, `<prefix>-products` and `<prefix>-stock` each
pointed at one index holding every tenant's documents. `locator setup` splits each of them: writes
to it are blocked first (a writer then gets an error and its row is sent again, never lost), each
tenant's documents are copied into that tenant's new index (stock with its routing), and one alias
change per kind serves them all. A tenant that already has its own index (made by a newer process
before the split) gets the old documents added to it, never over a document written there since.
The old index is kept, write-blocked, until you delete it (its name is printed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from elasticsearch import Elasticsearch, helpers

from locator import areafill, indices
from locator.config import Config
from locator.es import index_name
from locator.mappings import stock_routing


def setup_all(es: Elasticsearch, config: Config, echo: Callable[[str], None] = print) -> list[str]:
    """Create every missing index, splitting old shared stores, products and stock indices first.

    Then store and stock documents written before they carried their area get it (`areafill`):
    `locator setup` and `locator demo load` both come through here.
    """
    created = indices.ensure_shared(es, config)
    for kind in indices.TENANT_KINDS:
        moved = split(es, config, kind, echo)
        if moved:
            echo(f"{kind.capitalize()} split into one index per tenant: {', '.join(moved)}")
    created += indices.ensure_all(es, config)
    for kind, what in (("stores", "Store documents given their area"),
                       ("stock", "Stock documents given their store's area")):
        alias = index_name(config, kind)
        if es.indices.exists_alias(name=alias):
            filled = areafill.fill_areas(es, alias)
            if filled:
                echo(f"{what}: {filled:,}")
    return created


def split(es: Elasticsearch, config: Config, kind: str, echo: Callable[[str], None] = print) -> list[str]:
    """Move the shared index of `kind` into per-tenant indices; return the tenants moved."""
    old = indices.shared_layout(es, config, kind)
    if not old:
        return []
    shared = index_name(config, kind)
    source = ",".join(old)
    es.indices.put_settings(index=source, settings={"index.blocks.write": True})
    es.indices.refresh(index=source)
    tenants = _tenants(es, source)
    actions: list[dict] = [{"remove": {"index": name, "alias": shared}} for name in old]
    for tenant in tenants:
        alias = indices.tenant_alias(config, kind, tenant)
        existing = _live(es, alias)
        target = existing or indices.concrete_name(alias)
        if existing is None:
            es.indices.create(index=target, mappings=indices.MAPPINGS[kind],
                              settings=indices.index_settings(config, kind, tenant))
            actions += [{"add": {"index": target, "alias": alias, "is_write_index": True}},
                        {"add": {"index": target, "alias": shared}}]
        copied = _copy(es, kind, source, target, tenant)
        es.indices.refresh(index=target)
        echo(f"{kind} of {tenant}: {copied} documents copied into {target}")
    es.indices.update_aliases(actions=actions)
    echo(f"the shared {kind} index {source} is no longer served (writes blocked): delete it when "
         f"you no longer need it")
    return tenants


def _live(es: Elasticsearch, alias: str) -> str | None:
    if not es.indices.exists_alias(name=alias):
        return None
    return sorted(es.indices.get_alias(name=alias))[-1]


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


def _copy(es: Elasticsearch, kind: str, source: str, target: str, tenant: str) -> int:
    def actions() -> Iterator[dict]:
        for hit in helpers.scan(es, index=source, query={"query": {"term": {"tenant": tenant}},
                                                          "sort": ["_doc"]}, size=2000):
            # `create`: a document the tenant's own index received since the upgrade is newer.
            action = {"_op_type": "create", "_index": target, "_id": hit["_id"], "_source": hit["_source"]}
            if kind == "stock":
                action["_routing"] = stock_routing(hit["_source"]["sku"])
            yield action

    copied = 0
    for ok, item in helpers.streaming_bulk(es.options(request_timeout=300), actions(), chunk_size=2000,
                                           raise_on_error=False, max_retries=6):
        if ok:
            copied += 1
        elif item.get("create", {}).get("status") != 409:
            raise RuntimeError(f"copying the {kind} of {tenant} into {target} failed: {item}")
    return copied
