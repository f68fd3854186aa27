"""The stock query: areas instead of a distance filter when the circle has them, cut at the radius."""

from locator.availability.queries import StockSearch, stock_search_body, within_radius
from locator.geo import Point

PARIS = Point(48.8566, 2.3522)


def filter_kinds(search: StockSearch) -> list[str]:
    return [next(iter(clause)) for clause in stock_search_body(search, 11)["query"]["bool"]["filter"]]


def test_a_local_search_names_areas_and_no_distance_filter():
    kinds = filter_kinds(StockSearch(("SKU1",), PARIS, 25.0, 1))
    assert "terms" in kinds and "geo_distance" not in kinds


def test_a_wide_search_filters_by_distance():
    kinds = filter_kinds(StockSearch(("SKU1",), PARIS, 900.0, 1))
    assert "geo_distance" in kinds and "terms" not in kinds


def test_hits_are_cut_at_the_first_one_beyond_the_radius():
    search = StockSearch(("SKU1",), PARIS, 25.0, 1)
    hits = [{"sort": [d, f"s{d}"]} for d in (0.5, 24.999, 25.0, 25.001, 30.0)]
    assert [h["sort"][0] for h in within_radius(search, hits)] == [0.5, 24.999, 25.0]
    assert within_radius(search, hits[:2]) == hits[:2]
    assert within_radius(search, []) == []
