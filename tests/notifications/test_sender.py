"""The webhook sender against hostile receivers: trickling, flooding, stalling, private, overtaken.

Written against the command line and the service's own worker so that each runs on the sender
before the rewrite too (where each of them failed).
"""

from __future__ import annotations

import json
import socket
import time
import uuid
from dataclasses import replace

import pytest
import requests

from locator.cli.main import main
from locator.es import index_name
from locator.notifications import deliveries
from locator.reservations import service
from locator.tenants.service import get_tenant
from tests.conftest import make_tenant, start_gunicorn, stop_gunicorn
from tests.rawserver import RawReceiver
from tests.reservations.helpers import body, new_key, stock_up


def trickle(receiver: RawReceiver, conn: socket.socket) -> None:
    # A valid 200 answer, one byte every 0.1 s (10 s in all): each read is quick, the whole is not.
    for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n" + b"x" * 40:
        if receiver.release.is_set():
            return
        conn.sendall(bytes([byte]))
        time.sleep(0.1)


def flood(receiver: RawReceiver, conn: socket.socket) -> None:
    total = 200 * 1024 * 1024
    conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {total}\r\n\r\n".encode())
    chunk = b"y" * 65536
    while receiver.sent < total:
        conn.sendall(chunk)
        receiver.sent += len(chunk)


def stall(receiver: RawReceiver, conn: socket.socket) -> None:
    receiver.release.wait(120)  # never answers while the test runs


@pytest.fixture
def receivers():
    made: list[RawReceiver] = []
    yield lambda behave: made.append(RawReceiver(behave)) or made[-1]
    for receiver in made:
        receiver.close()


def _reserve_in_process(es, config, tenant_id: str) -> str:
    stock_up(es, config, tenant_id, {"A": 3})
    created = service.create(es, config, get_tenant(es, config, tenant_id), new_key(), body({"A": 1}))
    es.indices.refresh(index=index_name(config, "webhook-deliveries"))
    return created.doc["reservation_id"]


def _deliver_and_list(es, config, runner, tenant_id: str, **env: str) -> list[dict]:
    sent = runner.invoke(main, ["reservations", "webhooks", "deliver"], env=env)
    assert sent.exit_code == 0, sent.output
    es.indices.refresh(index=index_name(config, "webhook-deliveries"))
    listing = runner.invoke(main, ["reservations", "webhooks", "list", "--tenant", tenant_id, "--json"],
                            env=env)
    return [json.loads(line) for line in listing.output.splitlines()]


def test_a_trickling_receiver_ends_at_the_deadline(es, config, runner, receivers):
    receiver = receivers(trickle)
    tenant = make_tenant(es, config, webhook_url=receiver.url)
    _reserve_in_process(es, config, tenant.id)
    [delivery] = _deliver_and_list(es, config, runner, tenant.id, WEBHOOK_DEADLINE_SECONDS="1",
                                   WEBHOOK_TIMEOUT_SECONDS="5")
    assert delivery["status"] == "pending"  # to be retried
    assert [a["error"] for a in delivery["attempts"]] == ["deadline exceeded"]


def test_a_huge_answer_is_not_read_past_the_byte_cap(es, config, runner, receivers):
    receiver = receivers(flood)
    tenant = make_tenant(es, config, webhook_url=receiver.url)
    _reserve_in_process(es, config, tenant.id)
    [delivery] = _deliver_and_list(es, config, runner, tenant.id, WEBHOOK_MAX_RESPONSE_BYTES="1000")
    time.sleep(0.2)  # let the flooding thread notice the closed connection
    assert receiver.sent < 32 * 1024 * 1024  # socket buffers only, never the 200 MB
    assert delivery["status"] == "delivered" and delivery["attempts"][0]["status_code"] == 200
    assert delivery["attempts"][0].get("truncated") is True


def test_private_targets_are_refused_when_set_and_when_sent(es, config, runner, receivers):
    receiver = receivers(trickle)
    production = {"WEBHOOK_ALLOW_PRIVATE": "0"}
    tenant = make_tenant(es, config)
    for url in ("http://127.0.0.1:9200/", "http://localhost/x", "http://169.254.169.254/latest",
                "http://10.1.2.3/", "http://[::1]/"):
        result = runner.invoke(main, ["tenants", "set", tenant.id, f"webhook_url={url}"], env=production)
        assert result.exit_code != 0 and "non-public address" in result.output, (url, result.output)
    assert get_tenant(es, config, tenant.id).settings.webhook_url is None
    # Set while allowed (development), then sent by a production sender: refused, nothing sent.
    allowed = make_tenant(es, config, webhook_url=receiver.url)
    _reserve_in_process(es, config, allowed.id)
    [delivery] = _deliver_and_list(es, config, runner, allowed.id, **production)
    assert delivery["attempts"][0]["error"].startswith("refused: 127.0.0.1 resolves to a non-public address")
    assert receiver.connections == 0


def test_the_final_update_never_overwrites_a_newer_attempt(es, config, runner, receivers):
    """The lease ran out mid-attempt and another worker recorded its own attempt: it is kept."""
    alias = index_name(config, "webhook-deliveries")
    overtaken: dict = {}

    def overtake(receiver: RawReceiver, conn: socket.socket) -> None:
        es.update(index=alias, id=overtaken["id"], doc={
            "status": "delivered", "attempt_count": 1, "next_attempt_at": None,
            "attempts": [{"at": "2026-01-01T00:00:00+00:00", "status_code": 204, "error": None,
                          "duration_ms": 1.0}]}, refresh=True)
        conn.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n")

    receiver = receivers(overtake)
    tenant = make_tenant(es, config, webhook_url=receiver.url)
    rid = _reserve_in_process(es, config, tenant.id)
    [hit] = es.search(index=alias, query={"term": {"reservation_id": rid}})["hits"]["hits"]
    overtaken["id"] = hit["_id"]
    [delivery] = _deliver_and_list(es, config, runner, tenant.id)
    assert delivery["status"] == "delivered"
    assert [a["status_code"] for a in delivery["attempts"]] == [204]


def test_the_lease_outlasts_any_attempt(config):
    for deadline, smtp_timeout in ((10, 10), (120, 1), (1, 60)):
        cfg = replace(config, webhook_deadline_seconds=deadline, smtp_timeout_seconds=smtp_timeout)
        assert deliveries.lease(cfg).total_seconds() >= 2 * max(deadline, 6 * smtp_timeout)


def test_a_stalled_receiver_never_stalls_the_sweeper(es, config, tmp_path, receivers):
    receiver = receivers(stall)
    server = start_gunicorn(config, tmp_path, workers=1, RESERVATION_SWEEP_SECONDS="1",
                            WEBHOOK_TIMEOUT_SECONDS="90", WEBHOOK_DEADLINE_SECONDS="90")
    try:
        stalled = make_tenant(es, config, webhook_url=receiver.url)
        stock_up(es, config, stalled.id, {"A": 2})
        response = requests.post(f"{server.url}/v1/reservations", json=body({"A": 1}), timeout=60,
                                 headers={**stalled.headers(), "Idempotency-Key": str(uuid.uuid4())})
        assert response.status_code == 201
        for _ in range(300):  # bounded only so that a broken run ends
            if receiver.connections:
                break
            time.sleep(0.1)
        assert receiver.connections == 1  # the worker is now held by the receiver
        other = make_tenant(es, config, hold_hours=1 / 3600)
        stock_up(es, config, other.id, {"A": 1})
        short = requests.post(f"{server.url}/v1/reservations", json=body({"A": 1}), timeout=60,
                              headers={**other.headers(), "Idempotency-Key": str(uuid.uuid4())}).json()
        alias = index_name(config, "reservations")
        # The sweeper marks the other tenant's reservation expired while the stall goes on (it
        # lasts 90 s; this loop gives up after about 30).
        for _ in range(300):
            if es.get(index=alias, id=short["id"])["_source"]["status"] == "expired":
                break
            time.sleep(0.1)
        assert es.get(index=alias, id=short["id"])["_source"]["status"] == "expired"
        assert not receiver.release.is_set()
    finally:
        receiver.release.set()
        stop_gunicorn(server)
