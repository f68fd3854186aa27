"""The stock query: areas instead of a distance filter when the circle has them."""

from locator.availability.queries import StockSearch, stock_search_body
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

