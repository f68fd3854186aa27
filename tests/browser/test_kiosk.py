"""The in-store kiosk: this store first in large touch targets, a reservation with a phone number
only, and the reset after a confirmation and after 60 s without a touch (the clock is Playwright's,
so no test waits for real time); nothing is kept in the browser's storage; axe finds nothing serious."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from indexer.demo import DEMO_DESK_STORE, DEMO_STORE_KEY
from tests.browser.conftest import WidgetServer, new_context, shot
from tests.browser.test_accessibility import axe_scan

pytestmark = pytest.mark.browser
SKU = "DEMO-2001"


def open_kiosk(browser: Browser, server: WidgetServer) -> Page:
    server.put_stock([{"store_id": DEMO_DESK_STORE, "sku": SKU, "on_hand": 40,
                       "as_of": datetime.now(UTC).isoformat()}])
    page = new_context(browser, server, bypass_csp=True, viewport={"width": 1080, "height": 1920}).new_page()
    page.clock.install()
    page.goto("/demo/kiosk")
    expect(page.locator("store-kiosk .here")).to_have_text("Vous êtes à IKEA Rivoli")
    return page


def find_product(page: Page) -> None:
    page.get_by_label("Nom ou référence du produit").fill(SKU)
    page.get_by_role("button", name="Rechercher").click()


def storage_is_empty(page: Page) -> bool:
    return page.evaluate("localStorage.length === 0 && sessionStorage.length === 0")


def test_this_store_first_reserve_with_a_phone_then_reset_after_the_confirmation(
        browser: Browser, widget_server: WidgetServer):
    page = open_kiosk(browser, widget_server)
    assert axe_scan(page, "kiosk-start") == []
    find_product(page)
    stores = page.locator("store-kiosk [part~='kiosk-store']")
    expect(stores.first).to_contain_text("IKEA Rivoli (ce magasin)")
    expect(stores.first).to_contain_text(re.compile(r"En stock · \d+ disponibles"))
    assert stores.count() > 1
    sizes = page.evaluate("""() => [...document.querySelector('store-kiosk').shadowRoot
        .querySelectorAll('button, input')].map((el) => el.getBoundingClientRect())
        .filter((r) => r.height < 44 || r.width < 44).length""")
    assert sizes == 0
    assert axe_scan(page, "kiosk-stock") == []

    stores.first.get_by_role("button", name="Réserver à IKEA Rivoli").click()
    contact = page.get_by_label("Votre téléphone ou e-mail")
    page.get_by_role("button", name="Réserver", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Indiquez un numéro de téléphone ou un e-mail.")
    expect(contact).to_be_focused()
    assert axe_scan(page, "kiosk-form-error") == []
    contact.fill("06 98 76 54 32")
    page.get_by_role("button", name="Réserver", exact=True).click()
    heading = page.locator("store-kiosk #k-done")
    expect(heading).to_have_text(re.compile(r"Réservé : votre code de retrait est [A-HJ-NP-Z2-9]{6}"))
    code = page.locator("store-kiosk [part~='pickup-code']").inner_text()
    expect(page.locator("store-kiosk [part~='pickup-qr'] svg path")).to_have_count(1)
    shot(page, "kiosk", "confirmation")
    assert axe_scan(page, "kiosk-confirmation") == []

    # The store sees it with the phone number only (no name was asked).
    found = requests.get(f"{widget_server.url}/v1/stores/{DEMO_DESK_STORE}/reservations/by-code/{code}",
                         headers={"X-Api-Key": DEMO_STORE_KEY}, timeout=30).json()
    assert found["customer"] == {"name": None, "email": None, "phone": "0698765432"}

    page.clock.run_for(19_000)
    expect(heading).to_be_visible()
    page.clock.run_for(2_000)  # 20 s after the confirmation
    expect(page.locator("store-kiosk [part~='pickup-code']")).to_have_count(0)
    expect(page.get_by_label("Nom ou référence du produit")).to_have_value("")
    assert code not in page.evaluate("document.querySelector('store-kiosk').shadowRoot.innerHTML")
    assert "0698765432" not in page.evaluate("document.querySelector('store-kiosk').shadowRoot.innerHTML")
    assert storage_is_empty(page)
    page.context.close()


def test_resets_after_60_seconds_without_a_touch(browser: Browser, widget_server: WidgetServer):
    page = open_kiosk(browser, widget_server)
    find_product(page)
    expect(page.locator("store-kiosk [part~='kiosk-store']").first).to_contain_text("ce magasin")
    page.locator("store-kiosk [part~='kiosk-store']").first.get_by_role("button").click()
    page.get_by_label("Votre téléphone ou e-mail").fill("someone@example.fr")
    page.clock.run_for(50_000)
    page.get_by_label("Votre téléphone ou e-mail").press("End")  # a touch: the countdown starts again
    page.clock.run_for(50_000)
    expect(page.get_by_label("Votre téléphone ou e-mail")).to_have_value("someone@example.fr")
    page.clock.run_for(11_000)  # 61 s after the last touch
    expect(page.get_by_label("Votre téléphone ou e-mail")).to_have_count(0)
    expect(page.get_by_label("Nom ou référence du produit")).to_have_value("")
    shadow = page.evaluate("document.querySelector('store-kiosk').shadowRoot.innerHTML")
    assert "someone@example.fr" not in shadow
    assert storage_is_empty(page)
    page.context.close()
