"""CORS: preflights, and the Origin check of browser calls against each key's allowed origins."""

import dataclasses

import pytest

from locator.app import create_app
from locator.tenants import service

SHOP = "https://shop.example.com"
OTHER = "https://evil.example.net"
PARIS = "/v1/stores?lat=48.8566&lon=2.3522&radius_km=5"


@pytest.fixture
def pk_with_origin(es, config, tenant):
    plaintext, _ = service.create_key(es, config, tenant.id, "publishable", (SHOP, "http://localhost:3000"))
    return plaintext


def test_preflight_allows_the_widget_headers(client):
    response = client.options("/v1/stores", headers={
        "Origin": SHOP, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "x-api-key"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == SHOP
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert "x-api-key" in allowed and "idempotency-key" in allowed and "content-type" in allowed
    assert set(response.headers["Access-Control-Allow-Methods"].split(", ")) == {"GET", "POST"}
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    assert "Origin" in response.headers["Vary"]
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_preflight_for_secret_key_methods_is_refused(client):
    response = client.options("/v1/stock", headers={
        "Origin": SHOP, "Access-Control-Request-Method": "PUT"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_publishable_key_from_an_allowed_origin(client, pk_with_origin):
    response = client.get(PARIS, headers={"X-Api-Key": pk_with_origin, "Origin": SHOP})
    assert response.status_code == 200, response.json
    assert response.headers["Access-Control-Allow-Origin"] == SHOP
    assert "X-Request-Id" in response.headers["Access-Control-Expose-Headers"]
    assert "Origin" in response.headers["Vary"]
    # Origins are compared normalized, as browsers send them.
    local = client.get(PARIS, headers={"X-Api-Key": pk_with_origin, "Origin": "http://localhost:3000"})
    assert local.status_code == 200


@pytest.mark.parametrize("origin", [OTHER, "null", "https://shop.example.com.evil.net",
                                    "http://shop.example.com", "https://shop.example.com:8443"])
def test_publishable_key_from_another_origin_is_403(client, pk_with_origin, origin):
    response = client.get(PARIS, headers={"X-Api-Key": pk_with_origin, "Origin": origin})
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert "Access-Control-Allow-Origin" not in response.headers


def test_key_without_origins_works_same_origin_and_without_browser_only(client, tenant):
    headers = tenant.headers("publishable")
    assert client.get(PARIS, headers=headers).status_code == 200  # app or back-end: no Origin
    same = client.get(PARIS, headers={**headers, "Origin": "http://localhost"})  # the demo page
    assert same.status_code == 200
    assert client.get(PARIS, headers={**headers, "Origin": SHOP}).status_code == 403


def test_secret_key_is_refused_from_a_foreign_page(client, tenant):
    headers = tenant.headers("secret")
    assert client.get(PARIS, headers=headers).status_code == 200
    response = client.get(PARIS, headers={**headers, "Origin": SHOP})
    assert response.status_code == 403
    assert "publishable" in response.json["detail"]


def test_unknown_key_answer_is_readable_by_the_widget(client):
    response = client.get(PARIS, headers={"X-Api-Key": "pk_nope", "Origin": SHOP})
    assert response.status_code == 401
    assert response.headers["Access-Control-Allow-Origin"] == SHOP


def test_public_url_is_the_own_origin(config, es, tenant):
    app = create_app(dataclasses.replace(config, public_url="https://locator.example.org/"))
    response = app.test_client().get(PARIS, headers={**tenant.headers("publishable"),
                                                     "Origin": "https://locator.example.org"})
    assert response.status_code == 200


def test_preflight_then_request_through_gunicorn(live_server, es, config, tenant):
    import requests

    plaintext, _ = service.create_key(es, config, tenant.id, "publishable", (SHOP,))
    preflight = requests.options(f"{live_server.url}/v1/stores", headers={
        "Origin": SHOP, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "X-Api-Key"}, timeout=10)
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == SHOP
    response = requests.get(f"{live_server.url}{PARIS}", headers={"X-Api-Key": plaintext, "Origin": SHOP},
                            timeout=10)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == SHOP
