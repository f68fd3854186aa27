"""Domain exceptions: each maps to one HTTP status and problem type (see `locator.http.problems`)."""

from __future__ import annotations

from typing import Any


class LocatorError(Exception):
    """A domain error that maps to one HTTP status and problem type."""

    status = 400
    type_slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, *, errors: dict | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.extra = extra


class ValidationFailed(LocatorError):
    status = 400
    type_slug = "validation-error"
    title = "Invalid request"


class Unauthorized(LocatorError):
    status = 401
    type_slug = "unauthorized"
    title = "Missing or unknown API key"


class Forbidden(LocatorError):
    status = 403
    type_slug = "forbidden"
    title = "This key may not do that"


class NotFound(LocatorError):
    status = 404
    type_slug = "not-found"
    title = "Not found"


class Conflict(LocatorError):
    status = 409
    type_slug = "conflict"
    title = "Conflict"


class Unprocessable(LocatorError):
    status = 422
    type_slug = "unprocessable"
    title = "Unprocessable request"


class ServiceUnavailable(LocatorError):
    status = 503
    type_slug = "service-unavailable"
    title = "Service temporarily unavailable"
