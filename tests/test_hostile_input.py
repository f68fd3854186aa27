"""Hostile input through the real gunicorn: every answer is a 4xx problem+json, never a 500 or HTML.

Forged page cursors, a body nested 100,000 deep, URLs and headers above the default limits of
gunicorn (which answer in HTML by themselves).
"""

from __future__ import annotations

import base64
import json

import pytest
import requests

from tests.conftest import make_tenant
from tests.factories import product_doc, seed, store_doc

PROBLEM = "application/problem+json"
HERE = "lat=48.8566&lon=2.3522"


@pytest.fixture(scope="module")
def shop(es, config):
    tenant = make_tenant(es, config)
    seed(es, config, [store_doc(tenant.id, "A", 48.8566, 2.3522)], [product_doc(tenant.id, "SKU1")])
    return tenant


def forged(payload: str) -> str:
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def assert_problem(response: requests.Response, status: int) -> dict:
    assert response.status_code == status, response.text[:300]
    assert response.headers["Content-Type"].startswith(PROBLEM), response.headers["Content-Type"]
    body = response.json()
    assert body["status"] == status
    return body


BAD_CURSORS = [
    '{"a": ["x", ""]}',          # an offset that is not a number
    '{"a": [-3, ""], "p": 3}',   # a negative offset
    '{"a": [true, ""], "p": 3}',
    '{"a": [NaN, ""], "p": 3}',  # lenient JSON
    '{"a": [1e400, "A"]}',       # infinite
    '{"a": [1, ""], "p": 1}',    # an availability cursor sent to the basket
    '["a"]',
]


@pytest.mark.parametrize("payload", BAD_CURSORS)
def test_forged_basket_cursor_is_a_400(live_server, shop, payload):
    body = {"items": [{"sku": "SKU1", "qty": 1}], "lat": 48.8566, "lon": 2.3522, "cursor": forged(payload)}
    response = requests.post(f"{live_server.url}/v1/availability/basket", json=body,
                             headers=shop.headers(), timeout=10)
    assert "cursor" in assert_problem(response, 400)["errors"]


@pytest.mark.parametrize(("path", "payload"), [
    (f"/v1/stores?{HERE}", '{"a": ["far", "A"]}'),                # a text value on the geo sort
    (f"/v1/stores?{HERE}", '{"a": [NaN, "A"]}'),
    (f"/v1/stores?{HERE}", '{"a": [1e400, "A"]}'),
    ("/v1/stores?q=shop", '{"a": [1.5, "A"]}'),                   # a number on the name sort
    (f"/v1/availability?sku=SKU1&{HERE}", '{"a": ["far", "A"], "p": 1}'),
    (f"/v1/availability?sku=SKU1&{HERE}", '{"a": [1.5, "A"], "p": 3}'),  # a basket phase
])
def test_forged_listing_cursor_is_a_400(live_server, shop, path, payload):
    response = requests.get(f"{live_server.url}{path}&cursor={forged(payload)}", headers=shop.headers(),
                            timeout=10)
    assert "cursor" in assert_problem(response, 400)["errors"]


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_body_nested_100000_deep_is_a_400(live_server, shop, opener):
    closer = "]" if opener == "[" else "}"
    body = opener * 100_000 + "1" + closer * 100_000
    response = requests.post(f"{live_server.url}/v1/availability/basket", data=body,
                             headers={**shop.headers(), "Content-Type": "application/json"}, timeout=30)
    assert "nested" in assert_problem(response, 400)["detail"]


def test_url_longer_than_gunicorns_default_is_answered_by_the_app(live_server, shop):
    q = "x" * 5000  # gunicorn's own default refuses request lines above 4,094 bytes, in HTML
    response = requests.get(f"{live_server.url}/v1/stores?{HERE}&q={q}", headers=shop.headers(), timeout=10)
    assert response.headers["Content-Type"].startswith(("application/json", PROBLEM))
    assert response.status_code in (200, 400)


def test_url_above_the_apps_limit_is_a_414_problem(live_server, shop):
    response = requests.get(f"{live_server.url}/v1/stores?{HERE}&q={'x' * 8100}", headers=shop.headers(),
                            timeout=10)
    assert "8000" in assert_problem(response, 414)["detail"]


def test_header_above_the_apps_limit_is_a_431_problem(live_server, shop):
    response = requests.get(f"{live_server.url}/v1/stores?{HERE}",
                            headers={**shop.headers(), "X-Junk": "y" * 9000}, timeout=10)
    assert "X-Junk" in assert_problem(response, 431)["detail"]


def test_what_gunicorn_itself_refuses_is_a_problem_too(live_server, shop):
    # Above the longest request line gunicorn reads (8,190 bytes): the application never sees it.
    response = requests.get(f"{live_server.url}/v1/stores?{HERE}&q={'x' * 9000}", headers=shop.headers(),
                            timeout=10)
    assert assert_problem(response, 414)["title"] == "Request URI Too Large"
    too_many = {f"X-Extra-{i}": "1" for i in range(120)}  # gunicorn reads at most 100 header fields
    assert_problem(requests.get(f"{live_server.url}/healthz", headers=too_many, timeout=10), 431)


def test_a_deep_but_reasonable_body_is_still_parsed(live_server, shop):
    # 50 levels: far below the limit, answered as a validation error on the fields, not on nesting.
    body = {"items": [{"sku": "SKU1", "qty": 1}], "lat": 48.8566, "lon": 2.3522,
            "junk": json.loads("[" * 50 + "]" * 50)}
    response = requests.post(f"{live_server.url}/v1/availability/basket", json=body,
                             headers=shop.headers(), timeout=10)
    assert response.status_code in (200, 400)
    assert "nested" not in response.text
