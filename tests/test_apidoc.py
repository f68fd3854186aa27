"""The OpenAPI document describes the answers the service really gives.

Each check is a function returning what is wrong, run on the real document (nothing) and on a
document made wrong on purpose (something), so that a check that always holds is seen.
"""

from __future__ import annotations

from flask import Flask

from locator.http.apidoc import PROBLEM_MEDIA_TYPE, ServiceApi, ServiceBlueprint
from locator.http.auth import require_key


def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def undocumented_successes(spec: dict) -> list[tuple[str, str]]:
    """Return the API operations whose success answer is not described by a named schema."""
    wrong = []
    for path, method, operation in operations(spec):
        if not path.startswith("/v1/"):
            continue
        successes = {code: answer for code, answer in operation["responses"].items()
                     if code.startswith("2")}
        schemas = [answer.get("content", {}).get("application/json", {}).get("schema", {})
                   for answer in successes.values()]
        if not successes or not all("$ref" in schema for schema in schemas):
            wrong.append((method, path))
    return wrong


def undocumented_errors(spec: dict) -> list[tuple[str, str, str]]:
    """Return (method, path, what) for operations missing the errors every API answer may carry."""
    wrong = []
    for path, method, operation in operations(spec):
        answers = operation["responses"]
        if "default" not in answers:
            wrong.append((method, path, "default"))
        if not path.startswith("/v1/"):
            continue
        for code in sorted({"401", "403", "429", "503"} - set(answers)):
            wrong.append((method, path, code))
        if answers.get("422") == {"$ref": "#/components/responses/UNPROCESSABLE_ENTITY"}:
            wrong.append((method, path, "flask-smorest's 422"))
    return wrong


def broken_spec() -> dict:
    """A document of one API operation that forgot `@blp.response`."""
    app = Flask(__name__)
    app.config.update(API_TITLE="t", API_VERSION="v1", OPENAPI_VERSION="3.0.3")
    api = ServiceApi(app)
    blp = ServiceBlueprint("broken", __name__, url_prefix="/v1")

    @blp.route("/forgotten")
    @require_key()
    def forgotten():
        return {}

    api.register_blueprint(blp)
    return api.spec.to_dict()


def test_every_api_operation_documents_its_success_with_a_schema(client):
    assert undocumented_successes(client.get("/openapi.json").json) == []
    assert undocumented_successes(broken_spec()) == [("get", "/v1/forgotten")]


def test_probes_document_their_json_answer(client):
    spec = client.get("/openapi.json").json
    for probe in ("/healthz", "/readyz"):
        assert "application/json" in spec["paths"][probe]["get"]["responses"]["200"]["content"]


def test_errors_are_documented_as_problems(client):
    spec = client.get("/openapi.json").json
    responses = spec["components"]["responses"]
    assert "Problem" in spec["components"]["schemas"]
    for name, response in responses.items():
        if "content" in response:
            assert list(response["content"]) == [PROBLEM_MEDIA_TYPE], name
    assert "Retry-After" in responses["TOO_MANY_REQUESTS"]["headers"]
    assert undocumented_errors(spec) == []
    broken = broken_spec()
    del broken["paths"]["/v1/forgotten"]["get"]["responses"]["429"]
    assert undocumented_errors(broken) == [("get", "/v1/forgotten", "429")]


def test_json_bodies_survive_extra_media_types(client):
    spec = client.get("/openapi.json").json
    content = spec["paths"]["/v1/stores"]["get"]["responses"]["200"]["content"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/StoreList"}


def test_documented_errors_match_answers(client, tenant):
    bad = client.get("/v1/stores?lat=999&lon=0", headers=tenant.headers())
    assert bad.status_code == 400 and bad.mimetype == PROBLEM_MEDIA_TYPE
    assert set(bad.json) >= {"type", "title", "status", "errors"}
