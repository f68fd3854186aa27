"""Tenant documents remembered briefly per worker, fetched in one `mget` for what is missing."""

from __future__ import annotations

from collections.abc import Iterable

from elasticsearch import Elasticsearch

from locator.cache import MISSING, Cache
from locator.config import Config
from locator.indices import tenant_alias
from locator.mappings import entity_id


class DocCache:
    """A per-worker TTL cache of one kind of tenant document (stores, products), by key.

    `remember_missing=False` re-asks for unknown keys every time, so a new document shows at once.
    """

    DEFAULT_TTL = 120.0  # seconds a store or product change may take to show in searches

    def __init__(self, kind: str, source_includes: list[str], *, ttl: float = DEFAULT_TTL,
                 max_entries: int = 50_000, remember_missing: bool = True) -> None:
        self.kind = kind
        self.source_includes = source_includes
        self.remember_missing = remember_missing
        self._entries: Cache[tuple[str, str], dict | None] = Cache(max_entries, ttl)

    def get_many(self, es: Elasticsearch, config: Config, tenant: str,
                 keys: Iterable[str]) -> dict[str, dict]:
        """Return {key: source} for the keys whose document exists."""
        found: dict[str, dict] = {}
        missing: list[str] = []
        for key in dict.fromkeys(keys):
            source = self._entries.get((tenant, key))
            if source is MISSING:
                missing.append(key)
            elif source is not None:
                found[key] = source
        if not missing:
            return found
        docs = es.mget(index=tenant_alias(config, self.kind, tenant),
                       ids=[entity_id(tenant, k) for k in missing],
                       source_includes=self.source_includes)["docs"]
        for key, doc in zip(missing, docs, strict=True):
            source = doc["_source"] if doc.get("found") else None
            if source is not None or self.remember_missing:
                self._entries.put((tenant, key), source)
            if source is not None:
                found[key] = source
        return found
