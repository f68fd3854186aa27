"""Every index the service uses: its kind, mapping and settings; setup behind aliases.

Stores, products and stock are kept per tenant: `<prefix>-stores.<tenant>` is one tenant's alias
(reads and writes by id, one index behind it: a get through an alias of several indices fails),
and `<prefix>-stores` reads every tenant's live stores index at once. So a full load of one tenant
builds and swaps that tenant's index only, and each tenant's index can have its own shard count
(`INDEX_SHARDS=1,stock.acme=12,stores.acme=2`). `tenant_alias` is the one place that names them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from elasticsearch import BadRequestError, Elasticsearch, NotFoundError

from locator import mappings as catalogue
from locator.alerts.mappings import ALERTS
from locator.config import Config
from locator.es import index_name
from locator.reports.mappings import UNMET_DEMAND
from locator.reservations.mappings import PICKUP_CODES, RESERVATIONS, WEBHOOK_DELIVERIES
from locator.tenants.mappings import KEYS, TENANTS

MAPPINGS: dict[str, dict] = {
    "stores": catalogue.STORES,
    "products": catalogue.PRODUCTS,
    "stock": catalogue.STOCK,
    "tenants": TENANTS,
    "keys": KEYS,
    "reservations": RESERVATIONS,
    "pickup-codes": PICKUP_CODES,
    "webhook-deliveries": WEBHOOK_DELIVERIES,
    "unmet-demand": UNMET_DEMAND,
    "alerts": ALERTS,
}

# The order documents are stored in, for the kinds whose searches gain from one.
INDEX_SORTS: dict[str, dict] = {"stock": catalogue.STOCK_INDEX_SORT}

# Kinds with one index per tenant; `<prefix>-<kind>` reads them all together.
TENANT_KINDS = ("stores", "products", "stock")
# The first index of a tenant: a fixed name, so two processes creating it race harmlessly.
FIRST_STAMP = "0" * 20
_known: set[str] = set()  # tenant aliases this process has seen exist


def index_settings(config: Config, kind: str, tenant: str | None = None) -> dict:
    """Settings for a new index of `kind` (INDEX_SHARDS, INDEX_REPLICAS, the stock's order)."""
    return {"number_of_shards": config.shards(kind, tenant),
            "number_of_replicas": config.replicas(kind, tenant), **INDEX_SORTS.get(kind, {})}


def tenant_alias(config: Config, kind: str, tenant: str) -> str:
    """Return the alias of one tenant's index of a per-tenant kind (`<prefix>-stores.<tenant>`).

    Every read or write by id of a store, product or stock document goes through it. Searches
    through it of a tenant whose index does not exist yet pass `ignore_unavailable` (see
    `TENANT_SEARCH`): they find nothing, as before the tenant loaded anything.
    """
    return f"{index_name(config, kind)}.{tenant}"


# Search options for a tenant's alias: a tenant with no index yet has nothing, not an error.
TENANT_SEARCH = {"ignore_unavailable": True}


def stock_alias(config: Config, tenant: str) -> str:
    """Return the alias through which one tenant's stock is read and written."""
    return tenant_alias(config, "stock", tenant)


def ensure_tenant_indices(es: Elasticsearch, config: Config, tenant: str) -> None:
    """Create whichever of a tenant's stores, products and stock indices is missing."""
    for kind in TENANT_KINDS:
        ensure_tenant_index(es, config, kind, tenant)


def ensure_tenant_index(es: Elasticsearch, config: Config, kind: str, tenant: str) -> bool:
    """Create a tenant's index behind its alias and the shared read alias when absent."""
    alias = tenant_alias(config, kind, tenant)
    if alias in _known:
        return False
    if es.indices.exists_alias(name=alias):
        _known.add(alias)
        return False
    try:
        es.indices.create(
            index=f"{alias}-{FIRST_STAMP}",
            mappings=MAPPINGS[kind],
            settings=index_settings(config, kind, tenant),
            aliases={alias: {"is_write_index": True}, index_name(config, kind): {}},
        )
    except BadRequestError as exc:
        if exc.error != "resource_already_exists_exception":
            raise
    _known.add(alias)
    return True


def concrete_name(alias: str) -> str:
    """Return a new timestamped index name for an alias (`<alias>-<timestamp>`)."""
    return f"{alias}-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"


def ensure_index(es: Elasticsearch, config: Config, kind: str) -> bool:
    """Create the alias and a first index behind it when absent; return True if created."""
    alias = index_name(config, kind)
    if es.indices.exists_alias(name=alias):
        put_mapping(es, alias, kind)
        return False
    try:
        es.indices.create(
            index=concrete_name(alias),
            mappings=MAPPINGS[kind],
            settings=index_settings(config, kind),
            aliases={alias: {"is_write_index": True}},
        )
    except BadRequestError as exc:
        # A busy cluster answered after the client's timeout and the client sent the create
        # again: the timestamped name is ours, so the first request made the index (and alias).
        if exc.error != "resource_already_exists_exception" or not es.indices.exists_alias(name=alias):
            raise
    return True


def put_mapping(es: Elasticsearch, index: str, kind: str) -> None:
    """Add new fields to existing indices (`_routing` is fixed when an index is created)."""
    body = {k: v for k, v in MAPPINGS[kind].items() if k != "_routing"}
    es.indices.put_mapping(index=index, body=body)


def ensure_shared(es: Elasticsearch, config: Config) -> list[str]:
    """Create every missing index that all tenants share; return the kinds created."""
    return [kind for kind in MAPPINGS if kind not in TENANT_KINDS and ensure_index(es, config, kind)]


class LayoutOutdated(Exception):
    """Stores, products or stock of every tenant are still in one shared index: `locator setup` splits it."""


def shared_layout(es: Elasticsearch, config: Config, kind: str) -> list[str]:
    """Return the indices of the old shared layout (one for every tenant) still behind `<prefix>-<kind>`."""
    shared = index_name(config, kind)
    try:
        found = es.indices.get_alias(name=shared)
    except NotFoundError:
        return []
    return sorted(name for name in found if not name.startswith(shared + "."))


def check_layout(es: Elasticsearch, config: Config) -> None:
    """Raise LayoutOutdated when a per-tenant kind is still served by one index for every tenant."""
    for kind in TENANT_KINDS:
        if shared_layout(es, config, kind):
            raise LayoutOutdated(f"{index_name(config, kind)} still points at the {kind} index shared "
                                 f"by every tenant: run `locator setup` to split it into one index "
                                 f"per tenant")


def ensure_all(es: Elasticsearch, config: Config) -> list[str]:
    """Create every missing index (idempotent), each tenant's too; return what was created."""
    created = ensure_shared(es, config)
    check_layout(es, config)
    tenants = es.search(index=index_name(config, "tenants"), size=10_000, source=False,
                        query={"match_all": {}})["hits"]["hits"]
    for hit in tenants:
        for kind in TENANT_KINDS:
            if es.indices.exists_alias(name=tenant_alias(config, kind, hit["_id"])):
                put_mapping(es, tenant_alias(config, kind, hit["_id"]), kind)
            elif ensure_tenant_index(es, config, kind, hit["_id"]):
                created.append(f"{kind}.{hit['_id']}")
    return created


def layout_notes(es: Elasticsearch, config: Config) -> list[str]:
    """Say which tenant indices have another shard count than the configuration asks."""
    notes = []
    for kind in TENANT_KINDS:
        shared = index_name(config, kind)
        if not es.indices.exists_alias(name=shared):
            continue
        for name, value in es.indices.get_settings(index=shared, name="index.number_of_shards").items():
            tenant = name[len(shared) + 1:].rsplit("-", 1)[0]
            have = int(value["settings"]["index"]["number_of_shards"])
            want = config.shards(kind, tenant)
            if have != want:
                notes.append(f"{kind} of {tenant}: {have} shard(s), INDEX_SHARDS asks {want}; the next "
                             f"`locator index {kind} FILE --tenant {tenant} --full` builds it so")
    return notes


def missing(es: Elasticsearch, config: Config) -> list[str]:
    """Return the kinds whose alias does not exist."""
    aliases = [index_name(config, kind) for kind in MAPPINGS if kind not in TENANT_KINDS]
    present: set[str] = set()
    try:
        found = es.indices.get_alias(name=",".join(aliases))
    except NotFoundError as exc:
        found = exc.body if isinstance(exc.body, dict) else {}  # lists the aliases that exist
    for value in found.values():
        if isinstance(value, dict):
            present.update(value.get("aliases", {}))
    return [kind for kind in MAPPINGS if kind not in TENANT_KINDS and index_name(config, kind) not in present]


DELETE_GROUP = 20  # index names per delete request


def delete_all(es: Elasticsearch, config: Config) -> None:
    """Delete every index behind this prefix (tests and `locator reset`)."""
    # Wildcard deletes are refused by default (action.destructive_requires_name): name them.
    names = list(es.indices.get(index=f"{config.index_prefix}-*", allow_no_indices=True))
    # In groups: one stock index per tenant makes the list long, and an HTTP line over 4 KB is refused.
    for i in range(0, len(names), DELETE_GROUP):
        es.indices.delete(index=",".join(names[i:i + DELETE_GROUP]))
    _known.clear()
