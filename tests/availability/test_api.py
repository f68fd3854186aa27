"""GET /v1/availability and POST /v1/availability/basket against the real node, clock pinned."""

from datetime import UTC, datetime, timedelta

import pytest

from locator.availability.schemas import AvailabilitySchema, BasketSchema
from locator.indices import stock_alias
from locator.mappings import stock_id, stock_routing
from locator.stock.service import StockRow, apply_stock_batch
from tests.conftest import make_tenant
from tests.factories import product_doc, seed, store_doc

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
FRESH = NOW - timedelta(hours=1)
HERE = "lat=48.8566&lon=2.3522"

# Stores along a line east of the point, about 1 km apart, plus one far away.
STORES = [("A", 48.8566, 2.3522), ("B", 48.8566, 2.366), ("C", 48.8566, 2.380), ("D", 48.8566, 2.394),
          ("E", 48.8566, 2.408), ("FAR", 43.2965, 5.3698)]


def make_world(es, config, **settings):
    tenant = make_tenant(es, config, **settings)
    stores = [store_doc(tenant.id, sid, lat, lon, name=f"Shop {sid}") for sid, lat, lon in STORES]
    stores[3]["status"] = "temporarily_closed"  # D
    seed(es, config, stores, [product_doc(tenant.id, "SKU1", name="Lamp"), product_doc(tenant.id, "SKU2")])
    return tenant


def stock(es, config, tenant, rows, as_of=FRESH):
    outcomes = apply_stock_batch(es, config, tenant.id,
                                 [StockRow(store, sku, qty, as_of) for store, sku, qty in rows],
                                 refresh="wait_for")
    assert all(o.outcome in ("created", "updated") for o in outcomes), outcomes


def hold(es, config, tenant, store, sku, qty, expires_at):
    es.update(index=stock_alias(config, tenant.id), id=stock_id(tenant.id, store, sku),
              routing=stock_routing(sku), refresh="wait_for",
              doc={"holds": [{"reservation_id": "r1", "qty": qty, "expires_at": expires_at.isoformat(),
                              "collected_at": None}]})


@pytest.fixture
def pinned(app):
    app.config["CLOCK"] = lambda: NOW
    return app


def rows(response):
    assert response.status_code == 200, response.get_json()
    return [(r["store"]["id"], r["level"]) for r in response.get_json()["results"]]


def test_nearest_first_levels_and_documented_shape(client, es, config, pinned):
    tenant = make_world(es, config)
    stock(es, config, tenant, [("A", "SKU1", 10), ("B", "SKU1", 2), ("C", "SKU1", 0), ("E", "SKU1", 7),
                               ("D", "SKU1", 50), ("FAR", "SKU1", 9)])
    r = client.get(f"/v1/availability?sku=SKU1&{HERE}", headers=tenant.headers())
    assert rows(r) == [("A", "in_stock"), ("B", "low_stock"), ("E", "in_stock")]
    body = r.get_json()
    assert AvailabilitySchema().validate(body) == {}
    assert body["product"]["name"] == "Lamp"
    first = body["results"][0]
    assert first["distance_km"] == 0.0 and first["stale"] is False
    assert first["updated_at"].startswith("2026-11-25T08:30:00")
    assert "available_qty" not in first  # publishable key, tenant does not expose quantities
    assert first["store"]["name"] == "Shop A" and first["store"]["open_now"] is True
    assert r.headers["Cache-Control"] == "public, max-age=10"


def test_quantities_for_secret_keys_or_when_exposed(client, es, config, pinned):
    tenant = make_world(es, config)
    stock(es, config, tenant, [("A", "SKU1", 10)])
    secret = client.get(f"/v1/availability?sku=SKU1&{HERE}", headers=tenant.headers("secret"))
    assert secret.get_json()["results"][0]["available_qty"] == 10
    assert secret.headers["Cache-Control"].startswith("private")
    exposing = make_world(es, config, expose_quantities=True)
    stock(es, config, exposing, [("A", "SKU1", 4)])
    shown = client.get(f"/v1/availability?sku=SKU1&{HERE}", headers=exposing.headers())
    assert shown.get_json()["results"][0]["available_qty"] == 4


def test_holds_safety_stock_and_min_qty(client, es, config, pinned):
    tenant = make_world(es, config, safety_stock=1, low_stock_threshold=2)
    stock(es, config, tenant, [("A", "SKU1", 5), ("B", "SKU1", 5), ("C", "SKU1", 5)])
    hold(es, config, tenant, "A", "SKU1", 4, NOW + timedelta(hours=1))  # 5 - 4 - 1 = 0
    hold(es, config, tenant, "B", "SKU1", 4, NOW - timedelta(seconds=1))  # expired: counts no more
    h = tenant.headers("secret")
    r = client.get(f"/v1/availability?sku=SKU1&{HERE}", headers=h)
    assert [(x["store"]["id"], x["available_qty"]) for x in r.get_json()["results"]] == [("B", 4), ("C", 4)]
    assert rows(client.get(f"/v1/availability?sku=SKU1&{HERE}&min_qty=5", headers=h)) == []
    # The same hold, one second before it expires, still counts.
    pinned.config["CLOCK"] = lambda: NOW - timedelta(seconds=2)
    r = client.get(f"/v1/availability?sku=SKU1&{HERE}", headers=h)
    assert [(x["store"]["id"], x["available_qty"]) for x in r.get_json()["results"]] == [("C", 4)]


def test_stale_stock_is_never_plainly_in_stock(client, es, config, pinned):
    tenant = make_world(es, config, stock_freshness_hours=24)
    stock(es, config, tenant, [("A", "SKU1", 30)], as_of=NOW - timedelta(hours=25))
    stock(es, config, tenant, [("B", "SKU1", 30)])
    results = client.get(f"/v1/availability?sku=SKU1&{HERE}", headers=tenant.headers()).get_json()["results"]
    assert [(x["store"]["id"], x["level"], x["reported_level"], x["stale"]) for x in results] == [
        ("A", "low_stock", "in_stock", True), ("B", "in_stock", "in_stock", False)]


def test_include_out_of_stock_lists_the_others_after_across_pages(client, es, config, pinned):
    tenant = make_world(es, config)
    stock(es, config, tenant, [("A", "SKU1", 0), ("B", "SKU1", 3), ("D", "SKU1", 9), ("E", "SKU1", 8)])
    # C has no stock document at all; D is temporarily closed.
    url = f"/v1/availability?sku=SKU1&{HERE}&include_out_of_stock=true"
    h = tenant.headers()
    assert rows(client.get(url, headers=h)) == [
        ("B", "low_stock"), ("E", "in_stock"), ("A", "out_of_stock"), ("C", "out_of_stock"),
        ("D", "out_of_stock")]
    closed = client.get(url, headers=h).get_json()["results"][-1]
    assert closed["store"]["temporarily_closed"] is True and closed["updated_at"]
    seen, cursor = [], None
    for _ in range(10):
        page = client.get(url + "&limit=2" + (f"&cursor={cursor}" if cursor else ""), headers=h)
        seen += rows(page)
        cursor = page.get_json()["next_cursor"]
        if not cursor:
            break
    assert [s for s, _ in seen] == ["B", "E", "A", "C", "D"]
    assert rows(client.get(f"/v1/availability?sku=SKU2&{HERE}", headers=h)) == []
    everyone = rows(client.get(f"/v1/availability?sku=SKU2&{HERE}&include_out_of_stock=true", headers=h))
    assert [s for s, _ in everyone] == ["A", "B", "C", "D", "E"]


def test_unknown_sku_is_a_404_problem_and_tenants_are_isolated(client, es, config, pinned):
    tenant = make_world(es, config)
    stock(es, config, tenant, [("A", "SKU1", 5)])
    r = client.get(f"/v1/availability?sku=NOPE&{HERE}", headers=tenant.headers())
    assert r.status_code == 404 and r.mimetype == "application/problem+json"
    assert r.get_json()["unknown_skus"] == ["NOPE"]
    other = make_tenant(es, config)
    assert client.get(f"/v1/availability?sku=SKU1&{HERE}", headers=other.headers()).status_code == 404


@pytest.mark.parametrize("query", ["sku=SKU1", f"{HERE}", f"sku=SKU1&{HERE}&min_qty=0",
                                   f"sku=SKU1&{HERE}&radius_km=900", f"sku=SKU1&{HERE}&cursor=x"])
def test_bad_availability_input_is_400(client, tenant, query):
    r = client.get(f"/v1/availability?{query}", headers=tenant.headers())
    assert r.status_code == 400 and r.get_json()["errors"]


def test_geojson_availability(client, es, config, pinned):
    tenant = make_world(es, config)
    stock(es, config, tenant, [("B", "SKU1", 5)])
    r = client.get(f"/v1/availability?sku=SKU1&{HERE}",
                   headers={**tenant.headers(), "Accept": "application/geo+json"})
    assert r.mimetype == "application/geo+json"
    body = r.get_json()
    assert body["type"] == "FeatureCollection" and body["sku"] == "SKU1"
    assert body["features"][0]["geometry"]["coordinates"] == [2.366, 48.8566]
    assert body["features"][0]["properties"]["level"] == "in_stock"
    # Media types are case-insensitive (RFC 9110), and a JSON preference still wins.
    shouted = client.get(f"/v1/availability?sku=SKU1&{HERE}",
                         headers={**tenant.headers(), "Accept": "Application/GEO+JSON"})
    assert shouted.mimetype == "application/geo+json"
    plain = client.get(f"/v1/availability?sku=SKU1&{HERE}",
                       headers={**tenant.headers(), "Accept": "application/json, application/geo+json;q=0.5"})
    assert plain.mimetype == "application/json"


def test_basket_complete_stores_first_then_partial_by_supply(client, es, config, pinned):
    tenant = make_world(es, config)
    stock(es, config, tenant, [
        ("A", "SKU1", 1), ("A", "SKU2", 0),      # nearest, supplies 1 of 4 units
        ("B", "SKU1", 1), ("B", "SKU2", 2),      # 3 of 4
        ("C", "SKU1", 2), ("C", "SKU2", 2),      # complete
        ("E", "SKU1", 9), ("E", "SKU2", 9),      # complete, further
        ("D", "SKU1", 9), ("D", "SKU2", 9),      # complete but temporarily closed
    ])
    body = {"lat": 48.8566, "lon": 2.3522, "items": [{"sku": "SKU1", "qty": 1}, {"sku": "SKU2", "qty": 2},
                                                     {"sku": "SKU1", "qty": 1}]}
    r = client.post("/v1/availability/basket", json=body, headers=tenant.headers())
    assert r.status_code == 200, r.get_json()
    data = r.get_json()
    assert BasketSchema().validate(data) == {}
    assert data["items"] == [{"sku": "SKU1", "qty": 2}, {"sku": "SKU2", "qty": 2}]
    summary = [(x["store"]["id"], x["complete"], x["supplied_units"]) for x in data["results"]]
    assert summary == [("C", True, 4), ("E", True, 4), ("B", False, 3), ("A", False, 1)]
    a_lines = {line["sku"]: line for line in data["results"][-1]["items"]}
    assert a_lines["SKU1"]["supplied_qty"] == 1 and a_lines["SKU1"]["missing_qty"] == 1
    assert a_lines["SKU2"]["level"] == "out_of_stock" and data["results"][-1]["missing"] == ["SKU1", "SKU2"]
    assert "available_qty" not in a_lines["SKU1"]
    page = client.post("/v1/availability/basket", json={**body, "limit": 3}, headers=tenant.headers())
    cursor = page.get_json()["next_cursor"]
    rest = client.post("/v1/availability/basket", json={**body, "limit": 3, "cursor": cursor},
                       headers=tenant.headers())
    assert [x["store"]["id"] for x in rest.get_json()["results"]] == ["A"]
    assert rest.get_json()["next_cursor"] is None
    complete_only = client.post("/v1/availability/basket", json={**body, "include_partial": False},
                                headers=tenant.headers())
    assert [x["store"]["id"] for x in complete_only.get_json()["results"]] == ["C", "E"]


def test_basket_validation(client, es, config):
    tenant = make_world(es, config)
    h = tenant.headers()
    base = {"lat": 48.8566, "lon": 2.3522}
    too_many = [{"sku": f"S{i}", "qty": 1} for i in range(51)]
    r = client.post("/v1/availability/basket", json={**base, "items": too_many}, headers=h)
    assert r.status_code == 400 and "items" in r.get_json()["errors"]
    assert client.post("/v1/availability/basket", json={**base, "items": []}, headers=h).status_code == 400
    bad_qty = {**base, "items": [{"sku": "SKU1", "qty": 0}]}
    assert client.post("/v1/availability/basket", json=bad_qty, headers=h).status_code == 400
    unknown = client.post("/v1/availability/basket", json={**base, "items": [{"sku": "SKU1"}, {"sku": "X"}]},
                          headers=h)
    assert unknown.status_code == 404 and unknown.get_json()["unknown_skus"] == ["X"]


def test_stores_across_area_borders_are_found_and_only_within_the_radius(client, es, config, pinned):
    # Stores just either side of the 0.2° area borders around the point, and some just beyond
    # the radius: the area-narrowed query answers exactly the stores within 25 km.
    tenant = make_tenant(es, config)
    here = (48.8, 2.2)  # on a corner of four areas
    spots = {"N": (48.8 + 0.224, 2.2), "S": (48.8 - 0.224, 2.2), "E": (48.8, 2.2 + 0.34),
             "W": (48.8, 2.2 - 0.34), "NE": (48.95, 2.35), "C1": (48.8001, 2.2001), "C2": (48.7999, 2.1999),
             "FAR_N": (48.8 + 0.229, 2.2), "FAR_E": (48.8, 2.2 + 0.345)}
    seed(es, config, [store_doc(tenant.id, sid, lat, lon) for sid, (lat, lon) in spots.items()],
         [product_doc(tenant.id, "SKU1")])
    stock(es, config, tenant, [(sid, "SKU1", 5) for sid in spots])
    r = client.get(f"/v1/availability?sku=SKU1&lat={here[0]}&lon={here[1]}&radius_km=25&limit=50",
                   headers=tenant.headers())
    found = {sid for sid, _ in rows(r)}
    assert found == {"N", "S", "E", "W", "NE", "C1", "C2"}
    assert all(item["distance_km"] <= 25 for item in r.get_json()["results"])
    # The query names areas, not the radius: the stores beyond it (in those areas) are cut off
    # the sorted hits, and a page that ends there is the last one.
    exact = client.get(f"/v1/availability?sku=SKU1&lat={here[0]}&lon={here[1]}&radius_km=25&limit=7",
                       headers=tenant.headers()).get_json()
    assert len(exact["results"]) == 7 and exact["next_cursor"] is None
    basket = client.post("/v1/availability/basket", headers=tenant.headers(), json={
        "lat": here[0], "lon": here[1], "radius_km": 25, "limit": 50, "items": [{"sku": "SKU1", "qty": 1}]})
    assert {row["store"]["id"] for row in basket.get_json()["results"]} == found
