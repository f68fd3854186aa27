"""`PUT /v1/stock` through the app, against the real node."""

import time
from datetime import UTC, datetime, timedelta

from locator.indices import stock_alias
from locator.mappings import stock_id, stock_routing
from tests.factories import get_stock_doc, product_doc, seed, store_doc

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _seed(es, config, tenant, skus=("A", "B")):
    seed(es, config, [store_doc(tenant.id, "S1", 48.85, 2.35)], [product_doc(tenant.id, s) for s in skus])


def _row(sku, on_hand, as_of=T0, store="S1"):
    return {"store_id": store, "sku": sku, "on_hand": on_hand, "as_of": as_of.isoformat()}


def test_batch_gives_a_result_per_row_and_twice_changes_nothing(client, es, config, tenant):
    _seed(es, config, tenant)
    batch = {"rows": [_row("A", 5), _row("B", 2), _row("NOPE", 1), {"store_id": "S1", "sku": "A"}]}
    response = client.put("/v1/stock", json=batch, headers=tenant.headers("secret"))
    assert response.status_code == 200, response.json
    results = response.json["results"]
    assert [r["result"] for r in results] == ["applied", "applied", "rejected", "rejected"]
    assert "unknown sku" in results[2]["reason"]
    assert set(results[3]["errors"]) == {"on_hand", "as_of"}
    assert response.json["summary"] == {"applied": 2, "unchanged": 0, "stale": 0, "rejected": 2}
    stock = stock_alias(config, tenant.id)
    before = es.get(index=stock, id=stock_id(tenant.id, "S1", "A"), routing=stock_routing("A"))
    again = client.put("/v1/stock", json=batch, headers=tenant.headers("secret"))
    assert [r["result"] for r in again.json["results"]] == ["unchanged", "unchanged", "rejected", "rejected"]
    after = es.get(index=stock, id=stock_id(tenant.id, "S1", "A"), routing=stock_routing("A"))
    assert after["_seq_no"] == before["_seq_no"] and after["_source"]["on_hand"] == 5


def test_stale_rows_never_move_stock_back_in_time(client, es, config, tenant):
    _seed(es, config, tenant)
    headers = tenant.headers("secret")
    client.put("/v1/stock", json={"rows": [_row("A", 5, T0)]}, headers=headers)
    response = client.put("/v1/stock", json={"rows": [_row("A", 50, T0 - timedelta(minutes=1))]},
                          headers=headers)
    assert response.json["results"][0]["result"] == "stale"
    doc = get_stock_doc(es, config, tenant.id, "S1", "A")["_source"]
    assert doc["on_hand"] == 5


def test_needs_a_secret_key_and_a_sane_batch(client, es, config, tenant):
    _seed(es, config, tenant)
    rows = {"rows": [_row("A", 1)]}
    assert client.put("/v1/stock", json=rows).status_code == 401
    assert client.put("/v1/stock", json=rows, headers=tenant.headers("publishable")).status_code == 403
    too_many = client.put("/v1/stock", json={"rows": [_row("A", 1)] * 1001}, headers=tenant.headers("secret"))
    assert too_many.status_code == 400 and "rows" in too_many.json["errors"]
    empty = client.put("/v1/stock", json={"rows": []}, headers=tenant.headers("secret"))
    assert empty.status_code == 400
    naive = client.put("/v1/stock", json={"rows": [{**_row("A", 1), "as_of": "2026-11-25T09:00:00"}]},
                       headers=tenant.headers("secret"))
    assert naive.json["results"][0]["result"] == "rejected" and "as_of" in naive.json["results"][0]["errors"]
    negative = client.put("/v1/stock", json={"rows": [_row("A", -1)]}, headers=tenant.headers("secret"))
    assert "on_hand" in negative.json["results"][0]["errors"]


def test_a_count_from_the_future_is_rejected_and_the_stored_count_kept(client, es, config, tenant):
    _seed(es, config, tenant)
    assert client.put("/v1/stock", json={"rows": [_row("A", 5)]}, headers=tenant.headers("secret")) \
        .json["summary"]["applied"] == 1
    ahead = datetime.now(UTC) + timedelta(hours=2)  # local time sent as UTC
    rows = {"rows": [_row("A", 1, as_of=ahead), {**_row("B", 2), "as_of": "2062-11-25T09:00:00Z"},
                     _row("B", 3)]}
    response = client.put("/v1/stock", json=rows, headers=tenant.headers("secret"))
    assert response.status_code == 200, response.json
    results = response.json["results"]
    assert [r["result"] for r in results] == ["rejected", "rejected", "applied"]
    assert all("in the future" in r["errors"]["as_of"][0] for r in results[:2])
    stored = get_stock_doc(es, config, tenant.id, "S1", "A")["_source"]
    assert stored["on_hand"] == 5


def test_another_tenants_store_is_unknown(client, es, config, tenant):
    _seed(es, config, tenant)
    from tests.conftest import make_tenant
    other = make_tenant(es, config)
    response = client.put("/v1/stock", json={"rows": [_row("A", 3)]}, headers=other.headers("secret"))
    assert response.json["results"][0]["result"] == "rejected"
    assert "unknown store_id" in response.json["results"][0]["reason"]


def test_openapi_documents_the_row_schema(client):
    spec = client.get("/openapi.json").json
    assert "StockRow" in spec["components"]["schemas"]
    assert "put" in spec["paths"]["/v1/stock"]


def test_wait_for_visible_answers_once_searches_see_the_count(client, es, config, tenant):
    _seed(es, config, tenant)
    headers = tenant.headers("secret")
    for minutes, on_hand in enumerate((7, 4)):
        row = _row("A", on_hand, T0 + timedelta(minutes=minutes))
        response = client.put("/v1/stock?wait_for_visible=true", headers=headers, json={"rows": [row]})
        assert response.json["results"][0]["result"] == "applied"
        hits = es.search(index=stock_alias(config, tenant.id), query={"bool": {"filter": [
            {"term": {"tenant": tenant.id}}, {"term": {"sku": "A"}}]}})["hits"]["hits"]
        assert [h["_source"]["on_hand"] for h in hits] == [on_hand]
        found = client.get("/v1/availability", headers=headers, query_string={
            "sku": "A", "lat": 48.85, "lon": 2.35, "radius_km": 5})
        assert found.status_code == 200, found.json
        assert [r["available_qty"] for r in found.json["results"]] == [on_hand]


def test_the_worker_refreshes_after_a_write_so_searches_need_no_scheduled_refresh(client, es, config, tenant):
    _seed(es, config, tenant)
    stock = stock_alias(config, tenant.id)
    query = {"bool": {"filter": [{"term": {"tenant": tenant.id}}, {"term": {"on_hand": 4242}}]}}
    # With scheduled refreshes off, only the API's own refresh can make the row searchable.
    es.indices.put_settings(index=stock, settings={"index": {"refresh_interval": "-1"}})
    try:
        response = client.put("/v1/stock", json={"rows": [_row("A", 4242)]}, headers=tenant.headers("secret"))
        assert response.json["results"][0]["result"] == "applied"
        for _ in range(600):  # bounded only so that a broken refresher ends the test
            if es.search(index=stock, query=query, size=0)["hits"]["total"]["value"]:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the applied row never became searchable")
    finally:
        es.indices.put_settings(index=stock, settings={"index": {"refresh_interval": None}})


def test_ids_a_file_may_load_are_ids_the_api_accepts(client, es, config, tenant):
    # File rows and API rows share one schema: a 200-character store id loaded from a file can
    # receive counts through the API (the API once stopped at 64 characters).
    long_store, long_sku = "S" * 200, "K" * 256
    seed(es, config, [store_doc(tenant.id, long_store, 48.85, 2.35)], [product_doc(tenant.id, long_sku)])
    response = client.put("/v1/stock", json={"rows": [_row(long_sku, 4, store=long_store)]},
                          headers=tenant.headers("secret"))
    assert response.json["results"][0]["result"] == "applied", response.json
    too_long = client.put("/v1/stock", json={"rows": [_row("K" * 257, 4, store=long_store)]},
                          headers=tenant.headers("secret"))
    assert "sku" in too_long.json["results"][0]["errors"]
