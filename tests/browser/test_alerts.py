"""The back-in-stock alert form of <store-locator>, in Chromium against the real service.

Nothing within the radius has the product → the widget offers the alert (FR and EN) → its form
says what is wrong at each field → the alert is created → the confirmation email reaches the
demo's mail catcher → its link's landing page confirms it → a stock push sends one email.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import pytest
import requests
from playwright.sync_api import Browser, expect

from tests.browser.conftest import WidgetServer, new_context, watch
from tests.browser.helpers import locator_tag, page_html, serve_page, set_attributes
from tests.browser.test_accessibility import axe_scan

pytestmark = pytest.mark.browser
SKU = "DEMO-2002"  # no other browser test changes its stock
LYON = {"lat": "45.764", "lon": "4.8357"}
LINK = re.compile(r"(/alerts/confirm\?lang=fr#token=[A-Za-z0-9_.-]+)")


def _mail(server: WidgetServer, wanted: str) -> str:
    for _ in range(300):  # sending is asynchronous; the bound only ends a broken run
        text = requests.get(f"{server.url}/demo/mail", timeout=30).text
        if wanted in text:
            return text
        time.sleep(0.1)
    raise AssertionError(f"no mail {wanted!r} at /demo/mail")


def test_the_alert_form_subscribes_confirms_and_one_email_follows_the_stock(
    browser: Browser, widget_server: WidgetServer,
):
    now = datetime.now(UTC).isoformat()
    # Both stores within 50 km of Lyon lack the product (this session's own copy of the data).
    widget_server.put_stock([{"store_id": s, "sku": SKU, "on_hand": 0, "as_of": now} for s in ("562", "431")])
    context = new_context(browser, widget_server, bypass_csp=True)  # axe is injected inline
    page = context.new_page()
    log = watch(page)
    serve_page(page, "/alert-test", page_html(locator_tag(sku=SKU, radius_km="50", **LYON)))
    page.goto("/alert-test")
    panel = page.locator("store-locator [part~='alert-panel']")
    expect(panel.get_by_role("heading", name="Prévenez-moi de son retour")).to_be_visible()
    set_attributes(page, "store-locator", lang="en")
    expect(panel.get_by_role("heading", name="Tell me when it's back")).to_be_visible()
    set_attributes(page, "store-locator", lang="fr")
    assert axe_scan(page, "alert-offer") == []

    panel.get_by_role("button", name="Prévenez-moi de son retour").click()
    email = page.get_by_label("Adresse e-mail")
    expect(email).to_be_focused()
    expect(panel).to_contain_text("Dans n’importe quel magasin à moins de 50\u00a0km")
    panel.get_by_role("button", name="Me prévenir").click()
    expect(panel).to_contain_text("Saisissez une adresse e-mail valide.")
    expect(panel).to_contain_text("Cochez la case pour accepter")
    expect(email).to_have_attribute("aria-invalid", "true")
    assert axe_scan(page, "alert-errors") == []

    email.fill("lea.alerte@example.fr")
    page.get_by_label("J’accepte de recevoir un e-mail").check()
    panel.get_by_role("button", name="Me prévenir").click()
    expect(panel).to_contain_text(
        "Presque fini : confirmez l’alerte avec le lien envoyé à lea.alerte@example.fr.")
    assert axe_scan(page, "alert-sent") == []

    # The confirmation email, its link, the landing page (no key: the token is the credential).
    link = LINK.search(_mail(widget_server, "Confirmez votre alerte")).group(1)
    landing = context.new_page()
    landing_log = watch(landing)
    landing.goto(link)
    landing.get_by_role("button", name="Confirmer mon alerte").click()
    expect(landing.get_by_role("status")).to_have_text(
        "C'est confirmé : nous vous écrirons dès que le produit sera de retour.")
    assert axe_scan(landing, "alert-landing") == []

    # Asking again for a confirmed alert says so, and sends no new email.
    page.reload()
    panel.get_by_role("button", name="Prévenez-moi de son retour").click()
    page.get_by_label("Adresse e-mail").fill("lea.alerte@example.fr")
    page.get_by_label("J’accepte de recevoir un e-mail").check()
    panel.get_by_role("button", name="Me prévenir").click()
    expect(panel).to_contain_text("C’est déjà noté : nous écrirons à lea.alerte@example.fr dès son retour.")

    back = datetime.now(UTC).isoformat()
    widget_server.put_stock([{"store_id": "431", "sku": SKU, "on_hand": 4, "as_of": back}])
    text = _mail(widget_server, "De retour en magasin")
    # One message (each shows its subject as a heading and as its frame's title).
    assert text.count('title="De retour en magasin') == 1 and "lea.alerte@example.fr" in text
    assert text.count('title="Confirmez votre alerte') == 1
    # Its product link opens the demo page on that product, around that store (no tenant template).
    assert f"{widget_server.url}/demo?sku={SKU}&amp;store=431#retrait" in text  # escaped in the listing
    shop = context.new_page()
    shop.goto(f"/demo?sku={SKU}&store=431#retrait")
    first = shop.locator("store-locator [data-list='results'] [data-store-id]").first
    expect(first).to_have_attribute("data-store-id", "431")
    context.close()
    assert not log.errors and not landing_log.errors
