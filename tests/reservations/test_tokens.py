"""Shopper tokens are keyed with a server secret (TOKEN_SECRETS): an Idempotency-Key alone gives nothing.

Rotation: the first secret signs new tokens, the others still let a replay give its token again;
a token already handed out keeps working whatever the secrets (only its hash is stored).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac

from locator.app import create_app
from tests.reservations.helpers import body, new_key, stock_up

OLD = "old-secret-0123456789abcdef"
NEW = "new-secret-0123456789abcdef"


def client_with(config, *secrets: str):
    app = create_app(dataclasses.replace(config, token_secrets=secrets))
    app.config["TESTING"] = True
    return app.test_client()


def reserve(client, tenant, key: str):
    return client.post("/v1/reservations", json=body({"SKU1": 1}),
                       headers={**tenant.headers(), "Idempotency-Key": key})


def test_the_idempotency_key_alone_does_not_give_the_token(client, es, config, tenant):
    # The default configuration (no TOKEN_SECRETS: a secret drawn for this process) is keyed too.
    stock_up(es, config, tenant.id, {"SKU1": 5})
    key = new_key()
    created = reserve(client, tenant, key)
    assert created.status_code == 201, created.json
    rid = created.json["id"]
    # What anyone who saw the key in a log could compute before: an HMAC keyed by the key itself.
    mac = hmac.new(key.encode(), f"token\x1f{tenant.id}\x1f{rid}".encode(), hashlib.sha256)
    guessed = base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")
    assert created.json["token"] != guessed
    shopper = client
    assert shopper.get(f"/v1/reservations/{rid}?token={guessed}", headers=tenant.headers()).status_code == 404
    assert shopper.post(f"/v1/reservations/{rid}/cancel?token={guessed}",
                        headers=tenant.headers()).status_code == 404
    assert shopper.get(f"/v1/reservations/{rid}?token={created.json['token']}",
                       headers=tenant.headers()).status_code == 200


def test_other_secrets_give_other_tokens(es, config, tenant):
    stock_up(es, config, tenant.id, {"SKU1": 5})
    first = reserve(client_with(config, OLD), tenant, new_key())
    other_tenant_key = new_key()
    second = reserve(client_with(config, NEW), tenant, other_tenant_key)
    assert first.status_code == second.status_code == 201
    assert first.json["token"] != second.json["token"]


def test_rotation_keeps_live_tokens_and_replays(es, config, tenant):
    stock_up(es, config, tenant.id, {"SKU1": 5})
    key = new_key()
    created = reserve(client_with(config, OLD), tenant, key)
    assert created.status_code == 201
    token, rid = created.json["token"], created.json["id"]

    rotated = client_with(config, NEW, OLD)
    replay = reserve(rotated, tenant, key)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json["token"] == token
    assert rotated.get(f"/v1/reservations/{rid}", headers={**tenant.headers(),
                                                           "X-Reservation-Token": token}).status_code == 200

    # Once OLD is dropped, the token still opens the reservation; only a replay cannot show it again.
    retired = client_with(config, NEW)
    assert retired.get(f"/v1/reservations/{rid}?token={token}", headers=tenant.headers()).status_code == 200
    lost = reserve(retired, tenant, key)
    assert lost.status_code == 409
    assert lost.json["type"].endswith("/token-unavailable")
    assert token not in lost.get_data(as_text=True)


def test_a_new_reservation_is_signed_with_the_first_secret(es, config, tenant):
    stock_up(es, config, tenant.id, {"SKU1": 5})
    key = new_key()
    created = reserve(client_with(config, NEW, OLD), tenant, key)
    replay = reserve(client_with(config, NEW), tenant, key)
    assert replay.status_code == 201 and replay.json["token"] == created.json["token"]
