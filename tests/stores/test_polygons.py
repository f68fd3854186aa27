"""Client polygons are validated and repaired before the points-in-polygon query."""

import pytest
from shapely.geometry import shape

from locator.errors import ValidationFailed
from locator.stores.polygons import repair_polygon

SQUARE_CW = [[[2, 48], [2, 49], [3, 49], [3, 48], [2, 48]]]


def test_clockwise_ring_is_oriented_counter_clockwise():
    repaired = repair_polygon({"type": "Polygon", "coordinates": SQUARE_CW})
    assert shape(repaired).exterior.is_ccw
    assert shape(repaired).area == pytest.approx(1.0)


def test_bow_tie_becomes_two_valid_triangles():
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}
    repaired = repair_polygon({"type": "Feature", "properties": {}, "geometry": bow_tie})
    geometry = shape(repaired)
    assert repaired["type"] == "MultiPolygon" and geometry.is_valid
    assert geometry.area == pytest.approx(2.0)


@pytest.mark.parametrize("bad", [
    {"type": "Point", "coordinates": [0, 0]},
    {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]},
    {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [2, 2], [0, 0]]]},  # no area
    {"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [0, 1], [0, 0]]]},
    {"type": "Polygon", "coordinates": "nope"},
    {},
])
def test_unusable_polygons_are_400s(bad):
    with pytest.raises(ValidationFailed) as info:
        repair_polygon(bad)
    assert "polygon" in info.value.errors
