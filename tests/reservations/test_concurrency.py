"""No oversell under concurrency: many shoppers, several gunicorn worker processes, one item."""

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from locator.stock import model
from tests.conftest import make_tenant, start_gunicorn, stop_gunicorn
from tests.reservations.helpers import body, new_key, stock_doc, stock_up

WORKERS = 3
SHOPPERS = 60


@pytest.fixture(scope="module")
def server(config, es, tmp_path_factory):
    live = start_gunicorn(config, tmp_path_factory.mktemp("concurrency"), workers=WORKERS,
                          GUNICORN_THREADS="8")
    yield live
    stop_gunicorn(live)


def _worker_pids(master_pid: int) -> set[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return {int(pid) for pid in children}


def _storm(url: str, tenant, payloads: list[dict]) -> list[requests.Response]:
    """Send every reservation at the same moment, one connection each."""
    start = threading.Barrier(len(payloads))

    def reserve(payload: dict) -> requests.Response:
        start.wait()
        return requests.post(f"{url}/v1/reservations", json=payload, timeout=120,
                             headers={**tenant.headers(), "Idempotency-Key": new_key()})

    with ThreadPoolExecutor(len(payloads)) as pool:
        return list(pool.map(reserve, payloads))


def _availability_api(url: str, tenant, sku: str) -> int:
    response = requests.get(f"{url}/v1/availability", params={
        "sku": sku, "lat": 48.85, "lon": 2.35, "radius_km": 5, "include_out_of_stock": "true"},
        headers=tenant.headers("secret"), timeout=30)
    assert response.status_code == 200, response.text
    (entry,) = [e for e in response.json()["results"] if e["store"]["id"] == "S1"]
    return entry["available_qty"]


def test_exactly_the_units_in_stock_are_reserved(server, es, config):
    assert len(_worker_pids(server.process.pid)) == WORKERS
    tenant = make_tenant(es, config)
    stock_up(es, config, tenant.id, {"HOT": 10})
    responses = _storm(server.url, tenant, [body({"HOT": 1}) for _ in range(SHOPPERS)])
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 10, statuses
    assert statuses.count(409) == SHOPPERS - 10, statuses
    assert all(r.json()["items"] == [{"sku": "HOT", "requested": 1, "available": 0}]
               for r in responses if r.status_code == 409)
    doc = stock_doc(es, config, tenant.id, "HOT")
    assert model.available_qty(doc, 0) == 0
    assert sorted(h["reservation_id"] for h in doc["holds"]) \
        == sorted(r.json()["id"] for r in responses if r.status_code == 201)
    assert len({r.json()["pickup_code"] for r in responses if r.status_code == 201}) == 10
    assert _availability_api(server.url, tenant, "HOT") == 0


def test_multi_item_reservations_are_all_or_nothing_under_concurrency(server, es, config):
    tenant = make_tenant(es, config)
    stock_up(es, config, tenant.id, {"A": 10, "B": 6})
    responses = _storm(server.url, tenant, [body({"A": 1, "B": 1}) for _ in range(50)])
    won = [r.json()["id"] for r in responses if r.status_code == 201]
    assert len(won) == 6, [r.status_code for r in responses]
    assert {r.status_code for r in responses} == {201, 409}
    a, b = stock_doc(es, config, tenant.id, "A"), stock_doc(es, config, tenant.id, "B")
    # The losers' compensations left nothing behind: only the winners hold units.
    assert sorted(h["reservation_id"] for h in a["holds"]) == sorted(won)
    assert sorted(h["reservation_id"] for h in b["holds"]) == sorted(won)
    assert model.available_qty(a, 0) == 4 and model.available_qty(b, 0) == 0
