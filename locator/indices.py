"""Every index the service uses: its kind, mapping and settings; setup behind aliases."""

from __future__ import annotations

from datetime import UTC, datetime

from elasticsearch import BadRequestError, Elasticsearch, NotFoundError

from locator import mappings as catalogue
from locator.config import Config
from locator.es import index_name
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
}


def index_settings(config: Config) -> dict:
    """Settings for a new index; replicas 0 on a single-node cluster."""
    return {"number_of_shards": 1, "number_of_replicas": 0 if config.uses_local_node else 1}


def concrete_name(alias: str) -> str:
    """Return a new timestamped index name for an alias (`<alias>-<timestamp>`)."""
    return f"{alias}-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"


def ensure_index(es: Elasticsearch, config: Config, kind: str) -> bool:
    """Create the alias and a first index behind it when absent; return True if created."""
    alias = index_name(config, kind)
    if es.indices.exists_alias(name=alias):
        es.indices.put_mapping(index=alias, body=MAPPINGS[kind])  # additive changes only
        return False
    try:
        es.indices.create(
            index=concrete_name(alias),
            mappings=MAPPINGS[kind],
            settings=index_settings(config),
            aliases={alias: {"is_write_index": True}},
        )
    except BadRequestError as exc:
        # A busy cluster answered after the client's timeout and the client sent the create
        # again: the timestamped name is ours, so the first request made the index (and alias).
        if exc.error != "resource_already_exists_exception" or not es.indices.exists_alias(name=alias):
            raise
    return True


def ensure_all(es: Elasticsearch, config: Config) -> list[str]:
    """Create every missing index (idempotent); return the kinds created."""
    return [kind for kind in MAPPINGS if ensure_index(es, config, kind)]


def missing(es: Elasticsearch, config: Config) -> list[str]:
    """Return the kinds whose alias does not exist."""
    aliases = [index_name(config, kind) for kind in MAPPINGS]
    present: set[str] = set()
    try:
        found = es.indices.get_alias(name=",".join(aliases))
    except NotFoundError as exc:
        found = exc.body if isinstance(exc.body, dict) else {}  # lists the aliases that exist
    for value in found.values():
        if isinstance(value, dict):
            present.update(value.get("aliases", {}))
    return [kind for kind in MAPPINGS if index_name(config, kind) not in present]


def delete_all(es: Elasticsearch, config: Config) -> None:
    """Delete every index behind this prefix (tests and `locator reset`)."""
    # Wildcard deletes are refused by default (action.destructive_requires_name): name them.
    names = list(es.indices.get(index=f"{config.index_prefix}-*", allow_no_indices=True))
    if names:
        es.indices.delete(index=",".join(names))
