"""CORS for the API: preflights, and the `Origin` check of browser calls against the key.

A preflight carries no API key, so it cannot be checked against one: it is answered for the
methods a publishable key may use (GET, POST), and the real request is then checked once its key
is known (`check_origin`, called by authentication): a publishable key only from its allowed
origins, a secret key never from a browser page of another origin. Same-origin pages (the demo)
and callers without a browser (apps, back-ends: no `Origin` header) are always allowed.
No cookies are used, so `Access-Control-Allow-Credentials` is never sent.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request

from locator.errors import Forbidden, ValidationFailed
from locator.tenants.service import normalize_origin

API_PREFIX = "/v1/"
PREFLIGHT_METHODS = ("GET", "POST")
ALLOWED_HEADERS = ("X-Api-Key", "Content-Type", "Idempotency-Key", "X-Request-Id", "X-Reservation-Token")
EXPOSED_HEADERS = ("X-Request-Id", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining",
                   "X-RateLimit-Reset", "Location", "Idempotent-Replayed", "ETag")
PREFLIGHT_MAX_AGE = 600
# Errors answered before or instead of a key check carry no tenant data: let the widget read them.
_READABLE_WITHOUT_KEY = {401, 413, 429, 503}


def own_origin() -> str:
    """Return this service's origin (PUBLIC_URL when behind a proxy, else the request's host)."""
    public_url = current_app.config["LOCATOR"].public_url
    return normalize_origin(public_url or request.host_url)


def request_origin() -> str | None:
    """Return the normalized `Origin` of a cross-origin browser call, None when same-origin or absent."""
    raw = request.headers.get("Origin")
    if raw is None:
        return None
    try:
        origin = normalize_origin(raw)
    except ValidationFailed:
        return raw  # "null" (sandboxed frames, file://) and junk: allowed by no key
    return None if origin == own_origin() else origin


def check_origin(kind: str, allowed: tuple[str, ...]) -> None:
    """Refuse a cross-origin browser call unless a publishable key allows its origin (403)."""
    origin = request_origin()
    if origin is None:
        return
    if kind == "store":
        raise Forbidden("Store keys work only on this service's own pages (the /desk page).")
    if kind != "publishable":
        raise Forbidden("Secret keys must not be used from a web page: use a publishable key there.")
    if origin not in allowed:
        raise Forbidden(f"This key is not allowed from origin {origin}; add it with "
                        "`locator keys create --origin`.")
    g.cors_origin = origin


def _is_api() -> bool:
    return request.path.startswith(API_PREFIX)


def _preflight() -> Response | None:
    if request.method != "OPTIONS" or not _is_api():
        return None
    wanted = request.headers.get("Access-Control-Request-Method")
    origin = request.headers.get("Origin")
    if not wanted or not origin:
        return None  # a plain OPTIONS: let routing answer it
    response = Response(status=204)
    response.headers["Vary"] = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
    if wanted.upper() not in PREFLIGHT_METHODS:
        # Writes that need a secret key (PUT /v1/stock, ...) never come from a browser.
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Allow-Methods"] = ", ".join(PREFLIGHT_METHODS)
    response.headers["Access-Control-Allow-Headers"] = ", ".join(ALLOWED_HEADERS)
    response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


def _add_headers(response: Response) -> Response:
    if not _is_api() or request.method == "OPTIONS":
        return response
    if "Origin" not in response.headers.get("Vary", ""):  # the listings name it already
        response.vary.add("Origin")
    origin = g.get("cors_origin")
    if origin is None and response.status_code in _READABLE_WITHOUT_KEY:
        origin = request.headers.get("Origin")
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSED_HEADERS)
    return response


def init_app(app: Flask) -> None:
    """Answer preflights and add CORS headers to API responses."""
    app.before_request(_preflight)
    app.after_request(_add_headers)
