"""Accessibility: axe-core finds no serious or critical violation in any state; the whole flow works
with the keyboard alone; phone-sized (320 px) and 200 % zoom layouts do not overflow."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import AXE, WidgetServer, new_context, save_artifact, shot, watch
from tests.browser.helpers import RESULTS, result_ids, search, shadow_focus, wait_settled

pytestmark = pytest.mark.browser
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
MAX_TABS = 60


def axe_scan(page: Page, name: str, include: list[str] | None = None) -> list[dict]:
    """Run axe-core on the page (shadow roots included); keep the report; return serious+ violations."""
    if not page.evaluate("typeof window.axe === 'object'"):
        # A hostile page defines AMD/CommonJS globals, which would swallow axe's own export.
        page.evaluate("() => { delete window.define; delete window.module; }")
        page.add_script_tag(path=str(AXE))
    context = {"include": [[selector] for selector in include]} if include else None
    report = page.evaluate(
        """async ([context, tags]) => {
            const result = await axe.run(context ?? document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary}))}));
        }""",
        [context, AXE_TAGS],
    )
    save_artifact(f"axe-{name}.json", report)
    return [violation for violation in report if violation["impact"] in ("serious", "critical")]


def test_axe_finds_no_serious_violation_in_any_state(browser: Browser, widget_server: WidgetServer):
    # The demo page forbids inline scripts; axe is injected as one, so CSP is bypassed for the scan.
    context = new_context(browser, widget_server, bypass_csp=True)
    page = context.new_page()
    log = watch(page)
    page.goto("/demo")
    assert axe_scan(page, "initial") == []

    search(page, "Paris")
    page.get_by_label("Les magasins avec du stock").uncheck()  # in and out of stock rows together
    assert axe_scan(page, "results") == []

    page.get_by_label("Les magasins avec du stock").check()
    page.locator(f"{RESULTS} [data-action='reserve']").first.click()
    page.get_by_role("button", name="Réserver pour retrait").click()
    expect(page.locator("store-locator [part~='form-message']")).to_be_visible()
    assert axe_scan(page, "form-errors") == []

    page.get_by_label("Votre nom").fill("Camille Martin")
    page.get_by_label("E-mail ou numéro de téléphone").fill("camille@example.fr")
    page.get_by_label("J’accepte que le magasin conserve").check()
    page.get_by_role("button", name="Réserver pour retrait").click()
    expect(page.locator("store-locator [part~='pickup-code']")).to_be_visible()
    assert axe_scan(page, "confirmation") == []

    page.get_by_role("button", name="Retour aux magasins").click()
    wait_settled(page)
    page.get_by_role("button", name="Afficher la carte").click()
    page.wait_for_selector("store-locator .leaflet-container")
    assert axe_scan(page, "map") == []
    context.close()
    assert not log.errors


def test_the_hostile_page_leaves_the_widget_accessible(browser: Browser, widget_server: WidgetServer):
    context = new_context(browser, widget_server, bypass_csp=True)
    page = context.new_page()
    page.goto("/demo/hostile")
    search(page, "Paris")
    # The host page itself is deliberately ugly; only the widgets are judged.
    assert axe_scan(page, "hostile-widgets", include=["store-locator", "stock-badge"]) == []
    context.close()


def tab_until(page: Page, wanted, what: str) -> dict:
    """Press Tab until the focused element inside the locator matches; fail after MAX_TABS presses."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = shadow_focus(page)
        if focused and wanted(focused):
            return focused
    raise AssertionError(f"{what} never got the focus with Tab")


def test_the_whole_flow_works_with_the_keyboard_alone(page: Page, widget_server: WidgetServer):
    page.goto("/demo")
    tab_until(page, lambda f: f["type"] == "search", "the search box")
    page.keyboard.type("Paris")
    page.keyboard.press("Enter")
    wait_settled(page)
    first = result_ids(page)[0]

    # Filters are checkboxes reached with Tab and toggled with Space.
    tab_until(page, lambda f: f["type"] == "checkbox", "the first filter")
    page.keyboard.press("Space")
    expect(page.get_by_label("Les magasins avec du stock")).not_to_be_checked()
    page.keyboard.press("Space")
    expect(page.get_by_label("Les magasins avec du stock")).to_be_checked()

    focused = tab_until(page, lambda f: f["action"] == "reserve", "a reserve button")
    assert focused["store"] == first
    # The focused control is visibly focused.
    outline = page.evaluate("""() => {
        const el = document.querySelector('store-locator').shadowRoot.activeElement;
        const style = getComputedStyle(el);
        return [style.outlineStyle, parseFloat(style.outlineWidth)];
    }""")
    assert outline[0] != "none" and outline[1] >= 2
    page.keyboard.press("Enter")
    assert shadow_focus(page)["tag"] == "h2"

    assert tab_until(page, lambda f: f["name"] == "qty", "the quantity")["type"] == "number"
    page.keyboard.press("ArrowUp")
    expect(page.get_by_label("Quantité")).to_have_value("2")
    page.keyboard.press("Tab")
    assert shadow_focus(page)["name"] == "name"
    page.keyboard.type("Camille Martin")
    page.keyboard.press("Tab")
    assert shadow_focus(page)["name"] == "contact"
    page.keyboard.type("camille@example.fr")
    page.keyboard.press("Tab")
    assert shadow_focus(page)["name"] == "consent"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert shadow_focus(page)["type"] == "submit"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Votre réservation est confirmée")).to_be_focused()
    shot(page, "keyboard", "confirmation")

    # And back to the list, still by keyboard.
    tab_until(page, lambda f: f["text"] == "Retour aux magasins", "the back button")
    page.keyboard.press("Enter")
    wait_settled(page)
    expect(page.locator(RESULTS).first).to_be_visible()


def no_horizontal_overflow(page: Page) -> None:
    widths = page.evaluate("""() => {
        const root = document.querySelector('store-locator').shadowRoot.querySelector('.root');
        const overflowing = [...document.querySelector('store-locator').shadowRoot.querySelectorAll('*')]
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
            .map((el) => el.className || el.tagName);
        return {page: document.documentElement.scrollWidth, viewport: window.innerWidth,
                root: root.scrollWidth, rootClient: root.clientWidth, overflowing};
    }""")
    assert widths["page"] <= widths["viewport"], widths
    assert widths["root"] <= widths["rootClient"], widths
    assert widths["overflowing"] == [], widths


@pytest.mark.parametrize(("name", "viewport", "scale"), [
    ("phone-320", {"width": 320, "height": 640}, 2),
    # 1280×800 at 200 % zoom lays out like a 640×400 CSS-pixel viewport.
    ("zoom-200", {"width": 640, "height": 400}, 2),
])
def test_small_screens_and_zoom_do_not_overflow(browser: Browser, widget_server: WidgetServer, name: str,
                                               viewport: dict, scale: int):
    context = new_context(browser, widget_server, viewport=viewport, device_scale_factor=scale,
                          is_mobile=name.startswith("phone"), has_touch=name.startswith("phone"))
    page = context.new_page()
    log = watch(page)
    page.goto("/demo")
    search(page, "Saint-Étienne")
    no_horizontal_overflow(page)
    # Touch targets of the list are at least 44 CSS pixels high.
    heights = page.locator(f"{RESULTS} button").evaluate_all(
        "buttons => buttons.map((b) => b.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44, heights
    shot(page, name, "results")
    page.locator(f"{RESULTS} [data-action='reserve']").first.click()
    no_horizontal_overflow(page)
    shot(page, name, "form")
    context.close()
    assert not log.errors
