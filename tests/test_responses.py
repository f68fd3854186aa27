"""The read endpoints over real HTTP (gunicorn), and their place in the OpenAPI document."""

import requests

from tests.factories import seed, store_doc


def test_openapi_documents_the_search_endpoints(client):
    spec = client.get("/openapi.json").get_json()
    paths = spec["paths"]
    for path in ("/v1/stores", "/v1/stores/search", "/v1/stores/{store_id}", "/v1/availability",
                 "/v1/availability/basket", "/v1/geocode"):
        assert path in paths, path
    listing = paths["/v1/stores"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"lat", "lon", "radius_km", "limit", "cursor",
                                                          "open_now", "services", "q", "bbox"}
    assert "application/geo+json" in listing["responses"]["200"]["content"]
    assert listing["security"] == [{"ApiKey": []}]
    assert "ties are broken by store id" in listing["description"]
    assert "stale" in paths["/v1/availability"]["get"]["description"]
    schemas = spec["components"]["schemas"]
    assert {"Store", "StoreList", "Availability", "Basket"} <= set(schemas)
    assert "available_qty" in schemas["AvailabilityEntry"]["properties"]


def test_etag_and_geojson_through_gunicorn(es, config, tenant, live_server):
    seed(es, config, [store_doc(tenant.id, "G1", 48.85, 2.35)], [])
    url = f"{live_server.url}/v1/stores?lat=48.85&lon=2.35"
    first = requests.get(url, headers=tenant.headers(), timeout=10)
    assert first.status_code == 200 and first.json()["results"][0]["id"] == "G1"
    assert first.headers["Cache-Control"] == "public, max-age=30"
    conditional = {**tenant.headers(), "If-None-Match": first.headers["ETag"]}
    again = requests.get(url, headers=conditional, timeout=10)
    assert again.status_code == 304 and again.content == b""
    geo = requests.get(url, headers={**tenant.headers(), "Accept": "application/geo+json"}, timeout=10)
    assert geo.headers["Content-Type"].startswith("application/geo+json")
    assert geo.json()["features"][0]["geometry"]["coordinates"] == [2.35, 48.85]
