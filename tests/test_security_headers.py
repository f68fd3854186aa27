"""Security headers per kind of response, strict JSON bodies, nothing secret in logs or errors."""

import logging

import pytest

from locator.errors import ValidationFailed
from locator.http.security import API_CSP, DEMO_CSP, DOCS_CSP, parse_strict_json

PARIS = "/v1/stores?lat=48.8566&lon=2.3522"
PROBLEM = "application/problem+json"


def test_api_responses(client, tenant):
    response = client.get(PARIS, headers=tenant.headers())
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == API_CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: meaningless
    errors = client.get("/v1/stores", headers={"X-Api-Key": "pk_unknown"})
    assert errors.status_code == 401 and errors.headers["Content-Security-Policy"] == API_CSP


def test_hsts_over_https(client):
    response = client.get("/healthz", base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_demo_pages_get_a_strict_policy(client):
    for path in ("/demo", "/demo/hostile", "/demo/missing-page"):
        with client.get(path) as response:
            assert response.headers["Content-Security-Policy"] == DEMO_CSP, path
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    directives = dict(d.strip().split(" ", 1) for d in DEMO_CSP.split(";"))
    assert directives["script-src"] == "'self'"  # no inline script, no eval, no other host
    assert directives["connect-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_docs_and_static(client):
    with client.get("/docs") as docs:
        assert docs.headers["Content-Security-Policy"] == DOCS_CSP
    with client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js") as asset:
        assert asset.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
        assert asset.headers["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" not in asset.headers


@pytest.mark.parametrize(
    ("body", "message"),
    [(b'{"a": NaN}', "NaN"), (b'{"a": Infinity}', "Infinity"), (b'{"a": 1, "a": 2}', "duplicate"),
     (b'{"a": ', "not valid JSON"), (b'\xff\xfe{}', "UTF-8")],
)
def test_strict_json(body, message):
    with pytest.raises(ValidationFailed) as caught:
        parse_strict_json(body)
    assert message in caught.value.detail


def test_lax_json_bodies_are_400_problems(client, tenant):
    headers = {**tenant.headers("secret"), "Content-Type": "application/json"}
    response = client.post("/v1/stores/search", data=b'{"polygon": NaN}', headers=headers)
    assert response.status_code == 400
    assert response.mimetype == PROBLEM
    assert "NaN" in response.json["detail"]


def test_body_of_another_type_is_415(client, tenant):
    form = {**tenant.headers("secret"), "Content-Type": "application/x-www-form-urlencoded"}
    response = client.post("/v1/stores/search", data="polygon=1", headers=form)
    assert response.status_code == 415
    assert response.mimetype == PROBLEM


def test_unauthenticated_body_is_not_parsed(client):
    # The key is checked first: junk from an unknown caller gets its 401, nothing more.
    response = client.post("/v1/stores/search", data=b"{junk", headers={"Content-Type": "application/json"})
    assert response.status_code == 401


def test_no_key_or_personal_data_in_logs(client, tenant, caplog):
    caplog.set_level(logging.DEBUG)
    key = tenant.secret_key
    client.get(PARIS + "&q=jane.doe%40example.com", headers={"X-Api-Key": key})
    client.get(PARIS, headers={"X-Api-Key": "sk_guessed_key_that_is_wrong"})
    text = "\n".join(f"{r.getMessage()} {vars(r)}" for r in caplog.records)
    assert "locator.access" in {r.name for r in caplog.records}
    assert key not in text
    assert "sk_guessed_key_that_is_wrong" not in text
    assert "jane.doe" not in text


def test_error_bodies_reveal_no_key(client):
    response = client.get(PARIS, headers={"X-Api-Key": "sk_guessed_key_that_is_wrong"})
    assert response.status_code == 401
    assert "sk_guessed" not in response.get_data(as_text=True)
