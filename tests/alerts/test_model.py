"""Pure rules of alerts: identity, crossing zero, the nearest matching store."""

from datetime import UTC, datetime, timedelta

from locator.alerts import model

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _stock(on_hand, held=0):
    holds = [{"reservation_id": "r", "qty": held, "expires_at": (NOW + timedelta(hours=1)).isoformat(),
              "collected_at": None}] if held else []
    return {"on_hand": on_hand, "as_of": NOW.isoformat(), "holds": holds}


def test_one_alert_per_email_sku_and_place():
    same = model.alert_id("t", "ada@example.org", "S", ["A", "B"])
    assert model.alert_id("t", "Ada@Example.org ", "S", ["B", "A"]) == same
    assert model.alert_id("t", "ada@example.org", "S", ["A"]) != same


def test_only_a_write_from_nothing_available_to_something_crosses_zero():
    assert model.crossed_zero(None, _stock(2), 0, NOW)
    assert model.crossed_zero(_stock(0), _stock(1), 0, NOW)
    assert model.crossed_zero(_stock(3, held=3), _stock(4, held=3), 0, NOW)  # holds count
    assert not model.crossed_zero(_stock(5), _stock(6), 0, NOW)  # was available already
    assert not model.crossed_zero(_stock(0), _stock(0), 0, NOW)
    assert not model.crossed_zero(_stock(0), _stock(2), 2, NOW)  # still within the safety stock


def test_the_nearest_crossed_store_of_each_alert_is_picked():
    alerts = [{"alert_id": "a", "sku": "S", "store_ids": ["NEAR", "FAR"]},
              {"alert_id": "b", "sku": "T", "store_ids": ["FAR"]}]
    assert model.pick_matches(alerts, {("FAR", "S"), ("NEAR", "S")}) == [(alerts[0], "NEAR")]
    assert model.pick_matches(alerts, {("FAR", "T")}) == [(alerts[1], "FAR")]


def test_an_open_alert_past_its_expiry_is_expired_at_once():
    doc = {"status": "active", "expires_at": NOW.isoformat()}
    assert model.effective_status(doc, NOW - timedelta(seconds=1)) == "active"
    assert model.effective_status(doc, NOW) == "expired"
    assert model.effective_status({**doc, "status": "sent"}, NOW) == "sent"
