"""The demo's mail view: a reservation is followed by its confirmation on /demo/mail."""

from __future__ import annotations

import dataclasses
import json

from locator.app import create_app
from locator.reservations import webhooks
from tests.conftest import make_tenant
from tests.notifications.helpers import mail_config, open_store, refresh, reserve
from tests.test_metrics import sample


def test_the_page_exists_only_beside_the_mail_catcher(client):
    assert client.get("/demo/mail").status_code == 404


def test_a_reservation_is_followed_by_its_confirmation_on_the_page(es, config, smtp_server):
    cfg = dataclasses.replace(mail_config(config, smtp_server.url), demo_mail_dir=str(smtp_server.folder))
    app = create_app(cfg)
    app.config["TESTING"] = True
    web = app.test_client()
    assert "Aucun courriel" in web.get("/demo/mail").get_data(as_text=True)
    tenant = make_tenant(es, cfg)
    open_store(es, cfg, tenant.id, notify_email=None)
    code = reserve(es, cfg, tenant.id, lang="fr").doc["pickup_code"]
    refresh(es, cfg)
    before = web.get("/metrics").get_data(as_text=True)
    webhooks.deliver_due(es, cfg)
    after = web.get("/metrics").get_data(as_text=True)
    counted = {"channel": "email", "status": "delivered"}
    name = "locator_delivery_attempts_total"
    assert sample(after, name, **counted) - sample(before, name, **counted) == 1
    page = web.get("/demo/mail")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f"code {code}" in html
    [caught] = smtp_server.messages()
    assert f'src="/demo/mail/{caught.id}"' in html
    shown = web.get(f"/demo/mail/{caught.id}")
    assert shown.status_code == 200 and code in shown.get_data(as_text=True)
    assert "data:image/png;base64," in shown.get_data(as_text=True)  # the QR code, inline
    assert "frame-ancestors 'self'" in shown.headers["Content-Security-Policy"]
    assert web.get("/demo/mail/..%2F..%2Fetc%2Fpasswd").status_code == 404
    # The deliveries endpoint lists the email beside the webhooks, by recipient kind only.
    refresh(es, cfg)
    listed = web.get("/v1/webhooks/deliveries", headers=tenant.headers("secret")).get_json()["deliveries"]
    rows = [(d["channel"], d["recipient"], d["status"]) for d in listed]
    assert rows == [("email", "shopper", "delivered")]
    assert "camille" not in json.dumps(listed).lower()
    only_webhooks = web.get("/v1/webhooks/deliveries?channel=webhook", headers=tenant.headers("secret"))
    assert only_webhooks.get_json()["deliveries"] == []
