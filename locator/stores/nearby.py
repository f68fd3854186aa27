"""Stores within a radius from the worker's store table, as the store search would find them.

A plain "stores within r km of a point" listing (no text, viewport or polygon) needs no search
request: the store table (`locator.stores.table`) holds every store of the tenant, and this index
files them by area (`locator.areas`). The stores of the areas the circle touches get their
great-circle distance computed the way Elasticsearch sorts (from the point as a geo_point's doc
value stores it, with `locator.geo.arc_km`: equal to its sort values within
1e-9 km), are cut at the radius and sorted nearest first, ties by store id. They come out shaped
as search hits (`_source` and `sort`), so listings, cursors and `open_now` use them unchanged.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable

from locator.areas import area_of
from locator.geo import Point, arc_km

# A geo_point's doc value keeps 32 bits of latitude and 32 of longitude (Lucene's encoding).
LAT_STEP = 180.0 / 2**32
LON_STEP = 360.0 / 2**32


def doc_value_point(lat: float, lon: float) -> tuple[float, float]:
    """Return a location as Elasticsearch measures from it (rounded down to its 32-bit grid)."""
    lat = min(lat, math.nextafter(90.0, 0.0))
    lon = min(lon, math.nextafter(180.0, 0.0))
    return math.floor(lat / LAT_STEP) * LAT_STEP, math.floor(lon / LON_STEP) * LON_STEP


class AreaIndex:
    """The stores of one tenant filed by area.

    Readers run beside a refresh without a lock: each area holds a tuple, replaced whole by a
    change, so a reader sees an area either before or after it, never half changed. Writers (a
    refresh, a store fetched by id) take turns.
    """

    def __init__(self, stores: Iterable[dict] = ()) -> None:
        filed: dict[str, list[tuple[str, float, float]]] = {}
        self._area_of: dict[str, str] = {}
        for store in stores:
            entry = _entry(store)
            if entry is not None:
                area, filed_as = entry
                filed.setdefault(area, []).append(filed_as)
                self._area_of[store["store_id"]] = area
        self._areas = {area: tuple(entries) for area, entries in filed.items()}
        self._writing = threading.Lock()

    def put(self, store: dict) -> None:
        """File a store (a stores-index `_source`) under its area, replacing what it was."""
        entry = _entry(store)
        with self._writing:
            self._remove(store["store_id"])
            if entry is not None:
                area, filed_as = entry
                self._areas[area] = (*self._areas.get(area, ()), filed_as)
                self._area_of[store["store_id"]] = area

    def remove(self, store_id: str) -> None:
        """Forget a store."""
        with self._writing:
            self._remove(store_id)

    def _remove(self, store_id: str) -> None:
        area = self._area_of.pop(store_id, None)
        if area is not None:
            self._areas[area] = tuple(e for e in self._areas.get(area, ()) if e[0] != store_id)

    def within(self, point: Point, radius_km: float, areas: list[str]) -> list[tuple[float, str]]:
        """Return (distance km, store id) of the stores of `areas` within the radius, nearest first."""
        found = []
        for area in areas:
            for store_id, lat, lon in self._areas.get(area, ()):
                distance = arc_km(point.lat, point.lon, lat, lon)
                if distance <= radius_km:
                    found.append((distance, store_id))
        found.sort()
        return found


def _entry(store: dict) -> tuple[str, tuple[str, float, float]] | None:
    """Return a store's area and what is filed there (id and doc-value point); None without location."""
    location = store.get("location")
    if not location:
        return None
    lat, lon = doc_value_point(float(location["lat"]), float(location["lon"]))
    return area_of(location), (store["store_id"], lat, lon)


def nearby_hits(found: list[tuple[float, str]], stores: dict[str, dict], services: tuple[str, ...],
                size: int, search_after: list | None) -> list[dict]:
    """Return up to `size` hits after the cursor's position, of stores offering every service."""
    after = (float(search_after[0]), str(search_after[1])) if search_after else None
    hits: list[dict] = []
    for distance, store_id in found:
        if after is not None and (distance, store_id) <= after:
            continue
        source = stores.get(store_id)
        if source is None or (services and not set(services) <= set(source.get("services") or ())):
            continue
        hits.append({"_source": source, "sort": [distance, store_id]})
        if len(hits) == size:
            break
    return hits
