"""Every way stock comes back ends alerts: file loads (incremental, full) and released reservations.

Real node, real outbox, real SMTP server: each source gives exactly one back-in-stock email for
an active alert, and nothing for rows that did not cross zero.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from indexer.context import LoadOptions
from indexer.loader import load_file
from locator.alerts import service
from locator.es import index_name
from locator.reservations import service as reservations
from locator.reservations import states, sweeper, webhooks
from locator.stock.service import StockRow, apply_stock_batch
from locator.tenants.service import get_tenant
from tests.alerts.test_emails import EMAIL, _world
from tests.notifications.helpers import mail_config


class Tokens:
    def __init__(self):
        self.confirm = None

    def confirmation_requested(self, alert, confirm_token, cancel_token):
        self.confirm = confirm_token

    def back_in_stock(self, alert, store_id, cancel_token):
        raise AssertionError("not used here")


def _active_alert(es, cfg, tenant_id: str, store_id: str = "S1") -> str:
    tokens = Tokens()
    req = service.AlertRequest(email=EMAIL, sku="SOFA", lang="fr", store_id=store_id)
    doc, _ = service.create(es, cfg, get_tenant(es, cfg, tenant_id), req, datetime.now(UTC), tokens)
    service.confirm(es, cfg, tenant_id, tokens.confirm, datetime.now(UTC))
    es.indices.refresh(index=index_name(cfg, "alerts"))
    return doc["alert_id"]


def _sent(es, cfg, smtp_server) -> list[str]:
    es.indices.refresh(index=index_name(cfg, "webhook-deliveries"))
    webhooks.deliver_due(es, cfg)
    return [m.message["Subject"] for m in smtp_server.messages()]


def _status(es, cfg, aid: str) -> str:
    return es.get(index=index_name(cfg, "alerts"), id=aid)["_source"]["status"]


@pytest.fixture
def cfg(config, smtp_server):
    return mail_config(config, smtp_server.url)


@pytest.mark.parametrize("full", [False, True], ids=["incremental", "full"])
def test_a_stock_file_that_brings_the_product_back_sends_one_email(es, cfg, smtp_server, tmp_path, full):
    tenant = _world(es, cfg)
    aid = _active_alert(es, cfg, tenant.id)
    path = tmp_path / "stock.csv"

    def load(on_hand: int, minutes: int):
        as_of = (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()
        path.write_text(f"store_id,sku,on_hand,as_of\nS1,SOFA,{on_hand},{as_of}\n", encoding="utf-8")
        return load_file(es, cfg, "stock", path, LoadOptions(tenant=tenant.id, progress=False, full=full,
                                                             rejects_path=tmp_path / "r.csv"),
                         echo=lambda _m: None)

    assert load(0, 1).alerts_sent == 0  # still nothing: not a crossing
    summary = load(3, 2)
    assert summary.alerts_sent == 1 and "back-in-stock alerts sent 1" in "\n".join(summary.lines())
    assert load(4, 3).alerts_sent == 0  # stocked already
    assert _sent(es, cfg, smtp_server) == ["De retour en magasin : Canapé Lin chez Boutique Bastille"]
    assert _status(es, cfg, aid) == "sent"


def _reserve(es, cfg, tenant_id: str) -> str:
    body = {"store_id": "S1", "items": [{"sku": "SOFA", "qty": 1}],
            "customer": {"name": "Ada", "email": "ada.reserve@example.org"}, "lang": "fr"}
    created = reservations.create(es, cfg, get_tenant(es, cfg, tenant_id), str(uuid.uuid4()), body)
    return created.doc["reservation_id"]


@pytest.mark.parametrize("how", ["cancel", "expire"])
def test_a_released_reservation_that_makes_the_last_unit_available_sends_one_email(es, config, smtp_server,
                                                                                  how):
    # No email for the reservation itself: only the alert's emails reach the server.
    cfg = mail_config(config, smtp_server.url)
    tenant = _world(es, cfg, hold_hours=0.0006 if how == "expire" else 24.0)  # about 2 s
    apply_stock_batch(es, cfg, tenant.id, [StockRow("S1", "SOFA", 1, datetime.now(UTC))], refresh="wait_for")
    rid = _reserve(es, cfg, tenant.id)  # the one unit is held: out of stock for everyone else
    aid = _active_alert(es, cfg, tenant.id)
    _sent(es, cfg, smtp_server)
    before = len(smtp_server.messages())  # the reservation's own confirmation
    if how == "cancel":
        reservations.transition(es, cfg, get_tenant(es, cfg, tenant.id), rid, states.CANCEL, actor="shopper")
    else:
        time.sleep(2.5)
        assert sweeper.sweep(es, cfg)["expired"] == 1
    subjects = _sent(es, cfg, smtp_server)[: len(smtp_server.messages()) - before]
    assert [s for s in subjects if s.startswith("De retour")] == \
        ["De retour en magasin : Canapé Lin chez Boutique Bastille"]
    assert _status(es, cfg, aid) == "sent"
    # Releasing again (a sweeper repair) finds nothing to release and sends nothing.
    reservations.finish_holds(es, cfg, reservations.get(es, cfg, tenant.id, rid))
    assert len([s for s in _sent(es, cfg, smtp_server) if s.startswith("De retour")]) == 1
