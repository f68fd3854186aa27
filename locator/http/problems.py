"""The one problem+json (RFC 9457) shape for every error, raised or routed."""

from __future__ import annotations

import logging
from typing import Any

from elastic_transport import ConnectionError as ESConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError
from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException

from locator.errors import LocatorError

PROBLEM_TYPE_BASE = "https://store-locator.dev/problems/"
log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    type_slug: str | None = None,
    errors: dict | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """Build an application/problem+json response."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + (type_slug or title.lower().replace(" ", "-")),
        "title": title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    request_id = getattr(request, "request_id", None) if request else None
    if request_id:
        body["request_id"] = request_id
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _from_locator_error(exc: LocatorError) -> Response:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if exc.status == 503 else None
    return problem(
        exc.status,
        exc.title,
        exc.detail,
        type_slug=exc.type_slug,
        errors=exc.errors,
        headers=headers,
        **exc.extra,
    )


def _from_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    # flask-smorest/webargs put field messages in exc.data["messages"].
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if messages:
        errors = _flatten_locations(messages)
        return problem(
            400,
            "Invalid request",
            "One or more fields are invalid: " + ", ".join(sorted(errors)) + ".",
            type_slug="validation-error",
            errors=errors,
        )
    headers = {}
    if getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    detail = exc.description if status != 500 else None
    return problem(status, exc.name, detail, headers=headers)


def _flatten_locations(messages: dict) -> dict:
    """webargs nests errors by location ("query", "json"); clients want field names."""
    flat: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def _unavailable(exc: Exception) -> Response:
    log.warning("elasticsearch unavailable: %s", type(exc).__name__)
    return problem(
        503,
        "Service temporarily unavailable",
        "The search backend cannot be reached; retry shortly.",
        type_slug="service-unavailable",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _unexpected(exc: Exception) -> Response:
    log.exception("unhandled error")
    return problem(500, "Internal Server Error", "An unexpected error occurred.")


def _api_error(exc: ApiError) -> Response:
    if exc.meta.status in (429, 502, 503, 504):
        return _unavailable(exc)
    if exc.meta.status == 400:
        # The search could not run with what the request carried (validation let something
        # through that Elasticsearch refuses): the caller's input, not an outage.
        log.warning("elasticsearch refused the query: %s", exc.error)
        return problem(400, "Invalid request", "The search cannot run with these parameters.",
                       type_slug="validation-error")
    return _unexpected(exc)


def init_app(app: Flask) -> None:
    """Answer every error, raised or routed, as problem+json."""
    app.register_error_handler(LocatorError, _from_locator_error)
    app.register_error_handler(HTTPException, _from_http_exception)
    app.register_error_handler(ESConnectionError, _unavailable)
    app.register_error_handler(ConnectionTimeout, _unavailable)
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(Exception, _unexpected)
