"""Make API stock writes searchable quickly: a coalesced refresh shortly after each write.

Elasticsearch refreshes an index every second by default, and under load a refresh can slip a
little past that. The API promises that searches see an applied count within one second, so
each worker refreshes the stock index `DELAY` seconds after a write; writes arriving meanwhile
share that refresh, so a busy worker refreshes at most about 1 / DELAY times per second. File
loads (the indexer) do not go through here: they build and swap whole indices.
"""

from __future__ import annotations

import logging
import threading
import time

from elasticsearch import NotFoundError

from locator.config import Config
from locator.es import index_name, make_client
from locator.process import PerProcess

DELAY = 0.2
log = logging.getLogger(__name__)


class Refresher:
    """One daemon thread per worker process, started on the first write."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._wanted = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def request(self) -> None:
        """Ask for a refresh of the stock index within about DELAY seconds."""
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="stock-refresher", daemon=True)
                    self._thread.start()
        self._wanted.set()

    def _run(self) -> None:
        es = make_client(self.config)
        alias = index_name(self.config, "stock")
        while True:
            self._wanted.wait()
            time.sleep(DELAY)  # let the writes of the next moments share this refresh
            self._wanted.clear()
            try:
                es.indices.refresh(index=alias)
            except NotFoundError:
                pass  # the index is gone (a reset, or a test session ending)
            except Exception as exc:  # noqa: BLE001 - the scheduled refresh still runs
                log.warning("stock refresh failed: %s", type(exc).__name__)


_refreshers: PerProcess[Refresher] = PerProcess(Refresher)


def request_refresh(config: Config) -> None:
    """Refresh the stock index soon (this process's refresher, created on first use)."""
    _refreshers.get(config).request()
