"""Coarse areas: the H3 cell of about 10 km around a shopper, never the shopper's position.

Resolution 5 cells have edges of about 8.5 km and cover about 250 km², so a count says "someone
around this town", not where.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from functools import lru_cache

import h3
from timezonefinder import TimezoneFinder

from locator.geo import Point

H3_RESOLUTION = 5
FALLBACK_ZONE = "UTC"


def area_of(point: Point) -> str:
    """Return the H3 cell (resolution 5) containing a point."""
    return h3.latlng_to_cell(point.lat, point.lon, H3_RESOLUTION)


def is_area(value: str) -> bool:
    """Tell whether a string is an H3 cell of the report's resolution."""
    try:
        return h3.is_valid_cell(value) and h3.get_resolution(value) == H3_RESOLUTION
    except (ValueError, TypeError):
        return False


def area_center(area: str) -> Point:
    """Return the centre of an area."""
    lat, lon = h3.cell_to_latlng(area)
    return Point(round(lat, 5), round(lon, 5))


def area_boundary(area: str) -> list[list[float]]:
    """Return the area's outline as [lat, lon] pairs (for a map)."""
    return [[round(lat, 5), round(lon, 5)] for lat, lon in h3.cell_to_boundary(area)]


@lru_cache(maxsize=1)
def _finder() -> TimezoneFinder:
    return TimezoneFinder()


@lru_cache(maxsize=20_000)
def area_zone(area: str) -> str:
    """Return the IANA time zone at the centre of an area (UTC at sea)."""
    center = area_center(area)
    return _finder().timezone_at(lat=center.lat, lng=center.lon) or FALLBACK_ZONE


# The zone furthest ahead of UTC (+14): its day is the latest any area's can be.
LATEST_ZONE = "Pacific/Kiritimati"


def latest_local_day(at: datetime) -> date:
    """Return the latest calendar day any area is on at an instant (for a period ending "today")."""
    return local_day(at, LATEST_ZONE)


def local_day(at: datetime, zone: str | None) -> date:
    """Return the calendar day of an aware instant in a time zone (UTC when unknown)."""
    try:
        tz = zoneinfo.ZoneInfo(zone or FALLBACK_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo(FALLBACK_ZONE)
    return at.astimezone(tz).date()
