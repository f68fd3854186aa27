"""Validate and repair a GeoJSON polygon from a client, for a points-in-polygon store search."""

from __future__ import annotations

from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.polygon import orient
from shapely.validation import make_valid

from locator.errors import ValidationFailed
from locator.geo import Point

MAX_VERTICES = 10_000


def _fail(message: str) -> ValidationFailed:
    return ValidationFailed(message, errors={"polygon": [message]})


def repair_polygon(geojson: dict) -> dict:
    """Return a valid, counter-clockwise GeoJSON (Multi)Polygon geometry, or raise a 400.

    Accepts a Polygon or MultiPolygon geometry, or a Feature holding one. Self-intersections and
    wrong ring orientation are repaired (make_valid, orient); what is left must have an area.
    """
    if isinstance(geojson, dict) and geojson.get("type") == "Feature":
        geojson = geojson.get("geometry") or {}
    if not isinstance(geojson, dict) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        raise _fail("Send a GeoJSON Polygon or MultiPolygon (or a Feature holding one).")
    try:
        geometry = shape(geojson)
    except Exception as exc:  # shapely raises several kinds on malformed coordinates
        raise _fail(f"The polygon's coordinates are malformed: {str(exc).rstrip('.')}.") from exc
    if geometry.is_empty:
        raise _fail("The polygon is empty.")
    coords = _all_coords(geometry)
    if len(coords) > MAX_VERTICES:
        raise _fail(f"The polygon has more than {MAX_VERTICES} vertices.")
    for lon, lat, *_ in coords:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise _fail("Coordinates must be [longitude, latitude] within [-180, 180] and [-90, 90].")
    if not geometry.is_valid:
        geometry = make_valid(geometry)
    polygons = _polygons(geometry)
    if not polygons:
        raise _fail("The polygon has no area.")
    oriented = [orient(p, sign=1.0) for p in polygons]
    result = oriented[0] if len(oriented) == 1 else MultiPolygon(oriented)
    return _plain(mapping(result))


def _all_coords(geometry) -> list[tuple]:
    coords: list[tuple] = []
    for polygon in _polygons(geometry):
        coords += list(polygon.exterior.coords)
        for ring in polygon.interiors:
            coords += list(ring.coords)
    return coords


def _polygons(geometry) -> list[Polygon]:
    """Return the polygons with an area inside any geometry (make_valid may return a collection)."""
    if isinstance(geometry, Polygon):
        return [geometry] if geometry.area > 0 else []
    if hasattr(geometry, "geoms"):
        found: list[Polygon] = []
        for part in geometry.geoms:
            found += _polygons(part)
        return found
    return []


def _plain(value):
    """Turn shapely's tuples into lists, the JSON Elasticsearch expects."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def inner_point(geometry: dict) -> Point:
    """Return a point inside a polygon geometry (distances are measured from it)."""
    inner = shape(geometry).representative_point()
    return Point(inner.y, inner.x)
