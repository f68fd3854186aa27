"""Pure rules of back-in-stock alerts: identity, tokens, life cycle and matching."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime

from locator.stock import model as stock

PENDING, ACTIVE, SENT, CANCELLED, EXPIRED = "pending", "active", "sent", "cancelled", "expired"
OPEN = (PENDING, ACTIVE)
MAX_STORES = 20  # an alert "within N km" watches at most the 20 nearest stores


def alert_id(tenant: str, email: str, sku: str, store_ids: Iterable[str]) -> str:
    """Return the id of the one alert per (email, sku, place): a repeat finds the same alert."""
    place = ",".join(sorted(store_ids))
    raw = "\x1f".join([tenant, email.strip().lower(), sku, place])
    return "a_" + hashlib.sha256(raw.encode()).hexdigest()[:30]


def new_token(tenant: str) -> str:
    """Return a fresh link token (shown only in an email, stored only hashed).

    It starts with the tenant (`acme.…`): the landing page that posts it has no API key, and
    the tenant scopes its lookup. Tenant ids hold no dot, random tokens none either.
    """
    return f"{tenant}.{secrets.token_urlsafe(24)}"


def token_tenant(token: str) -> str | None:
    """Return the tenant a link token names, or None when it names none."""
    tenant, dot, rest = token.partition(".")
    return tenant if dot and tenant and rest else None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(stored_hash: str | None, token: str) -> bool:
    return bool(stored_hash) and hmac.compare_digest(stored_hash, hash_token(token))


def effective_status(doc: dict, now: datetime) -> str:
    """Return the status as of now: an open alert past `expires_at` is expired at once."""
    if doc["status"] in OPEN and stock.parse_time(doc["expires_at"]) <= now:
        return EXPIRED
    return doc["status"]


def crossed_zero(before: dict | None, after: dict, safety_stock: int, now: datetime) -> bool:
    """Tell whether a stock write made a (store, sku) available again: only these rows are
    looked up against alerts, so a feed of a million unchanged or still-stocked rows costs
    nothing here."""
    was = stock.available_qty(before, safety_stock, now) if before else 0
    return was <= 0 < stock.available_qty(after, safety_stock, now)


def came_back(unheld_before: int | None, unheld_after: int | None, safety_stock: int) -> bool:
    """Tell whether an applied write (`RowOutcome.unheld_*`) made a (store, sku) available again."""
    if unheld_before is None or unheld_after is None:
        return False
    return unheld_before <= safety_stock < unheld_after


def match_query(tenant: str, store_ids: list[str], skus: list[str], now: datetime) -> dict:
    """Return the query of the active, unexpired alerts that some of these rows may end."""
    return {"bool": {"filter": [
        {"term": {"tenant": tenant}}, {"term": {"status": ACTIVE}},
        {"terms": {"sku": sorted(set(skus))}}, {"terms": {"store_ids": sorted(set(store_ids))}},
        {"range": {"expires_at": {"gt": now.isoformat()}}},
    ]}}


def pick_matches(alerts: list[dict], crossed: set[tuple[str, str]]) -> list[tuple[dict, str]]:
    """Return (alert, store) for each alert that a crossed (store, sku) ends: the nearest such
    store of the alert (its `store_ids` are nearest first)."""
    found = []
    for alert in alerts:
        store = next((s for s in alert["store_ids"] if (s, alert["sku"]) in crossed), None)
        if store is not None:
            found.append((alert, store))
    return found
