"""Pure query building for store searches: request object in, Elasticsearch body out.

Within a radius, the query names the areas the circle touches (`locator.areas`): its hits,
nearest first, are then cut at the radius (`locator.stores.service.store_hits`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from locator.areas import circle_filter
from locator.geo import BBox, Point, bbox_filter, distance_sort, polygon_filter

STORE_SOURCE = ["store_id", "name", "street", "postcode", "city", "country", "location", "phone",
                "timezone", "opening_hours", "services", "status", "updated_at"]


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

    @property
    def radius_only(self) -> bool:
        """True for "stores within a radius of a point", with services at most (no text or shape)."""
        return (self.point is not None and self.radius_km is not None and self.bbox is None
                and self.polygon is None and not self.q and not self.exclude_closed
                and not self.extra_filters)


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
        filters.append(circle_filter(search.point, search.radius_km))
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
