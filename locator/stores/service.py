"""Store searches and store summaries (no Flask here: the views pass in what they need)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from elasticsearch import Elasticsearch, NotFoundError

from locator import areas, geo, listing
from locator.config import Config
from locator.errors import NotFound
from locator.es import run_search
from locator.geo import Point
from locator.indices import TENANT_SEARCH, tenant_alias
from locator.mappings import entity_id
from locator.stores import hours, queries
from locator.stores.queries import StoreSearch
from locator.stores.table import StoreTable

TEMPORARILY_CLOSED = "temporarily_closed"
# With open_now, closed stores are skipped in Python: read several pages' worth at a time.
OPEN_NOW_BATCH = 200
MAX_SCANNED = 20_000  # a bound on one request's work, whatever the data


@dataclass(frozen=True)
class Page:
    """One page of results and the cursor of the next one (None on the last page)."""

    results: list[dict]
    next_cursor: str | None


def search_hits(es: Elasticsearch, index: str, body: dict) -> list[dict]:
    """Run a search and return its hits (each with `_source` and `sort` only)."""
    body = dict(body)
    routing = {"routing": body.pop("routing")} if "routing" in body else {}  # a URL parameter
    response = run_search(es, index, body, filter_path=listing.HITS_FILTER_PATH, **TENANT_SEARCH, **routing)
    return response.get("hits", {}).get("hits", [])


def store_hits(es: Elasticsearch, index: str, search: StoreSearch, size: int,
               search_after: list | None = None) -> list[dict]:
    """Return one page of store hits, cut at the search's radius (a page cut short is the last)."""
    hits = search_hits(es, index, queries.store_search_body(search, size, search_after))
    if search.point is not None and search.radius_km is not None:
        return areas.within_radius(hits, search.radius_km)  # sorted from that point
    return hits


def store_summary(source: dict, now: datetime, distance: float | None = None) -> dict:
    """Return a store as listings show it, with its hours evaluated at `now` in its time zone."""
    closed = source.get("status") == TEMPORARILY_CLOSED
    info = hours.evaluate(source.get("opening_hours"), source.get("timezone"), now,
                          source.get("country"))
    next_change = None
    if info.next_change_at is not None and not closed:
        next_change = {"at": info.next_change_at.isoformat(), "state": info.next_state}
    location = source.get("location") or {}
    return {
        "id": source["store_id"],
        "name": source.get("name", ""),
        "address": {
            "street": source.get("street") or "",
            "postcode": source.get("postcode") or "",
            "city": source.get("city") or "",
            "country": source.get("country") or "",
        },
        "location": {"lat": location.get("lat"), "lon": location.get("lon")},
        "distance_km": distance,
        "phone": source.get("phone") or None,
        "timezone": source.get("timezone") or None,
        "status": source.get("status") or "open",
        "temporarily_closed": closed,
        "open_now": False if closed else info.open_now,
        "opening_hours": source.get("opening_hours") or None,
        "hours_today": info.today,
        "next_change": next_change,
        "services": list(source.get("services") or []),
    }


def search_stores(
    es: Elasticsearch,
    config: Config,
    search: StoreSearch,
    *,
    limit: int,
    cursor: str | None,
    now: datetime,
    open_now: bool = False,
    table: StoreTable | None = None,
) -> Page:
    """Return one page of stores matching `search`, nearest first (ties by store id).

    With `table`, a radius-only search is answered from it (`StoreTable.nearby`), without a
    search request.
    """
    point = queries.reference_point(search)
    search_after, _phase = listing.decode_cursor(cursor, listing.DISTANCE if point else listing.TEXT)
    index = tenant_alias(config, "stores", search.tenant)
    results: list[dict] = []
    last_sort: list | None = None
    scanned = 0
    while True:
        # One extra hit tells whether a next page exists without another round trip.
        size = min(max(limit * 3, OPEN_NOW_BATCH), 1000) if open_now else limit + 1
        hits = _page_hits(es, config, index, search, size, search_after, table)
        scanned += len(hits)
        for hit in hits:
            if len(results) == limit:
                return Page(results, listing.encode_cursor(last_sort))
            summary = store_summary(hit["_source"], now, geo.distance_km(hit["sort"], point))
            search_after = hit["sort"]
            if open_now and summary["open_now"] is not True:
                continue
            results.append(summary)
            last_sort = hit["sort"]
        if len(hits) < size or scanned >= MAX_SCANNED:
            # Exhausted (or bounded): with open_now, a bounded scan still hands back a cursor.
            more = len(hits) == size and open_now
            return Page(results, listing.encode_cursor(search_after) if more else None)


def _page_hits(es: Elasticsearch, config: Config, index: str, search: StoreSearch, size: int,
               search_after: list | None, table: StoreTable | None) -> list[dict]:
    if table is not None and search.radius_only:
        hits = table.nearby(es, config, search.tenant, search.point, search.radius_km,
                            search.services, size, search_after)
        if hits is not None:
            return hits
    return store_hits(es, index, search, size, search_after)


def get_store(es: Elasticsearch, config: Config, tenant: str, store_id: str, now: datetime,
              point: Point | None = None) -> dict:
    """Return one store's summary, or raise NotFound."""
    try:
        doc = es.get(index=tenant_alias(config, "stores", tenant), id=entity_id(tenant, store_id),
                     source_includes=queries.STORE_SOURCE)
    except NotFoundError as exc:
        raise NotFound(f"No store {store_id!r}.") from exc
    source = doc["_source"]
    distance = None
    if point is not None:
        loc = source.get("location") or {}
        distance = round(geo.arc_km(point.lat, point.lon, loc["lat"], loc["lon"]), 3)
    return store_summary(source, now, distance)


def store_table(refresh_seconds: float) -> StoreTable:
    """Return a per-worker table of every store, for listings built from stock documents.

    Stock documents copy what they filter on (location, status, services); names, addresses and
    hours come from here, and radius-only store listings entirely. A store edit shows in these
    listings within `refresh_seconds` (a closure filters stock at once: stock documents carry the
    store status).
    """
    return StoreTable(queries.STORE_SOURCE, refresh_seconds=refresh_seconds)
