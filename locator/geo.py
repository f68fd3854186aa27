"""Geo helpers every search shares: points, viewports, distance filters and sorts.

Store searches and availability searches use them alike (stock documents carry a copy of their
store's location), always as great-circle distances in km.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# ES returns `_geo_distance` sort values in the unit asked for; arc = great-circle distance.
DISTANCE_UNIT = "km"
EARTH_MEAN_RADIUS_KM = 6371.0087714  # Elasticsearch's, for `arc` distances
TO_RADIANS = math.pi / 180.0

@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


@dataclass(frozen=True)
class BBox:
    """A map viewport; min_lon > max_lon means it crosses the antimeridian."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @property
    def center(self) -> Point:
        max_lon = self.max_lon if self.min_lon <= self.max_lon else self.max_lon + 360
        lon = (self.min_lon + max_lon) / 2
        return Point((self.min_lat + self.max_lat) / 2, lon - 360 if lon > 180 else lon)


def arc_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in km, in the haversine form of Elasticsearch's `arc`."""
    x1, x2 = lat1 * TO_RADIANS, lat2 * TO_RADIANS
    h = (1 - math.cos(x1 - x2)) + math.cos(x1) * math.cos(x2) * (1 - math.cos((lon1 - lon2) * TO_RADIANS))
    return EARTH_MEAN_RADIUS_KM * 2 * math.asin(min(1.0, math.sqrt(h * 0.5)))


def geo_distance_filter(point: Point, radius_km: float, field_name: str = "location") -> dict:
    """Return a filter keeping documents within `radius_km` (great circle) of `point`."""
    return {"geo_distance": {"distance": f"{radius_km}{DISTANCE_UNIT}", "distance_type": "arc",
                             field_name: {"lat": point.lat, "lon": point.lon}}}


def distance_sort(point: Point, field_name: str = "location") -> list[dict]:
    """Sort nearest first, ties broken by store id (stable across pages)."""
    return [
        {"_geo_distance": {field_name: {"lat": point.lat, "lon": point.lon}, "order": "asc",
                           "unit": DISTANCE_UNIT, "distance_type": "arc"}},
        {"store_id": "asc"},
    ]


def bbox_filter(bbox: BBox) -> dict:
    """Return a filter keeping documents inside a viewport (antimeridian-crossing allowed)."""
    return {"geo_bounding_box": {"location": {
        "top_left": {"lat": bbox.max_lat, "lon": bbox.min_lon},
        "bottom_right": {"lat": bbox.min_lat, "lon": bbox.max_lon},
    }}}


def polygon_filter(geometry: dict) -> dict:
    """Return a filter keeping points inside a polygon (geo_shape query on a geo_point field)."""
    return {"geo_shape": {"location": {"shape": geometry, "relation": "intersects"}}}


def distance_km(sort_values: list | None, point: Point | None) -> float | None:
    """Return the great-circle distance carried by a hit's first sort value, in km."""
    if point is None or not sort_values:
        return None
    return round(float(sort_values[0]), 3)
