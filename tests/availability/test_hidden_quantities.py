"""`expose_quantities=false` holds on every path, through the real gunicorn.

A publishable key of a tenant that hides quantities learns whether a store can supply up to 10
units (so an exact count only below 10, as the low-stock level half says already), never more:
not through the basket's `supplied_qty`, a binary search on `min_qty`, nor the 409 of a
reservation. Secret keys and tenants that expose quantities see exact figures.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
import requests

from locator.stock.service import StockRow, apply_stock_batch
from tests.conftest import make_tenant
from tests.factories import product_doc, seed, store_doc

HERE = {"lat": 48.8566, "lon": 2.3522}
COUNT = 37


def shop_with(es, config, **settings):
    tenant = make_tenant(es, config, **settings)
    seed(es, config, [store_doc(tenant.id, "A", 48.8566, 2.3522)],
         [product_doc(tenant.id, "SKU1"), product_doc(tenant.id, "SKU2")])
    apply_stock_batch(es, config, tenant.id, [StockRow("A", "SKU1", COUNT, datetime.now(UTC)),
                                              StockRow("A", "SKU2", 3, datetime.now(UTC))],
                      refresh="wait_for")
    return tenant


@pytest.fixture(scope="module")
def hidden(es, config):
    return shop_with(es, config)


@pytest.fixture(scope="module")
def exposed(es, config):
    return shop_with(es, config, expose_quantities=True)


def basket(server, headers, qty, sku="SKU1"):
    return requests.post(f"{server.url}/v1/availability/basket", headers=headers, timeout=10,
                         json={"items": [{"sku": sku, "qty": qty}], **HERE})


def listed(server, headers, min_qty):
    response = requests.get(f"{server.url}/v1/availability", headers=headers, timeout=10,
                            params={"sku": "SKU1", "min_qty": min_qty, **HERE})
    return response


def _without_request_id(response) -> str:
    # The request id is random hex: "37" may well appear in it.
    return json.dumps({k: v for k, v in response.json().items() if k != "request_id"})


def reserve(server, headers, qty):
    return requests.post(f"{server.url}/v1/reservations", timeout=10,
                         headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                         json={"store_id": "A", "items": [{"sku": "SKU1", "qty": qty}],
                               "customer": {"name": "Ada", "email": "ada@example.org"}})


def test_basket_does_not_tell_the_count(live_server, hidden):
    response = basket(live_server, hidden.headers(), 10_000)
    assert response.status_code == 400
    assert "items" in response.json()["errors"]
    assert str(COUNT) not in _without_request_id(response)
    within = basket(live_server, hidden.headers(), 10)
    assert within.status_code == 200
    line = within.json()["results"][0]["items"][0]
    assert (line["supplied_qty"], line["missing_qty"]) == (10, 0) and "available_qty" not in line
    short = basket(live_server, hidden.headers(), 5, sku="SKU2")  # below the cap: what low_stock says
    assert short.json()["results"][0]["items"][0]["supplied_qty"] == 3


def test_min_qty_cannot_be_searched_past_the_cap(live_server, hidden):
    assert len(listed(live_server, hidden.headers(), 10).json()["results"]) == 1
    for probe in (COUNT, COUNT + 1, 11):
        response = listed(live_server, hidden.headers(), probe)
        assert response.status_code == 400, probe
        assert "min_qty" in response.json()["errors"]


def test_a_short_reservation_does_not_tell_the_count(live_server, hidden):
    response = reserve(live_server, hidden.headers(), 50)
    assert response.status_code == 409
    assert response.json()["items"] == [{"sku": "SKU1", "requested": 50, "available": 10}]
    assert str(COUNT) not in _without_request_id(response)


@pytest.mark.parametrize("who", ["secret key", "exposed tenant"])
def test_exact_for_secret_keys_and_exposed_tenants(live_server, hidden, exposed, who):
    headers = hidden.headers("secret") if who == "secret key" else exposed.headers()
    line = basket(live_server, headers, 10_000).json()["results"][0]["items"][0]
    assert (line["supplied_qty"], line["available_qty"]) == (COUNT, COUNT)
    assert len(listed(live_server, headers, COUNT).json()["results"]) == 1
    assert listed(live_server, headers, COUNT + 1).json()["results"] == []
    short = reserve(live_server, headers, 50)
    assert short.status_code == 409 and short.json()["items"][0]["available"] == COUNT
