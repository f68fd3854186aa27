"""GET /v1/geocode through the offline geocoder."""

import pytest


def test_town_and_postcode(client, tenant):
    r = client.get("/v1/geocode?q=Lyon", headers=tenant.headers())
    assert r.status_code == 200
    body = r.get_json()
    assert abs(body["lat"] - 45.75) < 0.1 and abs(body["lon"] - 4.85) < 0.1
    assert body["precision"] == "city" and "Lyon" in body["label"]
    assert "max-age=86400" in r.headers["Cache-Control"]
    zip_code = client.get("/v1/geocode?q=10001", headers=tenant.headers()).get_json()
    assert zip_code["precision"] == "postcode" and abs(zip_code["lat"] - 40.75) < 0.1


def test_accents_and_case_do_not_matter(client, tenant):
    a = client.get("/v1/geocode?q=%C3%89VRY", headers=tenant.headers()).get_json()
    b = client.get("/v1/geocode?q=evry", headers=tenant.headers()).get_json()
    assert (a["lat"], a["lon"]) == (b["lat"], b["lon"])


def test_country_disambiguates(client, tenant):
    fr = client.get("/v1/geocode?q=Paris&country=FR", headers=tenant.headers()).get_json()
    us = client.get("/v1/geocode?q=Paris&country=US", headers=tenant.headers()).get_json()
    assert fr["lon"] > 0 > us["lon"]


@pytest.mark.parametrize(("query", "status"), [("q=zzqxqzz", 404), ("", 400), ("q=" + "x" * 201, 400)])
def test_not_found_and_bad_input(client, tenant, query, status):
    r = client.get(f"/v1/geocode?{query}", headers=tenant.headers())
    assert r.status_code == status and r.mimetype == "application/problem+json"


def test_needs_a_key(client):
    assert client.get("/v1/geocode?q=Lyon").status_code == 401


def test_french_postcodes(client, tenant):
    r = client.get("/v1/geocode?q=75011&country=FR", headers=tenant.headers())
    assert r.status_code == 200
    body = r.get_json()
    assert body["label"] == "75011 Paris 11e Arrondissement, FR" and body["precision"] == "postcode"
    assert abs(body["lat"] - 48.858) < 0.01 and abs(body["lon"] - 2.380) < 0.01
    town = client.get("/v1/geocode?q=13001%20Marseille", headers=tenant.headers()).get_json()
    assert town["label"] == "13001 Marseille 1er Arrondissement, FR"
    lyon = client.get("/v1/geocode?q=69003", headers=tenant.headers()).get_json()  # no such US ZIP
    assert lyon["label"].startswith("69003 Lyon 3e")
    new_york = client.get("/v1/geocode?q=10001&country=US", headers=tenant.headers()).get_json()
    assert new_york["label"] == "10001 New York, NY, US"
    unknown = client.get("/v1/geocode?q=99999&country=FR", headers=tenant.headers())
    assert unknown.status_code == 404 and unknown.mimetype == "application/problem+json"


def test_country_parameter_is_documented(client):
    spec = client.get("/openapi.json").get_json()
    params = {p["name"]: p for p in spec["paths"]["/v1/geocode"]["get"]["parameters"]}
    assert "country" in params and "ISO 3166-1" in params["country"]["description"]
