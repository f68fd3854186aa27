"""Write buffered counts into the `unmet-demand` index, and the per-worker thread that does it.

One document per (tenant, kind, sku, local day, area, store, demo) holds a running `count`. The
stripped local node has no scripting, so an increment is a read-modify-write: one `mget` of the
documents a flush touches, then one `_bulk` of compare-and-set writes (`if_seq_no`, or `create`
for a new one); a write that lost a race to another worker is re-read and retried.

What a crash may lose: the counts recorded since the last flush (`UNMET_DEMAND_FLUSH_SECONDS`,
default 10 s) of the process that died; a clean stop flushes first. While Elasticsearch is
unreachable the counts stay in memory (up to `counting.MAX_KEYS` counters per worker, then new
ones are dropped and logged). A flush whose answer is lost in transit may count twice.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from elasticsearch import Elasticsearch

from locator.config import Config
from locator.es import index_name, make_client
from locator.geo import Point
from locator.indices import tenant_alias
from locator.mappings import entity_id
from locator.process import PerProcess
from locator.reports.areas import area_of, area_zone, local_day
from locator.reports.counting import DemandBuffer, DemandKey, buffer_for

MAX_ATTEMPTS = 5
log = logging.getLogger(__name__)


class DocKey(NamedTuple):
    """The identity of one counter document."""

    tenant: str
    kind: str
    sku: str
    day: str  # ISO date, local to the area (or to the store)
    area: str | None
    store_id: str | None
    demo: bool


class Place(NamedTuple):
    area: str | None
    zone: str | None


def doc_id(key: DocKey) -> str:
    """Return the document id of a counter (same key, same document, in every worker)."""
    raw = "\x1f".join(str(part) for part in key)
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


def group(counts: Mapping[DemandKey, int],
          stores: Mapping[tuple[str, str], Place]) -> dict[DocKey, dict[DemandKey, int]]:
    """Group pending counts by the document they add to (pure)."""
    grouped: dict[DocKey, dict[DemandKey, int]] = {}
    for key, count in counts.items():
        if key.store_id is not None:
            place = stores.get((key.tenant, key.store_id), Place(None, None))
            area, zone = place.area, place.zone
        else:
            area, zone = key.area, area_zone(key.area) if key.area else None
        day = local_day(key.at, zone).isoformat()
        doc = DocKey(key.tenant, key.kind, key.sku, day, area, key.store_id, key.demo)
        grouped.setdefault(doc, {})[key] = count
    return grouped


def _store_places(es: Elasticsearch, config: Config, counts: Mapping[DemandKey, int]) -> dict:
    wanted = sorted({(k.tenant, k.store_id) for k in counts if k.store_id is not None})
    if not wanted:
        return {}
    # Counts of several tenants: one mget, each store read through its tenant's alias.
    refs = [{"_index": tenant_alias(config, "stores", t), "_id": entity_id(t, s)} for t, s in wanted]
    docs = es.mget(docs=refs, source_includes=["location", "timezone"])["docs"]
    places = {}
    for ident, doc in zip(wanted, docs, strict=True):
        source = doc.get("_source") if doc.get("found") else None
        location = (source or {}).get("location")
        area = area_of(Point(location["lat"], location["lon"])) if location else None
        places[ident] = Place(area, (source or {}).get("timezone"))
    return places


def _document(key: DocKey, count: int, now: datetime) -> dict:
    doc = {"tenant": key.tenant, "kind": key.kind, "sku": key.sku, "day": key.day, "count": count,
           "demo": key.demo, "updated_at": now.isoformat()}
    if key.area:
        doc["area"] = key.area
    if key.store_id:
        doc["store_id"] = key.store_id
    return doc


def increment(es: Elasticsearch, config: Config, adds: Mapping[DocKey, int],
              now: datetime | None = None) -> tuple[int, set[DocKey]]:
    """Add counts to their documents; return (documents written, keys still losing races)."""
    now = now or datetime.now(UTC)
    alias = index_name(config, "unmet-demand")
    pending = dict(adds)
    written = 0
    for _attempt in range(MAX_ATTEMPTS):
        if not pending:
            break
        keys = list(pending)
        ids = [doc_id(k) for k in keys]
        found = es.mget(index=alias, ids=ids, source_includes=["count"])["docs"]
        operations: list[dict] = []
        for key, ident, current in zip(keys, ids, found, strict=True):
            if current.get("found"):
                operations += [{"index": {"_index": current["_index"], "_id": ident,
                                          "if_seq_no": current["_seq_no"],
                                          "if_primary_term": current["_primary_term"]}},
                               _document(key, current["_source"]["count"] + pending[key], now)]
            else:
                operations += [{"create": {"_index": alias, "_id": ident}},
                               _document(key, pending[key], now)]
        items = es.bulk(operations=operations)["items"]
        raced: dict[DocKey, int] = {}
        for key, item in zip(keys, items, strict=True):
            result = next(iter(item.values()))
            if result.get("status") in (200, 201):
                written += 1
            elif result.get("status") == 409:
                raced[key] = pending[key]
            else:  # never silent: a refused write is logged with its reason
                log.warning("unmet-demand write refused: %s",
                            (result.get("error") or {}).get("type", result.get("status")))
        pending = raced
    return written, set(pending)


@dataclass(frozen=True)
class FlushResult:
    events: int = 0
    documents: int = 0
    kept: int = 0  # events put back for the next flush
    dropped: int = 0


def flush(es: Elasticsearch, config: Config, buffer: DemandBuffer,
          now: datetime | None = None) -> FlushResult:
    """Write everything the buffer holds; what cannot be written now goes back into it."""
    dropped = buffer.take_dropped()
    if dropped:
        log.warning("unmet-demand buffer full: %d events dropped", dropped)
    counts = buffer.drain()
    if not counts:
        return FlushResult(dropped=dropped)
    try:
        grouped = group(counts, _store_places(es, config, counts))
        written, raced = increment(es, config, {k: sum(v.values()) for k, v in grouped.items()}, now)
    except Exception:
        buffer.restore(counts)  # Elasticsearch unreachable: keep the counts for the next flush
        raise
    kept = {raw: n for key in raced for raw, n in grouped[key].items()}
    buffer.restore(kept)
    return FlushResult(sum(counts.values()), written, sum(kept.values()), dropped)


def flush_pending(es: Elasticsearch, config: Config) -> None:
    """Flush this process's buffer now; a failure is logged and the counts stay buffered."""
    try:
        flush(es, config, buffer_for(config))
    except Exception as exc:  # noqa: BLE001 - kept in the buffer for the next flush
        log.warning("unmet-demand flush failed: %s", type(exc).__name__)


class Flusher:
    """A daemon thread per worker process that flushes its buffer every interval, and at exit."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._es: Elasticsearch | None = None
        self._thread = threading.Thread(target=self._run, name="unmet-demand-flusher", daemon=True)

    def start(self) -> None:
        atexit.register(self.flush_quietly)  # a clean stop (gunicorn's SIGTERM) loses nothing
        self._thread.start()

    def flush_quietly(self) -> None:
        self._es = self._es or make_client(self.config)
        flush_pending(self._es, self.config)

    def _run(self) -> None:
        stop = threading.Event()
        while not stop.wait(self.config.unmet_demand_flush_seconds):
            self.flush_quietly()


def _started(config: Config) -> Flusher:
    flusher = Flusher(config)
    flusher.start()
    return flusher


_flushers: PerProcess[Flusher] = PerProcess(_started)


def ensure_flusher(config: Config) -> None:
    """Start this process's flusher once (not when UNMET_DEMAND_FLUSH_SECONDS is 0)."""
    if config.unmet_demand_flush_seconds > 0:
        _flushers.get(config)
