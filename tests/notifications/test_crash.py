"""SIGKILL the whole service while reservations are made: no event lost, none recorded or sent twice.

Mail and webhook receivers are down while the service is killed, so that every message of the
test is sent after the restart: what is checked is the outbox (each event recorded once, in the
write of the change it reports) and the sending of each exactly once after the restart.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from locator.es import index_name
from locator.reservations import events, service, sweeper, webhooks
from locator.tenants.service import get_tenant
from tests.conftest import free_port, make_tenant, start_gunicorn, stop_gunicorn
from tests.notifications.helpers import SHOPPER, mail_config, open_store, reserve

pytestmark = pytest.mark.slow


class HookCounter:
    """A webhook receiver on a fixed port, counting each delivery id it accepts."""

    def __init__(self, port: int) -> None:
        self.port, self.seen, self.lock, self.server = port, Counter(), threading.Lock(), None

    def start(self) -> None:
        counter = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                self.rfile.read(int(self.headers["Content-Length"]))
                with counter.lock:
                    counter.seen[self.headers["X-Locator-Delivery"]] += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _kill_everything(server) -> None:
    workers = _children(server.process.pid)
    os.kill(server.process.pid, signal.SIGKILL)
    for worker in workers:
        try:
            os.kill(worker, signal.SIGKILL)
        except ProcessLookupError:
            pass
    server.process.wait(timeout=30)


def test_sigkill_loses_no_event_and_doubles_none(es, config, tmp_path, smtp_down):
    hooks = HookCounter(free_port())
    tenant = make_tenant(es, config, webhook_url=f"http://127.0.0.1:{hooks.port}/hooks")
    open_store(es, config, tenant.id, skus={"SOFA": 5000})
    env = {"RESERVATION_SWEEP_SECONDS": "1", "WEBHOOK_RETRY_SECONDS": "0.2", "WEBHOOK_MAX_ATTEMPTS": "60",
           "SMTP_URL": smtp_down.url,
           # Short attempts, so that the leases the killed workers held end soon (3 × 6 s).
           "SMTP_TIMEOUT_SECONDS": "1", "WEBHOOK_DEADLINE_SECONDS": "2", "LOG_LEVEL": "DEBUG"}
    server = start_gunicorn(config, tmp_path, workers=2, **env)
    logs = [server.log_path]
    answered: list[str] = []
    stop = threading.Event()

    def shopper() -> None:
        while not stop.is_set():
            payload = {"store_id": "S1", "items": [{"sku": "SOFA", "qty": 1}], "customer": SHOPPER,
                       "lang": "fr"}
            try:
                response = requests.post(f"{server.url}/v1/reservations", json=payload, timeout=10,
                                         headers={**tenant.headers(), "Idempotency-Key": str(uuid.uuid4())})
            except requests.RequestException:
                continue
            if response.status_code == 201:
                answered.append(response.json()["id"])

    threads = [threading.Thread(target=shopper) for _ in range(6)]
    for thread in threads:
        thread.start()
    for _ in range(600):  # bounded: kill once a fair number went through
        if len(answered) >= 40:
            break
        time.sleep(0.05)
    _kill_everything(server)
    stop.set()
    for thread in threads:
        thread.join()
    assert len(answered) >= 40

    server = start_gunicorn(config, tmp_path, workers=2, **env)
    logs.append(server.log_path)
    smtp_down.start()
    hooks.start()
    try:
        requests.get(f"{server.url}/v1/stores/S1", headers=tenant.headers(), timeout=30)  # wakes the workers
        alias = index_name(config, "reservations")
        deliveries = index_name(config, "webhook-deliveries")

        def state() -> tuple[list[str], list[dict]]:
            es.indices.refresh(index=f"{alias},{deliveries}")
            held = [h["_id"] for h in es.search(index=alias, size=1000, query={"bool": {"filter": [
                {"term": {"tenant": tenant.id}}, {"term": {"status": "held"}}]}})["hits"]["hits"]]
            found = [h["_source"] | {"id": h["_id"]} for h in es.search(
                index=deliveries, size=5000, query={"term": {"tenant": tenant.id}})["hits"]["hits"]]
            return held, found

        for _ in range(900):  # bounded only so that a broken run ends
            held, found = state()
            if len(found) == 3 * len(held) and all(d["status"] == "delivered" for d in found):
                break
            time.sleep(0.2)
        held, found = state()
    finally:
        stop_gunicorn(server)
        hooks.stop()
    assert set(answered) <= set(held)  # every answered reservation stands
    expected = {events.delivery_id(rid, "reservation.created", channel)
                for rid in held for channel in ("webhook", "shopper", "store")}
    assert {d["id"] for d in found} == expected  # nothing lost, nothing recorded for a failed creation
    assert all(d["status"] == "delivered" for d in found), [d for d in found if d["status"] != "delivered"]
    hook_ids = {events.delivery_id(rid, "reservation.created", "webhook") for rid in held}
    assert hooks.seen == Counter(dict.fromkeys(hook_ids, 1))
    message_ids = Counter(m.message["Message-ID"] for m in smtp_down.messages())
    assert sorted(message_ids.values()) == [1] * (2 * len(held))  # each email sent once
    assert {mid.split("@")[0].strip("<") for mid in message_ids} == expected - hook_ids
    # The failed and successful sends were logged at DEBUG without any address or name.
    for log in logs:
        text = log.read_text()
        assert "request" in text and SHOPPER["email"] not in text and SHOPPER["name"] not in text
        assert "store.s1@shop.example" not in text


def test_the_sweeper_records_the_events_of_a_change_whose_process_died(es, config, smtp_server, monkeypatch):
    """The process dies right after writing a change (its event in the outbox), before dispatching."""
    cfg = mail_config(config, smtp_server.url)
    tenant = make_tenant(es, cfg)
    open_store(es, cfg, tenant.id, notify_email=None)
    monkeypatch.setattr(events, "dispatch_quietly", lambda *args: None)  # the process is gone here
    rid = reserve(es, cfg, tenant.id).doc["reservation_id"]
    monkeypatch.undo()
    stored = es.get(index=index_name(cfg, "reservations"), id=rid)["_source"]
    assert stored["outbox"] == ["reservation.created"]
    es.indices.refresh(index=index_name(cfg, "reservations"))
    assert sweeper.sweep(es, cfg)["dispatched"] == 1
    es.indices.refresh(index=index_name(cfg, "webhook-deliveries"))

    assert webhooks.deliver_due(es, cfg) == {"delivered": 1}
    assert [m.message["Subject"].split(" : ")[0] for m in smtp_server.messages()] == [
        "Votre réservation chez Boutique Bastille"]
    assert json.dumps(service.public(es.get(index=index_name(cfg, "reservations"), id=rid)["_source"]))
    assert get_tenant(es, cfg, tenant.id).settings.webhook_url is None
