"""Embedding: languages and units, <stock-badge>, the lazy map, isolation both ways, no globals,
run-time attribute changes, and the hostile page (aggressive CSS, strict CSP, polluted globals)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from indexer.demo import DEMO_PUBLISHABLE_KEY
from tests.browser.conftest import PARIS, WidgetServer, new_context, shot, watch
from tests.browser.helpers import (
    RESULTS,
    events,
    locator_tag,
    page_html,
    record_events,
    result_ids,
    search,
    serve_page,
    set_attributes,
    shadow_focus,
    wait_settled,
)

pytestmark = pytest.mark.browser
SKU = "DEMO-2001"


def stocked_count(server: WidgetServer, lat: float, lon: float, radius_km: int = 50) -> list[dict]:
    entries = server.api("/v1/availability", sku=SKU, lat=lat, lon=lon, radius_km=radius_km,
                         include_out_of_stock="true", limit=20)["results"]
    stocked = (e for e in entries if e["level"] in ("in_stock", "low_stock"))
    return sorted(stocked, key=lambda e: e["distance_km"])


def test_english_and_miles_from_attributes(page: Page):
    serve_page(page, "/test/en", page_html(locator_tag(sku=SKU, lang="en", units="mi"), lang="fr"))
    page.goto("/test/en")
    search(page, "Paris", label="Postcode or town", button="Search")
    expect(page.locator("store-locator .results-heading")).to_have_text("Stores near Paris, FR")
    distance = page.locator(f"{RESULTS} [part~='distance']").first.inner_text()
    assert re.fullmatch(r"[\d.]+\smi away", distance), distance
    hours = page.locator(RESULTS).first.locator("[part~='hours']")
    expect(hours).to_contain_text(re.compile("Today:|Closed today"))
    expect(page.get_by_label("Stores with stock")).to_be_checked()
    shot(page, "english", "miles")

    # Attributes may change at run time: French and kilometres, without searching again.
    # `lang` through the native property (it reflects to the attribute), units as an attribute.
    page.locator("store-locator").evaluate("(el) => { el.lang = 'fr'; }")
    set_attributes(page, "store-locator", units="km")
    expect(page.locator("store-locator .results-heading")).to_have_text("Magasins près de Paris, FR")
    distance = page.locator(f"{RESULTS} [part~='distance']").first.inner_text()
    assert re.fullmatch(r"à [\d,]+\skm", distance), distance
    expect(page.get_by_role("button", name="Rechercher")).to_be_visible()


@pytest.mark.parametrize(("page_lang", "locale", "expected"), [
    ("en-GB", "fr-FR", "Postcode or town"),  # the page's language before the browser's
    (None, "en-US", "Postcode or town"),     # the browser's when the page has none
    (None, "fr-FR", "Code postal ou ville"),
    ("de", "de-DE", "Postcode or town"),     # neither supported: English
])
def test_language_falls_back_to_the_page_then_the_browser(browser: Browser, widget_server: WidgetServer,
                                                          page_lang, locale, expected):
    context = new_context(browser, widget_server, locale=locale)
    page = context.new_page()
    serve_page(page, "/test/lang", page_html(locator_tag(sku=SKU), lang=page_lang))
    page.goto("/test/lang")
    expect(page.locator("store-locator label").first).to_have_text(expected)
    context.close()


def test_stock_badge_counts_stores_near_the_shopper_and_opens_the_locator(browser: Browser,
                                                                         widget_server: WidgetServer):
    context = new_context(browser, widget_server, permissions=["geolocation"], geolocation=PARIS)
    page = context.new_page()
    log = watch(page)
    record_events(page)
    page.goto("/demo")
    stocked = stocked_count(widget_server, PARIS["latitude"], PARIS["longitude"])
    badge = page.locator("stock-badge [part~='badge']")
    expect(badge).to_contain_text(f"En stock dans {len(stocked)} magasins près de chez vous")
    nearest = stocked[0]["store"]["name"]
    expect(page.locator("stock-badge [part~='nearest']")).to_contain_text(f"Le plus proche : {nearest}")
    shot(page, "badge", "in_stock", full_page=False)

    badge.click()
    detail = events(page, "locator:open")[-1]
    assert detail["sku"] == SKU and detail["count"] == len(stocked)
    assert detail["nearestStore"]["name"] == nearest
    # The demo page's own script opens the locator there: results around the shopper, focus inside.
    wait_settled(page)
    assert result_ids(page)[0] == stocked[0]["store"]["id"]
    assert shadow_focus(page)["type"] == "search"
    context.close()
    assert not log.errors


def test_stock_badge_in_english_without_a_position_offers_to_check(page: Page):
    serve_page(page, "/test/badge", page_html(
        f'<stock-badge api-key="{DEMO_PUBLISHABLE_KEY}" sku="{SKU}" lang="en"></stock-badge>'))
    page.goto("/test/badge")
    expect(page.locator("stock-badge [part~='badge']")).to_have_text("Check in-store availability")
    # Given a place (here by attributes), it counts in English.
    set_attributes(page, "stock-badge", lat="45.7486", lon="4.8479")
    expect(page.locator("stock-badge [part~='badge']")).to_contain_text(
        re.compile(r"In stock at \d+ stores? near you"))


def test_the_map_is_loaded_only_when_asked_and_mirrors_the_list(page: Page):
    chunks = []
    page.on("request", lambda req: chunks.append(req.url) if "locator-chunks/map-" in req.url else None)
    tiles = []
    page.route("**/tiles.test/**", lambda route: (tiles.append(route.request.url), route.abort()))
    serve_page(page, "/test/map", page_html(locator_tag(sku=SKU, lang="fr")))
    page.goto("/test/map")
    search(page, "Paris")
    assert chunks == [], "the map chunk must not load without the map attribute"
    count = len(result_ids(page))

    # Tests run without tiles: tile-url="none" draws markers on a plain background.
    set_attributes(page, "store-locator", tile_url="none", map="")
    page.wait_for_selector("store-locator .leaflet-container")
    assert len(chunks) == 1
    expect(page.locator("store-locator [part~='map'] path.leaflet-interactive")).to_have_count(count)
    assert tiles == []
    shot(page, "map", "markers")
    # The list stays the primary view: a marker click focuses its store in the list.
    page.locator("store-locator [part~='map'] path.leaflet-interactive").first.click(force=True)
    focused = shadow_focus(page)
    assert focused["tag"] == "h3" and focused["store"] in result_ids(page)
    # Removing the attribute removes the map.
    page.locator("store-locator").evaluate("(el) => el.removeAttribute('map')")
    expect(page.locator("store-locator .leaflet-container")).to_have_count(0)


def test_isolation_both_ways_no_globals_and_safe_to_load_twice(page: Page):
    html = page_html(
        f'<button id="host-button">Host button</button>{locator_tag(sku=SKU)}',
        head="""<script>window.__before = Object.getOwnPropertyNames(window);</script>
<style>button { font-size: 31px; color: rgb(255, 0, 255); } ol, li, h3 { color: rgb(255, 0, 255) !important; }
store-locator { --locator-accent: rgb(128, 0, 0); }
store-locator::part(search-button) { border-radius: 0; }</style>
<script type="module" src="/static/locator.js?copy=2"></script>""",
    )
    serve_page(page, "/test/isolation", html)
    page.goto("/test/isolation")
    search(page, "Paris")
    added = page.evaluate("""() => Object.getOwnPropertyNames(window)
        .filter((name) => !window.__before.includes(name) && name !== '__before')""")
    assert added == [], f"the widget added globals: {added}"
    # Both copies of the bundle ran; the tags were defined once, without an error.
    assert page.evaluate("customElements.get('store-locator').name") == "StoreLocatorElement"

    styles = page.evaluate("""() => {
        const root = document.querySelector('store-locator').shadowRoot;
        const css = (el) => getComputedStyle(el);
        const search = root.querySelector('[part~="search-button"]');
        return {
            hostButton: css(document.getElementById('host-button')).fontSize,
            widgetButtonSize: css(search).fontSize,
            widgetButtonColor: css(search).backgroundColor,
            widgetButtonRadius: css(search).borderTopLeftRadius,
            storeName: css(root.querySelector('h3')).color,
        };
    }""")
    # The page's CSS does not reach in (except through the documented custom properties and parts)...
    assert styles["widgetButtonSize"] == "16px"
    assert styles["storeName"] != "rgb(255, 0, 255)"
    assert styles["widgetButtonColor"] == "rgb(128, 0, 0)"
    assert styles["widgetButtonRadius"] == "0px"
    # ...and the widget's CSS does not leak out.
    assert styles["hostButton"] == "31px"


def test_the_hostile_page_still_works_and_looks_right(browser: Browser, widget_server: WidgetServer):
    context = new_context(browser, widget_server, permissions=["geolocation"], geolocation=PARIS)
    page = context.new_page()
    log = watch(page)
    csp_reports = []
    page.on("console", lambda message: csp_reports.append(message.text)
            if "Content Security Policy" in message.text or "Trusted Type" in message.text else None)
    response = page.goto("/demo/hostile")
    assert "default-src" in (response.headers.get("content-security-policy") or "")
    assert page.locator("meta[http-equiv='Content-Security-Policy']").get_attribute("content").startswith(
        "default-src 'none'")

    expect(page.locator("stock-badge [part~='badge']")).to_contain_text("En stock dans")
    search(page, "Paris")
    first = result_ids(page)[0]
    looks = page.evaluate("""() => {
        const root = document.querySelector('store-locator').shadowRoot;
        const css = (el) => getComputedStyle(el);
        const item = root.querySelector('ol[data-list="results"] > li');
        const button = root.querySelector('[part~="search-button"]');
        const notice = root.querySelector('[part~="notice"]');
        return {
            itemDisplay: css(item).display, itemBorder: css(item).borderTopWidth,
            buttonBackground: css(button).backgroundColor, buttonPadding: css(button).paddingLeft,
            bodyFont: css(root.querySelector('.root')).fontFamily, textTransform: css(item).textTransform,
            letterSpacing: css(item).letterSpacing, fontSize: css(root.querySelector('.root')).fontSize,
            noticeDisplay: css(notice).display,
        };
    }""")
    assert looks["itemDisplay"] == "list-item"
    assert looks["itemBorder"] == "1px"
    assert looks["buttonBackground"] == "rgb(0, 88, 163)"
    assert looks["buttonPadding"] != "0px"
    assert "Courier" not in looks["bodyFont"]
    assert looks["textTransform"] == "none" and looks["letterSpacing"] == "normal"
    assert looks["fontSize"] == "16px"
    assert looks["noticeDisplay"] == "none"  # the page's [hidden] override does not reach in

    page.locator(f"{RESULTS}[data-store-id='{first}'] [data-action='reserve']").click()
    page.get_by_label("Votre nom").fill("Hostile Tester")
    page.get_by_label("E-mail ou numéro de téléphone").fill("hostile@example.fr")
    page.get_by_label("J’accepte que le magasin conserve").check()
    page.get_by_role("button", name="Réserver pour retrait").click()
    expect(page.get_by_role("heading", name="Votre réservation est confirmée")).to_be_visible()
    shot(page, "hostile", "confirmation")
    assert csp_reports == [], csp_reports
    context.close()
    assert not log.errors


def test_without_a_product_it_is_a_plain_store_finder(page: Page, widget_server: WidgetServer):
    serve_page(page, "/test/finder", page_html(locator_tag(lang="fr", radius_km="60")))
    page.goto("/test/finder")
    search(page, "Lyon")
    place = widget_server.api("/v1/geocode", q="Lyon")
    stores = widget_server.api("/v1/stores", lat=place["lat"], lon=place["lon"], radius_km=60,
                               limit=20)["results"]
    assert len(stores) >= 2
    assert result_ids(page) == [store["id"] for store in sorted(stores, key=lambda s: s["distance_km"])]
    expect(page.get_by_label("Les magasins avec du stock")).to_be_hidden()
    expect(page.locator(f"{RESULTS} [part~='level']")).to_have_count(0)
    expect(page.locator(f"{RESULTS} [data-action='reserve']")).to_have_count(0)
    expect(page.locator(f"{RESULTS} [data-action='my-store']")).to_have_count(len(stores))
