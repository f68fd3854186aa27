"""Stream NDJSON bodies to `_bulk` from a few threads, and hand every item's result back.

Bodies are serialised here with the standard library's C encoder, so what goes over the wire is
what the benchmark's raw baseline sends. Items refused with 429 (the node's queue is full) are
sent again after a pause; any other per-item error goes back to the caller, which reports it: a
bulk error is never dropped.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch

BULK_TIMEOUT_SECONDS = 300
MAX_429_RETRIES = 6
# Only what the callers read back: less JSON to parse per request.
FILTER_PATH = "errors,items.*.status,items.*.result,items.*.error"
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode

Done = Callable[[Any, list[dict]], None]


def action_line(op: str, index: str, doc_id: str, **meta: Any) -> str:
    """Return the action line of one bulk operation."""
    return _dumps({op: {"_index": index, "_id": doc_id, **meta}})


def source_line(doc: dict) -> str:
    """Return a document serialised for a bulk body."""
    return _dumps(doc)


@dataclass
class _Pending:
    future: Future
    lines: list[str]
    context: Any
    on_done: Done
    attempt: int


class BulkSender:
    """Send bulk bodies concurrently (`threads` in flight); call `on_done` in the caller's thread."""

    def __init__(self, es: Elasticsearch, threads: int = 2, refresh: bool | str = False) -> None:
        self._es = es.options(request_timeout=BULK_TIMEOUT_SECONDS)
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="bulk")
        self._threads = threads
        self._pending: deque[_Pending] = deque()
        self._refresh = refresh
        self.sent_docs = 0

    def _post(self, lines: list[str]) -> dict:
        body = "\n".join(lines) + "\n"
        return self._es.bulk(operations=body, refresh=self._refresh, filter_path=FILTER_PATH)

    def submit(self, lines: list[str], context: Any, on_done: Done) -> None:
        """Queue a body of (action, source) line pairs; wait while too many are in flight."""
        if not lines:
            on_done(context, [])
            return
        self._pending.append(_Pending(self._pool.submit(self._post, lines), lines, context, on_done, 0))
        # Bodies queue up to twice the threads: built ahead while the cluster works, so that it
        # never waits for this process (which may get little CPU on a busy machine).
        while len(self._pending) > 2 * self._threads:
            self._complete(self._pending.popleft())

    def flush(self) -> None:
        """Wait for every body in flight and hand back its results."""
        while self._pending:
            self._complete(self._pending.popleft())

    def close(self) -> None:
        """Flush, then stop the threads."""
        try:
            self.flush()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _complete(self, pending: _Pending) -> None:
        response = pending.future.result()  # transport errors abort the load, loudly
        items = [next(iter(item.values())) for item in response["items"]]
        # Items refused for back-pressure go again, after a pause that doubles each time.
        while response.get("errors") and pending.attempt < MAX_429_RETRIES:
            retry = [i for i, item in enumerate(items) if item.get("status") == 429]
            if not retry:
                break
            time.sleep(0.5 * 2 ** pending.attempt)
            pending.attempt += 1
            lines = [line for i in retry for line in pending.lines[2 * i:2 * i + 2]]
            response = self._es.bulk(operations="\n".join(lines) + "\n", refresh=self._refresh,
                                     filter_path=FILTER_PATH)
            for position, item in zip(retry, response["items"], strict=True):
                items[position] = next(iter(item.values()))
        self.sent_docs += len(items)
        pending.on_done(pending.context, items)
