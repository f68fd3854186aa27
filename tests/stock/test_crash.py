"""Crashes in the middle of stock batches: an acknowledged row is never lost.

`applied` is only answered after Elasticsearch acknowledged the write, and Elasticsearch
acknowledges only after its translog is fsynced (`index.translog.durability: request`, the
default). So neither a SIGKILL of the API nor one of Elasticsearch loses an acknowledged row;
the client sees an error (503, or a dropped connection when the API itself dies) for the rest
and simply sends those batches again.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from locator import indices
from locator.es import make_client
from locator.indices import stock_alias
from locator.localnode import LocalNode
from locator.mappings import stock_ref
from tests.conftest import make_tenant, start_gunicorn, stop_gunicorn
from tests.factories import product_doc, seed, store_doc

pytestmark = pytest.mark.slow
THREADS = 3
ROWS = 500  # per batch; each thread owns its own skus
T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
CRASH_PORT = 9270  # a dedicated node: the shared 9250/9200 nodes are never stopped


def _skus(thread: int) -> list[str]:
    return [f"T{thread}-{i:04d}" for i in range(ROWS)]


def _batch(thread: int, round_: int) -> dict:
    as_of = (T0 + timedelta(seconds=round_)).isoformat()
    return {"rows": [{"store_id": "S1", "sku": sku, "on_hand": round_, "as_of": as_of}
                     for sku in _skus(thread)]}


class Pusher:
    """Threads that send batch after batch, each remembering the last round acknowledged."""

    def __init__(self, url: str, headers: dict) -> None:
        self.url, self.headers = url, headers
        self.acked = [0] * THREADS
        self.failures: list[str] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.inflight = 0
        self.threads = [threading.Thread(target=self._run, args=(t,)) for t in range(THREADS)]

    def _run(self, thread: int) -> None:
        round_ = 1
        while not self.stop.is_set():
            with self.lock:
                self.inflight += 1
            try:
                response = requests.put(f"{self.url}/v1/stock", json=_batch(thread, round_),
                                        headers=self.headers, timeout=60)
            except requests.ConnectionError:
                with self.lock:
                    self.failures.append("connection")
                continue
            finally:
                with self.lock:
                    self.inflight -= 1
            if response.status_code == 200:
                results = {r["result"] for r in response.json()["results"]}
                if not results <= {"applied", "unchanged"}:
                    with self.lock:
                        self.failures.append(f"rows not applied: {response.json()['summary']}")
                    continue
                with self.lock:
                    self.acked[thread] = round_
                round_ += 1
            else:
                with self.lock:
                    self.failures.append(str(response.status_code))

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def wait_for_acks(self, rounds: int) -> None:
        """Return once every thread had `rounds` batches acknowledged and a batch is in flight."""
        def ready() -> bool:
            if not any(t.is_alive() for t in self.threads):
                raise AssertionError("the pushers died")
            return min(self.acked) >= rounds and self.inflight >= THREADS

        wait_until(ready, f"{rounds} acknowledged batches per thread", pause=0.01)

    def finish(self) -> list[int]:
        self.stop.set()
        for thread in self.threads:
            thread.join()
        return list(self.acked)


# A bound on every wait, counted in pauses: a hung server fails the test instead of hanging it.
MAX_PAUSES = 6000


def wait_until(condition, what: str, pause: float) -> None:
    """Wait for `condition()`, at most MAX_PAUSES pauses of `pause` seconds."""
    for _ in range(MAX_PAUSES):
        if condition():
            return
        threading.Event().wait(pause)
    raise AssertionError(f"gave up waiting for {what}")


def _seed(es, config, tenant_id: str) -> None:
    seed(es, config, [store_doc(tenant_id, "S1", 48.85, 2.35)],
         [product_doc(tenant_id, sku) for t in range(THREADS) for sku in _skus(t)])


def _assert_every_acknowledged_row_is_there(es, config, tenant_id: str, acked: list[int]) -> None:
    for thread, round_ in enumerate(acked):
        docs = es.mget(index=stock_alias(config, tenant_id),
                       docs=[stock_ref(tenant_id, "S1", sku) for sku in _skus(thread)])["docs"]
        assert all(d["found"] for d in docs), f"thread {thread}: rows lost"
        lost = [d["_id"] for d in docs if d["_source"]["on_hand"] < round_]
        assert not lost, f"thread {thread}: {len(lost)} rows older than acknowledged round {round_}"


def _kill_gunicorn(server) -> None:
    master = server.process.pid
    workers = [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    for pid in [master, *workers]:
        os.kill(pid, signal.SIGKILL)
    server.process.wait(timeout=60)


def test_sigkill_of_the_api_mid_batch_loses_no_acknowledged_row(es, config, tmp_path):
    tenant = make_tenant(es, config)
    _seed(es, config, tenant.id)
    server = start_gunicorn(config, tmp_path, workers=2)
    pusher = Pusher(server.url, tenant.headers("secret"))
    try:
        pusher.start()
        pusher.wait_for_acks(3)
        _kill_gunicorn(server)
        acked = pusher.finish()
    finally:
        pusher.stop.set()
        if server.process.poll() is None:
            stop_gunicorn(server)
    assert set(pusher.failures) <= {"connection"}, pusher.failures
    _assert_every_acknowledged_row_is_there(es, config, tenant.id, acked)
    # The client sends the unacknowledged batches again to a new process: all of them land.
    server = start_gunicorn(config, tmp_path, workers=2)
    try:
        for thread in range(THREADS):
            response = requests.put(f"{server.url}/v1/stock", json=_batch(thread, acked[thread] + 1),
                                    headers=tenant.headers("secret"), timeout=60)
            assert response.status_code == 200
            assert response.json()["summary"]["rejected"] == 0
    finally:
        stop_gunicorn(server)
    _assert_every_acknowledged_row_is_there(es, config, tenant.id, [a + 1 for a in acked])


@pytest.fixture
def crash_node(config):
    """A dedicated Elasticsearch node on its own port and data folder, removed afterwards."""
    node_config = dataclasses.replace(config, es_port=CRASH_PORT, es_heap="512m")
    node = LocalNode(node_config)
    node.start(echo=lambda _msg: None)
    client = make_client(node_config)
    indices.ensure_all(client, node_config)
    yield node, node_config, client
    client.close()
    node.stop(echo=lambda _msg: None)
    shutil.rmtree(node.node_dir, ignore_errors=True)


def test_sigkill_of_elasticsearch_mid_batch_loses_no_acknowledged_row(crash_node, tmp_path):
    node, node_config, es = crash_node
    tenant = make_tenant(es, node_config)
    stock_settings = es.indices.get_settings(index=stock_alias(node_config, tenant.id), include_defaults=True)
    (settings,) = stock_settings.values()
    durability = settings.get("settings", {}).get("index", {}).get("translog", {}).get("durability") \
        or settings["defaults"]["index"]["translog"]["durability"]
    assert durability.lower() == "request"  # acknowledged = fsynced
    _seed(es, node_config, tenant.id)
    server = start_gunicorn(node_config, tmp_path, workers=2)
    pusher = Pusher(server.url, tenant.headers("secret"))
    try:
        pusher.start()
        pusher.wait_for_acks(3)
        os.kill(node.pid(), signal.SIGKILL)  # a crash: no flush, no clean shutdown
        # ... every client is now refused ...
        wait_until(lambda: len(pusher.failures) >= THREADS * 2, "refused batches", pause=0.05)
        acked = pusher.finish()
        # ... with a 503 from the living API, never a 500 or a false "applied".
        assert set(pusher.failures) == {"503"}, pusher.failures
        node.pid_file.unlink(missing_ok=True)
        node.start(echo=lambda _msg: None)
        es.cluster.health(index=f"{node_config.index_prefix}-*", wait_for_status="yellow", timeout="120s")
        _assert_every_acknowledged_row_is_there(es, node_config, tenant.id, acked)
        # Once the node is back, the same API takes the batches that were refused.
        for thread in range(THREADS):
            response = requests.put(f"{server.url}/v1/stock", json=_batch(thread, acked[thread] + 1),
                                    headers=tenant.headers("secret"), timeout=60)
            assert response.status_code == 200, response.text
        _assert_every_acknowledged_row_is_there(es, node_config, tenant.id, [a + 1 for a in acked])
    finally:
        pusher.stop.set()
        stop_gunicorn(server)
