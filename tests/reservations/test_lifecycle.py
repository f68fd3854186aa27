"""Expiry, the sweeper, reconciliation with the till, crash repair and the personal-data purge."""

from datetime import UTC, datetime, timedelta

from locator.cli.main import main
from locator.es import index_name
from locator.indices import stock_alias
from locator.mappings import stock_id, stock_routing
from locator.reservations import holds, service, states, sweeper
from locator.stock.service import StockRow, apply_stock_batch
from locator.tenants.service import get_tenant
from tests.conftest import make_tenant
from tests.factories import get_stock_doc
from tests.reservations.helpers import CUSTOMER, available, body, new_key, stock_doc, stock_up

# Holds keep the default hold time; a test makes it pass by moving the reservation's and its
# holds' `expires_at` into the past, as if the time had gone by: however slow the machine, a hold
# never expires before the test wants it to. Other service processes of this session (gunicorn
# fixtures) may sweep too: tests check outcomes, not who swept.


def _create(es, config, tenant_id, items, key=None):
    return service.create(es, config, get_tenant(es, config, tenant_id), key or new_key(), body(items))


def _pass_hold_time(es, config, doc: dict) -> datetime:
    """Make a reservation's hold time be over (a second ago); return its new `expires_at`."""
    past = datetime.now(UTC) - timedelta(seconds=1)
    rid = doc["reservation_id"]
    for item in doc["items"]:
        stock = stock_doc(es, config, doc["tenant"], item["sku"], doc["store_id"])
        moved = [{**h, "expires_at": past.isoformat()} if h["reservation_id"] == rid else h
                 for h in stock["holds"]]
        es.update(index=stock_alias(config, doc["tenant"]),
                  id=stock_id(doc["tenant"], doc["store_id"], item["sku"]),
                  routing=stock_routing(item["sku"]), doc={"holds": moved}, refresh=True)
    es.update(index=index_name(config, "reservations"), id=rid, doc={"expires_at": past.isoformat()},
              refresh=True)
    return past


def _reservation(es, config, rid):
    return es.get(index=index_name(config, "reservations"), id=rid)["_source"]


def test_an_expired_hold_stops_counting_before_any_sweep(es, config):
    tenant = make_tenant(es, config)
    stock_up(es, config, tenant.id, {"A": 1})
    first = _create(es, config, tenant.id, {"A": 1}).doc
    assert available(es, config, tenant.id, "A") == 0
    expires = datetime.fromisoformat(first["expires_at"])
    assert available(es, config, tenant.id, "A", now=expires - timedelta(milliseconds=1)) == 0
    assert available(es, config, tenant.id, "A", now=expires) == 1
    _pass_hold_time(es, config, first)
    assert service.public(_reservation(es, config, first["reservation_id"]))["status"] == "expired"
    second = _create(es, config, tenant.id, {"A": 1}).doc  # the unit is free again, no sweep needed
    assert [h["reservation_id"] for h in stock_doc(es, config, tenant.id, "A")["holds"]] \
        == [second["reservation_id"]]
    es.indices.refresh(index=index_name(config, "reservations"))
    sweeper.sweep(es, config)
    assert _reservation(es, config, first["reservation_id"])["status"] == "expired"
    assert _reservation(es, config, first["reservation_id"])["holds_pending"] is False


def test_sweep_marks_expired_and_removes_holds(es, config, runner):
    tenant = make_tenant(es, config)
    stock_up(es, config, tenant.id, {"A": 2, "B": 2})
    doc = _create(es, config, tenant.id, {"A": 1, "B": 2}).doc
    _pass_hold_time(es, config, doc)
    es.indices.refresh(index=index_name(config, "reservations"))
    result = runner.invoke(main, ["reservations", "sweep"])
    assert result.exit_code == 0, result.output
    assert "expired=" in result.output
    assert _reservation(es, config, doc["reservation_id"])["status"] == "expired"
    assert stock_doc(es, config, tenant.id, "A")["holds"] == []
    assert stock_doc(es, config, tenant.id, "B")["holds"] == []


def test_store_actions_on_an_unswept_expired_reservation_are_refused(es, config, client):
    tenant = make_tenant(es, config)
    stock_up(es, config, tenant.id, {"A": 1})
    created = client.post("/v1/reservations", json=body({"A": 1}),
                          headers={**tenant.headers(), "Idempotency-Key": new_key()}).json
    _pass_hold_time(es, config, _reservation(es, config, created["id"]))
    for action in ("ready", "cancel", "collect"):
        response = client.post(f"/v1/reservations/{created['id']}/{action}", headers=tenant.headers("secret"))
        assert response.status_code == 409
    assert _reservation(es, config, created["id"])["status"] == "expired"  # expired on the spot


def test_collected_units_count_until_the_tills_count_at_or_after_collection(es, config, tenant):
    t0 = datetime.now(UTC) - timedelta(minutes=10)
    stock_up(es, config, tenant.id, {"A": 3}, as_of=t0)
    tenant_obj = get_tenant(es, config, tenant.id)
    doc = _create(es, config, tenant.id, {"A": 1}).doc
    rid = doc["reservation_id"]
    service.transition(es, config, tenant_obj, rid, states.READY_ACTION)
    collected = service.transition(es, config, tenant_obj, rid, states.COLLECT)
    collected_at = datetime.fromisoformat(collected["collected_at"])
    assert available(es, config, tenant.id, "A") == 2  # on the way out: still held
    # A count taken before the hand-over still has the unit on the shelf: the hold keeps counting.
    before = [StockRow("S1", "A", 3, collected_at - timedelta(seconds=1))]
    assert apply_stock_batch(es, config, tenant.id, before)[0].outcome == "updated"
    assert available(es, config, tenant.id, "A") == 2
    # The till's count after the sale: on_hand 2, the hold is dropped, never counted twice.
    after = [StockRow("S1", "A", 2, collected_at)]
    assert apply_stock_batch(es, config, tenant.id, after)[0].outcome == "updated"
    assert stock_doc(es, config, tenant.id, "A")["holds"] == []
    assert available(es, config, tenant.id, "A") == 2


def test_collecting_after_the_tills_count_does_not_count_twice(es, config, tenant):
    stock_up(es, config, tenant.id, {"A": 2})
    tenant_obj = get_tenant(es, config, tenant.id)
    rid = _create(es, config, tenant.id, {"A": 1}).doc["reservation_id"]
    service.transition(es, config, tenant_obj, rid, states.READY_ACTION)
    doc = service.transition(es, config, tenant_obj, rid, states.COLLECT)
    # The till already reported the sale (count after the collection) when holds are marked again.
    apply_stock_batch(es, config, tenant.id, [StockRow("S1", "A", 1, datetime.now(UTC))])
    holds.collect(es, config, tenant.id, "S1", rid, doc["items"],
                  datetime.fromisoformat(doc["collected_at"]), datetime.fromisoformat(doc["expires_at"]))
    assert stock_doc(es, config, tenant.id, "A")["holds"] == []
    assert available(es, config, tenant.id, "A") == 1


def test_sweeper_finishes_an_interrupted_cancel_and_removes_abandoned_creations(es, config, tenant):
    stock_up(es, config, tenant.id, {"A": 3})
    alias = index_name(config, "reservations")
    doc = _create(es, config, tenant.id, {"A": 1}).doc
    long_ago = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    # A crash right after the status change: cancelled, but the hold is still in the stock doc.
    es.update(index=alias, id=doc["reservation_id"], doc={
        "status": "cancelled", "closed_at": long_ago, "updated_at": long_ago, "holds_pending": True})
    # A crash while placing holds: a pending reservation with a hold, minutes old.
    rid = service.reservation_id(tenant.id, "crashed-creation-0001")
    es.index(index=alias, id=rid, document={
        **_reservation(es, config, doc["reservation_id"]), "reservation_id": rid, "status": "pending",
        "created_at": long_ago, "holds_pending": False, "attempt": "crashed-attempt"})
    holds.place(es, config, tenant.id, "S1", rid, [{"sku": "A", "qty": 2}],
                datetime.now(UTC) + timedelta(hours=1), 0, "crashed-attempt")
    assert available(es, config, tenant.id, "A") == 0
    es.indices.refresh(index=alias)
    sweeper.sweep(es, config)
    assert available(es, config, tenant.id, "A") == 3
    assert not es.exists(index=alias, id=rid)
    assert _reservation(es, config, doc["reservation_id"])["holds_pending"] is False


def test_a_repeat_while_the_first_request_runs_is_a_409(es, config, tenant):
    stock_up(es, config, tenant.id, {"A": 3})
    key = new_key()
    rid = service.reservation_id(tenant.id, key)
    payload = body({"A": 1})
    es.index(index=index_name(config, "reservations"), id=rid, document={
        "tenant": tenant.id, "reservation_id": rid, "store_id": "S1", "status": "pending",
        "items": payload["items"], "customer": CUSTOMER,
        "request_hash": service.request_hash(payload), "token_hash": "x",
        "created_at": datetime.now(UTC).isoformat(), "expires_at": datetime.now(UTC).isoformat()})
    from locator.reservations.errors import IdempotencyInProgress
    try:
        service.create(es, config, get_tenant(es, config, tenant.id), key, payload)
    except IdempotencyInProgress:
        pass
    else:
        raise AssertionError("a running creation must not be duplicated")


def test_purge_deletes_customer_details_after_each_tenants_delay(es, config, runner):
    quick = make_tenant(es, config, purge_days=1)
    slow = make_tenant(es, config)
    alias = index_name(config, "reservations")
    rids = {}
    for tenant in (quick, slow):
        stock_up(es, config, tenant.id, {"A": 2})
        rid = _create(es, config, tenant.id, {"A": 1}).doc["reservation_id"]
        service.transition(es, config, get_tenant(es, config, tenant.id), rid, states.CANCEL, actor="shopper")
        two_days_ago = (datetime.now(UTC) - timedelta(days=2)).isoformat()
        es.update(index=alias, id=rid, doc={"closed_at": two_days_ago})
        rids[tenant.id] = rid
    open_rid = _create(es, config, quick.id, {"A": 1}).doc["reservation_id"]
    es.indices.refresh(index=alias)
    result = runner.invoke(main, ["reservations", "purge"])
    assert result.exit_code == 0, result.output
    assert f"{quick.id}=1" in result.output
    purged = _reservation(es, config, rids[quick.id])
    assert purged["customer"] is None and purged["purged"] is True
    assert _reservation(es, config, rids[slow.id])["customer"] == CUSTOMER
    assert _reservation(es, config, open_rid)["customer"] == CUSTOMER


def test_holds_are_written_with_optimistic_concurrency(es, config, tenant):
    stock_up(es, config, tenant.id, {"A": 5})
    before = get_stock_doc(es, config, tenant.id, "S1", "A")
    _create(es, config, tenant.id, {"A": 2})
    after = get_stock_doc(es, config, tenant.id, "S1", "A")
    assert after["_seq_no"] == before["_seq_no"] + 1
    assert after["_source"]["held"] == 2 and after["_source"]["on_hand"] == 5
