"""Make API stock writes searchable quickly: a coalesced refresh shortly after each write.

Elasticsearch refreshes an index every second by default, and under load a refresh can slip a
little past that. The API promises that searches see an applied count within one second, so
each worker refreshes the stock index `DELAY` seconds after a write; writes arriving meanwhile
share that refresh, so a busy worker refreshes at most about 1 / DELAY times per second. File
loads (the indexer) do not go through here: they build and swap whole indices.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from elasticsearch import NotFoundError
from flask import Flask

from locator.config import Config
from locator.es import index_name, make_client

DELAY = 0.2
EXTENSION_KEY = "stock_refresher"
log = logging.getLogger(__name__)


class Refresher:
    """One daemon thread per worker process, started on the first write."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.pid = os.getpid()
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


def request_refresh(app: Flask) -> None:
    """Refresh the stock index soon (this worker's refresher, created on first use)."""
    refresher = app.extensions.get(EXTENSION_KEY)
    if refresher is None or refresher.pid != os.getpid():
        refresher = Refresher(app.config["LOCATOR"])
        app.extensions[EXTENSION_KEY] = refresher
    refresher.request()
