"""Failures half-way through a reservation change: nothing stays held for nobody, no unit is
sold twice, and what a failure leaves behind is repaired by the sweeper.

Real node, real faults: an actor's client stopped at a gate (`tests/faults.py`) while the test
makes the stock index refuse writes (`index.blocks.write`), the way a full load's swap or a
read-only cluster does; writers are not left waiting for the block to lift
(`BLOCKED_WAIT_SECONDS` 0). The clock is moved by passing `now` to what reads availability and
to the sweeper.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from indexer.aliases import block_writes, live_index
from locator.es import index_name
from locator.indices import stock_alias
from locator.mappings import stock_id, stock_routing
from locator.reservations import holds, service, states, sweeper
from locator.reservations.errors import InsufficientStock
from locator.tenants.service import get_tenant
from tests.conftest import make_tenant
from tests.faults import Gate, gated_client
from tests.reservations.helpers import available, body, new_key, stock_doc, stock_up


@pytest.fixture
def pool():
    with ThreadPoolExecutor(2) as executor:
        yield executor


@pytest.fixture
def no_wait(monkeypatch):
    monkeypatch.setattr(holds, "BLOCKED_WAIT_SECONDS", 0)


def _result(future: Future):
    try:
        return future.result(timeout=120)
    except Exception as exc:  # noqa: BLE001 - the actor's outcome is what the test checks
        return exc


def _reservation(es, config, rid):
    return es.get(index=index_name(config, "reservations"), id=rid)["_source"]


def _holders(es, config, tenant_id: str, sku: str) -> list[str]:
    return [h["reservation_id"] for h in stock_doc(es, config, tenant_id, sku)["holds"]]


def _refresh(es, config, tenant_id: str) -> None:
    es.indices.refresh(index=f"{index_name(config, 'reservations')},{stock_alias(config, tenant_id)}")


def _backdate(es, config, rid: str, age: timedelta) -> None:
    es.update(index=index_name(config, "reservations"), id=rid,
              doc={"created_at": (datetime.now(UTC) - age).isoformat()}, refresh=True)


def _blocked(es, config, tenant_id: str) -> str:
    index = live_index(es, stock_alias(config, tenant_id))
    block_writes(es, index)
    return index


def test_a_collected_unit_is_never_available_again_even_when_its_holds_change_fails(
        es, config, pool, no_wait):
    tenant = make_tenant(es, config)
    stock_up(es, config, tenant.id, {"A": 1})
    settings = get_tenant(es, config, tenant.id)
    rid = service.create(es, config, settings, new_key(), body({"A": 1})).doc["reservation_id"]
    service.transition(es, config, settings, rid, states.READY_ACTION)

    # The hand-over: the stock index refuses writes from the moment the reservation is written.
    gate = Gate("POST", f"_update/{rid}")
    collecting = pool.submit(service.transition, gated_client(config, gate), config, settings, rid,
                             states.COLLECT)
    gate.wait_reached()
    index = _blocked(es, config, tenant.id)
    try:
        gate.open()
        outcome = _result(collecting)
    finally:
        block_writes(es, index, blocked=False)
    assert not isinstance(outcome, Exception), outcome
    assert _reservation(es, config, rid)["status"] == states.COLLECTED

    # The hold time ends before any sweep: the unit has left the shelf, it must stay unavailable.
    expires = datetime.fromisoformat(_reservation(es, config, rid)["expires_at"])
    assert available(es, config, tenant.id, "A", now=expires + timedelta(seconds=1)) == 0
    # The same seen by another shopper: the hold's end passed on the stock document too.
    doc = stock_doc(es, config, tenant.id, "A")
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    es.update(index=stock_alias(config, tenant.id), id=stock_id(tenant.id, "S1", "A"),
              routing=stock_routing("A"), refresh=True,
              doc={"holds": [{**h, "expires_at": past} for h in doc["holds"]]})
    with pytest.raises(InsufficientStock):
        service.create(es, config, settings, new_key(), body({"A": 1}))


def test_a_taken_over_attempt_whose_undo_fails_leaves_a_marker_the_sweeper_repairs(
        es, config, pool, no_wait):
    tenant = make_tenant(es, config)
    stock_up(es, config, tenant.id, {"A": 2, "C": 2})
    settings = get_tenant(es, config, tenant.id)
    key, payload = new_key(), body({"A": 1, "C": 1})
    rid = service.reservation_id(tenant.id, key)

    # The first attempt stalls before reading C, and again before writing `held`.
    before_c = Gate("GET", stock_id(tenant.id, "S1", "C"))
    before_held = Gate("POST", f"_update/{rid}")
    first = pool.submit(service.create, gated_client(config, before_c, before_held), config, settings,
                        key, payload)
    before_c.wait_reached()
    # A minute later the shopper's retry takes the creation over and completes it.
    _backdate(es, config, rid, service.PENDING_GRACE + timedelta(seconds=5))
    retry = service.create(es, config, settings, key, payload)
    assert retry.doc["status"] == states.HELD
    # The first attempt wakes up, holds C, then its undo meets a stock index refusing writes.
    before_c.open()
    before_held.wait_reached()
    index = _blocked(es, config, tenant.id)
    try:
        before_held.open()
        assert isinstance(_result(first), Exception)
    finally:
        block_writes(es, index, blocked=False)
    assert sorted(_holders(es, config, tenant.id, "C")) == [rid, rid]  # one of them is nobody's
    assert available(es, config, tenant.id, "C") == 0

    _refresh(es, config, tenant.id)
    sweeper.sweep(es, config, now=datetime.now(UTC) + sweeper.STALE_PENDING + timedelta(seconds=1))
    assert _holders(es, config, tenant.id, "C") == [rid]
    assert available(es, config, tenant.id, "C") == 1
    assert _reservation(es, config, rid)["status"] == states.HELD
    assert _holders(es, config, tenant.id, "A") == [rid]


def test_an_attempt_finishing_while_it_is_abandoned_keeps_its_holds(es, config, pool):
    tenant = make_tenant(es, config)
    stock_up(es, config, tenant.id, {"A": 1})
    settings = get_tenant(es, config, tenant.id)
    key, payload = new_key(), body({"A": 1})
    rid = service.reservation_id(tenant.id, key)

    # The creation has placed its hold and stalls before writing `held` ...
    before_held = Gate("POST", f"_update/{rid}")
    first = pool.submit(service.create, gated_client(config, before_held), config, settings, key, payload)
    before_held.wait_reached()
    # ... long enough for a sweep (its clock minutes ahead) to take it for a crashed one, which
    # stalls in turn at its first write, while the creation finishes.
    current = es.get(index=index_name(config, "reservations"), id=rid)
    deleting = Gate("DELETE", rid)
    releasing = Gate("PUT", stock_id(tenant.id, "S1", "A"))
    abandoning = pool.submit(service.abandon, gated_client(config, deleting, releasing), config, current)
    while not (deleting.reached.is_set() or releasing.reached.is_set()):
        deleting.reached.wait(0.05)
    before_held.open()
    created = _result(first)
    deleting.open()
    releasing.open()
    _result(abandoning)
    # The creation won: it says held, so its unit must really be held.
    assert not isinstance(created, Exception), created
    assert _reservation(es, config, rid)["status"] == states.HELD
    assert _holders(es, config, tenant.id, "A") == [rid]


def test_a_collect_that_loses_to_a_cancel_leaves_no_collected_hold(es, config, pool):
    tenant = make_tenant(es, config)
    stock_up(es, config, tenant.id, {"A": 1})
    settings = get_tenant(es, config, tenant.id)
    rid = service.create(es, config, settings, new_key(), body({"A": 1})).doc["reservation_id"]
    service.transition(es, config, settings, rid, states.READY_ACTION)
    # The store's collect stalls just before marking the hold; the shopper cancels meanwhile.
    marking = Gate("PUT", stock_id(tenant.id, "S1", "A"))
    collecting = pool.submit(service.transition, gated_client(config, marking), config, settings, rid,
                             states.COLLECT)
    marking.wait_reached()
    service.transition(es, config, settings, rid, states.CANCEL, actor="shopper")
    marking.open()
    outcome = _result(collecting)
    assert outcome.__class__.__name__ == "InvalidTransition", outcome
    assert _reservation(es, config, rid)["status"] == states.CANCELLED
    assert _holders(es, config, tenant.id, "A") == []
    assert available(es, config, tenant.id, "A") == 1


def test_a_collect_whose_holds_cannot_be_marked_is_refused_and_the_reservation_stays_ready(
        es, config, no_wait):
    tenant = make_tenant(es, config)
    stock_up(es, config, tenant.id, {"A": 1})
    settings = get_tenant(es, config, tenant.id)
    rid = service.create(es, config, settings, new_key(), body({"A": 1})).doc["reservation_id"]
    service.transition(es, config, settings, rid, states.READY_ACTION)
    index = _blocked(es, config, tenant.id)
    try:
        with pytest.raises(Exception):  # noqa: B017 - whatever the node's refusal is called
            service.transition(es, config, settings, rid, states.COLLECT)
    finally:
        block_writes(es, index, blocked=False)
    assert _reservation(es, config, rid)["status"] == states.READY  # the store tries again
    assert service.transition(es, config, settings, rid, states.COLLECT)["status"] == states.COLLECTED
    assert stock_doc(es, config, tenant.id, "A")["holds"][0]["collected_at"]


def test_one_repair_that_fails_does_not_stop_the_others(es, config, no_wait):
    stuck, fine = make_tenant(es, config), make_tenant(es, config)
    rids = {}
    for tenant in (stuck, fine):
        stock_up(es, config, tenant.id, {"A": 1})
        rids[tenant.id] = service.create(es, config, get_tenant(es, config, tenant.id), new_key(),
                                         body({"A": 1})).doc["reservation_id"]
    alias = index_name(config, "reservations")
    # Both cancelled by a process that died before releasing the holds; the stuck one first.
    for age, tenant in ((10, stuck), (5, fine)):
        stamp = (datetime.now(UTC) - timedelta(minutes=age)).isoformat()
        es.update(index=alias, id=rids[tenant.id], refresh=True, doc={
            "status": "cancelled", "closed_at": stamp, "updated_at": stamp, "holds_pending": True})
    index = _blocked(es, config, stuck.id)
    try:
        sweeper.sweep(es, config)
    finally:
        block_writes(es, index, blocked=False)
    assert _holders(es, config, fine.id, "A") == []
    assert _reservation(es, config, rids[fine.id])["holds_pending"] is False
    assert _reservation(es, config, rids[stuck.id])["holds_pending"] is True  # flagged still
    es.indices.refresh(index=alias)
    sweeper.sweep(es, config)
    assert _holders(es, config, stuck.id, "A") == []
