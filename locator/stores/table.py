"""Every store of a tenant, held per worker and kept fresh from the stores index, so that a listing
built from stock documents needs no second round trip for store names, addresses and hours.

Stock documents copy only what searches filter on (location, status, services). The rest comes
from here: the first listing of a tenant reads all its stores once (about 2 KB of memory per
store and worker), then, at most every `refresh_seconds`, one request looks at what changed —
stores whose `updated_at` is at or after the previous look, minus `overlap_seconds` for documents
that became visible late (a long load stamps every document with its start; clocks differ) — and
reads the whole table again when the alias moved to a new index (a full catalogue load), when
the index counts fewer stores than the table holds (stores deleted in place), and every
`reload_seconds` whatever happened. The window is anchored on this worker's clock, not on
the newest stamp seen: once a load is `overlap_seconds` old, a look reads nothing. A store a
stock hit names but the table lacks (created since) is fetched at once with `mget`, so a new
store is never missing; an edit shows within `refresh_seconds`, like a cache's ttl. The table
also files its stores by area (`locator.stores.nearby`), so that a
plain radius listing of stores is answered from it (`nearby`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from elasticsearch import Elasticsearch, NotFoundError, helpers

from locator.areas import areas_near
from locator.config import Config
from locator.geo import Point
from locator.indices import TENANT_SEARCH, tenant_alias
from locator.mappings import entity_id
from locator.stores.nearby import AreaIndex, nearby_hits

# More changed stores than this in one refresh: reading the whole table is cheaper.
MAX_CHANGES = 5000


@dataclass
class _Tenant:
    stores: dict[str, dict]
    index: str  # the concrete index read, to notice an alias swap
    looked_at: datetime  # wall-clock time of the last read: the next one starts there
    loaded_at: float
    refreshed_at: float
    areas: AreaIndex = field(default_factory=AreaIndex)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def put(self, store: dict) -> None:
        self.stores[store["store_id"]] = store
        self.areas.put(store)


class StoreTable:
    """A per-worker table of every store of each tenant asked for; thread-safe."""

    def __init__(self, source_includes: list[str], *, refresh_seconds: float = 5.0,
                 overlap_seconds: float = 60.0, reload_seconds: float = 600.0,
                 clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.source_includes = [*source_includes, "updated_at"]
        self.refresh_seconds = refresh_seconds
        self.overlap_seconds = overlap_seconds
        self.reload_seconds = reload_seconds
        self._clock = clock
        self._wall_clock = wall_clock
        self._tenants: dict[str, _Tenant] = {}
        self._lock = threading.Lock()

    def get_many(self, es: Elasticsearch, config: Config, tenant: str,
                 keys: Iterable[str]) -> dict[str, dict]:
        """Return {store_id: source} for the keys whose store exists."""
        table = self._table(es, config, tenant)
        found: dict[str, dict] = {}
        missing: list[str] = []
        for key in dict.fromkeys(keys):
            store = table.stores.get(key)
            if store is None:
                missing.append(key)
            else:
                found[key] = store
        if missing:
            docs = es.mget(index=tenant_alias(config, "stores", tenant),
                           ids=[entity_id(tenant, k) for k in missing],
                           source_includes=self.source_includes)["docs"]
            for key, doc in zip(missing, docs, strict=True):
                if doc.get("found"):
                    found[key] = doc["_source"]
                    table.put(doc["_source"])
        return found

    def nearby(self, es: Elasticsearch, config: Config, tenant: str, point: Point, radius_km: float,
               services: tuple[str, ...], size: int, search_after: list | None) -> list[dict] | None:
        """Return a page of store hits within the radius, nearest first (as `store_hits` would).

        None when the circle has no areas (`areas_near`): the caller searches instead.
        """
        areas = areas_near(point, radius_km)
        if areas is None:
            return None
        table = self._table(es, config, tenant)
        found = table.areas.within(point, radius_km, areas)
        return nearby_hits(found, table.stores, services, size, search_after)

    def _table(self, es: Elasticsearch, config: Config, tenant: str) -> _Tenant:
        table = self._tenants.get(tenant)
        if table is None:
            with self._lock:
                table = self._tenants.get(tenant)
                if table is None:
                    table = self._tenants[tenant] = self._load(es, config, tenant)
            return table
        now = self._clock()
        if now - table.refreshed_at >= self.refresh_seconds and table.lock.acquire(blocking=False):
            try:  # one request refreshes; the others go on with the table as it is
                self._refresh(es, config, tenant, table, now)
            finally:
                table.lock.release()
        return self._tenants[tenant]

    def _load(self, es: Elasticsearch, config: Config, tenant: str) -> _Tenant:
        alias = tenant_alias(config, "stores", tenant)
        looked_at = self._wall_clock()
        index = _concrete(es, alias)
        stores: dict[str, dict] = {}
        for hit in helpers.scan(es, index=alias, query={"query": {"term": {"tenant": tenant}},
                                                        "sort": ["_doc"]},
                                _source=self.source_includes, size=2000, **TENANT_SEARCH):
            stores[hit["_source"]["store_id"]] = hit["_source"]
        now = self._clock()
        return _Tenant(stores, index, looked_at, loaded_at=now, refreshed_at=now,
                       areas=AreaIndex(stores.values()))

    def _refresh(self, es: Elasticsearch, config: Config, tenant: str, table: _Tenant,
                 now: float) -> None:
        alias = tenant_alias(config, "stores", tenant)
        if now - table.loaded_at >= self.reload_seconds or _concrete(es, alias) != table.index:
            self._tenants[tenant] = self._load(es, config, tenant)
            return
        looked_at = self._wall_clock()
        since = table.looked_at - timedelta(seconds=self.overlap_seconds)
        query = {"bool": {"filter": [{"term": {"tenant": tenant}},
                                     {"range": {"updated_at": {"gte": since.isoformat()}}}]}}
        hits = es.search(index=alias, query=query, size=MAX_CHANGES + 1, **TENANT_SEARCH,
                         source_includes=self.source_includes)["hits"]["hits"]
        if len(hits) > MAX_CHANGES:
            self._tenants[tenant] = self._load(es, config, tenant)
            return
        for hit in hits:
            table.put(hit["_source"])
        # Counted after the changes were read: a store created since is counted but not held,
        # which only delays noticing a deletion to the next look.
        if es.count(index=alias, **TENANT_SEARCH)["count"] < len(table.stores):
            self._tenants[tenant] = self._load(es, config, tenant)  # some were deleted in place
            return
        table.looked_at, table.refreshed_at = looked_at, now


def _concrete(es: Elasticsearch, alias: str) -> str:
    """Return the index an alias points at ("" when absent)."""
    try:
        return next(iter(es.indices.get_alias(name=alias)), "")
    except NotFoundError:  # no stores loaded yet: the next refresh looks again
        return ""
