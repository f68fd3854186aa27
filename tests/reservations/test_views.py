"""The reservation endpoints through the app, against the real node."""

from datetime import UTC, datetime

from locator.reservations import codes
from tests.conftest import make_tenant
from tests.reservations.helpers import available, body, new_key, stock_doc, stock_up


def _reserve(client, tenant, items, key=None, kind="publishable", **kwargs):
    headers = {**tenant.headers(kind), "Idempotency-Key": key or new_key()}
    return client.post("/v1/reservations", json=body(items, **kwargs), headers=headers)


def _shopper(tenant, token):
    return {**tenant.headers(), "X-Reservation-Token": token}


def test_reserve_holds_every_item_and_answers_code_token_expiry(client, es, config, tenant):
    stock_up(es, config, tenant.id, {"A": 3, "B": 1})
    response = _reserve(client, tenant, {"A": 2, "B": 1})
    assert response.status_code == 201, response.json
    created = response.json
    assert created["status"] == "held" and created["id"].startswith("r_")
    assert response.headers["Location"] == f"/v1/reservations/{created['id']}"
    assert codes.normalize(created["pickup_code"]) == created["pickup_code"]
    assert not set(created["pickup_code"]) & set("01OI")
    expires = datetime.fromisoformat(created["expires_at"])
    assert 23.9 < (expires - datetime.now(UTC)).total_seconds() / 3600 <= 24
    assert available(es, config, tenant.id, "A") == 1 and available(es, config, tenant.id, "B") == 0
    assert stock_doc(es, config, tenant.id, "A")["held"] == 2
    got = client.get(f"/v1/reservations/{created['id']}", headers=_shopper(tenant, created["token"]))
    assert got.status_code == 200 and got.json["customer"]["email"] == "ada@example.org"
    assert "token" not in got.json


def test_short_items_hold_nothing_and_say_what_is_available(client, es, config, tenant):
    stock_up(es, config, tenant.id, {"A": 5, "B": 1, "C": 0})
    response = _reserve(client, tenant, {"A": 2, "B": 3, "C": 1})
    assert response.status_code == 409
    assert response.json["type"].endswith("/insufficient-stock")
    assert response.json["items"] == [{"sku": "B", "requested": 3, "available": 1},
                                      {"sku": "C", "requested": 1, "available": 0}]
    assert available(es, config, tenant.id, "A") == 5 and stock_doc(es, config, tenant.id, "A")["holds"] == []
    unknown = _reserve(client, tenant, {"NOPE": 1})
    assert unknown.status_code == 409 and unknown.json["items"][0]["available"] == 0


def test_idempotency_same_body_same_reservation_other_body_422(client, es, config, tenant):
    stock_up(es, config, tenant.id, {"A": 5})
    key = new_key()
    first = _reserve(client, tenant, {"A": 1}, key=key)
    again = _reserve(client, tenant, {"A": 1}, key=key)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["id"] == first.json["id"] and again.json["token"] == first.json["token"]
    assert again.json["pickup_code"] == first.json["pickup_code"]
    assert available(es, config, tenant.id, "A") == 4
    other = _reserve(client, tenant, {"A": 2}, key=key)
    assert other.status_code == 422
    missing = client.post("/v1/reservations", json=body({"A": 1}), headers=tenant.headers())
    assert missing.status_code == 400 and "Idempotency-Key" in missing.json["errors"]
    short_key = _reserve(client, tenant, {"A": 1}, key="abc")
    assert short_key.status_code == 400


def test_a_failed_reservation_can_be_retried_with_the_same_key(client, es, config, tenant):
    stock_up(es, config, tenant.id, {"A": 0})
    key = new_key()
    assert _reserve(client, tenant, {"A": 1}, key=key).status_code == 409
    stock_up(es, config, tenant.id, {"A": 2})
    assert _reserve(client, tenant, {"A": 1}, key=key).status_code == 201


def test_validation_of_items_and_customer(client, es, config, tenant):
    stock_up(es, config, tenant.id, {"A": 5})
    headers = {**tenant.headers(), "Idempotency-Key": new_key()}
    cases = [
        ({"store_id": "S1", "items": [], "customer": {"name": "A", "email": "a@b.co"}}, "items"),
        ({**body({"A": 1}), "items": [{"sku": f"S{i}", "qty": 1} for i in range(21)]}, "items"),
        ({**body({"A": 1}), "items": [{"sku": "A", "qty": 1}, {"sku": "A", "qty": 1}]}, "items"),
        (body({"A": 0}), "items"),
        (body({"A": 1}, customer={"name": "Ada"}), "customer"),
        (body({"A": 1}, customer={"name": "Ada", "email": "not-an-email"}), "customer"),
        (body({"A": 1}, customer={"name": "Ada", "phone": "call me"}), "customer"),
        (body({"A": 1}, customer={"name": "  ", "phone": "+33 6 12 34 56 78"}), "customer"),
    ]
    for payload, field in cases:
        response = client.post("/v1/reservations", json=payload, headers=headers)
        assert response.status_code == 400, (payload, response.json)
        assert field in response.json["errors"], response.json
    ok = _reserve(client, tenant, {"A": 1}, customer={"name": " Ada ", "phone": "+33 6 12-34-56.78"})
    assert ok.status_code == 201 and ok.json["customer"]["phone"] == "+33612345678"
    assert _reserve(client, tenant, {"A": 1}, store="NOPE").status_code == 422


def test_life_cycle_and_forbidden_transitions(client, es, config, tenant):
    stock_up(es, config, tenant.id, {"A": 3})
    created = _reserve(client, tenant, {"A": 2}).json
    rid, secret = created["id"], tenant.headers("secret")
    assert client.post(f"/v1/reservations/{rid}/collect", headers=secret).status_code == 409
    assert client.post(f"/v1/reservations/{rid}/ready", headers=tenant.headers()).status_code == 403
    ready = client.post(f"/v1/reservations/{rid}/ready", headers=secret)
    assert ready.status_code == 200 and ready.json["status"] == "ready" and ready.json["ready_at"]
    assert client.post(f"/v1/reservations/{rid}/ready", headers=secret).status_code == 409
    collected = client.post(f"/v1/reservations/{rid}/collect", headers=secret)
    assert collected.status_code == 200 and collected.json["status"] == "collected"
    # Collected units keep counting until the till's count arrives.
    assert available(es, config, tenant.id, "A") == 1
    for action in ("cancel", "ready", "collect"):
        response = client.post(f"/v1/reservations/{rid}/{action}", headers=secret)
        assert response.status_code == 409 and response.json["type"].endswith("/invalid-transition")


def test_shopper_cancels_with_token_and_units_are_free_at_once(client, es, config, tenant):
    stock_up(es, config, tenant.id, {"A": 1})
    created = _reserve(client, tenant, {"A": 1}).json
    rid = created["id"]
    assert available(es, config, tenant.id, "A") == 0
    assert client.post(f"/v1/reservations/{rid}/cancel", headers=tenant.headers()).status_code == 401
    wrong = client.post(f"/v1/reservations/{rid}/cancel", headers=_shopper(tenant, "nope"))
    assert wrong.status_code == 404
    cancelled = client.post(f"/v1/reservations/{rid}/cancel", headers=_shopper(tenant, created["token"]))
    assert cancelled.status_code == 200 and cancelled.json["cancelled_by"] == "shopper"
    assert available(es, config, tenant.id, "A") == 1
    again = client.post(f"/v1/reservations/{rid}/cancel?token={created['token']}", headers=tenant.headers())
    assert again.status_code == 409


def test_tenants_and_shoppers_are_isolated(client, es, config, tenant):
    stock_up(es, config, tenant.id, {"A": 5})
    mine = _reserve(client, tenant, {"A": 1}).json
    theirs = _reserve(client, tenant, {"A": 1}).json
    assert client.get(f"/v1/reservations/{mine['id']}",
                      headers=_shopper(tenant, theirs["token"])).status_code == 404
    other = make_tenant(es, config)
    assert client.get(f"/v1/reservations/{mine['id']}", headers=other.headers("secret")).status_code == 404
    assert client.get(f"/v1/reservations/{mine['id']}",
                      headers={**other.headers(), "X-Reservation-Token": mine["token"]}).status_code == 404
    assert client.get(f"/v1/reservations/{mine['id']}", headers=tenant.headers("secret")).status_code == 200


def test_store_lists_by_status_and_finds_by_pickup_code(client, es, config, tenant):
    stock_up(es, config, tenant.id, {"A": 5})
    secret = tenant.headers("secret")
    first = _reserve(client, tenant, {"A": 1}).json
    second = _reserve(client, tenant, {"A": 1}).json
    client.post(f"/v1/reservations/{second['id']}/ready", headers=secret)
    es.indices.refresh(index=f"{config.index_prefix}-reservations")
    held = client.get("/v1/stores/S1/reservations?status=held", headers=secret).json
    assert [r["id"] for r in held["reservations"]] == [first["id"]] and held["total"] == 1
    every = client.get("/v1/stores/S1/reservations", headers=secret).json
    assert {r["id"] for r in every["reservations"]} == {first["id"], second["id"]}
    assert client.get("/v1/stores/S1/reservations", headers=tenant.headers()).status_code == 403
    assert client.get("/v1/stores/S1/reservations?status=bogus", headers=secret).status_code == 400
    code = second["pickup_code"]
    typed = f"{code[:3].lower()}-{code[3:]}"
    found = client.get(f"/v1/stores/S1/reservations/by-code/{typed}", headers=secret)
    assert found.status_code == 200 and found.json["id"] == second["id"]
    assert client.get("/v1/stores/S2/reservations/by-code/" + code, headers=secret).status_code == 404
    client.post(f"/v1/reservations/{second['id']}/cancel", headers=secret)
    assert client.get(f"/v1/stores/S1/reservations/by-code/{code}", headers=secret).status_code == 404


def test_openapi_documents_the_reservation_endpoints(client):
    spec = client.get("/openapi.json").json
    post = spec["paths"]["/v1/reservations"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])
    assert {"201", "409", "422"} <= set(post["responses"])
    assert "CreatedReservation" in spec["components"]["schemas"]


def test_a_temporarily_closed_store_takes_no_reservation(client, es, config, tenant):
    from tests.factories import seed, store_doc

    stock_up(es, config, tenant.id, {"A": 3})
    seed(es, config, [store_doc(tenant.id, "S1", 48.85, 2.35, status="temporarily_closed")], [])
    response = _reserve(client, tenant, {"A": 1})
    assert response.status_code == 409 and response.json["type"].endswith("/store-closed")
    assert stock_doc(es, config, tenant.id, "A")["holds"] == []
