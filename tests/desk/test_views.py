"""The desk's endpoints against the real node: who is signed in, the polled pick-up list, products."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from locator.es import index_name
from locator.tenants import service as tenants
from tests import factories
from tests.conftest import with_store_key

PARIS = (48.8566, 2.3522)


@pytest.fixture
def shop(client, es, config, tenant):
    lat, lon = PARIS
    factories.seed(es, config, [factories.store_doc(tenant.id, "S1", lat, lon, name="Rivoli"),
                                factories.store_doc(tenant.id, "S2", lat + 0.02, lon, name="Bastille")],
                   [factories.product_doc(tenant.id, "CHAIR-1", name="Chaise pliante Évasion",
                                          gtin="4006381333931", search_text="chaise pliante evasion chair-1"),
                    factories.product_doc(tenant.id, "LAMP-2", name="Lampe", search_text="lampe lamp-2")])
    rows = [{"store_id": s, "sku": k, "on_hand": 5, "as_of": datetime.now(UTC).isoformat()}
            for s in ("S1", "S2") for k in ("CHAIR-1", "LAMP-2")]
    assert client.put("/v1/stock", json={"rows": rows}, headers=tenant.headers("secret")).status_code == 200
    return with_store_key(es, config, tenant, "S1")


def _reserve(client, shop, store_id: str, name: str) -> dict:
    response = client.post("/v1/reservations", json={
        "store_id": store_id, "items": [{"sku": "CHAIR-1", "qty": 1}],
        "customer": {"name": name, "email": "x@example.org"}},
        headers={**shop.headers(), "Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 201
    return response.json


def test_desk_names_the_keys_store(client, shop):
    desk = client.get("/v1/desk", headers=shop.headers("store")).json
    assert desk["store"]["id"] == "S1" and desk["store"]["name"] == "Rivoli"
    assert desk["store"]["timezone"] == "Europe/Paris" and desk["poll_seconds"] >= 1


def test_pickup_list_is_the_stores_open_reservations_and_304_while_unchanged(client, es, config, shop):
    headers = shop.headers("store")
    first = _reserve(client, shop, "S1", "Ada Early")
    _reserve(client, shop, "S2", "Other Store")
    es.indices.refresh(index=index_name(config, "reservations"))
    listed = client.get("/v1/desk/pickups", headers=headers)
    assert listed.status_code == 200 and listed.headers["Cache-Control"].startswith("private")
    assert [r["customer"]["name"] for r in listed.json["reservations"]] == ["Ada Early"]
    assert listed.json["reservations"][0]["items"] == [{"sku": "CHAIR-1", "qty": 1}]
    assert listed.json["product_names"] == {"CHAIR-1": "Chaise pliante Évasion"}
    etag = listed.headers["ETag"]
    unchanged = client.get("/v1/desk/pickups", headers={**headers, "If-None-Match": etag})
    assert unchanged.status_code == 304 and not unchanged.get_data()

    second = _reserve(client, shop, "S1", "Bea Later")
    es.indices.refresh(index=index_name(config, "reservations"))
    changed = client.get("/v1/desk/pickups", headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200
    # Soonest expiry first.
    assert [r["id"] for r in changed.json["reservations"]] == [first["id"], second["id"]]

    client.post(f"/v1/reservations/{first['id']}/ready", headers=headers)
    client.post(f"/v1/reservations/{first['id']}/collect", headers=headers)
    es.indices.refresh(index=index_name(config, "reservations"))
    after = client.get("/v1/desk/pickups", headers=headers).json
    assert [r["id"] for r in after["reservations"]] == [second["id"]]  # collected leaves the list


def test_products_by_sku_gtin_or_name(client, shop):
    headers = shop.headers("store")

    def skus(q: str) -> list[str]:
        response = client.get("/v1/products", query_string={"q": q}, headers=headers)
        assert response.status_code == 200
        return [p["sku"] for p in response.json["results"]]

    assert skus("CHAIR-1") == ["CHAIR-1"]
    assert skus("4006381333931") == ["CHAIR-1"]
    assert skus("chaise evas") == ["CHAIR-1"]
    assert skus("nothing like it") == []
    # A kiosk on the shop floor searches with the publishable key: the catalogue is public.
    public = client.get("/v1/products", query_string={"q": "lampe"}, headers=shop.headers())
    assert [p["sku"] for p in public.json["results"]] == ["LAMP-2"]
    empty = client.get("/v1/products", query_string={"q": ""}, headers=headers)
    assert empty.status_code == 400 and empty.mimetype == "application/problem+json"


def test_desk_endpoints_need_a_store_key_and_a_revoked_one_stops_at_once(client, es, config, shop):
    assert client.get("/v1/desk/pickups", headers=shop.headers()).status_code == 403
    assert client.get("/v1/desk/pickups").status_code == 401
    assert client.get("/v1/desk/pickups", headers=shop.headers("store")).status_code == 200
    tenants.revoke_key(es, config, shop.store_key)
    assert client.get("/v1/desk/pickups", headers=shop.headers("store")).status_code == 401  # cache TTL 0


def test_desk_page_is_served_with_the_pages_policy_and_the_camera_for_itself(client):
    with client.get("/desk") as page:
        assert page.status_code == 200 and b"<store-desk>" in page.data and b"/static/desk.js" in page.data
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        assert "camera=(self)" in page.headers["Permissions-Policy"]
    with client.get("/demo/kiosk") as kiosk:
        assert kiosk.status_code == 200 and b"<store-kiosk" in kiosk.data
        assert "camera=()" in kiosk.headers["Permissions-Policy"]  # only the desk may scan
