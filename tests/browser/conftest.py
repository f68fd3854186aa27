"""Browser fixtures: Debian's Chromium driven by Playwright against a real gunicorn with the demo data.

Browser downloads fail here, so Playwright launches /usr/bin/chromium (`make test` installs it).
Screenshots and axe reports go to test-artifacts/browser/ (gitignored).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from elasticsearch import Elasticsearch
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, sync_playwright

from indexer.demo import DEMO_PUBLISHABLE_KEY, DEMO_SECRET_KEY
from locator import indices
from locator.cli.main import main as cli
from locator.config import Config
from locator.es import index_name
from locator.notifications import catcher
from tests.conftest import ROOT, LiveServer, _env_for, free_port, start_gunicorn, stop_gunicorn

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # shop.test is a plain-http, non-local name for this machine: an insecure page.
    "--host-resolver-rules=MAP shop.test 127.0.0.1",
]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
AXE = ROOT / "widgets" / "node_modules" / "axe-core" / "axe.min.js"
STATIC = ROOT / "static"
PARIS = {"latitude": 48.8566, "longitude": 2.3522}
OUTSIDE = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost|shop\.test)[:/])[a-z]+://")


@dataclass
class WidgetServer:
    """The service under gunicorn, with the demo tenant and data in this session's indices."""

    url: str
    live: LiveServer
    es: Elasticsearch
    stock_index: str

    def refresh(self) -> None:
        """Make the latest stock writes visible to search (near real time otherwise)."""
        self.es.indices.refresh(index=self.stock_index)

    def api(self, path: str, key: str = DEMO_PUBLISHABLE_KEY, **params) -> dict:
        """GET an API path with a demo key and return its JSON (after a refresh)."""
        self.refresh()
        response = requests.get(f"{self.url}{path}", params=params, headers={"X-Api-Key": key}, timeout=30)
        response.raise_for_status()
        return response.json()

    def put_stock(self, rows: list[dict]) -> dict:
        """Push stock rows with the demo secret key."""
        response = requests.put(f"{self.url}/v1/stock", json={"rows": rows},
                                headers={"X-Api-Key": DEMO_SECRET_KEY}, timeout=30)
        response.raise_for_status()
        self.refresh()
        return response.json()


@pytest.fixture(scope="session")
def widget_assets() -> Path:
    """The built widget (built here when a plain `pytest` run comes before any `make`)."""
    bundle = STATIC / "locator.js"
    if not bundle.is_file():
        subprocess.run(["node", "build.mjs"], cwd=ROOT / "widgets", check=True)
    return bundle


@pytest.fixture(scope="session")
def widget_config(config: Config, es: Elasticsearch) -> Iterator[Config]:
    """Indices of their own for the browser tests: the demo tenant and data live there, so other
    tests of the session (e.g. `demo load` itself) still start from empty indices."""
    own = dataclasses.replace(config, index_prefix=f"test-w{uuid.uuid4().hex[:8]}")
    yield own
    indices.delete_all(es, own)


@pytest.fixture(scope="session")
def widget_server(widget_config: Config, es: Elasticsearch, widget_assets,
                  tmp_path_factory) -> Iterator[WidgetServer]:
    """Load the demo dataset into the browser tests' indices and serve it with a real gunicorn."""
    work = tmp_path_factory.mktemp("widget-demo")
    # `demo load` writes its input files under the working directory: not the checkout's.
    with contextlib.chdir(work):
        result = CliRunner(env=_env_for(widget_config)).invoke(cli, ["demo", "load"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # The demo's mail catcher, as `make run` has it: what the demo sends shows at /demo/mail.
    mail = catcher.start(work / "mail", port=free_port())
    live = start_gunicorn(widget_config, work, SMTP_URL=f"smtp://127.0.0.1:{mail.port}",
                          DEMO_MAIL_DIR=str(work / "mail"),
                          # Unmet-demand counts reach the report within a second (test_reports.py).
                          UNMET_DEMAND_FLUSH_SECONDS="1")
    yield WidgetServer(live.url, live, es, index_name(widget_config, "stock"))
    stop_gunicorn(live)
    mail.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (apt-get install chromium)")
    instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield instance
    instance.close()


@dataclass
class PageLog:
    """What the page said: uncaught errors fail the test, console errors are kept for checks."""

    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def console_errors(self, pattern: str = "") -> list[str]:
        return [text for text in self.console if re.search(pattern, text)]


def new_context(browser: Browser, server: WidgetServer, **options) -> BrowserContext:
    """A fresh context (own storage and permissions), French and in Paris time unless told."""
    settings = {
        "viewport": {"width": 1280, "height": 900}, "locale": "fr-FR", "timezone_id": "Europe/Paris",
        "base_url": server.url,
    }
    settings.update(options)
    context = browser.new_context(**settings)
    # Nothing leaves this machine (map tiles, for one): every other host is refused in the browser.
    context.route(OUTSIDE, lambda route: route.abort("blockedbyclient"))
    return context


def watch(page: Page) -> PageLog:
    """Record a page's uncaught errors and console errors."""
    log = PageLog()
    page.on("pageerror", lambda error: log.errors.append(str(error)))

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            log.console.append(message.text)

    page.on("console", on_console)
    return log


@pytest.fixture
def context(browser: Browser, widget_server: WidgetServer) -> Iterator[BrowserContext]:
    ctx = new_context(browser, widget_server)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext, request) -> Iterator[Page]:
    """A page whose uncaught JavaScript errors fail the test."""
    tab = context.new_page()
    log = watch(tab)
    tab.log = log  # type: ignore[attr-defined]
    yield tab
    shot(tab, request.node.name, "end")
    assert not log.errors, f"uncaught errors in the page: {log.errors}"


def shot(page: Page, test_name: str, label: str, full_page: bool = True) -> Path:
    """Keep a screenshot as a test artefact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{test_name}-{label}")
    path = ARTIFACTS / f"{safe}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def save_artifact(name: str, data) -> Path:
    """Keep a JSON artefact (e.g. an axe report)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path
