"""Idempotency-Key takeover: an attempt that is taken over (by a retry or by the sweeper) while it
still runs undoes only its own holds, and leaves none behind.

Real concurrency against the real node: each attempt is a real `service.create` in its own
thread, its client stopped at a gate (`tests/faults.py`) just before it reads one
stock document, so the other actors run in between.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from locator.es import index_name
from locator.mappings import stock_id
from locator.reservations import service, states, sweeper
from locator.reservations.errors import IdempotencyInProgress
from locator.tenants.service import get_tenant
from tests.conftest import make_tenant
from tests.faults import Gate, LostAnswer, gated_client, lossy_client
from tests.reservations.helpers import body, new_key, stock_doc, stock_up


def _backdate(es, config, rid: str, age: timedelta) -> None:
    """Make the pending creation look `age` old (as if its request had stalled that long)."""
    alias = index_name(config, "reservations")
    es.update(index=alias, id=rid, doc={"created_at": (datetime.now(UTC) - age).isoformat()},
              refresh=True)


def _holders(es, config, tenant_id: str, sku: str) -> list[str]:
    return [h["reservation_id"] for h in stock_doc(es, config, tenant_id, sku)["holds"]]


def _result(future: Future):
    try:
        return future.result(timeout=120)
    except Exception as exc:  # noqa: BLE001 - the attempt's outcome is what the test checks
        return exc


@pytest.fixture
def pool():
    with ThreadPoolExecutor(2) as executor:
        yield executor


def test_a_taken_over_attempt_that_finds_an_item_short_keeps_its_hands_off_the_retry(es, config, pool):
    tenant = make_tenant(es, config)
    stock_up(es, config, tenant.id, {"A": 2, "C": 1})
    settings = get_tenant(es, config, tenant.id)
    key, payload = new_key(), body({"A": 1, "C": 1})
    rid = service.reservation_id(tenant.id, key)
    c_doc = stock_id(tenant.id, "S1", "C")

    # The first attempt holds A, then stalls before reading C ...
    first_gate = Gate("GET", c_doc)
    first = pool.submit(service.create, gated_client(config, first_gate), config, settings, key, payload)
    first_gate.wait_reached()
    assert _holders(es, config, tenant.id, "A") == [rid]
    # ... for over a minute, while another shopper takes the last C.
    _backdate(es, config, rid, service.PENDING_GRACE + timedelta(seconds=5))
    other = service.create(es, config, settings, new_key(), body({"C": 1})).doc

    # The shopper's retry takes the creation over; it holds A and stalls before placing C
    # (its first read of C is the takeover releasing the first attempt's holds).
    retry_gate = Gate("GET", c_doc, occurrence=2)
    retry = pool.submit(service.create, gated_client(config, retry_gate), config, settings, key, payload)
    retry_gate.wait_reached()
    # The first attempt goes on: C is short, so it undoes what it placed.
    first_gate.open()
    assert isinstance(_result(first), IdempotencyInProgress)  # told to retry, holding nothing
    # The other shopper cancels: C is free again, and the retry gets it.
    service.transition(es, config, settings, other["reservation_id"], states.CANCEL, actor="shopper")
    retry_gate.open()
    created = _result(retry)
    assert not isinstance(created, Exception), created
    assert created.doc["status"] == states.HELD
    # The reservation says held: both its units are really held, once each.
    assert _holders(es, config, tenant.id, "A") == [rid]
    assert _holders(es, config, tenant.id, "C") == [rid]


def test_a_creation_abandoned_by_the_sweeper_while_it_still_runs_leaves_no_hold(es, config, pool):
    tenant = make_tenant(es, config)
    stock_up(es, config, tenant.id, {"A": 2, "C": 1})
    settings = get_tenant(es, config, tenant.id)
    key, payload = new_key(), body({"A": 1, "C": 1})
    rid = service.reservation_id(tenant.id, key)

    gate = Gate("GET", stock_id(tenant.id, "S1", "C"))
    first = pool.submit(service.create, gated_client(config, gate), config, settings, key, payload)
    gate.wait_reached()
    # Stalled for minutes: the sweeper takes it for a crashed creation and abandons it.
    _backdate(es, config, rid, sweeper.STALE_PENDING + timedelta(seconds=5))
    sweeper.sweep(es, config)  # (a service worker of this session may sweep it first: same outcome)
    assert not es.exists(index=index_name(config, "reservations"), id=rid)
    # The creation wakes up, holds C, and finds its reservation gone: nothing may stay held.
    gate.open()
    outcome = _result(first)
    assert isinstance(outcome, IdempotencyInProgress), outcome
    assert _holders(es, config, tenant.id, "A") == []
    assert _holders(es, config, tenant.id, "C") == []


@pytest.mark.parametrize(("method", "step"), [("PUT", "_create/"), ("POST", "_update/")])
def test_a_write_whose_answer_was_lost_is_recognised_as_our_own(es, config, method, step):
    """The creation's own reservation write landed but its answer was lost: the client's
    automatic resend meets a 409 on the version it wrote itself, which is not a takeover."""
    tenant = make_tenant(es, config)
    stock_up(es, config, tenant.id, {"A": 1})
    key, payload = new_key(), body({"A": 1})
    rid = service.reservation_id(tenant.id, key)
    fault = LostAnswer(method, step + rid)
    created = service.create(lossy_client(config, fault), config, get_tenant(es, config, tenant.id),
                             key, payload)
    assert fault.dropped.is_set()
    assert created.doc["status"] == states.HELD and not created.replayed
    assert _holders(es, config, tenant.id, "A") == [rid]
    stored = es.get(index=index_name(config, "reservations"), id=rid)["_source"]
    assert stored["status"] == states.HELD and stored["pickup_code"] == created.doc["pickup_code"]
