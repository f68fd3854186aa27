from datetime import UTC, datetime, timedelta

from locator.stock import model

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def hold(qty, minutes, collected=None):
    return {"reservation_id": "r", "qty": qty,
            "expires_at": (NOW + timedelta(minutes=minutes)).isoformat(),
            "collected_at": collected.isoformat() if collected else None}


def test_available_subtracts_counting_holds_and_safety_stock():
    doc = {"on_hand": 10, "holds": [hold(2, 30), hold(3, -1)]}  # the second has expired
    assert model.available_qty(doc, safety_stock=1, now=NOW) == 7


def test_available_never_below_zero():
    assert model.available_qty({"on_hand": 1, "holds": [hold(5, 10)]}, 0, NOW) == 0


def test_expired_hold_stops_counting_at_once():
    doc = {"on_hand": 1, "holds": [hold(1, 0)]}
    assert model.available_qty(doc, 0, NOW - timedelta(seconds=1)) == 0
    assert model.available_qty(doc, 0, NOW) == 1


def test_levels():
    assert model.stock_level(0, 3) == model.OUT_OF_STOCK
    assert model.stock_level(3, 3) == model.LOW_STOCK
    assert model.stock_level(4, 3) == model.IN_STOCK


def test_merge_older_count_is_stale_and_same_count_unchanged():
    current = {"on_hand": 5, "as_of": NOW.isoformat(), "holds": []}
    assert model.merge_count(current, 9, NOW - timedelta(hours=1), NOW).outcome == model.STALE
    assert model.merge_count(current, 5, NOW, NOW).outcome == model.UNCHANGED
    assert model.merge_count(current, 4, NOW, NOW).outcome == model.UPDATED
    assert model.merge_count(None, 4, NOW, NOW).outcome == model.CREATED


def test_collected_hold_counts_until_a_count_at_or_after_collection():
    collected_at = NOW - timedelta(minutes=10)
    current = {"on_hand": 5, "as_of": (NOW - timedelta(hours=1)).isoformat(),
               "holds": [hold(1, -100, collected=collected_at)]}
    assert model.available_qty(current, 0, NOW) == 4  # still counts although "expired"
    before = model.merge_count(current, 5, collected_at - timedelta(minutes=1), NOW)
    assert len(before.holds) == 1
    after = model.merge_count(current, 4, collected_at, NOW)
    assert after.holds == []
    assert model.available_qty({"on_hand": 4, "holds": after.holds}, 0, NOW) == 4


def test_stock_document_copies_the_store_and_counts_live_holds_only():
    now = datetime(2026, 11, 25, 9, tzinfo=UTC)
    store = model.store_fields({"location": {"lat": 1.5, "lon": 2.5}, "status": "temporarily_closed"})
    holds = [{"reservation_id": "r1", "qty": 2, "expires_at": (now + timedelta(hours=1)).isoformat()},
             {"reservation_id": "r2", "qty": 5, "expires_at": (now - timedelta(hours=1)).isoformat()}]
    doc = model.stock_document("t", "S1", "A", store, 7, now - timedelta(minutes=5), holds, now,
                               {"demo": True}, updated_at=now - timedelta(hours=2))
    assert doc == {"tenant": "t", "store_id": "S1", "sku": "A", "location": {"lat": 1.5, "lon": 2.5},
                   "area": "7|12", "store_status": "temporarily_closed", "services": [], "on_hand": 7,
                   "as_of": "2026-11-25T08:55:00+00:00", "holds": holds, "held": 2,
                   "updated_at": "2026-11-25T07:00:00+00:00", "loaded_by": None, "demo": True}
