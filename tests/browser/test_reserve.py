"""The reserve flow end to end: form validation, the hold, the confirmation, then the API's view."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Page, expect

from indexer.demo import DEMO_PUBLISHABLE_KEY, DEMO_SECRET_KEY
from tests.browser.conftest import WidgetServer, shot
from tests.browser.helpers import RESULTS, events, record_events, result_ids, search, shadow_focus

pytestmark = pytest.mark.browser
SKU = "DEMO-2001"


def available(server: WidgetServer, store_id: str, sku: str = SKU) -> int:
    store = server.api(f"/v1/stores/{store_id}")
    entries = server.api("/v1/availability", key=DEMO_SECRET_KEY, sku=sku, lat=store["location"]["lat"],
                         lon=store["location"]["lon"], radius_km=1, include_out_of_stock="true")["results"]
    return next(entry["available_qty"] for entry in entries if entry["store"]["id"] == store_id)


def test_reserve_end_to_end_then_check_through_the_api(page: Page, widget_server: WidgetServer):
    record_events(page)
    sent = []
    page.on("request", lambda request: sent.append(request) if request.method == "POST" else None)
    page.goto("/demo")
    search(page, "Paris")
    store_id = result_ids(page)[0]
    before = available(widget_server, store_id)
    row = page.locator(f"{RESULTS}[data-store-id='{store_id}']")
    store_name = row.get_by_role("heading", level=3).inner_text()
    row.locator("[data-action='reserve']").click()

    expect(page.get_by_role("heading", name=f"Réserver à {store_name}")).to_be_focused()
    assert events(page, "locator:store-selected")[-1]["reason"] == "reserve"
    # Nothing filled in: every problem is said at its field, and focus goes to the first one.
    page.get_by_role("button", name="Réserver pour retrait").click()
    expect(page.locator("store-locator [part~='form-message']")).to_have_text("Corrigez 3 champs.")
    name = page.get_by_label("Votre nom")
    expect(name).to_be_focused()
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator("store-locator .field-error:visible")).to_have_count(3)
    shot(page, "reserve", "errors")

    page.get_by_label("Quantité").fill("2")
    name.fill("Camille Martin")
    page.get_by_label("E-mail ou numéro de téléphone").fill("camille.martin@example.fr")
    page.get_by_label("J’accepte que le magasin conserve").check()
    page.get_by_role("button", name="Réserver pour retrait").click()

    heading = page.get_by_role("heading", name="Votre réservation est confirmée")
    expect(heading).to_be_focused()
    code = page.locator("store-locator [part~='pickup-code']").inner_text()
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", code), code
    expect(page.locator("store-locator [part~='confirmation']")).to_contain_text(
        f"2 × Canapé 3 places tissu bleu à {store_name}")
    detail = events(page, "locator:reserved")[-1]
    assert detail["pickupCode"] == code
    assert detail["storeId"] == store_id and detail["sku"] == SKU and detail["qty"] == 2
    assert detail["token"]

    # The hold's expiry, in the store's local time (Paris).
    expires = datetime.fromisoformat(detail["expiresAt"]).astimezone(ZoneInfo("Europe/Paris"))
    expiry = page.locator("store-locator [part~='expiry']")
    expect(expiry).to_contain_text("Mis de côté jusqu’au")
    expect(expiry).to_contain_text(f"{expires.day} ")
    # Intl writes the hour as "6" or "06" depending on the ICU release: both are correct French.
    expect(expiry).to_contain_text(re.compile(rf"\b0?{expires.hour}:{expires:%M} \(heure du magasin\)"))
    expect(page.locator("#shop-status")).to_contain_text(f"Réservation {code} confirmée")
    shot(page, "reserve", "confirmation")

    # One POST, with an idempotency key.
    posts = [request for request in sent if request.url.endswith("/v1/reservations")]
    assert len(posts) == 1
    assert len(posts[0].headers["idempotency-key"]) >= 16
    assert posts[0].post_data_json["lang"] == "fr"  # the shopper's emails follow the widget's language

    # The confirmation email, as the demo's mail view shows it (in another tab).
    mail = page.context.new_page()
    subject = mail.get_by_role("heading", name=f"Votre réservation chez {store_name} : code {code}")
    for _ in range(300):  # sent by the service's sender threads; bounded only so a broken run ends
        mail.goto("/demo/mail")
        if subject.count():
            break
        mail.wait_for_timeout(200)
    expect(subject).to_be_visible()
    expect(mail.frame_locator("article iframe").first.get_by_text(code, exact=True)).to_be_visible()
    shot(mail, "reserve", "confirmation-email")
    mail.close()

    # The API agrees: as the shopper (publishable key + token) and as the store (secret key).
    url = f"{widget_server.url}/v1/reservations/{detail['reservationId']}"
    headers = {"X-Api-Key": DEMO_PUBLISHABLE_KEY, "X-Reservation-Token": detail["token"]}
    shopper = requests.get(url, headers=headers, timeout=30)
    assert shopper.status_code == 200, shopper.text
    reservation = shopper.json()
    assert reservation["status"] == "held"
    assert reservation["pickup_code"] == code
    assert reservation["store_id"] == store_id
    assert reservation["items"] == [{"sku": SKU, "qty": 2}]
    assert reservation["customer"]["name"] == "Camille Martin"
    assert reservation["customer"]["email"] == "camille.martin@example.fr"
    assert datetime.fromisoformat(reservation["expires_at"]) > datetime.now(UTC)
    store_view = requests.get(url, headers={"X-Api-Key": DEMO_SECRET_KEY}, timeout=30)
    assert store_view.json()["pickup_code"] == code
    assert available(widget_server, store_id) == before - 2

    # Back to the stores: the list shows the new count.
    page.get_by_role("button", name="Retour aux magasins").click()
    expect(page.locator(RESULTS).first).to_be_visible()


def test_short_stock_is_said_and_nothing_is_held(page: Page, widget_server: WidgetServer):
    record_events(page)
    page.goto("/demo")
    page.locator("store-locator").evaluate("(el) => el.setAttribute('sku', 'DEMO-3001')")
    search(page, "Paris")
    store_id = result_ids(page)[0]
    # Between the list and the reservation, the store sells all but one.
    widget_server.put_stock([{"store_id": store_id, "sku": "DEMO-3001", "on_hand": 1,
                              "as_of": datetime.now(UTC).isoformat()}])
    page.locator(f"{RESULTS}[data-store-id='{store_id}'] [data-action='reserve']").click()
    page.get_by_label("Quantité").fill("2")
    page.get_by_label("Votre nom").fill("Louis Petit")
    page.get_by_label("E-mail ou numéro de téléphone").fill("06 12 34 56 78")
    page.get_by_label("J’accepte que le magasin conserve").check()
    page.get_by_role("button", name="Réserver pour retrait").click()
    message = page.locator("store-locator [part~='form-message']")
    expect(message).to_contain_text("Il ne reste pas assez de stock dans ce magasin")
    expect(page.get_by_label("Quantité")).to_be_focused()
    error = events(page, "locator:error")[-1]
    assert error["kind"] == "reservation" and error["status"] == 409
    assert available(widget_server, store_id, "DEMO-3001") == 1
    shot(page, "reserve", "short_stock")

    # One is still possible, by phone.
    page.get_by_label("Quantité").fill("1")
    page.get_by_role("button", name="Réserver pour retrait").click()
    expect(page.get_by_role("heading", name="Votre réservation est confirmée")).to_be_focused()
    detail = events(page, "locator:reserved")[-1]
    reservation = requests.get(f"{widget_server.url}/v1/reservations/{detail['reservationId']}",
                               headers={"X-Api-Key": DEMO_SECRET_KEY}, timeout=30).json()
    assert reservation["customer"]["phone"] == "0612345678"
    assert available(widget_server, store_id, "DEMO-3001") == 0


def test_back_from_the_form_returns_focus_to_the_store(page: Page):
    page.goto("/demo")
    search(page, "Paris")
    store_id = result_ids(page)[1]
    page.locator(f"{RESULTS}[data-store-id='{store_id}'] [data-action='reserve']").click()
    page.get_by_role("button", name="Retour aux magasins").click()
    focused = shadow_focus(page)
    assert focused["action"] == "reserve" and focused["store"] == store_id


def test_the_shopper_can_cancel_from_the_confirmation(page: Page, widget_server: WidgetServer):
    record_events(page)
    page.goto("/demo")
    page.locator("store-locator").evaluate("(el) => el.setAttribute('sku', 'DEMO-4002')")
    search(page, "Lyon")
    store_id = result_ids(page)[0]
    before = available(widget_server, store_id, "DEMO-4002")
    page.locator(f"{RESULTS}[data-store-id='{store_id}'] [data-action='reserve']").click()
    page.get_by_label("Votre nom").fill("Jeanne Roux")
    page.get_by_label("E-mail ou numéro de téléphone").fill("jeanne@example.fr")
    page.get_by_label("J’accepte que le magasin conserve").check()
    page.get_by_role("button", name="Réserver pour retrait").click()
    expect(page.get_by_role("heading", name="Votre réservation est confirmée")).to_be_focused()
    assert available(widget_server, store_id, "DEMO-4002") == before - 1

    page.get_by_role("button", name="Annuler cette réservation").click()
    expect(page.get_by_role("heading", name="Votre réservation est annulée")).to_be_focused()
    detail = events(page, "locator:cancelled")[-1]
    reservation = requests.get(f"{widget_server.url}/v1/reservations/{detail['reservationId']}",
                               headers={"X-Api-Key": DEMO_SECRET_KEY}, timeout=30).json()
    assert reservation["status"] == "cancelled"
    assert reservation["cancelled_by"] == "shopper"
    assert available(widget_server, store_id, "DEMO-4002") == before
    shot(page, "reserve", "cancelled")
