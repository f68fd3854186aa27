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
