"""GET /v1/stores, POST /v1/stores/search, GET /v1/stores/{id} against the real node."""

from datetime import UTC, datetime

import pytest

from locator.stores.schemas import StoreListSchema, StoreSchema
from locator.text import fold
from tests.conftest import make_tenant
from tests.factories import seed, store_doc

# Wednesday 2026-11-25 09:30 UTC: 10:30 in Paris, 04:30 in New York.
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def shop(tenant, store_id, lat, lon, name=None, city="Paris", **fields):
    name = name or f"Store {store_id}"
    fields.setdefault("opening_hours", "Mo-Sa 10:00-20:00; Su off")
    return store_doc(tenant, store_id, lat, lon, name=name, city=city,
                     search_text=fold(f"{name} {city} {fields.get('postcode', '')}"), **fields)


@pytest.fixture
def paris(es, config, tenant):
    stores = [
        shop(tenant.id, "P1", 48.8566, 2.3522, "Rivoli", services=["click_and_collect", "parking"]),
        shop(tenant.id, "P2", 48.8606, 2.3376, "Louvre", services=["click_and_collect"]),
        shop(tenant.id, "P3", 48.8606, 2.3376, "Louvre bis", services=["parking"]),  # same point
        shop(tenant.id, "P4", 48.9000, 2.2500, "Évry Pôle", city="Nanterre"),
        shop(tenant.id, "P5", 49.4431, 1.0993, "Rouen", city="Rouen"),  # ~112 km
        shop(tenant.id, "NY", 40.7580, -73.9855, "Times Square", city="New York",
             timezone="America/New_York"),
        shop(tenant.id, "CL", 48.857, 2.353, "Closed", status="temporarily_closed"),
    ]
    seed(es, config, stores, [])
    return tenant


@pytest.fixture
def pinned(app):
    app.config["CLOCK"] = lambda: NOW
    return app


def ids(response):
    assert response.status_code == 200, response.get_json()
    return [s["id"] for s in response.get_json()["results"]]


def test_nearest_first_with_distances_ties_by_id_and_documented_shape(client, paris, pinned):
    r = client.get("/v1/stores?lat=48.8566&lon=2.3522", headers=paris.headers())
    assert ids(r) == ["P1", "CL", "P2", "P3", "P4"]  # P2/P3 share a point: id order
    body = r.get_json()
    assert StoreListSchema().validate(body) == {}
    first = body["results"][0]
    assert first["distance_km"] == 0.0
    assert first["open_now"] is True and first["hours_today"] == [{"opens": "10:00", "closes": "20:00"}]
    assert first["next_change"] == {"at": "2026-11-25T20:00:00+01:00", "state": "closed"}
    assert set(first) >= {"id", "name", "address", "location", "distance_km", "open_now",
                          "hours_today", "next_change", "services"}
    closed = body["results"][1]
    assert closed["temporarily_closed"] is True and closed["open_now"] is False
    assert body["results"][2]["distance_km"] == body["results"][3]["distance_km"]
    assert r.headers["ETag"] and "max-age=" in r.headers["Cache-Control"]


def test_radius_and_limit_and_cursor_pages(client, paris):
    h = paris.headers()
    assert "P5" in ids(client.get("/v1/stores?lat=48.8566&lon=2.3522&radius_km=150", headers=h))
    first = client.get("/v1/stores?lat=48.8566&lon=2.3522&radius_km=150&limit=2", headers=h)
    assert ids(first) == ["P1", "CL"]
    seen = ids(first)
    cursor = first.get_json()["next_cursor"]
    while cursor:
        page = client.get(f"/v1/stores?lat=48.8566&lon=2.3522&radius_km=150&limit=2&cursor={cursor}",
                          headers=h)
        seen += ids(page)
        cursor = page.get_json()["next_cursor"]
    assert seen == ["P1", "CL", "P2", "P3", "P4", "P5"]


def test_open_now_in_each_store_time_zone(client, paris, pinned):
    h = paris.headers()
    paris_open = ids(client.get("/v1/stores?lat=48.8566&lon=2.3522&open_now=true", headers=h))
    assert paris_open == ["P1", "P2", "P3", "P4"]  # the temporarily closed one is left out
    ny = ids(client.get("/v1/stores?lat=40.7580&lon=-73.9855&open_now=true", headers=h))
    assert ny == []  # 04:30 in New York
    pinned.config["CLOCK"] = lambda: datetime(2026, 11, 25, 16, 0, tzinfo=UTC)  # 11:00 in NY
    assert ids(client.get("/v1/stores?lat=40.7580&lon=-73.9855&open_now=true", headers=h)) == ["NY"]


def test_services_must_all_match(client, paris):
    h = paris.headers()
    base = "/v1/stores?lat=48.8566&lon=2.3522"
    assert ids(client.get(f"{base}&services=click_and_collect", headers=h)) == ["P1", "P2"]
    assert ids(client.get(f"{base}&services=click_and_collect,parking", headers=h)) == ["P1"]
    assert ids(client.get(f"{base}&services=parking&services=click_and_collect", headers=h)) == ["P1"]


def test_q_ignores_case_and_accents_and_takes_a_prefix(client, paris):
    h = paris.headers()
    assert ids(client.get("/v1/stores?q=EVRY", headers=h)) == ["P4"]
    assert ids(client.get("/v1/stores?q=évry%20pô", headers=h)) == ["P4"]
    assert ids(client.get("/v1/stores?q=nant", headers=h)) == ["P4"]
    assert ids(client.get("/v1/stores?q=louvre&lat=48.8566&lon=2.3522", headers=h)) == ["P2", "P3"]
    # With q, the default radius does not apply: a town far away is still found.
    assert ids(client.get("/v1/stores?q=rouen&lat=40&lon=-73", headers=h)) == ["P5"]


def test_bbox_viewport(client, paris):
    h = paris.headers()
    # Without a point, nearest to the viewport centre (2.33, 48.86) first.
    assert ids(client.get("/v1/stores?bbox=2.3,48.85,2.36,48.87", headers=h)) == ["P2", "P3", "P1", "CL"]
    assert ids(client.get("/v1/stores?bbox=-74.5,40.5,-73.5,41", headers=h)) == ["NY"]


def test_bbox_across_the_antimeridian(client, es, config):
    tenant = make_tenant(es, config)
    seed(es, config, [shop(tenant.id, "FJ", -17.8, 178.0), shop(tenant.id, "WS", -13.8, -171.8),
                      shop(tenant.id, "AU", -33.9, 151.2)], [])
    found = ids(client.get("/v1/stores?bbox=170,-20,-170,-10", headers=tenant.headers()))
    assert sorted(found) == ["FJ", "WS"]
    near = ids(client.get("/v1/stores?lat=-15&lon=179.9&radius_km=500", headers=tenant.headers()))
    assert near == ["FJ"]


def test_polygon_search(client, paris):
    h = paris.headers()
    square = {"type": "Polygon", "coordinates": [[[2.3, 48.85], [2.36, 48.85], [2.36, 48.87],
                                                    [2.3, 48.87], [2.3, 48.85]]]}
    r = client.post("/v1/stores/search", json={"polygon": square, "lat": 48.8566, "lon": 2.3522},
                    headers=h)
    assert ids(r) == ["P1", "CL", "P2", "P3"]
    clockwise = {"type": "Polygon", "coordinates": [list(reversed(square["coordinates"][0]))]}
    r = client.post("/v1/stores/search", json={"polygon": clockwise, "services": ["parking"]}, headers=h)
    assert sorted(ids(r)) == ["P1", "P3"]
    bad = client.post("/v1/stores/search", json={"polygon": {"type": "Polygon", "coordinates": [[[0, 0]]]}},
                      headers=h)
    assert bad.status_code == 400 and "polygon" in bad.get_json()["errors"]


def test_one_store_and_tenant_isolation(client, es, config, paris):
    r = client.get("/v1/stores/P1?lat=48.8606&lon=2.3376", headers=paris.headers())
    assert r.status_code == 200
    assert StoreSchema().validate(r.get_json()) == {}
    assert 1.0 < r.get_json()["distance_km"] < 1.2
    other = make_tenant(es, config)
    assert client.get("/v1/stores/P1", headers=other.headers()).status_code == 404
    assert ids(client.get("/v1/stores?lat=48.8566&lon=2.3522", headers=other.headers())) == []


@pytest.mark.parametrize("query", [
    "lat=48.8&lon=2.3&radius_km=501", "lat=48.8&lon=2.3&radius_km=0", "lat=48.8&lon=2.3&limit=101",
    "lat=91&lon=2", "lat=48.8", "", "lat=48.8&lon=2.3&cursor=garbage", "bbox=1,2,3",
    "bbox=0,50,1,40", "lat=48.8&lon=2.3&open_now=maybe", "lat=nan&lon=2",
])
def test_bad_input_is_a_400_problem(client, tenant, query):
    r = client.get(f"/v1/stores?{query}", headers=tenant.headers())
    assert r.status_code == 400, query
    assert r.mimetype == "application/problem+json"
    assert r.get_json()["errors"]


def test_keys_are_required(client, paris):
    assert client.get("/v1/stores?lat=48.8&lon=2.3").status_code == 401
    assert client.get("/v1/stores?lat=48.8&lon=2.3", headers={"X-Api-Key": "pk_nope"}).status_code == 401
    assert client.get("/v1/stores?lat=48.8&lon=2.3", headers=paris.headers("secret")).status_code == 200


def test_geojson_and_conditional_requests(client, paris):
    h = {**paris.headers(), "Accept": "application/geo+json"}
    r = client.get("/v1/stores?lat=48.8566&lon=2.3522&limit=2", headers=h)
    assert r.status_code == 200 and r.mimetype == "application/geo+json"
    collection = r.get_json()
    assert collection["type"] == "FeatureCollection"
    feature = collection["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [2.3522, 48.8566]}
    assert feature["properties"]["id"] == "P1"
    assert "next_cursor" in collection
    again = client.get("/v1/stores?lat=48.8566&lon=2.3522&limit=2",
                       headers={**h, "If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    plain = client.get("/v1/stores?lat=48.8566&lon=2.3522&limit=2", headers=paris.headers())
    assert plain.mimetype == "application/json" and plain.headers["ETag"] != r.headers["ETag"]


def test_ties_at_the_same_point_page_by_id_without_gaps_or_repeats(client, es, config, pinned):
    tenant = make_tenant(es, config)
    ids_at_point = ["T3", "T1", "T5", "T2", "T4"]
    seed(es, config, [shop(tenant.id, sid, 45.0, 7.0) for sid in ids_at_point], [])
    seen, cursor = [], None
    for _ in range(5):
        url = "/v1/stores?lat=45.01&lon=7.0&limit=2&open_now=true" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=tenant.headers())
        seen += ids(page)
        cursor = page.get_json()["next_cursor"]
        if not cursor:
            break
    assert seen == ["T1", "T2", "T3", "T4", "T5"]
