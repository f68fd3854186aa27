"""Pure query building for store searches: request object in, Elasticsearch body out.

The geo helpers (distance filter, distance sort, cursor) are shared with the availability
queries, which search stock documents carrying a copy of their store's location.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field

from locator.errors import ValidationFailed

# ES returns `_geo_distance` sort values in the unit asked for; arc = great-circle distance.
DISTANCE_UNIT = "km"
# Only what listings read: less JSON to send and parse per request.
HITS_FILTER_PATH = "hits.hits._source,hits.hits.sort"
STORE_SOURCE = ["store_id", "name", "street", "postcode", "city", "country", "location", "phone",
                "timezone", "opening_hours", "services", "status", "updated_at"]


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


@dataclass(frozen=True)
class StoreSearch:
    """Everything a store search filters and sorts on (open_now is evaluated in Python)."""

    tenant: str
    point: Point | None = None
    radius_km: float | None = None
    bbox: BBox | None = None
    polygon: dict | None = None  # a repaired GeoJSON Polygon/MultiPolygon geometry
    services: tuple[str, ...] = ()
    q: str | None = None  # already folded
    exclude_closed: bool = False
    extra_filters: tuple[dict, ...] = field(default_factory=tuple)


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


def text_filter(folded_q: str) -> dict:
    """Match every word of the folded query, the last one as a prefix (type-ahead)."""
    return {"match_bool_prefix": {"search_text": {"query": folded_q, "operator": "and"}}}


def reference_point(search: StoreSearch) -> Point | None:
    """Return the point distances are measured from: the caller's, else the viewport's centre."""
    if search.point is not None:
        return search.point
    if search.bbox is not None:
        return search.bbox.center
    return None


def store_filters(search: StoreSearch) -> list[dict]:
    """Return the filter clauses of a store search."""
    filters: list[dict] = [{"term": {"tenant": search.tenant}}]
    if search.point is not None and search.radius_km is not None:
        filters.append(geo_distance_filter(search.point, search.radius_km))
    if search.bbox is not None:
        filters.append(bbox_filter(search.bbox))
    if search.polygon is not None:
        filters.append(polygon_filter(search.polygon))
    filters += [{"term": {"services": service}} for service in search.services]
    if search.q:
        filters.append(text_filter(search.q))
    if search.exclude_closed:
        filters.append({"bool": {"must_not": {"term": {"status": "temporarily_closed"}}}})
    filters += list(search.extra_filters)
    return filters


def store_search_body(search: StoreSearch, size: int, search_after: list | None = None) -> dict:
    """Build the body of one page of a store search."""
    point = reference_point(search)
    body: dict = {
        "query": {"bool": {"filter": store_filters(search)}},
        "sort": distance_sort(point) if point else [{"name.sort": "asc"}, {"store_id": "asc"}],
        "size": size,
        "_source": STORE_SOURCE,
        "track_total_hits": False,
    }
    if search_after:
        body["search_after"] = search_after
    return body


def encode_cursor(values: list, phase: int | None = None) -> str:
    """Return an opaque cursor for the page after the hit whose sort values are `values`."""
    payload: dict = {"a": values}
    if phase is not None:
        payload["p"] = phase
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[list | None, int | None]:
    """Return (search_after values, phase) of a cursor; a malformed one is a 400 on `cursor`."""
    if not cursor:
        return None, None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
        values = payload["a"]
        phase = payload.get("p")
        if (not isinstance(values, list) or len(values) != 2 or not isinstance(values[1], str)
                or not isinstance(values[0], int | float | str) or isinstance(values[0], bool)
                or (phase is not None and not isinstance(phase, int))):
            raise ValueError("bad cursor shape")
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValidationFailed("The cursor is not valid; use next_cursor from a previous page.",
                               errors={"cursor": ["Not a valid cursor."]}) from exc
    return values, phase


def distance_km(sort_values: list | None, point: Point | None) -> float | None:
    """Return the great-circle distance carried by a hit's first sort value, in km."""
    if point is None or not sort_values:
        return None
    return round(float(sort_values[0]), 3)
