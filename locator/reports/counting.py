"""The per-worker buffer of unmet-demand events, flushed in the background (see `flush`).

Recording is a dictionary increment under a lock: no Elasticsearch round trip on the search
path. An event keeps only the tenant, the sku, the kind, a coarse area (or the store, for
reservations) and the time to the quarter hour — nothing about the shopper.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import NamedTuple

from locator.config import Config
from locator.process import PerProcess

SEARCH = "search"  # GET /v1/availability found the product nowhere within the radius
BASKET = "basket"  # a basket line no store within the radius can supply
RESERVATION_REFUSED = "reservation_refused"  # a reservation refused for lack of stock
ALERT_CREATED = "alert_created"  # a back-in-stock alert was created
RESERVATION_EXPIRED = "reservation_expired"  # a reservation expired uncollected
UNMET_KINDS = (SEARCH, BASKET, RESERVATION_REFUSED)
KINDS = (*UNMET_KINDS, ALERT_CREATED, RESERVATION_EXPIRED)
MAX_KEYS = 100_000  # bounds a worker's memory while Elasticsearch is unreachable
QUARTER_HOUR = 15 * 60


class DemandKey(NamedTuple):
    """What one counter counts. `area` is the shopper's cell; reservations give `store_id`."""

    tenant: str
    kind: str
    sku: str
    at: datetime  # UTC, to the quarter hour: every time zone's offset is a multiple of 15 min
    area: str | None = None
    store_id: str | None = None
    demo: bool = False


def quarter_hour(at: datetime) -> datetime:
    """Return an aware instant truncated to the quarter hour, in UTC."""
    stamp = int(at.timestamp())
    return datetime.fromtimestamp(stamp - stamp % QUARTER_HOUR, UTC)


class DemandBuffer:
    """Counts of unmet-demand events not yet written; safe to use from several threads."""

    def __init__(self, max_keys: int = MAX_KEYS) -> None:
        self.max_keys = max_keys
        self._counts: Counter[DemandKey] = Counter()
        self._dropped = 0
        self._lock = threading.Lock()

    def record(self, tenant: str, kind: str, skus: Iterable[str], *, at: datetime,
               area: str | None = None, store_id: str | None = None, demo: bool = False) -> None:
        """Count one event per sku (a sku given twice counts once)."""
        if kind not in KINDS:
            raise ValueError(f"unknown unmet-demand kind {kind!r}")
        stamp = quarter_hour(at)
        keys = [DemandKey(tenant, kind, sku, stamp, area, store_id, demo) for sku in dict.fromkeys(skus)]
        with self._lock:
            for key in keys:
                if key in self._counts or len(self._counts) < self.max_keys:
                    self._counts[key] += 1
                else:
                    self._dropped += 1

    def drain(self) -> dict[DemandKey, int]:
        """Take every pending count (the buffer is empty afterwards)."""
        with self._lock:
            counts, self._counts = dict(self._counts), Counter()
        return counts

    def restore(self, counts: Mapping[DemandKey, int]) -> None:
        """Put back counts that could not be written, for the next flush."""
        with self._lock:
            for key, count in counts.items():
                if key in self._counts or len(self._counts) < self.max_keys:
                    self._counts[key] += count
                else:
                    self._dropped += count

    def take_dropped(self) -> int:
        """Return and reset the number of events dropped because the buffer was full."""
        with self._lock:
            dropped, self._dropped = self._dropped, 0
        return dropped

    def __len__(self) -> int:
        with self._lock:
            return len(self._counts)


_buffers: PerProcess[DemandBuffer] = PerProcess(lambda _config: DemandBuffer())


def buffer_for(config: Config) -> DemandBuffer:
    """Return this process's buffer for a deployment (a forked worker gets its own)."""
    return _buffers.get(config)
