"""The peer's HTTP API: `/v1/availability` and `/v1/stores` over PostgreSQL + PostGIS.

The same query parameters, defaults and answer shape as the service's endpoints (first pages:
the benchmark asks for no cursor), the same arithmetic (available = on hand − held − safety
stock; low stock at or below the tenant's threshold; a count older than the freshness limit is
stale and never shown as plain in stock) and the same order: nearest first by great-circle
distance on the mean Earth radius (what Elasticsearch's `arc` computes), ties by store id.

One SQL statement per listing, on a pooled connection (psycopg 3 + psycopg_pool, one connection
per gunicorn thread); key look-ups and products are remembered briefly per worker, as the
service does. What it leaves out: ETags, JSON request logs, metrics, CORS, OpenAPI.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from functools import wraps

from flask import Flask, Response, g, request
from psycopg_pool import ConnectionPool

from bench.peer.hours import hours_at
from bench.peer.load import DEFAULT_DSN, key_hash

DEFAULT_RADIUS_KM, MAX_RADIUS_KM = 25.0, 500.0
DEFAULT_LIMIT, MAX_LIMIT = 10, 100
KEY_SECONDS, PRODUCT_SECONDS = 5.0, 120.0
POINT = "ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography"
STORE_COLUMNS = ("s.store_id, s.name, s.street, s.postcode, s.city, s.country, s.lat, s.lon, s.phone, "
                 "s.timezone, s.opening_hours, s.services, s.status")

# Nearest first in the GiST index's KNN order (`<->` on geography is the spherical distance).
AVAILABILITY_SQL = f"""
SELECT {STORE_COLUMNS}, st.geog <-> {POINT} AS distance_m, st.on_hand - st.held AS on_hand, st.as_of
FROM stock st JOIN stores s ON s.tenant = st.tenant AND s.store_id = st.store_id
WHERE st.tenant = %(tenant)s AND st.sku = %(sku)s AND st.on_hand - st.held >= %(min_on_hand)s
  AND st.store_status <> 'temporarily_closed'
  AND ST_DWithin(st.geog, {POINT}, %(radius_m)s, false)
ORDER BY distance_m, st.store_id
LIMIT %(size)s
"""
STORES_SQL = f"""
SELECT {STORE_COLUMNS}, s.geog <-> {POINT} AS distance_m
FROM stores s
WHERE s.tenant = %(tenant)s AND ST_DWithin(s.geog, {POINT}, %(radius_m)s, false)
ORDER BY distance_m, s.store_id
LIMIT %(size)s
"""
KEY_SQL = """
SELECT k.kind, t.tenant, t.low_stock_threshold, t.safety_stock, t.stock_freshness_hours, t.expose_quantities
FROM api_keys k JOIN tenants t USING (tenant) WHERE k.key_hash = %s AND NOT k.revoked
"""
PRODUCT_SQL = "SELECT sku, name, brand, category FROM products WHERE tenant = %s AND sku = %s"


class BadRequest(Exception):
    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


class TtlCache:
    """A small per-worker cache: {key: (expires, value)}; a None value is not remembered."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.entries: dict = {}
        self.lock = threading.Lock()

    def get(self, key, fetch):
        now = time.monotonic()
        entry = self.entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = fetch()
        if value is not None:
            with self.lock:
                if len(self.entries) > 100_000:
                    self.entries.clear()
                self.entries[key] = (now + self.seconds, value)
        return value


def _number(name: str, kind: type, low: float, high: float, default=None, low_open: bool = False):
    raw = request.args.get(name)
    if raw is None or raw == "":
        if default is None:
            raise BadRequest(400, "Bad request", f"{name} is required.")
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise BadRequest(400, "Bad request", f"{name}: not a valid number.") from None
    if value != value or value < low or value > high or (low_open and value == low):
        raise BadRequest(400, "Bad request", f"{name}: out of range.")
    return value


def _point_args() -> dict:
    return {"lat": _number("lat", float, -90, 90), "lon": _number("lon", float, -180, 180),
            "radius_m": 1000 * _number("radius_km", float, 0, MAX_RADIUS_KM, DEFAULT_RADIUS_KM,
                                       low_open=True)}


def _cursor(distance_m: float, store_id: str, phase: int | None = None) -> str:
    payload: dict = {"a": [distance_m / 1000, store_id]}
    if phase is not None:
        payload["p"] = phase
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def _store(row: tuple, distance_km: float, now: datetime) -> dict:
    store_id, name, street, postcode, city, country, lat, lon, phone, tz, hours, services, status = row[:13]
    closed = status == "temporarily_closed"
    open_now, today, next_at, next_state = hours_at(hours, tz, country, now)
    return {
        "id": store_id, "name": name,
        "address": {"street": street, "postcode": postcode, "city": city, "country": country},
        "location": {"lat": lat, "lon": lon}, "distance_km": distance_km, "phone": phone, "timezone": tz,
        "status": status, "temporarily_closed": closed, "open_now": False if closed else open_now,
        "opening_hours": hours, "hours_today": today,
        "next_change": ({"at": next_at.isoformat(), "state": next_state}
                        if next_at is not None and not closed else None),
        "services": list(services),
    }


def _level(available: int, threshold: int) -> str:
    return "out_of_stock" if available <= 0 else "low_stock" if available <= threshold else "in_stock"


def _json(body: dict, status: int = 200, mimetype: str = "application/json") -> Response:
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(data, status=status, mimetype=mimetype)


def create_app(dsn: str | None = None) -> Flask:
    """Return the peer app; its pool opens in the worker (gunicorn imports the app per worker)."""
    app = Flask(__name__)
    threads = int(os.environ.get("GUNICORN_THREADS", "4"))
    pool = ConnectionPool(dsn or DEFAULT_DSN, min_size=threads, max_size=threads, open=True,
                          kwargs={"autocommit": True, "options": "-c timezone=UTC"})
    keys, products = TtlCache(KEY_SECONDS), TtlCache(PRODUCT_SECONDS)

    def query(sql: str, params) -> list[tuple]:
        with pool.connection() as conn:
            return conn.execute(sql, params).fetchall()

    def require_key(view):
        @wraps(view)
        def wrapper():
            key = request.headers.get("X-Api-Key", "")
            digest = key_hash(key)
            found = keys.get(digest, lambda: (query(KEY_SQL, (digest,)) or [None])[0]) if key else None
            if found is None:
                raise BadRequest(401, "Unauthorized", "A valid X-Api-Key header is required.")
            g.key = found
            return view()
        return wrapper

    @app.errorhandler(BadRequest)
    def bad_request(exc: BadRequest):
        return _json({"type": "about:blank", "title": exc.title, "status": exc.status, "detail": exc.detail},
                     exc.status, "application/problem+json")

    @app.get("/healthz")
    def healthz():
        return _json({"status": "ok"})

    @app.get("/v1/stores")
    @require_key
    def stores():
        args = _point_args()
        limit = _number("limit", int, 1, MAX_LIMIT, DEFAULT_LIMIT)
        tenant = g.key[1]
        rows = query(STORES_SQL, {**args, "tenant": tenant, "size": limit + 1})
        now = datetime.now(UTC)
        results = [_store(r, round(r[13] / 1000, 3), now) for r in rows[:limit]]
        more = _cursor(rows[limit - 1][13], rows[limit - 1][0]) if len(rows) > limit else None
        return _json({"results": results, "next_cursor": more})

    @app.get("/v1/availability")
    @require_key
    def availability():
        sku = request.args.get("sku", "")
        if not 1 <= len(sku) <= 200:
            raise BadRequest(400, "Bad request", "sku is required.")
        args = _point_args()
        limit = _number("limit", int, 1, MAX_LIMIT, DEFAULT_LIMIT)
        min_qty = _number("min_qty", int, 1, 100_000, 1)
        kind, tenant, threshold, safety, freshness_hours, expose = g.key
        product = products.get((tenant, sku), lambda: (query(PRODUCT_SQL, (tenant, sku)) or [None])[0])
        if product is None:
            raise BadRequest(404, "Not found", f"Unknown sku: {sku}.")
        rows = query(AVAILABILITY_SQL, {**args, "tenant": tenant, "sku": sku, "min_on_hand": min_qty + safety,
                                        "size": limit + 1})
        now = datetime.now(UTC)
        stale_before = now - timedelta(hours=freshness_hours)
        show_qty = kind == "secret" or expose
        results = []
        for row in rows[:limit]:
            distance = round(row[13] / 1000, 3)
            available = max(0, row[14] - safety)
            reported = _level(available, threshold)
            stale = row[15] < stale_before
            entry = {"store": _store(row, distance, now), "distance_km": distance,
                     "level": "low_stock" if stale and reported == "in_stock" else reported,
                     "reported_level": reported, "stale": stale, "updated_at": row[15].isoformat()}
            if show_qty:
                entry["available_qty"] = available
            results.append(entry)
        more = _cursor(rows[limit - 1][13], rows[limit - 1][0], 1) if len(rows) > limit else None
        return _json({"sku": sku, "product": {"sku": product[0], "name": product[1], "brand": product[2],
                                              "category": product[3]},
                      "results": results, "next_cursor": more})

    return app
