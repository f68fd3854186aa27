"""The factory, health probes and the one error shape, against the real node."""

import pytest

from locator.app import create_app
from locator.config import Config
from tests.conftest import free_port

PROBLEM = "application/problem+json"


def test_factory_takes_the_config(config, es):
    app = create_app(config)
    assert app.config["LOCATOR"] is config
    assert app.config["MAX_CONTENT_LENGTH"] == config.max_content_length


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_ok_with_node_and_indices(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "ready"


def test_readyz_503_when_elasticsearch_is_unreachable(config):
    dead = Config.from_env(elasticsearch_url=f"http://127.0.0.1:{free_port()}",
                           index_prefix=config.index_prefix, log_level="WARNING")
    response = create_app(dead).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == PROBLEM
    assert response.headers["Retry-After"]
    body = response.json
    assert body["status"] == 503 and body["title"] == "Not ready"
    assert "unreachable" in body["detail"]


def test_readyz_503_when_indices_are_missing(config, es):
    empty = Config.from_env(es_port=config.es_port, index_prefix="test-absent-prefix",
                            log_level="WARNING")
    response = create_app(empty).test_client().get("/readyz")
    assert response.status_code == 503
    assert "Indices are missing" in response.json["detail"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("get", "/no/such/thing", 404), ("delete", "/healthz", 405)],
)
def test_routing_errors_are_problems(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.json
    assert body["status"] == status
    assert {"type", "title", "status", "detail", "request_id"} <= set(body)
    assert response.headers["X-Request-Id"] == body["request_id"]


def test_too_large_body_is_a_413_problem(config, es):
    small = Config.from_env(es_port=config.es_port, index_prefix=config.index_prefix,
                            max_content_length=10, log_level="WARNING")
    app = create_app(small)

    @app.post("/echo-for-test")
    def echo():
        from flask import request

        return {"size": len(request.get_data())}

    response = app.test_client().post("/echo-for-test", data="x" * 100)
    assert response.status_code == 413
    assert response.mimetype == PROBLEM


def test_unexpected_exception_is_a_500_problem_without_internals(config, es):
    app = create_app(config)

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom-for-test")
    assert response.status_code == 500
    assert response.mimetype == PROBLEM
    assert "secret internal detail" not in response.get_data(as_text=True)


def test_request_id_is_echoed_when_safe(client):
    response = client.get("/healthz", headers={"X-Request-Id": "abc-123"})
    assert response.headers["X-Request-Id"] == "abc-123"
    forged = client.get("/healthz", headers={"X-Request-Id": "bad id {with} spaces" * 5})
    assert forged.headers["X-Request-Id"] != "bad id {with} spaces" * 5
    assert len(forged.headers["X-Request-Id"]) == 32


def test_openapi_and_docs_are_served_locally(client):
    spec = client.get("/openapi.json")
    assert spec.status_code == 200
    assert spec.json["openapi"].startswith("3.")
    docs = client.get("/docs")
    assert docs.status_code == 200
    page = docs.get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    with client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js") as asset:
        assert asset.status_code == 200


def test_a_query_elasticsearch_refuses_is_a_400_problem(config, es):
    app = create_app(config)

    @app.get("/refused-for-test")
    def refused():
        # A text search_after on a geo distance sort: Elasticsearch answers 400.
        es.search(index=f"{config.index_prefix}-stores", size=1, search_after=["far", "x"],
                  sort=[{"_geo_distance": {"location": {"lat": 0, "lon": 0}}}, {"store_id": "asc"}])
        return {}

    response = app.test_client().get("/refused-for-test")
    assert response.status_code == 400
    assert response.mimetype == PROBLEM
    assert response.json["type"].endswith("/validation-error")
