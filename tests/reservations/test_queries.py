"""Query bodies, pick-up codes and webhook signatures (pure)."""

from datetime import UTC, datetime, timedelta

from locator.reservations import codes, queries, webhooks

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SECRET = "secret-secret-secret"


def test_store_list_by_open_status_excludes_what_has_expired():
    query = queries.store_list_query("t1", "S1", "held", NOW)
    filters = query["bool"]["filter"]
    assert {"term": {"status": "held"}} in filters
    assert {"range": {"expires_at": {"gt": NOW.isoformat()}}} in filters


def test_store_list_of_expired_includes_unswept_ones():
    (clause,) = [f for f in queries.store_list_query("t1", "S1", "expired", NOW)["bool"]["filter"]
                 if "bool" in f]
    should = clause["bool"]["should"]
    assert {"term": {"status": "expired"}} in should and len(should) == 2


def test_purge_query_uses_the_tenants_delay_and_skips_purged():
    query = queries.purge_query("t1", NOW, 30)
    cutoff = (NOW - timedelta(days=30)).isoformat()
    assert {"range": {"closed_at": {"lte": cutoff}}} in query["bool"]["filter"]
    assert query["bool"]["must_not"] == [{"term": {"purged": True}}]


def test_pickup_codes_are_unambiguous_and_normalized():
    for _ in range(200):
        code = codes.new_code()
        assert len(code) == 6 and not set(code) & set("01OI")
    assert codes.normalize("7kq-2mx") == "7KQ2MX"
    assert codes.normalize(" 7kq 2mx ") == "7KQ2MX"
    assert codes.normalize("7kq-2m") is None  # too short
    assert codes.normalize("7kq-2mxa") is None  # too long
    assert codes.normalize("ab0-def") is None and codes.normalize("abi-def") is None


def test_signature_covers_body_and_timestamp():
    body = b'{"id":"d1"}'
    signature = webhooks.sign(SECRET, 1_700_000_000, body)
    assert signature.startswith("v1=")
    assert webhooks.verify(SECRET, body, "1700000000", signature, now=1_700_000_100)
    assert not webhooks.verify(SECRET, body + b" ", "1700000000", signature, now=1_700_000_100)
    assert not webhooks.verify(SECRET, body, "1700000001", signature, now=1_700_000_100)
    assert not webhooks.verify(SECRET, body, "1700000000", signature, now=1_700_001_000)
    assert not webhooks.verify(SECRET, body, "soon", signature)
