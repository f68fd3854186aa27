"""Sizes of the request line and headers, answered as 414 / 431 problems by the application.

gunicorn refuses oversized request lines and header fields by itself, in HTML; `gunicorn.conf.py`
sets its limits above these ones, so that the application answers first, in problem+json.
gunicorn's request line cannot exceed 8,190 bytes, hence a URL limit a little below it.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import RequestHeaderFieldsTooLarge, RequestURITooLarge

MAX_URL_BYTES = 8000
MAX_HEADER_BYTES = 8000  # one header line: name, ": " and value


def _raw_uri() -> str:
    # gunicorn and werkzeug's server give the URI as sent; the test client gives only its parts.
    return request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path


def _check_sizes() -> None:
    if len(_raw_uri().encode("latin-1", "replace")) > MAX_URL_BYTES:
        raise RequestURITooLarge(f"The URL is longer than {MAX_URL_BYTES} bytes; send fewer or shorter "
                                 "parameters (searches by polygon take a POST body).")
    for name, value in request.headers.items():
        if len(name) + 2 + len(value) > MAX_HEADER_BYTES:
            raise RequestHeaderFieldsTooLarge(f"The {name} header is longer than {MAX_HEADER_BYTES} bytes.")


def init_app(app: Flask) -> None:
    """Check the request line and headers before anything else reads them."""
    app.before_request(_check_sizes)
