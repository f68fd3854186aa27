"""The store desk end to end: a reservation made in the shop widget appears on an open desk within
5 seconds without a reload (visible alert), is prepared, and is handed over by its pick-up code;
the endless aisle reserves at another store for the customer present; axe finds nothing serious."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Page, expect

from indexer.demo import DEMO_DESK_STORE, DEMO_STORE_KEY, DEMO_TENANT
from locator.config import Config
from locator.tenants import service as tenants
from tests.browser.conftest import WidgetServer, new_context, shot
from tests.browser.helpers import RESULTS, result_ids, search
from tests.browser.test_accessibility import axe_scan

pytestmark = pytest.mark.browser
NEW_WITHIN_MS = 5000  # the promise: a new reservation shows within 5 s


def open_desk(browser: Browser, server: WidgetServer, **options) -> Page:
    context = new_context(browser, server, bypass_csp=True, **options)
    page = context.new_page()
    page.goto("/desk")
    page.get_by_label("Clé du magasin").fill(DEMO_STORE_KEY)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Liste des retraits")).to_be_visible()
    return page


def reserve_in_widget(page: Page, server: WidgetServer, name: str) -> str:
    # The desk's store (the nearest to central Paris) gets stock, so it comes first.
    server.put_stock([{"store_id": DEMO_DESK_STORE, "sku": "DEMO-2001", "on_hand": 50,
                       "as_of": datetime.now(UTC).isoformat()}])
    page.goto("/demo")
    search(page, "Paris")
    assert result_ids(page)[0] == DEMO_DESK_STORE
    page.locator(f"{RESULTS}[data-store-id='{DEMO_DESK_STORE}'] [data-action='reserve']").click()
    page.get_by_label("Votre nom").fill(name)
    page.get_by_label("E-mail ou numéro de téléphone").fill("client.desk@example.fr")
    page.get_by_label("J’accepte que le magasin conserve").check()
    page.get_by_role("button", name="Réserver pour retrait").click()
    code = page.locator("store-locator [part~='pickup-code']").inner_text()
    # The shopper's confirmation shows the code as a QR code too, drawn locally.
    expect(page.locator("store-locator [part~='pickup-qr'] svg path")).to_have_count(1)
    return code


def test_a_web_reservation_reaches_the_desk_is_prepared_and_handed_over(browser: Browser, page: Page,
                                                                       widget_server: WidgetServer):
    desk = open_desk(browser, widget_server)
    assert axe_scan(desk, "desk-pickups") == []
    # The optional chime: count the tones the page's real AudioContext is asked to play.
    desk.evaluate("""() => {
        window.tones = 0;
        const make = AudioContext.prototype.createOscillator;
        AudioContext.prototype.createOscillator = function () { window.tones += 1; return make.call(this); };
    }""")
    desk.get_by_role("button", name="Alerte sonore : désactivée").click()
    sound = desk.get_by_role("button", name="Alerte sonore : activée")
    expect(sound).to_have_attribute("aria-pressed", "true")
    requests_seen = []
    desk.on("request", lambda r: requests_seen.append(r) if "/v1/desk/pickups" in r.url else None)

    code = reserve_in_widget(page, widget_server, "Nora Desk")

    card = desk.locator("store-desk [part~='pickup']", has_text=code)
    expect(card).to_be_visible(timeout=NEW_WITHIN_MS)
    alert = desk.locator("store-desk [part~='new-alert']")
    expect(alert).to_contain_text(f"Nouvelle réservation {code} pour Nora Desk")
    expect(card).to_contain_text("À préparer")
    product = widget_server.api("/v1/products", q="DEMO-2001")["results"][0]["name"]
    expect(card).to_contain_text(f"1 × {product}")
    assert desk.evaluate("window.tones") == 2
    expect(card).to_contain_text(re.compile(r"Réservée jusqu’au .*\d{1,2}:\d{2}"))
    # Polls carry the list's ETag after the first answer (cheap 304s while nothing changes).
    assert any(r.headers.get("if-none-match") for r in requests_seen)
    shot(desk, "desk", "new-reservation")
    assert axe_scan(desk, "desk-alert") == []

    card.get_by_role("button", name="Préparée").click()
    expect(card).to_contain_text("Prête")

    # By keyboard: the code typed in lowercase, then Enter.
    desk.get_by_label("Code de retrait").fill(code.lower())
    desk.get_by_label("Code de retrait").press("Enter")
    found = desk.locator("store-desk [part~='found']")
    expect(found).to_contain_text("Nora Desk")
    assert axe_scan(desk, "desk-found") == []
    found.get_by_role("button", name="Remettre").click()
    expect(desk.locator("store-desk [part~='note']")).to_have_text(f"Réservation {code} remise au client.")
    expect(card).to_have_count(0)
    desk.context.close()


def test_not_collected_is_cancelled_with_its_reason(browser: Browser, page: Page,
                                                    widget_server: WidgetServer):
    desk = open_desk(browser, widget_server)
    code = reserve_in_widget(page, widget_server, "Paul Changed")
    card = desk.locator("store-desk [part~='pickup']", has_text=code)
    expect(card).to_be_visible(timeout=NEW_WITHIN_MS)
    card.get_by_role("button", name="Non retirée…").click()
    card.get_by_label("Motif").select_option("changed_mind")
    assert axe_scan(desk, "desk-cancel-reason") == []
    card.get_by_role("button", name="Annuler la réservation").click()
    expect(desk.locator("store-desk [part~='note']")).to_have_text(f"Réservation {code} annulée.")
    expect(card).to_have_count(0)
    desk.context.close()


def test_endless_aisle_reserves_elsewhere_and_corrects_a_count(browser: Browser, widget_server: WidgetServer):
    desk = open_desk(browser, widget_server, viewport={"width": 800, "height": 1280})  # a 10-inch tablet
    desk.get_by_role("button", name="Trouver un produit").click()
    desk.get_by_label("Produit : référence, GTIN ou nom").fill("DEMO-2001")
    desk.get_by_role("button", name="Rechercher").click()
    stores = desk.locator("store-desk [part~='aisle-stores'] li")
    expect(stores.first).to_contain_text("ce magasin")
    expect(stores.first).to_contain_text(re.compile(r"\d+ disponibles?|aucun disponible"))
    assert axe_scan(desk, "desk-aisle") == []

    desk.get_by_label("Corriger le stock de ce magasin").fill("7")
    desk.get_by_role("button", name="Enregistrer").click()
    expect(desk.locator("store-desk [part~='note']")).to_have_text("Stock de DEMO-2001 enregistré : 7.")
    expect(stores.first).to_contain_text("7 disponibles")

    other = stores.nth(1)
    other.get_by_role("button", name=re.compile("Réserver à")).click()
    desk.get_by_role("button", name="Réserver", exact=True).click()
    expect(desk.get_by_role("alert")).to_have_text("Indiquez le nom du client.")
    assert axe_scan(desk, "desk-aisle-form-error") == []
    desk.get_by_label("Nom du client").fill("Iris Present")
    desk.get_by_label("Téléphone").fill("06 12 34 56 78")
    desk.get_by_role("button", name="Réserver", exact=True).click()
    confirmation = desk.locator("store-desk [part~='aisle-confirmation']")
    expect(confirmation.get_by_role("heading")).to_have_text(
        re.compile(r"Réservé : code de retrait [A-HJ-NP-Z2-9]{6}"))
    expect(confirmation.locator("[part~='aisle-qr'] svg path")).to_have_count(1)
    shot(desk, "desk", "aisle-reserved")
    assert axe_scan(desk, "desk-aisle-reserved") == []
    desk.context.close()


def test_phone_layout_and_touch_targets(browser: Browser, widget_server: WidgetServer):
    desk = open_desk(browser, widget_server, viewport={"width": 375, "height": 740}, locale="en-US")
    small = desk.evaluate("""() => [...document.querySelector('store-desk').shadowRoot
        .querySelectorAll('button, input')].filter((el) => el.offsetParent !== null)
        .map((el) => el.getBoundingClientRect()).filter((r) => r.height < 44 || r.width < 44).length""")
    assert small == 0
    assert desk.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    desk.get_by_role("button", name="English").click()
    expect(desk.get_by_role("heading", name="Pick-up list")).to_be_visible()
    desk.context.close()


def test_a_wrong_key_is_refused_clearly(browser: Browser, widget_server: WidgetServer):
    context = new_context(browser, widget_server, bypass_csp=True)
    page = context.new_page()
    page.goto("/desk")
    assert axe_scan(page, "desk-sign-in") == []
    page.get_by_label("Clé du magasin").fill("st_not_a_real_key_000000000000000")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Cette clé est inconnue, révoquée ou n’est pas une clé magasin.")).to_be_visible()
    assert page.evaluate("Object.keys(sessionStorage).length") == 0
    assert axe_scan(page, "desk-sign-in-refused") == []
    context.close()


def test_a_revoked_store_key_signs_the_desk_out(browser: Browser, widget_server: WidgetServer,
                                                widget_config: Config):
    key, _ = tenants.create_key(widget_server.es, widget_config, DEMO_TENANT, "store",
                                store_id=DEMO_DESK_STORE)
    context = new_context(browser, widget_server)
    page = context.new_page()
    page.goto("/desk")
    page.get_by_label("Clé du magasin").fill(key)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Liste des retraits")).to_be_visible()
    # Chromium here has no BarcodeDetector: the desk offers typing the code only.
    expect(page.get_by_role("button", name="Scanner le code QR")).to_have_count(0)
    tenants.revoke_key(widget_server.es, widget_config, key)
    # Workers trust a key lookup KEY_CACHE_SECONDS (5 s), then the next poll is refused.
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible(timeout=15_000)
    assert page.evaluate("Object.keys(sessionStorage).length") == 0
    context.close()
