"""A small pool of sender threads per service worker, apart from the sweeper's thread.

A receiver that stalls holds one sender thread for at most its attempt's deadline; the sweep,
the purge and the other deliveries go on. The pool takes a bounded number of deliveries at a
time: what it refuses stays due in the index and is offered again at the next pass.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from elasticsearch import Elasticsearch

from locator.config import Config
from locator.notifications import deliveries

log = logging.getLogger(__name__)


class SenderPool:
    """Send deliveries on `threads` threads; at most `threads * 4` taken at once."""

    def __init__(self, es: Elasticsearch, config: Config, secret_of: deliveries.SecretLookup,
                 threads: int) -> None:
        self.es, self.config, self.secret_of = es, config, secret_of
        self.capacity = max(1, threads) * 4
        self._executor = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="notify")
        self._taken: set[str] = set()
        self._lock = threading.Lock()

    def submit(self, delivery_id: str) -> bool:
        """Take a delivery unless it is taken already or the pool is full; return True if taken."""
        with self._lock:
            if delivery_id in self._taken or len(self._taken) >= self.capacity:
                return False
            self._taken.add(delivery_id)
        self._executor.submit(self._send, delivery_id)
        return True

    def busy(self) -> int:
        with self._lock:
            return len(self._taken)

    def _send(self, delivery_id: str) -> None:
        try:
            deliveries.deliver(self.es, self.config, delivery_id, self.secret_of)
        except Exception as exc:  # noqa: BLE001 - it stays due; the next pass offers it again
            log.warning("delivery attempt failed: %s", type(exc).__name__, extra={"delivery_id": delivery_id})
        finally:
            with self._lock:
                self._taken.discard(delivery_id)
