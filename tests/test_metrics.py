"""Prometheus metrics: per-request counts and latency, Elasticsearch time, business outcomes,
summed across gunicorn workers."""

import re

import pytest
import requests
from prometheus_client import generate_latest

from locator.metrics import es_operation, labelled, metrics, record_reservation, record_stock_outcomes
from tests.conftest import start_gunicorn, stop_gunicorn
from tests.workers import served_per_worker, spread_over_workers

PARIS = "/v1/stores?lat=48.8566&lon=2.3522"


def sample(text: str, name: str, **labels: str) -> float:
    """Return the value of one sample in exposition text (0 when absent)."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_a_labelled_child_is_looked_up_once_and_counts_in_its_family():
    family = metrics().requests
    child = labelled(family, "/test/labelled", "GET", "200")
    assert labelled(family, "/test/labelled", "GET", "200") is child
    assert labelled(family, "/test/labelled", "GET", "404") is not child
    child.inc(3)
    text = generate_latest().decode()
    assert sample(text, "locator_http_requests_total", endpoint="/test/labelled", status="200") == 3


@pytest.mark.parametrize(
    ("method", "target", "expected"),
    [("POST", "/test-x-stores/_search?size=3", "POST _search"),
     ("PUT", "/test-x-stock/_doc/tenant%1Fstore", "PUT _doc"),
     ("POST", "/test-x-stock/_update/a_b", "POST _update"),
     ("GET", "/_cluster/health", "GET _cluster/health"),
     ("PUT", "/test-x-stores-2026", "PUT index"),
     ("POST", "/_bulk", "POST _bulk")],
)
def test_es_operation_labels_never_carry_ids(method, target, expected):
    assert es_operation(method, target) == expected


def test_requests_latency_and_es_time_are_counted(client, tenant):
    before = client.get("/metrics").get_data(as_text=True)
    route = dict(endpoint="/v1/stores", method="GET", status="200")
    for _ in range(3):
        assert client.get(PARIS, headers=tenant.headers()).status_code == 200
    client.get("/v1/stores", headers={"X-Api-Key": "pk_unknown"})
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert sample(text, "locator_http_requests_total", **route) - sample(
        before, "locator_http_requests_total", **route) == 3
    assert sample(text, "locator_http_requests_total", endpoint="/v1/stores", status="401") >= 1
    latency = "locator_http_request_duration_seconds_count"
    assert sample(text, latency, endpoint="/v1/stores", method="GET") >= 4
    assert sample(text, "locator_elasticsearch_request_duration_seconds_count", operation="POST _search") > 0
    assert "es;dur=" in client.get(PARIS, headers=tenant.headers()).headers["Server-Timing"]


def test_unmatched_paths_share_one_label(client):
    client.get("/v1/no/such/thing/zqxjwk")
    text = client.get("/metrics").get_data(as_text=True)
    assert "zqxjwk" not in text
    assert sample(text, "locator_http_requests_total", endpoint="unmatched", status="404") >= 1


def test_outcome_counters(client):
    before = client.get("/metrics").get_data(as_text=True)
    record_stock_outcomes({"updated": 4, "stale": 1, "created": 0})
    record_reservation("held")
    record_reservation("short", 2)
    text = client.get("/metrics").get_data(as_text=True)
    for name, labels, delta in [("locator_stock_rows_total", {"outcome": "updated"}, 4),
                                ("locator_stock_rows_total", {"outcome": "stale"}, 1),
                                ("locator_reservations_total", {"outcome": "held"}, 1),
                                ("locator_reservations_total", {"outcome": "short"}, 2)]:
        assert sample(text, name, **labels) - sample(before, name, **labels) == delta


def test_metrics_are_summed_across_gunicorn_workers(config, es, tenant, tmp_path):
    metrics_dir = tmp_path / "prom"
    metrics_dir.mkdir()
    # Sync workers take one request at a time, so concurrent calls spread over both.
    server = start_gunicorn(config, tmp_path, workers=2, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
                            GUNICORN_CMD_ARGS="--worker-class sync")
    try:
        def call(_):
            return requests.get(f"{server.url}{PARIS}", headers=tenant.headers(), timeout=30).status_code

        statuses = spread_over_workers(call, metrics_dir, "/v1/stores", minimum=40)
        assert set(statuses) == {200}
        served = served_per_worker(metrics_dir, "/v1/stores")
        assert len(served) == 2 and min(served) > 0 and sum(served) == len(statuses)
        text = requests.get(f"{server.url}/metrics", timeout=30).text
        # One answer, whichever worker gives it, adds up both workers' files.
        assert sample(text, "locator_http_requests_total", endpoint="/v1/stores", method="GET",
                      status="200") == len(statuses)
    finally:
        stop_gunicorn(server)


def test_stock_and_reservation_outcomes_are_counted_by_the_api(client, es, config, tenant):
    import uuid
    from datetime import UTC, datetime

    from tests import factories

    factories.seed(es, config, [factories.store_doc(tenant.id, "S1", 48.85, 2.35)],
                   [factories.product_doc(tenant.id, "SKU1")])
    before = client.get("/metrics").get_data(as_text=True)
    rows = [{"store_id": "S1", "sku": "SKU1", "on_hand": 1, "as_of": datetime.now(UTC).isoformat()},
            {"store_id": "S1", "sku": "SKU1", "on_hand": 1, "as_of": "2000-01-01T00:00:00+00:00"}]
    stock = client.put("/v1/stock?wait_for_visible=true", json={"rows": rows},
                       headers=tenant.headers("secret"))
    assert stock.status_code == 200, stock.json

    def reserve(qty: int):
        body = {"store_id": "S1", "items": [{"sku": "SKU1", "qty": qty}],
                "customer": {"name": "M", "email": "m@example.com"}}
        return client.post("/v1/reservations", json=body,
                           headers={**tenant.headers(), "Idempotency-Key": uuid.uuid4().hex})

    assert reserve(1).status_code == 201
    assert reserve(5).status_code == 409
    text = client.get("/metrics").get_data(as_text=True)

    def delta(name, **labels):
        return sample(text, name, **labels) - sample(before, name, **labels)

    assert delta("locator_stock_rows_total", outcome="created") == 1
    assert delta("locator_stock_rows_total", outcome="stale") + delta(
        "locator_stock_rows_total", outcome="unchanged") == 1
    assert delta("locator_reservations_total", outcome="held") == 1
    assert delta("locator_reservations_total", outcome="short") == 1
