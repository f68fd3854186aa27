"""<store-locator> search: by town, by position (granted, denied, timed out, insecure page), the list,
distances, filters, the empty state, an unreachable API, and "my store" remembered."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PARIS, WidgetServer, new_context, shot, watch
from tests.browser.helpers import (
    RESULTS,
    WITHOUT_STOCK,
    events,
    expect_heading,
    record_events,
    result_ids,
    search,
    set_attributes,
    shadow_focus,
    wait_settled,
)
from tests.conftest import start_gunicorn, stop_gunicorn

pytestmark = pytest.mark.browser
SKU = "DEMO-2001"


def availability(server: WidgetServer, place: dict, sku: str = SKU, radius_km: int = 50) -> list[dict]:
    """The API's own answer: the oracle the widget's list is checked against."""
    return server.api("/v1/availability", sku=sku, lat=place["lat"], lon=place["lon"], radius_km=radius_km,
                      include_out_of_stock="true", limit=20)["results"]


def french_km(km: float) -> str:
    """A distance as the widget writes it in French: one decimal under 10 km, whole km above."""
    step = Decimal("0.1") if km < 10 else Decimal("1")
    value = Decimal(str(km)).quantize(step, rounding=ROUND_HALF_UP).normalize()
    return f"{value:f}".replace(".", ",") + "\u00a0km"


def in_stock_by_distance(entries: list[dict]) -> list[dict]:
    stocked = [entry for entry in entries if entry["level"] in ("in_stock", "low_stock")]
    return sorted(stocked, key=lambda entry: entry["distance_km"])


def test_search_by_town_lists_stores_with_stock_nearest_first(page: Page, widget_server: WidgetServer):
    record_events(page)
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto("/demo")
    search(page, "Paris")
    # Everything (page, widget, API) comes from the service itself: no CDN, no third party.
    assert urls and all(url.startswith(widget_server.url) for url in urls), urls
    expect_heading(page, "Magasins près de Paris, FR")
    place = widget_server.api("/v1/geocode", q="Paris", country="FR")
    expected = in_stock_by_distance(availability(widget_server, place))
    assert len(expected) >= 3, "the demo data should have several stores with stock around Paris"
    assert result_ids(page) == [entry["store"]["id"] for entry in expected]

    first = page.locator(RESULTS).first
    nearest = expected[0]
    expect(first.get_by_role("heading", level=3)).to_have_text(nearest["store"]["name"])
    expect(first.locator("[part~='distance']")).to_have_text(f"à {french_km(nearest['distance_km'])}")
    level = "En stock" if nearest["level"] == "in_stock" else "Stock faible"
    expect(first.locator("[part~='level']")).to_contain_text(level)
    # "Aujourd’hui : 10:00–21:00", or "Fermé aujourd’hui" on a day off: either way, today's hours.
    expect(first.locator("[part~='hours']")).to_contain_text(re.compile("aujourd’hui", re.IGNORECASE))
    expect(first.get_by_role("button", name=f"Réserver à {nearest['store']['name']}")).to_be_visible()

    detail = events(page, "locator:results")[-1]
    assert detail["count"] == len(expected)
    assert detail["sku"] == SKU
    assert detail["stores"][0]["id"] == nearest["store"]["id"]
    # The results are announced to screen readers.
    expect(page.locator("store-locator [role='status']")).to_have_text(
        f"{len(expected)} magasins près de Paris, FR.")
    shot(page, "search_by_town", "paris")


# Moments at which the demo stores (three patterns of hours, see indexer/demo.py) are some open
# and some closed (a Sunday morning: only "Su 10:00-18:00" is open), or all closed (at night).
SUNDAY_MORNING = "2026-11-29T10:30:00+01:00"
NIGHT = "2026-11-25T03:00:00+01:00"


@pytest.fixture(scope="module")
def pinned_servers(widget_server: WidgetServer, widget_config, tmp_path_factory):
    """Start, on demand, the service with its clock pinned at a moment (same indices and data)."""
    started: dict[str, WidgetServer] = {}

    def at(moment: str) -> WidgetServer:
        if moment not in started:
            live = start_gunicorn(widget_config, tmp_path_factory.mktemp("pinned"), workers=1,
                                  app="tests.browser.pinned_wsgi:app", PINNED_NOW=moment)
            started[moment] = WidgetServer(live.url, live, widget_server.es, widget_server.stock_index)
        return started[moment]

    yield at
    for server in started.values():
        stop_gunicorn(server.live)


@pytest.mark.parametrize("moment", [SUNDAY_MORNING, NIGHT])
def test_filters_in_stock_only_and_open_now(browser: Browser, pinned_servers, moment: str):
    server = pinned_servers(moment)
    context = new_context(browser, server)
    # The browser's clock too: the widget writes "closes at" and today's hours from its own now.
    context.clock.set_fixed_time(datetime.fromisoformat(moment))
    page = context.new_page()
    log = watch(page)
    try:
        _check_filters(page, server, moment)
    finally:
        shot(page, f"filters_{moment[11:13]}h", "end")
        context.close()
    assert not log.errors, f"uncaught errors in the page: {log.errors}"


def _check_filters(page: Page, widget_server: WidgetServer, moment: str) -> None:
    page.goto("/demo")
    search(page, "Paris")
    place = widget_server.api("/v1/geocode", q="Paris", country="FR")
    entries = availability(widget_server, place)
    by_distance = sorted(entries, key=lambda entry: entry["distance_km"])

    in_stock = page.get_by_label("Les magasins avec du stock")
    open_now = page.get_by_label("Les magasins ouverts")
    expect(in_stock).to_be_checked()
    expect(open_now).not_to_be_checked()

    in_stock.uncheck()
    assert result_ids(page) == [entry["store"]["id"] for entry in by_distance]
    out = [entry for entry in by_distance if entry["level"] == "out_of_stock"]
    assert out, "the demo data has stores without stock around Paris"
    row = page.locator(f"{RESULTS}[data-store-id='{out[0]['store']['id']}']")
    expect(row.locator("[part~='level']")).to_contain_text("En rupture")
    expect(row.get_by_role("button", name="Réserver", exact=True)).to_have_count(0)

    open_now.check()
    open_ids = [entry["store"]["id"] for entry in by_distance if entry["store"]["open_now"] is True]
    if moment == NIGHT:  # every store is closed: the empty state says so
        assert open_ids == []
        expect(page.locator("store-locator [part~='empty']")).to_contain_text("ne correspond aux filtres")
        return
    # Some open, some closed: the filter really filters.
    assert 0 < len(open_ids) < len(by_distance), (open_ids, len(by_distance))
    assert result_ids(page) == open_ids
    open_row = page.locator(f"{RESULTS}[data-store-id='{open_ids[0]}']")
    expect(open_row.locator("[part~='hours']")).to_contain_text("18:00")  # "Su 10:00-18:00" closes at 6 pm
    in_stock.check()
    both = [e["store"]["id"] for e in in_stock_by_distance(entries) if e["store"]["open_now"] is True]
    assert both, "the demo data has open stores with stock around Paris on a Sunday morning"
    assert result_ids(page) == both
    shot(page, "filters", "open_and_in_stock")


def test_no_stock_nearby_offers_a_wider_radius_and_the_nearest_stores_without_it(
    page: Page, widget_server: WidgetServer,
):
    record_events(page)
    page.goto("/demo")
    # Empty both stores within 50 km of Lyon for one product (this session's own copy of the data).
    now = datetime.now(UTC).isoformat()
    widget_server.put_stock([
        {"store_id": "562", "sku": "DEMO-1003", "on_hand": 0, "as_of": now},
        {"store_id": "431", "sku": "DEMO-1003", "on_hand": 0, "as_of": now},
    ])
    # Attributes may change at run time: the locator switches product.
    page.locator("store-locator").evaluate("(el) => el.setAttribute('sku', 'DEMO-1003')")
    search(page, "Lyon")
    empty = page.locator("store-locator [part~='empty']")
    expect(empty).to_contain_text("Aucun magasin n’a ce produit en stock à moins de 50\u00a0km.")
    without = page.get_by_role("heading", name="Magasins les plus proches, actuellement sans stock")
    expect(without).to_be_visible()
    assert result_ids(page, WITHOUT_STOCK) == ["562", "431"]
    expect(page.locator(WITHOUT_STOCK).first.locator("[part~='level']")).to_contain_text("En rupture")
    shot(page, "no_results", "50km")

    page.get_by_role("button", name="Chercher à moins de 100\u00a0km").click()
    wait_settled(page)
    expect_heading(page, "Magasins près de Lyon, FR")
    assert result_ids(page) == ["435"]  # IKEA Grenoble, about 96 km away, has it
    assert events(page, "locator:results")[-1]["radiusKm"] == 100
    # Focus follows the new results rather than getting lost with the button.
    assert shadow_focus(page)["tag"] == "h2"


def test_geolocation_granted_searches_around_the_shopper(browser: Browser, widget_server: WidgetServer):
    context = new_context(browser, widget_server, permissions=["geolocation"], geolocation=PARIS)
    page = context.new_page()
    log = watch(page)
    page.goto("/demo")
    page.get_by_role("button", name="Utiliser ma position").click()
    wait_settled(page)
    expect_heading(page, "Magasins près de votre position")
    place = {"lat": PARIS["latitude"], "lon": PARIS["longitude"]}
    expected = in_stock_by_distance(availability(widget_server, place))
    assert result_ids(page) == [entry["store"]["id"] for entry in expected]
    shot(page, "geolocation", "granted")
    context.close()
    assert not log.errors


@pytest.mark.parametrize(("how", "message"), [
    ("denied", "L’accès à votre position a été refusé"),
    ("timeout", "Votre position n’a pas pu être obtenue à temps"),
])
def test_geolocation_failure_falls_back_to_the_search_box(browser: Browser, widget_server: WidgetServer,
                                                         how: str, message: str):
    context = new_context(browser, widget_server)
    page = context.new_page()
    log = watch(page)
    record_events(page)
    if how == "timeout":
        # The browser's own timeout, emulated: the position never arrives in time (code 3).
        page.add_init_script("""
            navigator.geolocation.getCurrentPosition = (ok, fail) =>
                setTimeout(() => fail({code: 3, message: 'Timeout expired'}), 10);
        """)
    # Without the permission granted, headless Chromium refuses the position (code 1).
    page.goto("/demo")
    page.get_by_role("button", name="Utiliser ma position").click()
    notice = page.locator("store-locator [part~='notice']")
    expect(notice).to_contain_text(message)
    expect(notice).to_contain_text("recherchez plutôt par code postal ou ville")
    # Focus goes to the search box, whose description is the reason.
    focused = shadow_focus(page)
    assert focused["tag"] == "input" and focused["type"] == "search"
    described = page.locator("store-locator input[type=search]").get_attribute("aria-describedby").split()
    notice_id = notice.get_attribute("id")
    assert notice_id in described
    assert events(page, "locator:error")[-1] == {
        "kind": "geolocation", "reason": how, "message": notice.inner_text()}
    shot(page, "geolocation", how)
    # And the search box works.
    search(page, "Paris")
    expect_heading(page, "Magasins près de Paris, FR")
    expect(notice).to_be_hidden()
    context.close()
    assert not log.errors


def test_insecure_page_explains_why_location_is_unavailable(browser: Browser, widget_server: WidgetServer):
    # shop.test maps to this machine; plain http on a non-local name is not a secure context.
    port = widget_server.url.rsplit(":", 1)[1]
    context = new_context(browser, widget_server, base_url=f"http://shop.test:{port}",
                          permissions=["geolocation"], geolocation=PARIS)
    page = context.new_page()
    log = watch(page)
    page.goto("/demo")
    assert page.evaluate("window.isSecureContext") is False
    page.get_by_role("button", name="Utiliser ma position").click()
    notice = page.locator("store-locator [part~='notice']")
    expect(notice).to_contain_text("Cette page n’est pas sécurisée (https)")
    search(page, "Paris")
    expect_heading(page, "Magasins près de Paris, FR")
    context.close()
    assert not log.errors


def test_unreachable_api_is_said_and_can_be_retried(page: Page, widget_server: WidgetServer):
    record_events(page)
    page.goto("/demo")
    page.route("**/v1/availability**", lambda route: route.abort("connectionrefused"))
    search(page, "Paris")
    error = page.locator("store-locator [part~='error']")
    expect(error).to_contain_text("Le service des magasins est injoignable")
    expect(page.locator("store-locator [role='alert']")).to_contain_text("injoignable")
    assert events(page, "locator:error")[-1]["kind"] == "network"
    shot(page, "unreachable", "error")
    page.unroute("**/v1/availability**")
    page.get_by_role("button", name="Réessayer").click()
    wait_settled(page)
    expect_heading(page, "Magasins près de Paris, FR")
    assert len(result_ids(page)) >= 3


def test_unknown_place_is_said_next_to_the_search_box(page: Page):
    page.goto("/demo")
    page.get_by_label("Code postal ou ville").fill("Xqzwvk")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator("store-locator .field-error")).to_contain_text("Aucun lieu trouvé pour « Xqzwvk »")
    expect(page.locator("store-locator input[type=search]")).to_have_attribute("aria-invalid", "true")


def test_my_store_is_remembered_and_offered_first_next_time(page: Page, widget_server: WidgetServer):
    record_events(page)
    page.goto("/demo")
    search(page, "Paris")
    ids = result_ids(page)
    chosen = ids[2]
    row = page.locator(f"{RESULTS}[data-store-id='{chosen}']")
    row.locator("[data-action='my-store']").click()
    expect(row.locator("[data-action='my-store']")).to_have_attribute("aria-pressed", "true")
    assert events(page, "locator:store-selected")[-1]["storeId"] == chosen
    assert events(page, "locator:store-selected")[-1]["reason"] == "my-store"
    # My store moves to the top at once and keeps the focus on its button.
    assert result_ids(page)[0] == chosen
    assert shadow_focus(page)["action"] == "my-store"

    page.reload()
    wait_settled(page)  # no search typed: the widget starts from the remembered store
    assert result_ids(page)[0] == chosen
    first = page.locator(RESULTS).first
    expect(first.locator("[part~='my-store-tag']")).to_have_text("Mon magasin")
    shot(page, "my_store", "remembered")


def test_a_refused_key_is_said_and_reported_to_the_host(page: Page):
    record_events(page)
    page.goto("/demo")
    set_attributes(page, "store-locator", api_key="pk_not_a_real_key_000000000000")
    search(page, "Paris")
    expect(page.locator("store-locator [part~='error']")).to_contain_text(
        "Le service des magasins a refusé la demande (401)")
    error = events(page, "locator:error")[-1]
    assert error["kind"] == "http" and error["status"] == 401
    assert error["problem"]["status"] == 401
