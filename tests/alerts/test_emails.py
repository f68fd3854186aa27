"""Alert emails end to end: the app, the outbox and a real SMTP server (aiosmtpd).

create → confirmation email (FR and EN) → confirm through the link's token → a stock push at a
matching store → exactly one back-in-stock email; pushing again, or replaying, sends nothing.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta

import pytest

from locator.alerts import mailer, model, service
from locator.app import create_app
from locator.cli.main import main
from locator.es import index_name
from locator.reservations import webhooks
from locator.stock.service import StockRow, apply_stock_batch
from locator.tenants.service import get_tenant
from tests.conftest import make_tenant
from tests.factories import product_doc, seed, store_doc
from tests.notifications.helpers import mail_config

EMAIL = "camille.private@example.org"
TOKEN = re.compile(r"/alerts/(confirm|cancel)\?lang=(fr|en)#token=([A-Za-z0-9_.-]+)")


def _world(es, cfg, **settings):
    tenant = make_tenant(es, cfg, **settings)
    seed(es, cfg, [store_doc(tenant.id, "S1", 48.85, 2.37, name="Boutique Bastille",
                             street="1 rue de la Roquette", postcode="75011", city="Paris",
                             opening_hours="Mo-Sa 09:00-19:00; Su off")],
         [product_doc(tenant.id, "SOFA", name="Canapé Lin")])
    apply_stock_batch(es, cfg, tenant.id, [StockRow("S1", "SOFA", 0, datetime.now(UTC) - timedelta(hours=1))],
                      refresh="wait_for")
    return tenant


def _client(cfg):
    app = create_app(cfg)
    app.config["TESTING"] = True  # no background sender: the test sends, and counts what it sent
    return app.test_client()


def _send_all(es, cfg) -> dict[str, int]:
    es.indices.refresh(index=index_name(cfg, "webhook-deliveries"))
    return webhooks.deliver_due(es, cfg)


def _links(text: str) -> dict[str, tuple[str, str]]:
    return {page: (lang, token) for page, lang, token in TOKEN.findall(text)}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_confirm_by_email_then_one_back_in_stock_email(es, config, smtp_server, lang):
    cfg = dataclasses.replace(mail_config(config, smtp_server.url), public_url="https://alerts.example.org")
    tenant = _world(es, cfg, product_url_template="https://shop.example/p/{sku}?magasin={store_id}")
    client = _client(cfg)
    created = client.post("/v1/alerts", headers=tenant.headers(), json={
        "email": EMAIL, "sku": "SOFA", "store_id": "S1", "consent": True, "lang": lang})
    assert created.status_code == 201, created.get_json()
    assert _send_all(es, cfg) == {"delivered": 1}
    [confirmation] = smtp_server.messages()
    assert confirmation.message["To"] == EMAIL and confirmation.message["Content-Language"] == lang
    assert confirmation.message["Subject"] == {"fr": "Confirmez votre alerte : Canapé Lin",
                                               "en": "Confirm your alert: Canapé Lin"}[lang]
    links = _links(confirmation.text)
    assert set(links) == {"confirm", "cancel"} and links["confirm"][0] == lang
    assert confirmation.text.count("https://alerts.example.org/alerts/") == 2
    assert 'href="https://alerts.example.org/alerts/confirm?lang=' in confirmation.html
    # The landing page posts the token with no key: the token is the credential.
    with client.get("/alerts/confirm") as page:
        assert page.status_code == 200 and b"/static/alerts/alerts.js" in page.data
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    confirmed = client.post("/v1/alerts/confirm", json={"token": links["confirm"][1]})
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "active"

    def push(on_hand, minutes):
        row = {"store_id": "S1", "sku": "SOFA", "on_hand": on_hand,
               "as_of": (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()}
        answer = client.put("/v1/stock", json={"rows": [row]}, headers=tenant.headers("secret"))
        assert answer.get_json()["summary"]["applied"] == 1, answer.get_json()

    push(2, 1)
    push(4, 2)  # still in stock: not a crossing
    assert _send_all(es, cfg) == {"delivered": 1}
    back = smtp_server.messages()[0]
    assert len(smtp_server.messages()) == 2 and back.message["To"] == EMAIL
    assert back.message["Subject"] == {"fr": "De retour en magasin : Canapé Lin chez Boutique Bastille",
                                       "en": "Back in store: Canapé Lin at Boutique Bastille"}[lang]
    assert "1 rue de la Roquette" in back.text and "75011 Paris" in back.text
    assert {"fr": "Dimanche : fermé", "en": "Sunday — closed"}[lang] in back.text
    assert {"fr": "Lundi : 09:00–19:00", "en": "Monday — 09:00–19:00"}[lang] in back.text
    assert "https://shop.example/p/SOFA?magasin=S1" in back.text
    assert set(_links(back.text)) == {"cancel"}
    stored = es.get(index=index_name(cfg, "alerts"), id=created.get_json()["id"])["_source"]
    assert (stored["status"], stored["ended_store_id"], stored["email"]) == ("sent", "S1", None)
    # The cancel link of the ended alert says it has ended (the landing page shows that).
    late = client.post("/v1/alerts/cancel", json={"token": _links(back.text)["cancel"][1]})
    assert late.status_code == 409
    push(0, 3)
    push(5, 4)  # back again, but the alert has ended: nothing
    assert _send_all(es, cfg) == {}
    assert len(smtp_server.messages()) == 2


def test_a_replayed_match_records_nothing_twice(es, config, smtp_server):
    cfg = mail_config(config, smtp_server.url)
    tenant = _world(es, cfg)
    client = _client(cfg)
    aid = client.post("/v1/alerts", headers=tenant.headers(), json={
        "email": EMAIL, "sku": "SOFA", "store_id": "S1", "consent": True, "lang": "en"}).get_json()["id"]
    _send_all(es, cfg)
    confirm = _links(smtp_server.messages()[0].text)["confirm"][1]
    assert client.post("/v1/alerts/confirm", json={"token": confirm}).status_code == 200
    es.indices.refresh(index=index_name(cfg, "alerts"))
    hit = service.find_matches(es, cfg, tenant.id, [("S1", "SOFA")], datetime.now(UTC))[0][0]
    outbox = mailer.OutboxMailer(es, cfg, "http://127.0.0.1:8000")
    # A worker that recorded the email and died before ending the alert, then the next crossing.
    outbox.back_in_stock(hit["_source"], "S1", model.new_token(tenant.id))
    assert service.notify_matches(es, cfg, tenant.id, [("S1", "SOFA")], datetime.now(UTC), outbox) == 1
    assert _send_all(es, cfg) == {"delivered": 1}
    back = smtp_server.messages()[0]
    assert back.message["Subject"] == "Back in store: Canapé Lin at Boutique Bastille"
    assert "http://127.0.0.1:8000/demo?sku=SOFA&store=S1#retrait" in back.text  # no template: the demo
    assert len(smtp_server.messages()) == 2
    assert es.get(index=index_name(cfg, "alerts"), id=aid)["_source"]["status"] == "sent"


def test_without_smtp_nothing_is_recorded_and_link_tokens_need_their_tenant(es, config, client):
    tenant = _world(es, config)
    outbox = mailer.OutboxMailer(es, config, "http://x")
    alert = {"tenant": tenant.id, "alert_id": "a_x", "created_at": "2026-01-01T00:00:00+00:00",
             "email": EMAIL, "sku": "SOFA", "lang": "fr"}
    outbox.confirmation_requested(alert, "c", "d")  # SMTP_URL unset: email is off
    es.indices.refresh(index=index_name(config, "webhook-deliveries"))
    assert es.count(index=index_name(config, "webhook-deliveries"),
                    query={"term": {"tenant": tenant.id}})["count"] == 0
    assert get_tenant(es, config, tenant.id).settings.product_url_template is None
    for body in ({"token": "nobody." + "x" * 20}, {"token": "x" * 24}, {}):
        assert client.post("/v1/alerts/confirm", json=body).status_code == 401
    other = make_tenant(es, config)
    assert client.post("/v1/alerts/confirm", json={"token": f"{other.id}." + "x" * 24}).status_code == 404


def test_product_url_template_is_a_checked_tenant_setting(es, config, runner):
    tenant = make_tenant(es, config)
    ok = runner.invoke(main, ["tenants", "set", tenant.id,
                              "product_url_template=https://shop.example/p/{sku}?m={store_id}"])
    assert ok.exit_code == 0, ok.output
    stored = get_tenant(es, config, tenant.id)
    assert stored.settings.product_url_template == "https://shop.example/p/{sku}?m={store_id}"
    assert mailer.product_url(stored, "http://x", "A B/1", "S 1") == "https://shop.example/p/A%20B%2F1?m=S%201"
    for bad in ("https://shop.example/p/", "javascript:alert(1)//{sku}", "shop.example/{sku}"):
        refused = runner.invoke(main, ["tenants", "set", tenant.id, f"product_url_template={bad}"])
        assert refused.exit_code != 0 and "product_url_template" in refused.output, (bad, refused.output)
