"""The /reports page: a secret key or a signed link, totals, chart, tables and map, in French and
English; a search on /demo that finds nothing shows up in it."""

from __future__ import annotations

import time

import pytest
import requests
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, expect

from indexer.demo import DEMO_SECRET_KEY
from locator.cli.main import main as cli
from locator.geo import Point
from locator.reports.areas import area_of
from tests.browser.conftest import WidgetServer, new_context, shot, watch
from tests.browser.helpers import search, wait_settled
from tests.browser.test_accessibility import axe_scan
from tests.conftest import _env_for

pytestmark = pytest.mark.browser
SKU = "DEMO-2001"


def report(server: WidgetServer, **params) -> dict:
    response = requests.get(f"{server.url}/v1/reports/unmet-demand", params=params,
                            headers={"X-Api-Key": DEMO_SECRET_KEY}, timeout=30)
    response.raise_for_status()
    return response.json()


def open_with_key(page: Page) -> None:
    page.goto("/reports")
    page.get_by_label("Clé d’API secrète").fill(DEMO_SECRET_KEY)
    page.get_by_role("button", name="Ouvrir le rapport").click()
    # A report reads more than a search: give a busy machine longer than the default 5 s.
    expect(page.locator("#totals dd[data-total='unmet']")).to_be_visible(timeout=30_000)


def test_the_report_page_shows_what_the_api_says_in_french_and_english(page: Page, widget_server):
    open_with_key(page)
    expected = report(widget_server, **{"from": page.input_value("#from"), "to": page.input_value("#to")})
    assert expected["totals"]["unmet"] > 0  # the demo's simulated searches
    unmet = page.locator("#totals dd[data-total='unmet']").inner_text()
    assert int(unmet.replace("\u202f", "").replace("\xa0", "")) == expected["totals"]["unmet"]
    expect(page.get_by_role("heading", name="Demande non satisfaite")).to_be_visible()
    first = expected["rows"][0]
    cells = page.locator("#rows tbody tr").first.locator("th, td").all_inner_texts()
    assert cells[2] == f"{first['name']} ({first['sku']})" and cells[3] == str(first["unmet"])
    assert page.locator("#products tbody tr").count() == len(expected["products"])
    assert page.locator("#chart").bounding_box()["height"] > 100
    shot(page, "reports", "fr")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Unmet demand")).to_be_visible()
    expect(page.locator("#rows thead th").first).to_have_text("Week")
    assert page.evaluate("document.documentElement.lang") == "en"
    # One area: the chart and the table show its rows only.
    area = expected["areas"][0]
    page.get_by_label("Area", exact=True).select_option(area["area"])
    assert page.locator("#rows tbody tr").count() == min(100, sum(r["area"] == area["area"]
                                                                  for r in expected["rows"]))


def test_the_report_page_has_no_serious_accessibility_violation(browser: Browser, widget_server):
    # axe is injected as an inline script, which the page's CSP forbids: bypassed for the scan only.
    context = new_context(browser, widget_server, bypass_csp=True)
    page = context.new_page()
    log = watch(page)
    page.goto("/reports")
    assert axe_scan(page, "reports-access") == []
    open_with_key(page)
    page.get_by_label("Afficher la carte des zones").check()
    expect(page.locator("#map path.area").first).to_be_visible()
    assert axe_scan(page, "reports-loaded") == []
    assert not log.errors
    context.close()


def test_a_wrong_key_is_told_and_nothing_is_shown(page: Page, widget_server):
    page.goto("/reports?lang=en")
    page.get_by_label("Secret API key").fill("sk_wrong_key_000000000000000000")
    page.get_by_role("button", name="Open the report").click()
    expect(page.get_by_role("alert")).to_contain_text("not valid")
    expect(page.locator("#report")).to_be_hidden()


def test_a_search_that_finds_nothing_on_demo_shows_in_the_report_opened_by_a_link(page: Page, widget_server,
                                                                                   widget_config):
    place = requests.get(f"{widget_server.url}/v1/geocode", params={"q": "Aurillac", "country": "FR"},
                         headers={"X-Api-Key": DEMO_SECRET_KEY}, timeout=30).json()
    area = area_of(Point(place["lat"], place["lon"]))

    def searches_there() -> int:
        rows = report(widget_server, sku=SKU)["rows"]
        return sum(r["searches"] for r in rows if r["area"] == area)

    before = searches_there()
    page.goto("/demo")
    search(page, "Aurillac")
    wait_settled(page)
    expect(page.locator("store-locator [part~='empty']")).to_be_visible()  # nothing within the radius
    for _ in range(100):  # the worker flushes every second
        if searches_there() > before:
            break
        time.sleep(0.2)
    assert searches_there() == before + 1

    result = CliRunner(env=_env_for(widget_config)).invoke(
        cli, ["reports", "link", "--tenant", "demo", "--base-url", widget_server.url])
    assert result.exit_code == 0, result.output
    link = result.stdout.strip().splitlines()[0]
    assert link.startswith(f"{widget_server.url}/reports#link=demo.")
    page.goto(link)
    expect(page.locator("#totals dd[data-total='unmet']")).to_be_visible(timeout=30_000)
    expect(page.locator("#access")).to_be_hidden()
    page.get_by_label("Produit (référence, facultatif)").fill(SKU)
    page.get_by_role("button", name="Afficher", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Rapport du")
    page.get_by_label("Zone", exact=True).select_option(area)
    rows = page.locator("#rows tbody tr")
    assert rows.count() >= 1
    assert all(SKU in text for text in rows.locator("th + td + td").all_inner_texts())
    # The map of the areas, loaded on demand; a click on an area selects it.
    page.get_by_label("Afficher la carte des zones").check()
    shapes = page.locator("#map path.area")
    expect(shapes.first).to_be_visible()
    assert shapes.count() == len([a for a in report(widget_server, sku=SKU)["areas"] if a["area"]])
    page.get_by_label("Zone", exact=True).select_option("")
    page.locator(f"#map path[data-area='{area}']").click(force=True)
    expect(page.get_by_label("Zone", exact=True)).to_have_value(area)
    shot(page, "reports", "map")
