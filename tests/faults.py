"""Clients with one injected fault for race tests: a request held at a gate, or an answer lost.

Built on elastic-transport's `node_class` hook (the same one `locator.es.TimedNode` uses): the
request really goes to the real node, only later, so another actor can run in between.
"""

from __future__ import annotations

import threading
from urllib.parse import unquote

from elastic_transport import ConnectionError as TransportConnectionError
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


def gated_client(config: Config, *gates: Gate) -> Elasticsearch:
    """Return a client to the configured node whose requests matching `gates` wait at them."""

    class GatedNode(TimedNode):
        def perform_request(self, method: str, target: str, *args, **kwargs):  # noqa: ANN002, ANN003
            for gate in gates:
                if gate.matches(method, target):
                    gate.hold()
                    break
            return super().perform_request(method, target, *args, **kwargs)

    return Elasticsearch(config.es_url, node_class=GatedNode, request_timeout=GATE_SECONDS * 2)


class LostAnswer:
    """Let the first `method` request whose target contains `part` through, then drop its answer.

    The node has applied the write; the client sees a broken connection and sends it again,
    as elastic-transport does on a connection error (to another node when there are several).
    """

    def __init__(self, method: str, part: str) -> None:
        self.method, self.part = method, part
        self.dropped = threading.Event()

    def matches(self, method: str, target: str) -> bool:
        return not self.dropped.is_set() and method == self.method and self.part in unquote(target)


def lossy_client(config: Config, fault: LostAnswer) -> Elasticsearch:
    """Return a client to the configured node that loses the answer `fault` names, once."""

    class LossyNode(TimedNode):
        def perform_request(self, method: str, target: str, *args, **kwargs):  # noqa: ANN002, ANN003
            response = super().perform_request(method, target, *args, **kwargs)
            if fault.matches(method, target):
                fault.dropped.set()
                raise TransportConnectionError("connection lost after the request (test fault)")
            return response

    return Elasticsearch(config.es_url, node_class=LossyNode, request_timeout=GATE_SECONDS * 2)
