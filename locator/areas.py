"""A fixed grid of areas, so that "near me" reads only the documents of nearby areas.

Store documents and stock documents carry the area of their store (`area_of`): a cell of
`CELL_DEGREES` of latitude by as many of longitude. A search within a radius names the few cells
that the circle can touch (`circle_filter`), and Elasticsearch sorts only the documents in those
cells by distance, instead of checking the distance of every candidate. The cells cover more
than the circle: the exact radius is applied to the nearest-first hits (`within_radius`), which
is cheaper than a geo-distance query (bench/README.md: about 40 % of the node's CPU for stock,
a third for stores).
"""

from __future__ import annotations

import math

from locator.geo import EARTH_MEAN_RADIUS_KM, Point, arc_km, geo_distance_filter

CELL_DEGREES = 0.2  # about 22 km of latitude: a 25 km search touches about 12 cells
MAX_CELLS = 48  # a wider search filters by distance alone (as cheap as a long terms list)
KM_PER_DEGREE = math.pi * EARTH_MEAN_RADIUS_KM / 180
# Widens the circle a little, for the rounding of the cell test below.
MARGIN = 1.02


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEGREES), math.floor(lon / CELL_DEGREES)


def area_of(location: dict) -> str:
    """Return the area (`row|col`) of a location (`{"lat": …, "lon": …}`)."""
    row, col = _cell(float(location["lat"]), float(location["lon"]))
    return f"{row}|{col}"


def areas_near(point: Point, radius_km: float) -> list[str] | None:
    """Return every area a point within `radius_km` of `point` can lie in, or None.

    None when the circle reaches a pole or crosses the antimeridian (the grid does not wrap), or
    would need more than `MAX_CELLS` cells: the search then filters by distance alone.
    """
    reach = radius_km * MARGIN
    dlat = reach / KM_PER_DEGREE
    if abs(point.lat) + dlat >= 89.0:
        return None
    # The widest longitude a point within `reach` can have (the bounding box of a circle).
    dlon = math.degrees(math.asin(min(1.0, math.sin(reach / EARTH_MEAN_RADIUS_KM)
                                      / math.cos(math.radians(point.lat)))))
    if point.lon - dlon <= -180 or point.lon + dlon >= 180:
        return None
    low_row, low_col = _cell(point.lat - dlat, point.lon - dlon)
    high_row, high_col = _cell(point.lat + dlat, point.lon + dlon)
    if (high_row - low_row + 1) * (high_col - low_col + 1) > MAX_CELLS * 2:
        return None
    cells = []
    for row in range(low_row, high_row + 1):
        for col in range(low_col, high_col + 1):
            # The cell's point nearest the centre (clamped): a cell farther than the reach from
            # it holds no point of the circle (the clamp is off by metres only, inside MARGIN).
            lat = min(max(point.lat, row * CELL_DEGREES), (row + 1) * CELL_DEGREES)
            lon = min(max(point.lon, col * CELL_DEGREES), (col + 1) * CELL_DEGREES)
            if arc_km(point.lat, point.lon, lat, lon) <= reach:
                cells.append(f"{row}|{col}")
    return cells if len(cells) <= MAX_CELLS else None


def circle_filter(point: Point, radius_km: float) -> dict:
    """Return the filter of "within `radius_km` of `point`", for hits then cut by `within_radius`.

    The areas the circle touches, or a distance filter where areas do not serve (`areas_near`).
    """
    areas = areas_near(point, radius_km)
    if areas is None:
        return geo_distance_filter(point, radius_km)
    return {"terms": {"area": areas}}


def within_radius(hits: list[dict], radius_km: float) -> list[dict]:
    """Return the hits (nearest first) up to the last one within `radius_km`.

    The first sort value of each hit is its great-circle distance in km, so every hit after the
    first one outside the circle is outside too. A page cut here is shorter than asked, which
    tells its caller that it is the last.
    """
    for position, hit in enumerate(hits):
        if hit["sort"][0] > radius_km:
            return hits[:position]
    return hits
