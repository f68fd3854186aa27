"""Reservation events to emails through the outbox, on the real node and a real SMTP server."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from locator.cli.main import main
from locator.es import index_name
from locator.reservations import events, service, states, sweeper, webhooks
from locator.tenants.service import get_tenant
from tests.conftest import make_tenant
from tests.notifications.helpers import (
    SHOPPER,
    day_zone,
    deliveries_of,
    mail_config,
    night_zone,
    open_store,
    refresh,
    reserve,
)


def _send_all(es, config) -> dict[str, int]:
    refresh(es, config)
    return webhooks.deliver_due(es, config)


def test_confirmation_to_the_shopper_in_french_and_the_store_told_once(es, config, smtp_server, runner):
    cfg = mail_config(config, smtp_server.url)
    tenant = make_tenant(es, cfg)
    open_store(es, cfg, tenant.id, timezone="America/Montreal")
    created = reserve(es, cfg, tenant.id, lang="fr")
    rid = created.doc["reservation_id"]
    assert service.public(created.doc)["lang"] == "fr"  # the store sees the shopper's language too
    assert _send_all(es, cfg) == {"delivered": 2}
    by_to = {m.message["To"]: m for m in smtp_server.messages()}
    assert set(by_to) == {SHOPPER["email"], "store.s1@shop.example"}
    shopper = by_to[SHOPPER["email"]]
    code = created.doc["pickup_code"]
    assert shopper.message["Subject"] == f"Votre réservation chez Boutique Bastille : code {code}"
    expires = datetime.fromisoformat(created.doc["expires_at"]).astimezone(ZoneInfo("America/Montreal"))
    assert f"{expires:%H:%M} ({expires.tzname()})" in shopper.text  # the store's zone, not the server's
    assert "1 rue de la Roquette" in shopper.text and "data:image/png;base64," in shopper.html
    store_subject = by_to["store.s1@shop.example"].message["Subject"]
    assert store_subject == f"Nouvelle réservation {code} à préparer"  # a French store
    # Dispatching and sending again (a restart, another worker) sends nothing more.
    doc = es.get(index=index_name(cfg, "reservations"), id=rid)["_source"]
    assert doc["outbox"] == []
    es.update(index=index_name(cfg, "reservations"), id=rid, doc={"outbox": ["reservation.created"]})
    assert events.dispatch(es, cfg, get_tenant(es, cfg, tenant.id), rid) == 1
    sweeper.sweep(es, cfg)
    assert _send_all(es, cfg) == {}  # nothing new is due: the same two, delivered already
    assert len(smtp_server.messages()) == 2
    # Both kinds are listed, emails by recipient kind only, never by address.
    listing = runner.invoke(main, ["reservations", "webhooks", "list", "--tenant", tenant.id, "--channel",
                                   "email", "--json"], env={"SMTP_URL": smtp_server.url})
    rows = [json.loads(line) for line in listing.output.splitlines()]
    assert sorted(r["recipient"] for r in rows) == ["shopper", "store"]
    assert SHOPPER["email"] not in listing.output and "store.s1@" not in listing.output


def test_each_status_change_mails_the_shopper_in_their_language(es, config, smtp_server):
    cfg = mail_config(config, smtp_server.url)
    tenant = make_tenant(es, cfg)
    open_store(es, cfg, tenant.id, notify_email=None)
    first = reserve(es, cfg, tenant.id, lang="en").doc["reservation_id"]
    second = reserve(es, cfg, tenant.id, lang="fr").doc["reservation_id"]
    owner = get_tenant(es, cfg, tenant.id)
    service.transition(es, cfg, owner, first, states.READY_ACTION)
    service.transition(es, cfg, owner, first, states.COLLECT)
    service.transition(es, cfg, owner, second, states.CANCEL, actor="store")
    _send_all(es, cfg)
    subjects = sorted(m.message["Subject"] for m in smtp_server.messages())
    assert len(subjects) == 4  # collected sends no email
    assert "Your reservation is ready at Boutique Bastille" in subjects
    assert "Votre réservation chez Boutique Bastille est annulée" in subjects
    cancelled = next(m for m in smtp_server.messages() if "annulée" in m.message["Subject"])
    assert "annulée par le magasin" in cancelled.text


def test_an_smtp_outage_is_retried_and_never_blocks_a_reservation(es, config, smtp_down):
    cfg = mail_config(config, smtp_down.url)
    tenant = make_tenant(es, cfg)
    open_store(es, cfg, tenant.id, notify_email=None)
    created = reserve(es, cfg, tenant.id)  # SMTP is down: the reservation is made all the same
    assert created.doc["status"] == states.HELD
    assert _send_all(es, cfg) == {"pending": 1}
    [delivery] = deliveries_of(es, cfg, created.doc["reservation_id"]).values()
    assert delivery["attempts"][0]["error"] == "ConnectionRefusedError"
    smtp_down.start()
    time.sleep(0.05)  # the retry's backoff (0.01 s) has passed
    assert _send_all(es, cfg) == {"delivered": 1}
    [delivery] = deliveries_of(es, cfg, created.doc["reservation_id"]).values()
    assert [a["error"] for a in delivery["attempts"]] == ["ConnectionRefusedError", None]
    assert len(smtp_down.messages()) == 1


def test_no_reminder_and_no_expiry_mail_at_night_in_the_stores_zone(es, config, smtp_server):
    zone = night_zone()
    cfg = mail_config(config, smtp_server.url)
    tenant = make_tenant(es, cfg, hold_hours=1 / 360, reminder_hours_before=0.5 / 360)
    open_store(es, cfg, tenant.id, timezone=zone, notify_email=None)
    created = reserve(es, cfg, tenant.id)
    assert created.doc["remind_at"] is None  # due at night, no evening after creation: no reminder
    time.sleep(10.5)  # the 10-second hold ends
    counts = sweeper.sweep(es, cfg)
    assert counts["expired"] == 1 and counts["reminded"] == 0
    _send_all(es, cfg)
    subjects = [m.message["Subject"] for m in smtp_server.messages()]
    assert len(subjects) == 1 and "code" in subjects[0]  # the confirmation only
    expired = next(d for d in deliveries_of(es, cfg, created.doc["reservation_id"]).values()
                   if d["template"] == "expired")
    morning = datetime.fromisoformat(expired["next_attempt_at"]).astimezone(ZoneInfo(zone))
    assert expired["status"] == "pending" and (morning.hour, morning.minute) == (8, 0)


def test_the_reminder_goes_out_before_the_hold_ends_by_day(es, config, smtp_server):
    cfg = mail_config(config, smtp_server.url)
    tenant = make_tenant(es, cfg, hold_hours=2, reminder_hours_before=1.9999)
    open_store(es, cfg, tenant.id, timezone=day_zone(), notify_email=None)
    created = reserve(es, cfg, tenant.id, lang="fr")
    remind_at = datetime.fromisoformat(created.doc["remind_at"])
    assert remind_at - datetime.fromisoformat(created.doc["created_at"]) < timedelta(seconds=1)
    refresh(es, cfg)
    later = max(datetime.now(UTC), remind_at) + timedelta(seconds=1)
    assert sweeper.sweep(es, cfg, now=later)["reminded"] == 1
    refresh(es, cfg)
    assert sweeper.sweep(es, cfg, now=later)["reminded"] == 0  # once
    _send_all(es, cfg)
    subjects = [m.message["Subject"] for m in smtp_server.messages()]
    assert "Rappel : votre réservation chez Boutique Bastille se termine bientôt" in subjects
    assert len(subjects) == 2


def test_the_store_hears_of_a_reservation_only_when_open(es, config, smtp_server):
    zone = night_zone()
    cfg = mail_config(config, smtp_server.url)
    tenant = make_tenant(es, cfg)
    open_store(es, cfg, tenant.id, timezone=zone, hours="Mo-Su 09:00-18:00")
    created = reserve(es, cfg, tenant.id)
    _send_all(es, cfg)
    assert [m.message["To"] for m in smtp_server.messages()] == [SHOPPER["email"]]
    store_mail = next(d for d in deliveries_of(es, cfg, created.doc["reservation_id"]).values()
                      if d.get("recipient") == "store")
    opening = datetime.fromisoformat(store_mail["next_attempt_at"]).astimezone(ZoneInfo(zone))
    assert store_mail["status"] == "pending" and opening.hour == 9 and opening > datetime.now(UTC)


def test_addresses_are_purged_with_the_reservation(es, config, smtp_server):
    cfg = mail_config(config, smtp_server.url)
    tenant = make_tenant(es, cfg, purge_days=1)
    open_store(es, cfg, tenant.id)
    rid = reserve(es, cfg, tenant.id).doc["reservation_id"]
    service.transition(es, cfg, get_tenant(es, cfg, tenant.id), rid, states.CANCEL, actor="shopper")
    _send_all(es, cfg)
    refresh(es, cfg)
    sweeper.purge(es, cfg, now=datetime.now(UTC) + timedelta(days=2))
    assert es.get(index=index_name(cfg, "reservations"), id=rid)["_source"]["customer"] is None
    stored = deliveries_of(es, cfg, rid)
    assert len(stored) == 3 and all(d["to"] is None and d["context"] is None for d in stored.values())
    assert SHOPPER["email"] not in json.dumps(stored) and SHOPPER["name"] not in json.dumps(stored)
