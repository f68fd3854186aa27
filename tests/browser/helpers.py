"""Shared steps of the browser tests: searching, reading the list, recording widget events."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from indexer.demo import DEMO_PUBLISHABLE_KEY

RESULTS = 'store-locator ol[data-list="results"] > li'
WITHOUT_STOCK = 'store-locator ol[data-list="without-stock"] > li'
EVENTS = ("locator:results", "locator:store-selected", "locator:reserved", "locator:cancelled",
          "locator:error", "locator:open")


def record_events(page: Page) -> None:
    """Keep every widget event's type and detail in `window.__widgetEvents` (set before loading)."""
    page.add_init_script(f"""
        window.__widgetEvents = [];
        for (const type of {list(EVENTS)!r}) {{
            document.addEventListener(type, (event) => {{
                const detail = JSON.parse(JSON.stringify(event.detail ?? null));
                window.__widgetEvents.push({{type, detail}});
            }});
        }}
    """)


def events(page: Page, type_: str) -> list[dict]:
    """Return the details of the recorded events of one type."""
    return page.evaluate(
        "(type) => window.__widgetEvents.filter((e) => e.type === type).map((e) => e.detail)", type_)


def search(page: Page, town: str, label: str = "Code postal ou ville", button: str = "Rechercher") -> None:
    """Search a town with the search box and wait for the outcome (a list or the empty state)."""
    page.get_by_label(label, exact=True).fill(town)
    page.get_by_role("button", name=button, exact=True).click()
    wait_settled(page)


def wait_settled(page: Page) -> None:
    """Wait until the locator shows results, the empty state or an error."""
    page.wait_for_selector(
        "store-locator :is(ol[data-list='results'], [part~='empty'], [part~='error'])", state="visible",
    )


def result_ids(page: Page, selector: str = RESULTS) -> list[str]:
    """The store ids of the list, top to bottom."""
    return page.locator(selector).evaluate_all("items => items.map((item) => item.dataset.storeId)")


def shadow_focus(page: Page, host: str = "store-locator") -> dict | None:
    """Describe the element focused inside a widget's shadow root (None when focus is elsewhere)."""
    return page.evaluate("""(host) => {
        const element = document.querySelector(host)?.shadowRoot?.activeElement;
        if (!element) return null;
        return {tag: element.tagName.toLowerCase(), name: element.getAttribute('name'),
                type: element.getAttribute('type'), text: element.textContent.trim(),
                label: element.getAttribute('aria-label'), action: element.dataset.action ?? null,
                store: element.closest('[data-store-id]')?.dataset.storeId ?? null};
    }""", host)


def page_html(body: str, lang: str | None = "fr", head: str = "") -> str:
    """A same-origin test page embedding the widget (served through page.route)."""
    lang_attr = f' lang="{lang}"' if lang else ""
    return f"""<!doctype html><html{lang_attr}><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>widget test</title>{head}
<script type="module" src="/static/locator.js"></script></head><body>{body}</body></html>"""


def serve_page(page: Page, path: str, html: str) -> None:
    """Answer `path` on the server's origin with `html`, so the page is same-origin with the API."""
    page.route(f"**{path}", lambda route: route.fulfill(status=200, content_type="text/html", body=html))


def locator_tag(**attributes: str) -> str:
    """A <store-locator> with the demo key and the given attributes (underscores become dashes)."""
    attrs = {"api-key": DEMO_PUBLISHABLE_KEY, **{k.replace("_", "-"): v for k, v in attributes.items()}}
    text = " ".join(f'{name}="{value}"' if value != "" else name for name, value in attrs.items())
    return f"<store-locator {text}></store-locator>"


def set_attributes(page: Page, selector: str, **attributes: str) -> None:
    """Set attributes on an element at run time (underscores in names become dashes)."""
    page.locator(selector).evaluate(
        "(el, attrs) => { for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v); }",
        {name.replace("_", "-"): value for name, value in attributes.items()})


def expect_heading(page: Page, text: str) -> None:
    expect(page.locator("store-locator .results-heading")).to_have_text(text)
