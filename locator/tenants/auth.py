"""API-key authentication: every request is scoped to its key's tenant."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from functools import wraps
from typing import TypeVar

from flask import Flask, current_app, g, request

from locator.errors import Forbidden, Unauthorized
from locator.es import get_es
from locator.tenants.service import ApiKey, KeyCache, Tenant

API_KEY_HEADER = "X-Api-Key"
F = TypeVar("F", bound=Callable)


def current_key() -> ApiKey:
    """Return the authenticated key of this request."""
    return g.api_key


def current_tenant() -> Tenant:
    """Return the tenant of this request's key."""
    return g.tenant


def authenticate(kinds: tuple[str, ...]) -> tuple[ApiKey, Tenant]:
    """Check the request's key: 401 when missing or unknown, 403 when of the wrong kind."""
    plaintext = request.headers.get(API_KEY_HEADER, "").strip()
    if not plaintext:
        raise Unauthorized(f"Send your API key in the {API_KEY_HEADER} header.")
    found = current_app.extensions["key_cache"].lookup(
        get_es(), current_app.config["LOCATOR"], plaintext
    )
    if found is None:
        raise Unauthorized("This API key is unknown or has been revoked.")
    key, tenant = found
    if key.kind not in kinds:
        raise Forbidden(f"This endpoint needs a {' or '.join(kinds)} key, not a {key.kind} key.")
    g.api_key, g.tenant = key, tenant
    return key, tenant


def require_key(*kinds: str) -> Callable[[F], F]:
    """Decorate a view: authenticate with one of `kinds` (default: any) and document it."""
    allowed = kinds or ("publishable", "secret")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args, **kwargs):
            authenticate(allowed)
            return view(*args, **kwargs)

        doc = deepcopy(getattr(wrapper, "_apidoc", {}))
        manual = doc.setdefault("manual_doc", {})
        manual["security"] = [{"ApiKey": []}]
        manual.setdefault("description", "")
        if allowed == ("secret",):
            manual["description"] = (manual["description"] + "\n\nNeeds a secret key.").strip()
        wrapper._apidoc = doc
        return wrapper  # type: ignore[return-value]

    return decorator


def init_app(app: Flask) -> None:
    """Create this worker's key cache."""
    app.extensions["key_cache"] = KeyCache(app.config["LOCATOR"].key_cache_seconds)
