"""The desk's query bodies, on their own (tests/desk/test_views.py runs them on the real node)."""

from datetime import UTC, datetime

from locator.desk.queries import pickup_list_query, product_search_query

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_pickup_list_is_one_stores_open_unexpired_reservations():
    filters = pickup_list_query("acme", "S1", NOW)["bool"]["filter"]
    assert {"term": {"tenant": "acme"}} in filters and {"term": {"store_id": "S1"}} in filters
    assert {"terms": {"status": ["held", "ready"]}} in filters
    assert {"range": {"expires_at": {"gt": NOW.isoformat()}}} in filters


def test_product_search_matches_sku_or_gtin_exactly_and_folded_name_words():
    query = product_search_query("acme", " Chaise Évasion ")["bool"]
    assert query["filter"] == [{"term": {"tenant": "acme"}}]
    assert {"term": {"sku": {"value": "Chaise Évasion", "boost": 10}}} in query["should"]
    words = {"match_bool_prefix": {"search_text": {"query": "chaise evasion", "operator": "and"}}}
    assert words in query["should"]
    assert query["minimum_should_match"] == 1
