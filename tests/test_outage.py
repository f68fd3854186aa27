"""Elasticsearch outage: a dedicated node (port 9271) is stopped under a running gunicorn, then
restarted; the API answers 503 problem+json with Retry-After meanwhile and recovers by itself.

Only this test's own node is ever stopped: the shared test and demo nodes are never touched.
"""

from __future__ import annotations

import dataclasses
import time

import pytest
import requests

from locator import indices
from locator.es import make_client
from locator.localnode import LocalNode
from tests.conftest import make_tenant, start_gunicorn, stop_gunicorn
from tests.workers import served_per_worker, spread_over_workers

OUTAGE_ES_PORT = 9271
# With `q`, a store listing is a search: a radius-only one may be answered from the worker's
# store table while its next look is not due (README, "Outages"), so it would not show an outage.
PARIS = "/v1/stores?lat=48.8566&lon=2.3522&q=store"
PROBLEM = "application/problem+json"


def _wait_for(predicate, attempts: int = 240, pause: float = 0.5) -> bool:
    """Poll `predicate` a bounded number of times; return whether it became true."""
    for _ in range(attempts):
        if predicate():
            return True
        time.sleep(pause)
    return False


@pytest.fixture
def own_node(config, es):
    """A node of this test's own, with this session's indices; stopped at the end."""
    node_config = dataclasses.replace(config, es_port=OUTAGE_ES_PORT, es_heap="512m")
    node = LocalNode(node_config)
    node.start(echo=lambda _msg: None)
    client = make_client(node_config)
    indices.ensure_all(client, node_config)
    try:
        yield node, node_config, client
    finally:
        if node.health() is None:
            node.start(echo=lambda _msg: None)
        indices.delete_all(client, node_config)
        client.close()
        node.stop(echo=lambda _msg: None)


@pytest.mark.slow
def test_outage_answers_503_and_recovers(own_node, tmp_path):
    node, node_config, client = own_node
    tenant = make_tenant(client, node_config)
    # A short key cache: the outage must show whether keys are cached or not.
    metrics_dir = tmp_path / "prom"
    metrics_dir.mkdir()
    # Sync workers take one request at a time, so concurrent calls reach both.
    server = start_gunicorn(node_config, tmp_path, workers=2, KEY_CACHE_SECONDS="1",
                            PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
                            GUNICORN_CMD_ARGS="--worker-class sync")
    url = server.url
    try:
        assert requests.get(f"{url}/readyz", timeout=30).status_code == 200
        assert requests.get(f"{url}{PARIS}", headers=tenant.headers(), timeout=30).status_code == 200

        node.stop(echo=lambda _msg: None)
        assert node.health() is None

        ready = requests.get(f"{url}/readyz", timeout=30)
        assert ready.status_code == 503
        assert ready.headers["Content-Type"] == PROBLEM
        assert int(ready.headers["Retry-After"]) > 0
        assert str(OUTAGE_ES_PORT) not in ready.text  # no internal address in public answers
        assert requests.get(f"{url}/healthz", timeout=30).status_code == 200  # alive, not ready

        for headers in (tenant.headers(), tenant.headers("secret"), {"X-Api-Key": "pk_unknown"}):
            for _ in range(4):  # both workers, cached and uncached keys
                response = requests.get(f"{url}{PARIS}", headers=headers, timeout=30)
                assert response.status_code == 503, response.text
                assert response.headers["Content-Type"] == PROBLEM
                assert int(response.headers["Retry-After"]) > 0
                body = response.json()
                assert body["status"] == 503 and body["request_id"]
                assert "Traceback" not in response.text and "elastic" not in response.text.lower()
        write = requests.put(f"{url}/v1/stock", json={"rows": []}, headers=tenant.headers("secret"),
                             timeout=30)
        assert write.status_code in (400, 503), write.text  # never a 500
        assert write.headers["Content-Type"] == PROBLEM

        node.start(echo=lambda _msg: None)
        assert _wait_for(lambda: requests.get(f"{url}/readyz", timeout=30).status_code == 200)
        assert _wait_for(lambda: requests.get(f"{url}{PARIS}", headers=tenant.headers(),
                                              timeout=30).status_code == 200)
        # Every worker has recovered, not just one.
        before = served_per_worker(metrics_dir, "/v1/stores")

        def call(_):
            return requests.get(f"{url}{PARIS}", headers=tenant.headers(), timeout=30).status_code

        statuses = spread_over_workers(call, metrics_dir, "/v1/stores", since=before)
        assert set(statuses) == {200}
    finally:
        stop_gunicorn(server)
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
