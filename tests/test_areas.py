"""The area grid: every point within the radius lies in a named area (pure functions)."""

import math
import random

import pytest

from locator.areas import CELL_DEGREES, MAX_CELLS, area_of, areas_near, circle_filter, within_radius
from locator.geo import Point


def destination(start: Point, bearing_deg: float, km: float) -> Point:
    """The point `km` from `start` along a great circle (spherical, like ES's `arc`)."""
    r = 6371.0088
    lat1, lon1, b = math.radians(start.lat), math.radians(start.lon), math.radians(bearing_deg)
    d = km / r
    lat2 = math.asin(math.sin(lat1) * math.cos(d) + math.cos(lat1) * math.sin(d) * math.cos(b))
    lon2 = lon1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(lat1),
                             math.cos(d) - math.sin(lat1) * math.sin(lat2))
    return Point(math.degrees(lat2), math.degrees(lon2))


def test_an_area_is_the_cell_of_the_location():
    assert area_of({"lat": 48.8566, "lon": 2.3522}) == "244|11"
    assert area_of({"lat": -33.87, "lon": -151.2}) == f"{math.floor(-33.87 / CELL_DEGREES)}|-756"
    assert area_of({"lat": 0.0, "lon": 0.0}) == "0|0"


@pytest.mark.parametrize("radius", [1, 5, 25, 50])
def test_every_point_within_the_radius_is_in_a_named_area(radius):
    rng = random.Random(radius)
    narrowed = 0
    for _ in range(300):
        centre = Point(rng.uniform(-75, 75), rng.uniform(-170, 170))
        areas = areas_near(centre, radius)
        if areas is None:  # too many cells (wide circles far north or south): distance alone
            continue
        narrowed += 1
        assert len(areas) <= MAX_CELLS
        for _ in range(40):
            # Points on the circle itself are the hardest: at the full radius, any bearing.
            edge = destination(centre, rng.uniform(0, 360), radius * rng.choice([1.0, rng.random()]))
            assert area_of({"lat": edge.lat, "lon": edge.lon}) in areas, (centre, radius, edge)
    assert narrowed > 200


def test_a_25_km_search_names_about_a_dozen_areas():
    assert 6 <= len(areas_near(Point(48.8566, 2.3522), 25)) <= 20


def test_wide_searches_poles_and_the_antimeridian_fall_back_to_distance_alone():
    assert areas_near(Point(48.8566, 2.3522), 200) is None
    assert areas_near(Point(88.9, 10.0), 25) is None
    assert areas_near(Point(-16.5, 179.9), 25) is None
    assert areas_near(Point(-16.5, -179.95), 25) is None


def test_the_circle_filter_names_areas_or_falls_back_to_distance():
    paris = Point(48.8566, 2.3522)
    assert circle_filter(paris, 25.0) == {"terms": {"area": areas_near(paris, 25.0)}}
    assert "geo_distance" in circle_filter(paris, 900.0)
    assert "geo_distance" in circle_filter(Point(89.5, 0.0), 5.0)


def test_hits_are_cut_at_the_first_one_beyond_the_radius():
    hits = [{"sort": [d, f"s{d}"]} for d in (0.5, 24.999, 25.0, 25.001, 30.0)]
    assert [h["sort"][0] for h in within_radius(hits, 25.0)] == [0.5, 24.999, 25.0]
    assert within_radius(hits[:2], 25.0) == hits[:2]
    assert within_radius([], 25.0) == []
