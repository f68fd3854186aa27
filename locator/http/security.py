"""Security headers on every response, and strict JSON for request bodies.

Policies by kind of response:
- API answers (JSON): nothing may run or be framed (`default-src 'none'`), never cached by
  shared caches (`Cache-Control: no-store` unless the view chose), since they may hold exact
  quantities or a shopper's contact details.
- Demo pages, the store desk (`/desk`) and the alert links' pages (`/alerts/…`): scripts,
  connections, images and fonts from this origin only, no inline or eval'd script. Inline
  *styles* stay allowed: web components style their Shadow DOM with `<style>` elements, and a
  style cannot run code.
- API docs (Swagger UI): its page starts the UI with one inline script, allowed there only.
- Static assets: `Cross-Origin-Resource-Policy: cross-origin`, since retailers load the widget
  script from their own pages.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from locator.errors import LocatorError, ValidationFailed

DEMO_CSP = ("default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; "
            "style-src 'self' 'unsafe-inline'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'")
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
COMMON = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), payment=(), usb=(), geolocation=(self)",
}
HSTS = "max-age=31536000; includeSubDomains"
JSON_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class UnsupportedMediaType(LocatorError):
    status = 415
    type_slug = "unsupported-media-type"
    title = "Unsupported media type"


PAGES = ("/demo", "/reports", "/desk", "/alerts/confirm", "/alerts/cancel")


def _csp_for(path: str) -> str | None:
    if path in PAGES or path.startswith("/demo/"):
        return DEMO_CSP
    if path == "/docs" or path.startswith("/docs/"):
        return DOCS_CSP
    if path.startswith("/static/"):
        return None  # scripts and styles: a CSP on them does nothing
    return API_CSP


def _add_headers(response: Response) -> Response:
    # The names present, read once: werkzeug looks each name up by scanning every header, and
    # one missing (most here) costs an exception raised and caught inside.
    present = {name.lower() for name in response.headers.keys()}
    defaults = list(COMMON.items())
    csp = _csp_for(request.path)
    if csp:
        defaults.append(("Content-Security-Policy", csp))
    if request.path.startswith("/v1/"):
        defaults.append(("Cache-Control", "no-store"))
    if request.is_secure:
        defaults.append(("Strict-Transport-Security", HSTS))
    for name, value in defaults:
        if name.lower() not in present:
            response.headers.add(name, value)
    if request.path.startswith("/static/"):
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


def parse_strict_json(body: bytes) -> Any:
    """Parse a request body as RFC 8259 JSON: UTF-8, no NaN/Infinity, no duplicate keys."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("The body is not valid UTF-8.") from exc
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)
    except ValueError as exc:  # JSONDecodeError is a ValueError
        raise ValidationFailed(f"The body is not valid JSON: {exc}.",
                               errors={"json": [str(exc)]}) from exc
    except RecursionError as exc:  # json nests by recursion: a 100,000-deep body exhausts it
        raise ValidationFailed("The body is nested too deeply to be a request of this API.",
                               errors={"json": ["Nested too deeply."]}) from exc


def _check_json_body() -> None:
    # webargs reads bodies with Python's lenient json (NaN, duplicate keys) and ignores a body
    # sent with another content type; check here first, so both are clear 4xx answers.
    if request.method not in JSON_METHODS or not request.path.startswith("/v1/"):
        return
    body = request.get_data(cache=True)
    if not body:
        return
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as JSON with Content-Type: application/json.")
    parse_strict_json(body)


def init_app(app: Flask) -> None:
    """Check JSON bodies before the views and add security headers to every response."""
    hops = app.config["LOCATOR"].proxy_hops
    if hops:
        # Behind N trusted proxies the client's address, scheme and host come from their
        # X-Forwarded-* headers (rate limits per address, HSTS, the own origin for CORS).
        # Without proxies these headers are the client's word and are ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    app.before_request(_check_json_body)
    app.after_request(_add_headers)
