"""API-key authentication: every request is scoped to its key's tenant."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Flask, current_app, g, request
from flask_smorest import Blueprint

from locator.errors import Forbidden, NotFound, Unauthorized
from locator.http import cors
from locator.http.es import get_es
from locator.tenants.service import ApiKey, KeyCache, Tenant

API_KEY_HEADER = "X-Api-Key"
MAX_KEY_LENGTH = 200  # real keys are ~35 characters; longer is junk, not worth a lookup
KINDS_ATTRIBUTE = "_locator_key_kinds"
# A view may accept another credential when no key is sent (the report page's signed links):
# a callable that sets g.api_key and g.tenant, or raises Unauthorized.
ALTERNATIVE_ATTRIBUTE = "_locator_alternative_credential"
F = TypeVar("F", bound=Callable)


def current_key() -> ApiKey:
    """Return the authenticated key of this request."""
    return g.api_key


def current_tenant() -> Tenant:
    """Return the tenant of this request's key."""
    return g.tenant


def require_store_scope(store_id: str | None) -> None:
    """Refuse (403) a store key acting on a store other than its own; other keys pass."""
    key = current_key()
    if key.kind == "store" and key.store_id != store_id:
        raise Forbidden(f"This store key manages store {key.store_id!r} only, not {store_id!r}.")


def require_visible_reservation(doc: dict) -> dict:
    """Return a reservation unless a store key of another store asks for it (404, as if missing)."""
    key = current_key()
    if key.kind == "store" and doc.get("store_id") != key.store_id:
        raise NotFound(f"No reservation {doc.get('reservation_id')!r}.")
    return doc


def lookup_key(plaintext: str) -> tuple[ApiKey, Tenant] | None:
    """Return the live key and its tenant (cached per worker), or None when unknown or revoked."""
    return current_app.extensions["key_cache"].lookup(get_es(), current_app.config["LOCATOR"], plaintext)


def authenticate(kinds: tuple[str, ...],
                 alternative: Callable[[], None] | None = None) -> tuple[ApiKey, Tenant]:
    """Check the request's key: 401 when missing or unknown, 403 when of the wrong kind or origin."""
    plaintext = request.headers.get(API_KEY_HEADER, "").strip()
    if not plaintext and alternative is not None:
        alternative()
        return g.api_key, g.tenant
    if not plaintext:
        raise Unauthorized(f"Send your API key in the {API_KEY_HEADER} header.")
    found = lookup_key(plaintext) if len(plaintext) <= MAX_KEY_LENGTH else None
    if found is None:
        raise Unauthorized("This API key is unknown or has been revoked.")
    key, tenant = found
    if key.kind not in kinds:
        raise Forbidden(f"This endpoint needs a {' or '.join(kinds)} key, not a {key.kind} key.")
    cors.check_origin(key.kind, key.origins)
    g.api_key, g.tenant = key, tenant
    return key, tenant


def require_key(*kinds: str, alternative: Callable[[], None] | None = None) -> Callable[[F], F]:
    """Decorate a view: authenticate with one of `kinds` (default: any) and document it.

    `alternative` checks another credential when the request sends no key (see ALTERNATIVE_ATTRIBUTE).
    """
    allowed = kinds or ("publishable", "secret", "store")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if g.get("api_key") is None:  # not yet done by the early check
                authenticate(allowed, alternative)
            return view(*args, **kwargs)

        # flask-smorest's decorators copy these attributes outwards (functools.wraps), so the
        # early check below finds them on the registered view.
        setattr(wrapper, KINDS_ATTRIBUTE, allowed)
        setattr(wrapper, ALTERNATIVE_ATTRIBUTE, alternative)

        # A manual description replaces the docstring's in the OpenAPI document: keep its body.
        _summary, _, body = (inspect.getdoc(view) or "").partition("\n\n")
        notes = [body.strip(), {("secret",): "Needs a secret key.",
                                ("secret", "store"): "Needs a secret key, or the store's store key."
                                }.get(allowed, "")]
        return Blueprint.doc(security=[{"ApiKey": []}],
                             description="\n\n".join(note for note in notes if note))(wrapper)

    return decorator


def _authenticate_early() -> None:
    # Authenticate before flask-smorest parses the arguments, so that a request without a valid
    # key gets its 401/403 whatever else is wrong with it, and unauthenticated bodies are not parsed.
    if request.method == "OPTIONS" or request.endpoint is None:
        return
    view = current_app.view_functions.get(request.endpoint)
    kinds = getattr(view, KINDS_ATTRIBUTE, None)
    if kinds:
        authenticate(kinds, getattr(view, ALTERNATIVE_ATTRIBUTE, None))


def init_app(app: Flask) -> None:
    """Create this worker's key cache and authenticate each request before its view runs."""
    app.extensions["key_cache"] = KeyCache(app.config["LOCATOR"].key_cache_seconds)
    app.before_request(_authenticate_early)
