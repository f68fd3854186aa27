"""Back-in-stock alerts against the real node: double opt-in, one per place, matching, expiry.

Sending is the notifications outbox's job (tests/alerts/test_emails.py, with a real SMTP
server); here `RecordingMailer` takes the app's mailer factory and keeps what would be sent.
"""

from datetime import UTC, datetime, timedelta

import pytest

from locator.alerts import model, service, views
from locator.es import index_name
from locator.stock.service import StockRow, apply_stock_batch
from tests.factories import get_stock_doc
from tests.reports.helpers import BORDEAUX, LYON, PARIS, counters, flush_all, make_world

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


class RecordingMailer:
    def __init__(self):
        self.confirmations, self.back = [], []

    def confirmation_requested(self, alert, confirm_token, cancel_token):
        self.confirmations.append((alert["alert_id"], alert["email"], confirm_token, cancel_token))

    def back_in_stock(self, alert, store_id, cancel_token):
        self.back.append((alert["alert_id"], alert["email"], store_id))


@pytest.fixture
def mailer(app):
    app.config["CLOCK"] = lambda: NOW
    recording = RecordingMailer()
    views.init_app(app, lambda es, base: recording)
    return recording


def _alert(client, tenant, **fields):
    body = {"email": "ada@example.org", "sku": "SOFA", "consent": True, "lang": "fr", **fields}
    return client.post("/v1/alerts", json=body, headers=tenant.headers())


def _stored(es, config, alert_id):
    return es.get(index=index_name(config, "alerts"), id=alert_id)["_source"]


def test_double_opt_in_then_cancel_and_the_address_goes(client, es, config, mailer):
    tenant = make_world(es, config)
    created = _alert(client, tenant, store_id="PAR")
    assert created.status_code == 201, created.get_json()
    alert = created.get_json()
    assert alert["status"] == "pending" and alert["store_ids"] == ["PAR"]
    assert "email" not in alert and alert["expires_at"].startswith("2027-01-24")  # 60 days
    [(aid, email, confirm, cancel)] = mailer.confirmations
    assert aid == alert["id"] and email == "ada@example.org"
    again = _alert(client, tenant, store_id="PAR", email="ADA@example.org")
    assert again.status_code == 200 and again.get_json()["id"] == alert["id"]
    assert len(mailer.confirmations) == 1  # one alert per email, sku and place; nothing resent
    stored = _stored(es, config, alert["id"])
    assert confirm not in str(stored) and cancel not in str(stored)  # tokens only hashed
    token = {"token": confirm}
    confirmed = client.post("/v1/alerts/confirm", json=token, headers=tenant.headers())
    assert confirmed.get_json()["status"] == "active"
    assert client.post("/v1/alerts/confirm", json=token, headers=tenant.headers()).status_code == 200
    cancelled = client.post("/v1/alerts/cancel", json={"token": cancel}, headers=tenant.headers())
    assert cancelled.get_json()["status"] == "cancelled"
    assert _stored(es, config, alert["id"])["email"] is None
    late = client.post("/v1/alerts/confirm", json=token, headers=tenant.headers())
    assert late.status_code == 409 and late.mimetype == "application/problem+json"
    wrong = client.post("/v1/alerts/cancel", json={"token": "x" * 20}, headers=tenant.headers())
    assert wrong.status_code == 404


def test_nearby_alerts_watch_the_nearest_stores_and_bad_input_is_a_clear_4xx(client, es, config, mailer):
    tenant = make_world(es, config)
    near = _alert(client, tenant, lat=PARIS[0], lon=PARIS[1], radius_km=100)
    assert near.status_code == 201 and near.get_json()["store_ids"] == ["PAR"]
    assert _alert(client, tenant, lat=BORDEAUX[0], lon=BORDEAUX[1], radius_km=50).status_code == 422
    assert _alert(client, tenant, store_id="NOPE").status_code == 422
    assert _alert(client, tenant, store_id="PAR", sku="NOPE").status_code == 422
    for bad in ({"consent": False, "store_id": "PAR"}, {"store_id": "PAR", "lat": 1.0},
                {}, {"store_id": "PAR", "email": "not-an-email"}, {"store_id": "PAR", "lang": "de"},
                {"lat": PARIS[0], "lon": PARIS[1], "radius_km": 1000}):
        r = _alert(client, tenant, **bad)
        assert 400 <= r.status_code < 500 and r.mimetype == "application/problem+json", (bad, r.status_code)
        assert r.get_json()["errors"], bad
    assert client.post("/v1/alerts", json={}).status_code == 401


def test_only_rows_that_crossed_zero_end_active_alerts_once(client, es, config, mailer):
    tenant = make_world(es, config)
    active = _alert(client, tenant, lat=LYON[0], lon=LYON[1], radius_km=500).get_json()  # PAR and LYO
    client.post("/v1/alerts/confirm", json={"token": mailer.confirmations[0][2]}, headers=tenant.headers())
    pending = _alert(client, tenant, store_id="PAR", email="bob@example.org").get_json()
    assert active["store_ids"] == ["LYO", "PAR"]
    # SOFA was 0 at PAR: a new count of 3 crosses zero; LAMP at PAR stays stocked (5 -> 6).
    rows = (("PAR", "SOFA"), ("PAR", "LAMP"))
    before = {r: get_stock_doc(es, config, tenant.id, *r)["_source"] for r in rows}
    counts = [StockRow("PAR", "SOFA", 3, NOW), StockRow("PAR", "LAMP", 6, NOW)]
    apply_stock_batch(es, config, tenant.id, counts, refresh="wait_for")
    after = {r: get_stock_doc(es, config, tenant.id, *r)["_source"] for r in before}
    crossed = [r for r in before if model.crossed_zero(before[r], after[r], 0, NOW)]
    assert crossed == [("PAR", "SOFA")]
    es.indices.refresh(index=index_name(config, "alerts"))
    assert service.notify_matches(es, config, tenant.id, crossed, NOW, mailer) == 1
    assert service.notify_matches(es, config, tenant.id, crossed, NOW, mailer) == 0  # ended: never twice
    assert mailer.back == [(active["id"], "ada@example.org", "PAR")]
    ended = _stored(es, config, active["id"])
    assert (ended["status"], ended["ended_store_id"], ended["email"]) == ("sent", "PAR", None)
    assert _stored(es, config, pending["id"])["status"] == "pending"  # never confirmed: never sent


def test_open_alerts_expire_and_lose_their_address(client, es, config, mailer):
    tenant = make_world(es, config, alert_days=1)
    alert = _alert(client, tenant, store_id="LYO").get_json()
    assert model.effective_status(_stored(es, config, alert["id"]), NOW + timedelta(days=1)) == "expired"
    es.indices.refresh(index=index_name(config, "alerts"))
    assert service.expire_due(es, config, NOW + timedelta(days=1, seconds=1)) >= 1
    assert (_stored(es, config, alert["id"])["status"], _stored(es, config, alert["id"])["email"]) \
        == ("expired", None)


def test_created_alerts_count_in_the_unmet_demand_report(client, es, config, mailer):
    tenant = make_world(es, config)
    _alert(client, tenant, store_id="LYO")
    _alert(client, tenant, store_id="LYO")  # a repeat is not a new alert
    flush_all(es, config)
    assert [(d["kind"], d["sku"], d["store_id"], d["count"]) for d in counters(es, config, tenant.id)] \
        == [("alert_created", "SOFA", "LYO", 1)]


def test_a_stock_push_that_brings_the_product_back_sends_exactly_one_email(client, es, config, mailer):
    tenant = make_world(es, config, safety_stock=1)
    alert = _alert(client, tenant, store_id="PAR").get_json()
    client.post("/v1/alerts/confirm", json={"token": mailer.confirmations[0][2]}, headers=tenant.headers())

    def push(on_hand, minutes):
        row = {"store_id": "PAR", "sku": "SOFA", "on_hand": on_hand,
               "as_of": (NOW + timedelta(minutes=minutes)).isoformat()}
        r = client.put("/v1/stock", json={"rows": [row]}, headers=tenant.headers("secret"))
        assert r.status_code == 200 and r.get_json()["summary"]["applied"] == 1, r.get_json()

    push(1, 1)  # 1 on hand is the safety stock: still nothing available
    assert mailer.back == []
    push(3, 2)  # available again: the alert ends with one email
    push(5, 3)  # still available: nothing more
    assert mailer.back == [(alert["id"], "ada@example.org", "PAR")]
    assert _stored(es, config, alert["id"])["status"] == "sent"
