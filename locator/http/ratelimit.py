"""Rate limits on the public API, per client, per API key and per address (flask-limiter).

Every limit is application-wide (one budget across every /v1 endpoint) and counted in storage
shared by every gunicorn worker: Redis (`RATELIMIT_STORAGE_URI=redis://…`, which `make run` and
`make test` start on their own ports). `memory://` counts per process and is for a single process
only. When the storage fails the service keeps answering with per-worker in-memory limits
rather than refusing traffic; a rate limiter must never become the outage.

Public traffic is a request with a publishable key, or with a key that is not a valid one of
another kind; every shopper of a site shares the site's publishable key, so:
- Per client (`RATELIMIT_PER_CLIENT`): each (key, client address) has its own budget.
- Per key (`RATELIMIT_DEFAULT`): a ceiling over all the key's clients. It is spent only by the
  requests that were let through (flask-limiter's `deduct_when`), so one address that runs out
  of its own budget cannot use up the key's: keep RATELIMIT_PER_CLIENT below it.
Server traffic is a request with a valid key of any other kind (secret keys, and whatever kind
comes next, e.g. store credentials): it spends only that key's own budget (`RATELIMIT_DEFAULT`),
exactly, whatever address it comes from.
- Per client address (`RATELIMIT_PER_ADDRESS`): every request but server traffic, keyless and
  unknown keys included; this is what slows down key guessing and a single abusive browser.
- Refused keys per client address (`RATELIMIT_FAILED_KEYS`): only answers 401 spend from it, so
  an address that keeps trying keys (a store desk's sign-in, a script) is stopped long before
  the general budget, while its good requests are not counted. Give it a longer window than the
  others (hours): flask-limiter reports the limit of the shortest window in `X-RateLimit-*`.
The key is hashed before it names a bucket, so the storage never sees it.
"""

from __future__ import annotations

import hashlib
import logging
import time

from flask import Flask, Response, current_app, g, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded
from limits import parse_many

from locator.http.auth import API_KEY_HEADER, MAX_KEY_LENGTH, lookup_key
from locator.http.problems import RETRY_AFTER_SECONDS, problem

API_PREFIX = "/v1/"
PUBLISHABLE = "publishable"
EXTENSION_KEY = "locator_limiter"
SERVER_KEY_FLAG = "locator_server_key"
log = logging.getLogger(__name__)


def _api_key() -> str:
    return request.headers.get(API_KEY_HEADER, "").strip()


def key_bucket() -> str:
    """Return the per-key bucket: a hash of the key as sent."""
    digest = hashlib.sha256(_api_key()[:MAX_KEY_LENGTH].encode()).hexdigest()[:32]
    return f"key:{digest}"


def address_bucket() -> str:
    """Return the per-address bucket: the client address as the server sees it."""
    return f"addr:{request.remote_addr or 'unknown'}"


def client_bucket() -> str:
    """Return the per-client bucket: the key as sent (hashed) and the client address."""
    return f"{key_bucket()}:{address_bucket()}"


def _server_key() -> bool:
    """Tell whether the request carries a valid key of a kind other than publishable."""
    if SERVER_KEY_FLAG not in g:  # asked by several limits: one lookup per request
        g.setdefault(SERVER_KEY_FLAG, _looks_up_as_server_key(_api_key()))
    return g.get(SERVER_KEY_FLAG)


def _looks_up_as_server_key(plaintext: str) -> bool:
    if not plaintext or len(plaintext) > MAX_KEY_LENGTH:
        return False
    try:
        found = lookup_key(plaintext)
    except Exception:  # Elasticsearch down: count it as public; the view answers 503 anyway
        return False
    return found is not None and found[0].kind != PUBLISHABLE


def _not_public() -> bool:
    return not _api_key() or _server_key()


def _not_server() -> bool:
    return not _server_key()


def _let_through(response: Response) -> bool:
    return response.status_code != 429


def _refused(response: Response) -> bool:
    return response.status_code == 401


def _not_limited() -> bool:
    # Health probes, metrics, docs and static files are not the public API; preflights are
    # answered without any work.
    return not request.path.startswith(API_PREFIX) or request.method == "OPTIONS"


def _too_many(exc: RateLimitExceeded) -> Response:
    limiter: Limiter = current_app.extensions[EXTENSION_KEY]
    current = limiter.current_limit
    retry_after = max(1, int(current.reset_at - time.time())) if current else RETRY_AFTER_SECONDS
    return problem(
        429,
        "Too many requests",
        f"Rate limit of {exc.description} exceeded; retry after {retry_after} s.",
        type_slug="rate-limited",
        headers={"Retry-After": str(retry_after)},
    )


def _keep_retry_after_meaningful(response: Response) -> Response:
    # flask-limiter writes Retry-After on every response it counted (even a 200) and stretches
    # an existing one to its window's reset; keep it where it means "retry later".
    if response.status_code == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    elif response.status_code != 429:
        response.headers.remove("Retry-After")  # pop() would raise and catch inside when absent
    return response


def _per_second(limit: str) -> float:
    return min(item.amount / item.get_expiry() for item in parse_many(limit))


def _warn_if_one_client_can_exhaust_a_key(per_client: str, per_key: str) -> None:
    if _per_second(per_client) >= _per_second(per_key):
        log.warning("RATELIMIT_PER_CLIENT (%s) is not below RATELIMIT_DEFAULT (%s): one address can "
                    "use up a publishable key's whole budget", per_client, per_key)


def build_limiter(app: Flask) -> Limiter:
    """Return the limiter for this application's configuration (not yet attached)."""
    config = app.config["LOCATOR"]
    storage_uri = config.ratelimit_storage_uri
    options: dict = {}
    if storage_uri.startswith(("redis://", "rediss://", "valkey://")):
        # A stalled Redis must not stall the API: fail fast, then fall back to memory.
        options = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
    _warn_if_one_client_can_exhaust_a_key(config.ratelimit_per_client, config.ratelimit_default)
    return Limiter(
        key_bucket,
        application_limits=[
            ApplicationLimit(config.ratelimit_per_client, key_function=client_bucket, scope="per-client",
                             exempt_when=_not_public),
            ApplicationLimit(config.ratelimit_default, key_function=key_bucket, scope="per-key",
                             exempt_when=_not_public, deduct_when=_let_through),
            ApplicationLimit(config.ratelimit_default, key_function=key_bucket, scope="per-key",
                             exempt_when=_not_server),
            ApplicationLimit(config.ratelimit_per_address, key_function=address_bucket,
                             scope="per-address", exempt_when=_server_key),
            ApplicationLimit(config.ratelimit_failed_keys, key_function=address_bucket,
                             scope="failed-keys", exempt_when=_server_key,
                             deduct_when=_refused),
        ],
        storage_uri=storage_uri,
        storage_options=options,
        strategy="sliding-window-counter",
        headers_enabled=True,
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        key_prefix=f"{config.index_prefix}-ratelimit",
        enabled=config.ratelimit_enabled,
    )


def init_app(app: Flask) -> None:
    """Attach the rate limits; 429 answers are problem+json with `Retry-After`."""
    config = app.config["LOCATOR"]
    # Registered before the limiter, so it runs after the limiter's header injection.
    app.after_request(_keep_retry_after_meaningful)
    limiter = build_limiter(app)
    limiter.request_filter(_not_limited)
    limiter.init_app(app)
    app.extensions[EXTENSION_KEY] = limiter
    app.register_error_handler(RateLimitExceeded, _too_many)
    if config.ratelimit_enabled and config.ratelimit_storage_uri.startswith("memory://"):
        log.info("rate limits are counted per process (RATELIMIT_STORAGE_URI=memory://); "
                 "use Redis when running several workers")
