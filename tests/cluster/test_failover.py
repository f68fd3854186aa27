"""The node holding the stock primary dies (SIGKILL) while shoppers and store systems write.

Through the HTTP API under a real gunicorn pointed at all three nodes. Clients behave as the
README tells them to: a 503 is sent again (same Idempotency-Key, same batch).
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import requests

from locator.indices import stock_alias
from locator.mappings import stock_id, stock_routing
from locator.stock import model
from tests.conftest import make_tenant
from tests.factories import product_doc, seed, store_doc
from tests.reservations.helpers import body, stock_doc, stock_up

pytestmark = pytest.mark.slow
SHOPPERS = 40
UNITS = 10
MAX_TRIES = 120  # per request: enough for a failover and a takeover after PENDING_GRACE
PAUSE = 1.0


def _problem_type(response: requests.Response) -> str:
    return response.json().get("type", "").rsplit("/", 1)[-1]


class Shopper:
    """Reserves one unit, sending the same request again while the answer is not final."""

    def __init__(self, url: str, tenant) -> None:
        self.url, self.tenant = url, tenant
        self.key = str(uuid.uuid4())
        self.answers: list[int | str] = []
        self.final: requests.Response | None = None

    def run(self) -> None:
        for _ in range(MAX_TRIES):
            try:
                response = requests.post(f"{self.url}/v1/reservations", json=body({"HOT": 1}), timeout=120,
                                         headers={**self.tenant.headers(), "Idempotency-Key": self.key})
            except requests.ConnectionError:
                self.answers.append("connection")
                time.sleep(PAUSE)
                continue
            self.answers.append(response.status_code)
            if response.status_code == 201 or (
                    response.status_code == 409 and _problem_type(response) == "insufficient-stock"):
                self.final = response
                return
            assert response.status_code in (409, 503), response.text  # in progress / unavailable
            assert response.headers["Content-Type"] == "application/problem+json"
            time.sleep(PAUSE)


def test_shoppers_racing_while_the_stock_primary_dies_never_oversell(cluster_server, cluster_es,
                                                                      cluster_config, failover):
    es, config = cluster_es, cluster_config
    tenant = make_tenant(es, config)
    stock_up(es, config, tenant.id, {"HOT": UNITS})
    doomed = failover.primary_node(stock_alias(config, tenant.id))
    shoppers = [Shopper(cluster_server.url, tenant) for _ in range(SHOPPERS)]
    with ThreadPoolExecutor(SHOPPERS) as pool:
        futures = [pool.submit(s.run) for s in shoppers]
        # Kill once the first reservations are through, with the others in flight.
        for _ in range(600):
            if sum(1 for s in shoppers if s.final is not None and s.final.status_code == 201) >= 2:
                break
            time.sleep(0.05)
        waiting = sum(1 for s in shoppers if s.final is None)
        failover.kill(doomed)
        for future in futures:
            future.result()
    assert waiting >= SHOPPERS - UNITS  # the node died with most shoppers still racing
    assert doomed.pid() is None
    print({s.key[:8]: s.answers for s in shoppers if len(s.answers) > 1})  # retries, for the log
    unresolved = [s.answers for s in shoppers if s.final is None]
    assert not unresolved, unresolved
    won = sorted(s.final.json()["id"] for s in shoppers if s.final.status_code == 201)
    refused = [s for s in shoppers if s.final.status_code == 409]
    # 0 oversold, and every unit found a shopper.
    assert len(won) == UNITS, [s.answers for s in shoppers]
    assert len(refused) == SHOPPERS - UNITS
    doc = stock_doc(es, config, tenant.id, "HOT")
    # Every acknowledged reservation holds its unit, once; every refused one holds none.
    assert sorted(h["reservation_id"] for h in doc["holds"]) == won
    assert model.available_qty(doc, 0) == 0
    for shopper in shoppers:
        if shopper.final.status_code == 201:
            created = shopper.final.json()
            again = requests.get(f"{cluster_server.url}/v1/reservations/{created['id']}", timeout=60,
                                 headers={**tenant.headers(), "X-Reservation-Token": created["token"]})
            assert again.status_code == 200 and again.json()["status"] == "held"


T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
PUSHERS = 3
ROWS = 200


def _skus(pusher: int) -> list[str]:
    return [f"P{pusher}-{i:03d}" for i in range(ROWS)]


def _batch(pusher: int, round_: int) -> dict:
    as_of = (T0 + timedelta(seconds=round_)).isoformat()
    return {"rows": [{"store_id": "S1", "sku": sku, "on_hand": round_, "as_of": as_of}
                     for sku in _skus(pusher)]}


class Pusher:
    """A store system: sends round after round; a batch is sent again until it is acknowledged."""

    def __init__(self, url: str, headers: dict, pusher: int) -> None:
        self.url, self.headers, self.pusher = url, headers, pusher
        self.acked = 0
        self.refusals: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        round_ = 1
        while not self.stop.is_set():
            try:
                response = requests.put(f"{self.url}/v1/stock", json=_batch(self.pusher, round_),
                                        headers=self.headers, timeout=120)
            except requests.ConnectionError:
                self.refusals.append("connection")
                continue
            if response.status_code == 200:
                results = {r["result"] for r in response.json()["results"]}
                assert results <= {"applied", "unchanged"}, response.json()["summary"]
                self.acked = round_
                round_ += 1
            else:
                assert response.status_code == 503, response.text
                assert response.headers["Content-Type"] == "application/problem+json"
                self.refusals.append(str(response.status_code))
                time.sleep(0.2)


def _wait(predicate, what: str, attempts: int = 1200, pause: float = 0.1) -> None:
    for _ in range(attempts):
        if predicate():
            return
        time.sleep(pause)
    raise AssertionError(f"timed out waiting for {what}")


def test_counts_pushed_while_the_stock_primary_dies_are_never_lost(cluster_server, cluster_es, cluster_config,
                                                                   failover):
    es, config = cluster_es, cluster_config
    tenant = make_tenant(es, config)
    seed(es, config, [store_doc(tenant.id, "S1", 48.85, 2.35)],
         [product_doc(tenant.id, sku) for p in range(PUSHERS) for sku in _skus(p)])
    pushers = [Pusher(cluster_server.url, tenant.headers("secret"), p) for p in range(PUSHERS)]
    threads = [threading.Thread(target=p.run) for p in pushers]
    for thread in threads:
        thread.start()
    try:
        _wait(lambda: min(p.acked for p in pushers) >= 3, "three acknowledged rounds")
        doomed = failover.primary_node(stock_alias(config, tenant.id))
        failover.kill(doomed)
        killed_at = [p.acked for p in pushers]
        # The service carries on with the promoted replica: every pusher gets rounds through.
        _wait(lambda: all(p.acked >= k + 3 for p, k in zip(pushers, killed_at, strict=True)),
              "three more rounds after the kill")
    finally:
        for pusher in pushers:
            pusher.stop.set()
        for thread in threads:
            thread.join(timeout=300)
    acked = [p.acked for p in pushers]
    stock = stock_alias(config, tenant.id)
    for pusher, round_ in zip(pushers, acked, strict=True):
        skus = _skus(pusher.pusher)
        docs = es.mget(index=stock, docs=[{"_id": stock_id(tenant.id, "S1", s), "routing": stock_routing(s)}
                                          for s in skus])["docs"]
        assert all(d["found"] for d in docs), f"pusher {pusher.pusher}: rows lost"
        behind = [d["_id"] for d in docs if d["_source"]["on_hand"] < round_]
        assert not behind, f"pusher {pusher.pusher}: {len(behind)} rows older than its round {round_}"
    # A late, older batch never rewinds the counts.
    late = requests.put(f"{cluster_server.url}/v1/stock", json=_batch(0, 1), headers=tenant.headers("secret"),
                        timeout=120)
    assert late.status_code == 200 and late.json()["summary"]["stale"] == ROWS
    first = _skus(0)[0]
    doc = es.get(index=stock, id=stock_id(tenant.id, "S1", first), routing=stock_routing(first))["_source"]
    assert doc["on_hand"] >= acked[0]
