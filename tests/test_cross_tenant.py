"""Tenant isolation over every endpoint of the live `/openapi.json`, with each kind of key.

Two tenants share store ids and skus (`S1`, `SKU1`); tenant A also has objects of its own (store
`A-ONLY`, sku `A-SKU`, a reservation). Each API operation is called:
- without a key and with an unknown key: 401;
- with A's publishable key when it needs a secret key: 403;
- with each of B's keys on A's objects: 404 for an object in the path, never A's data, never a
  change to A's data;
- with B's keys on the shared ids: only B's data;
- with A's own keys (safe operations): A's data, so that a 404 above means isolation, not a bug.
Operations added later are covered too: their path and query values come from parameter names.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from locator.app import create_app
from locator.es import index_name
from locator.http.auth import KINDS_ATTRIBUTE
from tests import factories
from tests.conftest import make_tenant, with_store_key
from tests.factories import get_stock_doc

if TYPE_CHECKING:
    from tests.conftest import TestTenant

PARIS = (48.8566, 2.3522)
# Operations a publishable key may use although they are not GETs: searches and a shopper's own
# reservation. Any other write must need a secret key.
PUBLISHABLE_WRITES = {
    ("POST", "/v1/availability/basket"),
    ("POST", "/v1/stores/search"),
    ("POST", "/v1/reservations"),
    ("POST", "/v1/reservations/{rid}/cancel"),
    # A shopper asks for a back-in-stock alert and confirms or cancels it with an emailed token.
    ("POST", "/v1/alerts"),
    ("POST", "/v1/alerts/confirm"),
    ("POST", "/v1/alerts/cancel"),
}
SAFE_METHODS = {"GET", "HEAD"}
KINDS = ("publishable", "secret", "store")


@dataclass
class World:
    client: object
    spec: dict
    a: TestTenant
    b: TestTenant
    reservation: dict
    markers: set[str] = field(default_factory=set)  # strings only A's data contains


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _seed(client, es, config, tenant: TestTenant, label: str, own: bool) -> None:
    lat, lon = PARIS
    store_ids = ["S1", "S2"] + (["A-ONLY"] if own else [])
    stores = [factories.store_doc(tenant.id, sid, lat + i * 0.01, lon, name=f"{label} store {sid}")
              for i, sid in enumerate(store_ids)]
    skus = ["SKU1"] + (["A-SKU"] if own else [])
    products = [factories.product_doc(tenant.id, sku, name=f"{label} product {sku}") for sku in skus]
    factories.seed(es, config, stores, products)
    rows = [{"store_id": sid, "sku": sku, "on_hand": 7 if own else 3, "as_of": _now()}
            for sid in store_ids for sku in skus]
    response = client.put("/v1/stock", json={"rows": rows}, headers=tenant.headers("secret"))
    assert response.status_code == 200, response.get_data(as_text=True)
    es.indices.refresh(index=index_name(config, "stock"))


@pytest.fixture(scope="module")
def world(config, es) -> World:
    app = create_app(config)
    app.config["TESTING"] = True
    client = app.test_client()
    spec = client.get("/openapi.json").json
    a, b = make_tenant(es, config), make_tenant(es, config)
    _seed(client, es, config, a, "Alpha", own=True)
    _seed(client, es, config, b, "Bravo", own=False)
    # Store keys of each tenant: A's for the store holding A's objects, B's for a shared id.
    a, b = with_store_key(es, config, a, "A-ONLY"), with_store_key(es, config, b, "S1")
    created = client.post(
        "/v1/reservations",
        json={"store_id": "A-ONLY", "items": [{"sku": "A-SKU", "qty": 1}],
              "customer": {"name": "Alice Alpha", "email": "alice.alpha@example.com"}},
        headers={**a.headers("publishable"), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    reservation = created.json
    markers = {"Alpha", "Alice", "alice.alpha@example.com", a.id, reservation["token"],
               reservation["id"], reservation["pickup_code"]}
    return World(client, spec, a, b, reservation, markers)


def operations(spec: dict) -> list[tuple[str, str, dict]]:
    """Return every (METHOD, path, operation) of the API (`/v1/…`)."""
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters" and path.startswith("/v1/"):
                operation = {**operation, "parameters": item.get("parameters", []) +
                             operation.get("parameters", [])}
                found.append((method.upper(), path, operation))
    return sorted(found, key=lambda o: (o[1], o[0]))


def key_kinds(app, method: str, path: str) -> tuple[str, ...] | None:
    """Return the key kinds the view of an OpenAPI path accepts (from `require_key`)."""
    for rule in app.url_map.iter_rules():
        if re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule) == path and method in rule.methods:
            return getattr(app.view_functions[rule.endpoint], KINDS_ATTRIBUTE, None)
    raise AssertionError(f"no Flask rule for {method} {path}")


def _value(name: str, scenario: str, world: World) -> str:
    """A value for a parameter named `name`: A's object ("own"), or ids both tenants have ("shared")."""
    name = name.lower()
    own = scenario == "own"
    if "store" in name:
        return "A-ONLY" if own else "S1"
    if name in ("rid", "reservation_id", "id") or "reservation" in name:
        return world.reservation["id"]
    if "code" in name:
        return world.reservation["pickup_code"]
    if "sku" in name:
        return "A-SKU" if own else "SKU1"
    if name in ("lat", "latitude"):
        return str(PARIS[0])
    if name in ("lon", "lng", "longitude"):
        return str(PARIS[1])
    if name == "q":
        return "Paris"
    if name == "country":
        return "FR"
    if name == "radius_km":
        return "50"
    return "x"


def _body(method: str, path: str, operation: dict, scenario: str, world: World) -> dict | None:
    if "requestBody" not in operation:
        return None
    store, sku = ("A-ONLY", "A-SKU") if scenario == "own" else ("S1", "SKU1")
    lat, lon = PARIS
    known = {
        "/v1/availability/basket": {"items": [{"sku": sku, "qty": 1}], "lat": lat, "lon": lon},
        "/v1/stores/search": {"polygon": {"type": "Polygon", "coordinates": [[
            [lon - 0.5, lat - 0.5], [lon + 0.5, lat - 0.5], [lon + 0.5, lat + 0.5],
            [lon - 0.5, lat + 0.5], [lon - 0.5, lat - 0.5]]]}},
        "/v1/reservations": {"store_id": store, "items": [{"sku": sku, "qty": 1}],
                             "customer": {"name": "Eve Bravo"}},
        "/v1/stock": {"rows": [{"store_id": store, "sku": sku, "on_hand": 99, "as_of": _now()}]},
    }
    if path in known:
        return known[path]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    return _example(schema, world.spec, scenario, world)


def _example(schema: dict, spec: dict, scenario: str, world: World, name: str = "") -> object:
    """Build a minimal instance of a JSON schema (required properties only) for a new endpoint."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        return {prop: _example(sub, spec, scenario, world, prop)
                for prop, sub in schema.get("properties", {}).items() if prop in schema.get("required", [])}
    if kind == "array":
        return [_example(schema.get("items", {}), spec, scenario, world, name)]
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if schema.get("format") == "date-time":
        return _now()
    return _value(name, scenario, world)


def _call(world: World, method: str, path: str, operation: dict, scenario: str, headers: dict):
    values = {p["name"]: _value(p["name"], scenario, world) for p in operation["parameters"]}
    url = path.format(**{p["name"]: values[p["name"]] for p in operation["parameters"]
                         if p["in"] == "path"})
    query = {p["name"]: values[p["name"]] for p in operation["parameters"]
             if p["in"] == "query" and (p.get("required") or p["name"] in ("lat", "lon", "sku"))}
    extra = {p["name"]: values[p["name"]] for p in operation["parameters"]
             if p["in"] == "header" and p.get("required")}
    if any(p["name"] == "Idempotency-Key" for p in operation["parameters"]):
        extra["Idempotency-Key"] = uuid.uuid4().hex
    if any(p["name"] == "X-Reservation-Token" for p in operation["parameters"]):
        extra["X-Reservation-Token"] = world.reservation["token"]  # even a stolen token is no help
    body = _body(method, path, operation, scenario, world)
    response = world.client.open(url, method=method, query_string=query, json=body,
                                 headers={**headers, **extra})
    # What the caller sent may be echoed back ("no store 'A-ONLY'"): that reveals nothing.
    response.sent = json.dumps([url, query, body, extra])
    return response


def _leaks(world: World, response) -> set[str]:
    """Return A's strings in a response that the caller did not send itself."""
    text = response.get_data(as_text=True)
    return {m for m in world.markers if m in text and m not in response.sent}


def _a_state(world: World, es, config) -> dict:
    stock = get_stock_doc(es, config, world.a.id, "A-ONLY", "A-SKU")
    shared = get_stock_doc(es, config, world.a.id, "S1", "SKU1")
    reservation = world.client.get(f"/v1/reservations/{world.reservation['id']}",
                                   headers=world.a.headers("secret")).json
    return {"on_hand": stock["_source"]["on_hand"], "shared_on_hand": shared["_source"]["on_hand"],
            "holds": json.dumps(stock["_source"].get("holds"), sort_keys=True),
            "status": reservation["status"]}


def test_the_spec_lists_the_api(world):
    paths = {path for _, path, _ in operations(world.spec)}
    assert {"/v1/stores", "/v1/stores/{store_id}", "/v1/availability", "/v1/stock",
            "/v1/reservations", "/v1/reservations/{rid}"} <= paths


def test_every_operation_needs_a_key_and_publishable_keys_only_read(world):
    app = world.client.application
    for method, path, operation in operations(world.spec):
        kinds = key_kinds(app, method, path)
        assert kinds, f"{method} {path} does not require a key"
        assert operation.get("security"), f"{method} {path} does not document its key"
        if "publishable" in kinds and method not in SAFE_METHODS:
            assert (method, path) in PUBLISHABLE_WRITES, f"{method} {path} lets a publishable key write"


@pytest.mark.parametrize("key", [None, "pk_unknown_key_0000000000000000", "sk_unknown_key_0000000000000000",
                                 "garbage"])
def test_without_a_valid_key_every_operation_is_401(world, key):
    for method, path, operation in operations(world.spec):
        headers = {"X-Api-Key": key} if key else {}
        response = _call(world, method, path, operation, "own", headers)
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.mimetype == "application/problem+json"
        assert not _leaks(world, response)


def test_publishable_key_on_secret_operations_is_403(world):
    app = world.client.application
    for method, path, operation in operations(world.spec):
        if "publishable" in key_kinds(app, method, path):
            continue
        response = _call(world, method, path, operation, "own", world.a.headers("publishable"))
        assert response.status_code == 403, (method, path, response.status_code)
        assert response.mimetype == "application/problem+json"


def test_other_tenant_gets_404_or_nothing_and_changes_nothing(world, es, config):
    app = world.client.application
    before = _a_state(world, es, config)
    checked = 0
    for method, path, operation in operations(world.spec):
        allowed = key_kinds(app, method, path)
        for kind in allowed:
            response = _call(world, method, path, operation, "own", world.b.headers(kind))
            where = (method, path, kind, response.status_code, response.get_data(as_text=True)[:300])
            assert response.status_code < 500, where
            assert not _leaks(world, response), where
            has_object = "{" in path
            if has_object:
                assert response.status_code == 404, where
                assert response.mimetype == "application/problem+json", where
            else:
                assert response.status_code != 201, where  # nothing created from A's ids
            checked += 1
    assert checked >= 10
    es.indices.refresh(index=index_name(config, "stock"))
    assert _a_state(world, es, config) == before


def test_shared_ids_show_only_the_callers_data(world, es, config):
    app = world.client.application
    before = _a_state(world, es, config)
    for method, path, operation in operations(world.spec):
        if method not in SAFE_METHODS and (method, path) not in {("POST", "/v1/availability/basket"),
                                                                ("POST", "/v1/stores/search")}:
            continue
        for kind in key_kinds(app, method, path):
            response = _call(world, method, path, operation, "shared", world.b.headers(kind))
            where = (method, path, kind, response.status_code, response.get_data(as_text=True)[:300])
            assert response.status_code < 500, where
            assert not _leaks(world, response), where
    store = world.client.get("/v1/stores/S1", headers=world.b.headers())
    assert store.status_code == 200 and "Bravo" in store.get_data(as_text=True)
    nearby = world.client.get("/v1/availability", query_string={"sku": "SKU1", "lat": PARIS[0],
                                                                 "lon": PARIS[1]},
                              headers=world.b.headers("secret"))
    assert nearby.status_code == 200 and "Bravo" in nearby.get_data(as_text=True)
    assert _a_state(world, es, config) == before


def test_owner_sees_its_own_objects(world):
    """The same calls with A's keys succeed: the 404s above come from isolation."""
    app = world.client.application
    seen = 0
    for method, path, operation in operations(world.spec):
        if method not in SAFE_METHODS:
            continue
        for kind in key_kinds(app, method, path):
            response = _call(world, method, path, operation, "own", world.a.headers(kind))
            if "{" in path:
                assert response.status_code == 200, (method, path, kind, response.get_data(as_text=True))
                seen += 1
    assert seen >= 3
    store = world.client.get("/v1/stores/A-ONLY", headers=world.a.headers())
    assert "Alpha" in store.get_data(as_text=True)
