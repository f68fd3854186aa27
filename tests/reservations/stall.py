"""A client whose request for one document waits at a gate: fault injection for race tests.

Built on elastic-transport's `node_class` hook (the same one `locator.es.TimedNode` uses): the
request really goes to the real node, only later, so another actor can run in between.
"""

from __future__ import annotations

import threading
from urllib.parse import unquote

from elasticsearch import Elasticsearch

from locator.config import Config
from locator.es import TimedNode

GATE_SECONDS = 60  # the longest a request waits at the gate before the test fails


class Gate:
    """Stop the n-th `method` request whose target names `doc_id` until `open()` is called."""

    def __init__(self, method: str, doc_id: str, occurrence: int = 1) -> None:
        self.method, self.doc_id, self.occurrence = method, doc_id, occurrence
        self.seen = 0
        self.reached = threading.Event()
        self._open = threading.Event()
        self._lock = threading.Lock()

    def matches(self, method: str, target: str) -> bool:
        if method != self.method or self.doc_id not in unquote(target):
            return False
        with self._lock:
            self.seen += 1
            return self.seen == self.occurrence

    def wait_reached(self) -> None:
        assert self.reached.wait(GATE_SECONDS), "the request never reached the gate"

    def open(self) -> None:
        self._open.set()

    def hold(self) -> None:
        self.reached.set()
        assert self._open.wait(GATE_SECONDS), "the gate was never opened"


def gated_client(config: Config, gate: Gate) -> Elasticsearch:
    """Return a client to the configured node whose request matching `gate` waits at it."""

    class GatedNode(TimedNode):
        def perform_request(self, method: str, target: str, *args, **kwargs):  # noqa: ANN002, ANN003
            if gate.matches(method, target):
                gate.hold()
            return super().perform_request(method, target, *args, **kwargs)

    return Elasticsearch(config.es_url, node_class=GatedNode, request_timeout=GATE_SECONDS * 2)
