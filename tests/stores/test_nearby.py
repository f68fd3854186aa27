"""The area index of the store table: stores within a radius, as search hits (pure)."""

import math

from locator.areas import areas_near
from locator.geo import Point, arc_km
from locator.stores.nearby import LAT_STEP, LON_STEP, AreaIndex, doc_value_point, nearby_hits

PARIS = Point(48.8566, 2.3522)


def store(store_id: str, lat: float, lon: float, services: tuple[str, ...] = ()) -> dict:
    return {"store_id": store_id, "location": {"lat": lat, "lon": lon}, "services": list(services)}


def test_a_location_is_measured_from_its_32_bit_doc_value():
    lat, lon = doc_value_point(48.8566, 2.3522)
    assert lat <= 48.8566 < lat + LAT_STEP and lon <= 2.3522 < lon + LON_STEP
    assert math.isclose(lat / LAT_STEP, round(lat / LAT_STEP), abs_tol=1e-6)
    assert doc_value_point(90.0, 180.0)[0] < 90.0 and doc_value_point(90.0, 180.0)[1] < 180.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The textbook haversine on the mean Earth radius, for comparison."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0087714 * math.asin(min(1.0, math.sqrt(a)))


def test_the_arc_distance_is_the_great_circle_distance():
    assert arc_km(48.8566, 2.3522, 48.8566, 2.3522) == 0.0
    lyon = (45.764, 4.8357)
    assert math.isclose(arc_km(48.8566, 2.3522, *lyon), haversine_km(48.8566, 2.3522, *lyon), rel_tol=1e-9)


def test_within_sorts_by_distance_then_id_and_cuts_at_the_radius():
    index = AreaIndex([store("B", 48.86, 2.35), store("A", 48.86, 2.35), store("C", 48.90, 2.35),
                       store("far", 49.2, 2.35)])
    found = index.within(PARIS, 25.0, areas_near(PARIS, 25.0))
    assert [store_id for _, store_id in found] == ["A", "B", "C"]
    assert found[0][0] == found[1][0] < found[2][0] <= 25.0


def test_a_moved_store_is_filed_once_under_its_new_area_and_a_removed_one_is_gone():
    index = AreaIndex([store("S", 48.86, 2.35)])
    index.put(store("S", 45.76, 4.84))
    assert index.within(PARIS, 5.0, areas_near(PARIS, 5.0)) == []
    lyon = Point(45.76, 4.84)
    assert [s for _, s in index.within(lyon, 5.0, areas_near(lyon, 5.0))] == ["S"]
    index.remove("S")
    assert index.within(lyon, 5.0, areas_near(lyon, 5.0)) == []


def test_hits_start_after_the_cursor_keep_stores_with_every_service_and_stop_at_size():
    stores = {s["store_id"]: s for s in (store("A", 0, 0, ("click",)), store("B", 0, 0),
                                         store("C", 0, 0, ("click", "drive")))}
    found = [(1.0, "A"), (1.0, "B"), (2.0, "C")]
    every = nearby_hits(found, stores, (), 10, None)
    assert [h["sort"] for h in every] == [[1.0, "A"], [1.0, "B"], [2.0, "C"]]
    assert [h["sort"][1] for h in nearby_hits(found, stores, (), 10, [1.0, "A"])] == ["B", "C"]
    assert [h["sort"][1] for h in nearby_hits(found, stores, ("click",), 10, None)] == ["A", "C"]
    assert [h["sort"][1] for h in nearby_hits(found, stores, ("click", "drive"), 10, None)] == ["C"]
    assert len(nearby_hits(found, stores, (), 2, None)) == 2
    assert nearby_hits(found, {"A": stores["A"]}, (), 10, None)[0]["_source"] is stores["A"]
