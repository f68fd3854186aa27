"""Stores within a radius from the worker's store table, as the store search would find them.

A plain "stores within r km of a point" listing (no text, viewport or polygon) needs no search
request: the store table (`locator.stores.table`) holds every store of the tenant, and this index
files them by area (`locator.areas`). The stores of the areas the circle touches get their
great-circle distance computed the way Elasticsearch sorts (from the point as a geo_point's doc
value stores it, the same haversine on the mean Earth radius: equal to its sort values within
1e-9 km), are cut at the radius and sorted nearest first, ties by store id. They come out shaped
as search hits (`_source` and `sort`), so listings, cursors and `open_now` use them unchanged.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable

from locator.areas import area_of
from locator.geo import Point

# A geo_point's doc value keeps 32 bits of latitude and 32 of longitude (Lucene's encoding).
LAT_STEP = 180.0 / 2**32
LON_STEP = 360.0 / 2**32
EARTH_MEAN_RADIUS_M = 6371008.7714  # Elasticsearch's, for `arc` distances
TO_RADIANS = math.pi / 180.0


def doc_value_point(lat: float, lon: float) -> tuple[float, float]:
    """Return a location as Elasticsearch measures from it (rounded down to its 32-bit grid)."""
    lat = min(lat, math.nextafter(90.0, 0.0))
    lon = min(lon, math.nextafter(180.0, 0.0))
    return math.floor(lat / LAT_STEP) * LAT_STEP, math.floor(lon / LON_STEP) * LON_STEP


def arc_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in km, in the haversine form Elasticsearch's `arc` uses."""
    x1, x2 = lat1 * TO_RADIANS, lat2 * TO_RADIANS
    h = (1 - math.cos(x1 - x2)) + math.cos(x1) * math.cos(x2) * (1 - math.cos((lon1 - lon2) * TO_RADIANS))
    return EARTH_MEAN_RADIUS_M * 2 * math.asin(min(1.0, math.sqrt(h * 0.5))) / 1000.0


class AreaIndex:
    """The stores of one tenant filed by area.

    Readers run beside a refresh without a lock: each area holds a tuple, replaced whole by a
    change, so a reader sees an area either before or after it, never half changed. Writers (a
    refresh, a store fetched by id) take turns.
    """

    def __init__(self, stores: Iterable[dict] = ()) -> None:
        self._areas: dict[str, tuple[tuple[str, float, float], ...]] = {}
        self._area_of: dict[str, str] = {}
        self._writing = threading.Lock()
        for store in stores:
            self.put(store)

    def put(self, store: dict) -> None:
        """File a store (a stores-index `_source`) under its area, replacing what it was."""
        store_id, location = store["store_id"], store.get("location")
        with self._writing:
            self._remove(store_id)
            if not location:
                return
            lat, lon = doc_value_point(float(location["lat"]), float(location["lon"]))
            area = area_of(location)
            self._areas[area] = (*self._areas.get(area, ()), (store_id, lat, lon))
            self._area_of[store_id] = area

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
