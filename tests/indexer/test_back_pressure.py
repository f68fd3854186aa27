"""Bulk loads under back-pressure: a node whose write queue holds one task answers 429s, and every
item still lands (issue 16 item 6: `MAX_429_RETRIES` retries, with a growing pause).

The queue size is a node setting (`thread_pool.write.queue_size`, not settable per index), so this
test starts its own node with one write thread and a queue of one, on its own port and folder.
"""

from __future__ import annotations

import dataclasses
import shutil
import threading
import time

import pytest
from elasticsearch import ApiError

from indexer.bulk import BulkSender, action_line, source_line
from locator.es import make_client
from locator.localnode import LocalNode

pytestmark = pytest.mark.slow
TINY_QUEUE_PORT = 9272  # never the shared 9250/9200 nodes
BODIES, DOCS = 30, 200
HAMMERS = 3  # other writers keeping the queue busy, as another tenant's load would


class TinyQueueNode(LocalNode):
    """A local node with one write thread and room for one waiting write task."""

    def settings(self) -> dict[str, str]:
        return {**super().settings(), "thread_pool.write.size": "1", "thread_pool.write.queue_size": "1"}


@pytest.fixture
def tiny_queue(config):
    node_config = dataclasses.replace(config, es_port=TINY_QUEUE_PORT, es_heap="512m")
    node = TinyQueueNode(node_config)
    node.start(echo=lambda _msg: None)
    client = make_client(node_config)
    yield client
    client.close()
    node.stop(echo=lambda _msg: None)
    shutil.rmtree(node.node_dir, ignore_errors=True)


def _hammer(es, stop: threading.Event) -> None:
    body = "".join(action_line("index", "other", str(n)) + "\n" + source_line({"n": n}) + "\n"
                   for n in range(500))
    while not stop.is_set():
        try:
            es.bulk(operations=body, filter_path="errors")
        except ApiError:
            pass  # refused whole: this writer only keeps the queue busy
        time.sleep(0.02)


def test_items_refused_with_429_are_retried_until_they_land(tiny_queue):
    es = tiny_queue
    for name in ("pressure", "other"):
        es.indices.create(index=name, settings={"number_of_shards": 1, "number_of_replicas": 0,
                                                "refresh_interval": "-1"})
    stop = threading.Event()
    hammers = [threading.Thread(target=_hammer, args=(es, stop)) for _ in range(HAMMERS)]
    for hammer in hammers:
        hammer.start()
    statuses: list[int] = []
    try:
        sender = BulkSender(es, threads=2)
        for body in range(BODIES):
            lines: list[str] = []
            for n in range(DOCS):
                lines += [action_line("index", "pressure", f"{body}-{n}"), source_line({"n": n})]
            sender.submit(lines, body, lambda _ctx, items: statuses.extend(i.get("status", 500)
                                                                           for i in items))
        sender.close()
    finally:
        stop.set()
        for hammer in hammers:
            hammer.join()
    rejected = es.nodes.stats(metric="thread_pool", filter_path="nodes.*.thread_pool.write.rejected")
    assert sum(n["thread_pool"]["write"]["rejected"] for n in rejected["nodes"].values()) > 0
    refused = [s for s in statuses if s >= 300]
    assert not refused, f"{len(refused)} items refused: {sorted(set(refused))}"
    es.indices.refresh(index="pressure")
    assert es.count(index="pressure")["count"] == BODIES * DOCS
