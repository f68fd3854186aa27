"""Webhooks to a real local HTTP receiver, through the real service under gunicorn."""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from locator.cli.main import main
from locator.reservations import webhooks
from tests.conftest import free_port, make_tenant, start_gunicorn, stop_gunicorn
from tests.reservations.helpers import CUSTOMER, body, new_key, stock_up

SECRET = "whsec-test-0123456789abcdef"


class Receiver:
    """An HTTP server recording every POST; answers the next status queued for that event type.

    Statuses are queued per event type because deliveries of different events may arrive in
    any order (each is sent by whichever worker or thread picks it up first).
    """

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.statuses: dict[str, list[int]] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                event = json.loads(raw).get("type", "")
                with receiver.lock:
                    queued = receiver.statuses.get(event) or []
                    status = queued.pop(0) if queued else 200
                    receiver.received.append({"headers": dict(self.headers), "raw": raw, "status": status})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def events(self) -> list[str]:
        with self.lock:
            return [json.loads(r["raw"])["type"] for r in self.received if r["status"] == 200]

    def wait_for(self, predicate, what: str) -> None:
        # Deliveries are asynchronous by design; this waits for them without a time budget
        # on the service itself (the loop gives up only so that a broken run ends).
        for _ in range(600):
            if predicate():
                return
            time.sleep(0.1)
        raise AssertionError(f"never received {what}; got {self.received}")


@pytest.fixture
def receiver():
    rec = Receiver()
    rec.thread.start()
    yield rec
    rec.server.shutdown()
    rec.server.server_close()


@pytest.fixture(scope="module")
def server(config, es, tmp_path_factory):
    live = start_gunicorn(config, tmp_path_factory.mktemp("webhooks"), workers=2,
                          RESERVATION_SWEEP_SECONDS="1", WEBHOOK_RETRY_SECONDS="0.5",
                          WEBHOOK_MAX_ATTEMPTS="3", LOG_LEVEL="DEBUG")
    yield live
    stop_gunicorn(live)


def _reserve(url, tenant, items):
    response = requests.post(f"{url}/v1/reservations", json=body(items), timeout=60,
                             headers={**tenant.headers(), "Idempotency-Key": new_key()})
    assert response.status_code == 201, response.text
    return response.json()


def test_every_event_is_signed_delivered_and_retried(server, es, config, receiver):
    tenant = make_tenant(es, config, webhook_url=receiver.url, webhook_secret=SECRET)
    stock_up(es, config, tenant.id, {"A": 5})
    receiver.statuses = {"reservation.created": [500]}  # the first attempt fails: it must be retried
    secret_headers = tenant.headers("secret")
    first = _reserve(server.url, tenant, {"A": 1})
    requests.post(f"{server.url}/v1/reservations/{first['id']}/ready", headers=secret_headers, timeout=30)
    requests.post(f"{server.url}/v1/reservations/{first['id']}/collect", headers=secret_headers, timeout=30)
    second = _reserve(server.url, tenant, {"A": 1})
    requests.post(f"{server.url}/v1/reservations/{second['id']}/cancel", headers=secret_headers, timeout=30)
    expected = ["reservation.created", "reservation.ready", "reservation.collected",
                "reservation.created", "reservation.cancelled"]
    receiver.wait_for(lambda: sorted(receiver.events()) == sorted(expected), "every event")
    for record in receiver.received:
        headers, raw = record["headers"], record["raw"]
        assert webhooks.verify(SECRET, raw, headers[webhooks.TIMESTAMP_HEADER],
                               headers[webhooks.SIGNATURE_HEADER])
        assert not webhooks.verify("wrong-secret-0123456789", raw, headers[webhooks.TIMESTAMP_HEADER],
                                   headers[webhooks.SIGNATURE_HEADER])
        payload = json.loads(raw)
        assert payload["type"] == headers[webhooks.EVENT_HEADER]
        assert payload["id"] == headers[webhooks.DELIVERY_HEADER]
        assert CUSTOMER["email"].encode() not in raw and b"customer" not in raw
    # Replay protection: an old timestamp is refused even with a valid signature.
    record = receiver.received[0]
    old = int(record["headers"][webhooks.TIMESTAMP_HEADER]) - 3600
    assert not webhooks.verify(SECRET, record["raw"], str(old), webhooks.sign(SECRET, old, record["raw"]))
    # Attempts are recorded and listable: the first `created` delivery to arrive (either
    # reservation's) failed once, then succeeded; every other delivery succeeded at once.
    def listed(reservation_id: str, count: int) -> list[dict]:
        for _ in range(300):  # bounded only so that a broken run ends
            found = requests.get(f"{server.url}/v1/webhooks/deliveries", headers=secret_headers,
                                 params={"reservation_id": reservation_id}, timeout=30).json()["deliveries"]
            if len(found) == count and all(d["status"] == "delivered" for d in found):
                return found
            time.sleep(0.2)
        raise AssertionError(f"deliveries of {reservation_id} never all delivered: {found}")

    attempts = [(d["event"], [a["status_code"] for a in d["attempts"]])
                for d in listed(first["id"], 3) + listed(second["id"], 2)]
    assert sorted(codes for event, codes in attempts if event == "reservation.created") == [[200], [500, 200]]
    assert all(codes == [200] for event, codes in attempts if event != "reservation.created")


def test_expiry_event_comes_from_the_services_own_sweeper(server, es, config, receiver):
    tenant = make_tenant(es, config, webhook_url=receiver.url, webhook_secret=SECRET, hold_hours=1 / 3600)
    stock_up(es, config, tenant.id, {"A": 1})
    created = _reserve(server.url, tenant, {"A": 1})
    receiver.wait_for(lambda: "reservation.expired" in receiver.events(), "reservation.expired")
    status = requests.get(f"{server.url}/v1/reservations/{created['id']}", headers=tenant.headers("secret"),
                          timeout=30).json()["status"]
    assert status == "expired"


def test_a_webhook_outage_never_blocks_a_reservation(server, es, config, runner):
    dead = f"http://127.0.0.1:{free_port()}/nobody-listens"
    tenant = make_tenant(es, config, webhook_url=dead, webhook_secret=SECRET)
    stock_up(es, config, tenant.id, {"A": 3})
    created = _reserve(server.url, tenant, {"A": 1})
    cancelled = requests.post(f"{server.url}/v1/reservations/{created['id']}/cancel",
                              headers=tenant.headers("secret"), timeout=30)
    assert cancelled.status_code == 200
    es.indices.refresh(index=f"{config.index_prefix}-webhook-deliveries")
    listing = runner.invoke(main, ["reservations", "webhooks", "list", "--tenant", tenant.id, "--json"])
    assert listing.exit_code == 0, listing.output
    rows = [json.loads(line) for line in listing.output.splitlines()]
    assert {r["event"] for r in rows} == {"reservation.created", "reservation.cancelled"}
    assert all(a["error"] for r in rows for a in r["attempts"])


def test_backoff_doubles_and_is_capped(config):
    assert webhooks.backoff(config, 1) == timedelta(seconds=config.webhook_retry_seconds)
    assert webhooks.backoff(config, 3) == timedelta(seconds=4 * config.webhook_retry_seconds)
    assert webhooks.backoff(config, 40) == webhooks.MAX_BACKOFF


def test_customer_details_never_reach_the_logs(server, es, config):
    tenant = make_tenant(es, config)
    stock_up(es, config, tenant.id, {"A": 2})
    customer = {"name": "Zebulon Quixote-Marchand", "email": "zebulon.private@example.net",
                "phone": "+33 6 98 76 54 32"}
    payload = {**body({"A": 1}), "customer": customer}
    response = requests.post(f"{server.url}/v1/reservations", json=payload, timeout=60,
                             headers={**tenant.headers(), "Idempotency-Key": new_key()})
    assert response.status_code == 201
    token = response.json()["token"]
    requests.get(f"{server.url}/v1/reservations/{response.json()['id']}?token={token}",
                 headers=tenant.headers(), timeout=30)
    bad = {**payload, "customer": {**customer, "email": "zebulon.private@"}}
    requests.post(f"{server.url}/v1/reservations", json=bad, timeout=60,
                  headers={**tenant.headers(), "Idempotency-Key": new_key()})
    log = server.log_path.read_text()
    assert "request" in log  # the service does log (at DEBUG here), just never the customer
    for secret in ("Zebulon", "zebulon.private", "98 76 54 32", "+33698765432", token):
        assert secret not in log
