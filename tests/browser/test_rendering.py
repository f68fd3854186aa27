"""Renders change only what changed: a results refresh keeps the focus and the typed words in the
search box, keeps the very same live regions (a screen reader keeps its place and keeps hearing
them), and touches nothing outside the results; a filter change updates the list in place; a
failed submit keeps the reserve form's fields."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Page, expect

from indexer.demo import DEMO_PUBLISHABLE_KEY
from tests.browser.conftest import WidgetServer
from tests.browser.helpers import (
    RESULTS,
    events,
    expect_heading,
    record_events,
    result_ids,
    search,
    wait_settled,
)

pytestmark = pytest.mark.browser

# Keep references to the widget's nodes and record every DOM change in its shadow tree, sorted
# into: in the live regions (announcements), in the parts that must not change (the section
# itself, the search form, the notice, the filters, the map), and in the list.
WATCH = """() => {
    const root = document.querySelector('store-locator').shadowRoot;
    const one = (selector) => root.querySelector(selector);
    const nodes = {
        section: one('section[part~="root"]'), input: one('input[type="search"]'),
        form: one('form[role="search"]'), notice: one('[part~="notice"]'),
        filters: one('[part~="filters"]'), map: one('[part~="map"]'),
        body: one('[part~="body"]'), live: one('[role="status"]'), alert: one('[role="alert"]'),
        heading: one('.results-heading'), list: one('ol[data-list="results"]'),
        items: Object.fromEntries([...root.querySelectorAll('ol[data-list="results"] > li')]
            .map((item) => [item.dataset.storeId, item])),
    };
    const changes = {live: 0, fixed: [], list: 0, elsewhere: [], removedItems: []};
    const describe = (record) => [record.type, record.attributeName ?? '', 'on', record.target.nodeName,
        record.target.getAttribute?.('part') ?? record.target.parentNode?.nodeName ?? ''].join(' ');
    const observer = new MutationObserver((records) => {
        for (const record of records) {
            const target = record.target;
            for (const node of record.removedNodes) {
                if (node.nodeName === 'LI') changes.removedItems.push(node.dataset.storeId);
            }
            if (nodes.live.contains(target) || nodes.alert.contains(target)) changes.live += 1;
            else if (target === nodes.section || target === root || [nodes.form, nodes.notice,
                     nodes.filters, nodes.map].some((node) => node.contains(target))) {
                changes.fixed.push(describe(record));
            } else if (nodes.list && nodes.list.contains(target)) changes.list += 1;
            else changes.elsewhere.push(describe(record));
        }
    });
    observer.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
    window.__rendering = {root, nodes, changes, observer};
}"""

# What the recorded nodes have become.
COMPARE = """() => {
    const {root, nodes, changes, observer} = window.__rendering;
    changes.live += observer.takeRecords().length;  // late announcements: not interesting here
    observer.disconnect();
    const one = (selector) => root.querySelector(selector);
    const items = Object.fromEntries([...root.querySelectorAll('ol[data-list="results"] > li')]
        .map((item) => [item.dataset.storeId, item]));
    return {
        focusIsTheSameInput: root.activeElement === nodes.input,
        focused: root.activeElement?.getAttribute('type') ?? root.activeElement?.tagName ?? null,
        value: nodes.input.value,
        sameInput: one('input[type="search"]') === nodes.input,
        sameLive: one('[role="status"]') === nodes.live && nodes.live.isConnected,
        sameAlert: one('[role="alert"]') === nodes.alert && nodes.alert.isConnected,
        sameSection: one('section[part~="root"]') === nodes.section,
        sameBody: one('[part~="body"]') === nodes.body,
        sameHeading: one('.results-heading') === nodes.heading,
        sameList: one('ol[data-list="results"]') === nodes.list,
        keptItems: Object.keys(nodes.items).filter((id) => items[id] === nodes.items[id]),
        droppedItems: Object.keys(nodes.items).filter((id) => items[id] !== nodes.items[id]),
        changes,
    };
}"""


def test_a_results_refresh_keeps_focus_in_the_search_box_and_the_same_live_region(page: Page):
    page.goto("/demo")
    search(page, "Paris")
    expect_heading(page, "Magasins près de Paris, FR")
    box = page.get_by_label("Code postal ou ville", exact=True)
    box.fill("Lyon")
    box.focus()
    page.evaluate(WATCH)

    # The shopper presses Enter in the box: the results refresh while they are still in it.
    page.keyboard.press("Enter")
    expect_heading(page, "Magasins près de Lyon, FR")
    count = len(result_ids(page))
    assert count >= 1
    live = page.locator("store-locator [role='status']")
    expect(live).to_have_text(f"{count} magasin{'s' if count > 1 else ''} près de Lyon, FR.")

    after = page.evaluate(COMPARE)
    # Focus never left the box, which kept what was typed.
    assert after["focusIsTheSameInput"], after["focused"]
    assert after["value"] == "Lyon"
    assert after["sameInput"]
    # The live regions are the very nodes the screen reader listened to; they only got new words.
    assert after["sameLive"] and after["sameAlert"]
    assert after["changes"]["live"] > 0
    # Only the results area changed: the skeleton, the form, the notice, the filters and the map
    # were not touched at all.
    assert after["sameSection"] and after["sameBody"]
    assert after["changes"]["fixed"] == [], after["changes"]["fixed"]


def test_a_filter_change_updates_the_list_in_place(page: Page):
    page.goto("/demo")
    search(page, "Paris")
    before = result_ids(page)
    assert len(before) >= 3
    page.evaluate(WATCH)

    in_stock = page.get_by_label("Les magasins avec du stock")
    in_stock.uncheck()
    # Out-of-stock stores join the list...
    page.wait_for_function(
        f"() => document.querySelector('store-locator').shadowRoot"
        f".querySelectorAll('ol[data-list=\"results\"] > li').length > {len(before)}")
    expect(page.locator(f"{RESULTS} [part~='level-out_of_stock']").first).to_be_visible()
    after_ids = result_ids(page)
    assert set(before) < set(after_ids)
    expect(page.locator("store-locator [role='status']")).to_contain_text("magasins près de Paris, FR.")

    after = page.evaluate(COMPARE)
    # ...while the stores already listed keep their nodes, as do the heading and the list.
    assert sorted(after["keptItems"]) == sorted(before) and after["droppedItems"] == []
    assert after["changes"]["removedItems"] == []
    assert after["sameHeading"] and after["sameList"] and after["sameBody"]
    assert after["sameLive"] and after["sameAlert"]
    # Focus stays on the checkbox the shopper used.
    assert after["focused"] == "checkbox"
    # Nothing but the list and the announcement changed.
    assert after["changes"]["list"] > 0
    assert after["changes"]["fixed"] == [], after["changes"]["fixed"]
    assert after["changes"]["elsewhere"] == [], after["changes"]["elsewhere"]


def test_a_failed_submit_keeps_the_fields_and_back_focuses_the_refreshed_results(page: Page,
                                                                                 widget_server: WidgetServer):
    record_events(page)
    page.goto("/demo")
    search(page, "Paris")
    store_id = result_ids(page)[0]
    page.locator(f"{RESULTS}[data-store-id='{store_id}'] [data-action='reserve']").click()
    name = page.get_by_label("Votre nom")
    name.fill("Camille Martin")
    page.evaluate("""() => { window.__nameField = document.querySelector('store-locator').shadowRoot
                                 .querySelector('input[name="name"]'); }""")
    page.get_by_role("button", name="Réserver pour retrait").click()
    expect(page.locator("store-locator [part~='form-message']")).to_have_text("Corrigez 2 champs.")
    # The same field, with what was typed; focus on the first field to correct.
    assert page.evaluate("""() => document.querySelector('store-locator').shadowRoot
                               .querySelector('input[name="name"]') === window.__nameField""")
    expect(name).to_have_value("Camille Martin")
    contact = page.get_by_label("E-mail ou numéro de téléphone")
    expect(contact).to_be_focused()

    contact.fill("camille@example.fr")
    page.get_by_label("J’accepte que le magasin conserve").check()
    page.get_by_role("button", name="Réserver pour retrait").click()
    expect(page.get_by_role("heading", name="Votre réservation est confirmée")).to_be_focused()
    page.get_by_role("button", name="Retour aux magasins").click()
    wait_settled(page)
    # Back on the refreshed list, focus is on its heading (not lost to the page).
    expect(page.locator("store-locator .results-heading")).to_be_focused()

    # Leave the stock as it was for the other tests.
    detail = events(page, "locator:reserved")[-1]
    response = requests.post(f"{widget_server.url}/v1/reservations/{detail['reservationId']}/cancel",
                             params={"token": detail["token"]}, headers={"X-Api-Key": DEMO_PUBLISHABLE_KEY},
                             timeout=30)
    assert response.status_code == 200, response.text
