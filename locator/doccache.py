"""Tenant documents remembered briefly per worker, fetched in one `mget` for what is missing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from elasticsearch import Elasticsearch

from locator.config import Config
from locator.es import index_name
from locator.mappings import entity_id


class DocCache:
    """A per-worker TTL cache of one kind of tenant document (stores, products), by key.

    `remember_missing=False` re-asks for unknown keys every time, so a new document shows at once.
    """

    def __init__(self, kind: str, source_includes: list[str], *, ttl: float = 120.0,
                 max_entries: int = 50_000, remember_missing: bool = True) -> None:
        self.kind = kind
        self.source_includes = source_includes
        self.ttl = ttl
        self.max_entries = max_entries
        self.remember_missing = remember_missing
        self._entries: dict[tuple[str, str], tuple[float, dict | None]] = {}
        self._lock = threading.Lock()

    def get_many(self, es: Elasticsearch, config: Config, tenant: str,
                 keys: Iterable[str]) -> dict[str, dict]:
        """Return {key: source} for the keys whose document exists."""
        now = time.monotonic()
        found: dict[str, dict] = {}
        missing: list[str] = []
        with self._lock:
            for key in dict.fromkeys(keys):
                entry = self._entries.get((tenant, key))
                if entry is not None and entry[0] > now:
                    if entry[1] is not None:
                        found[key] = entry[1]
                else:
                    missing.append(key)
        if not missing:
            return found
        docs = es.mget(index=index_name(config, self.kind), ids=[entity_id(tenant, k) for k in missing],
                       source_includes=self.source_includes)["docs"]
        with self._lock:
            if len(self._entries) > self.max_entries:
                self._entries.clear()
            for key, doc in zip(missing, docs, strict=True):
                source = doc["_source"] if doc.get("found") else None
                if source is not None or self.remember_missing:
                    self._entries[(tenant, key)] = (now + self.ttl, source)
                if source is not None:
                    found[key] = source
        return found
