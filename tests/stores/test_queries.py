"""Pure query building for store searches."""

import pytest

from locator import geo, listing
from locator.areas import areas_near
from locator.errors import ValidationFailed
from locator.geo import BBox, Point
from locator.stores import queries
from locator.stores.queries import StoreSearch


def test_radius_search_filters_by_tenant_areas_services_and_text():
    search = StoreSearch(tenant="t1", point=Point(48.85, 2.35), radius_km=25, services=("a", "b"),
                         q="saint ouen")
    body = queries.store_search_body(search, 11)
    filters = body["query"]["bool"]["filter"]
    assert {"term": {"tenant": "t1"}} in filters
    # The areas the circle touches, no distance filter: the hits are cut at the radius instead.
    assert {"terms": {"area": areas_near(Point(48.85, 2.35), 25)}} in filters
    assert not any("geo_distance" in clause for clause in filters)
    assert {"term": {"services": "a"}} in filters and {"term": {"services": "b"}} in filters
    assert {"match_bool_prefix": {"search_text": {"query": "saint ouen", "operator": "and"}}} in filters
    assert body["sort"][0]["_geo_distance"]["distance_type"] == "arc"
    assert body["sort"][1] == {"store_id": "asc"}
    assert body["size"] == 11 and "search_after" not in body


def test_a_wide_radius_search_filters_by_distance():
    filters = queries.store_filters(StoreSearch(tenant="t1", point=Point(48.85, 2.35), radius_km=900))
    assert {"geo_distance": {"distance": "900km", "distance_type": "arc",
                             "location": {"lat": 48.85, "lon": 2.35}}} in filters


def test_text_only_search_sorts_by_name():
    body = queries.store_search_body(StoreSearch(tenant="t1", q="lyon"), 5)
    assert body["sort"] == [{"name.sort": "asc"}, {"store_id": "asc"}]


def test_bbox_across_the_antimeridian_keeps_its_corners_and_centre():
    bbox = BBox(170.0, -20.0, -170.0, -10.0)
    body = queries.store_search_body(StoreSearch(tenant="t", bbox=bbox), 5)
    corners = body["query"]["bool"]["filter"][1]["geo_bounding_box"]["location"]
    assert corners == {"top_left": {"lat": -10.0, "lon": 170.0},
                       "bottom_right": {"lat": -20.0, "lon": -170.0}}
    assert bbox.center == Point(-15.0, 180.0)
    assert BBox(0, 0, 10, 10).center == Point(5.0, 5.0)


def test_cursor_round_trip_and_bad_cursors():
    cursor = listing.encode_cursor([12.5, "S1"], 2)
    assert listing.decode_cursor(cursor, phases={1, 2}) == ([12.5, "S1"], 2)
    by_name = listing.encode_cursor(["lamp", "S1"])
    assert listing.decode_cursor(by_name, listing.TEXT) == (["lamp", "S1"], None)
    offset = listing.encode_cursor([40, ""], 3)
    assert listing.decode_cursor(offset, listing.OFFSET, {3}) == ([40, ""], 3)
    assert listing.decode_cursor(None) == (None, None)
    for bad in ("!!!", "eyJhIjoxfQ", listing.encode_cursor([1, 2]), "e30", cursor,
                listing.encode_cursor(["far", "S1"]), listing.encode_cursor([True, "S1"])):
        with pytest.raises(ValidationFailed):
            listing.decode_cursor(bad)
    for first, bad in ((listing.TEXT, [1.5, "S1"]), (listing.OFFSET, [-1, ""]), (listing.OFFSET, [1.5, ""])):
        with pytest.raises(ValidationFailed):
            listing.decode_cursor(listing.encode_cursor(bad), first)


def test_distance_from_sort_value():
    assert geo.distance_km([1.23456, "x"], Point(0, 0)) == 1.235
    assert geo.distance_km([1.0, "x"], None) is None
