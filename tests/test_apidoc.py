"""The OpenAPI document describes the answers the service really gives."""

from locator.http.apidoc import PROBLEM_MEDIA_TYPE


def test_errors_are_documented_as_problems(client):
    spec = client.get("/openapi.json").json
    responses = spec["components"]["responses"]
    assert "Problem" in spec["components"]["schemas"]
    for name, response in responses.items():
        if "content" in response:
            assert list(response["content"]) == [PROBLEM_MEDIA_TYPE], name
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            answers = operation["responses"]
            assert "default" in answers, (method, path)
            assert any(code.startswith("2") for code in answers), (method, path)
            if path.startswith("/v1/"):
                assert "422" not in answers or answers["422"] != {
                    "$ref": "#/components/responses/UNPROCESSABLE_ENTITY"}, (method, path)
                assert {"401", "403", "429", "503"} <= set(answers), (method, path)
                assert "Retry-After" in responses["TOO_MANY_REQUESTS"]["headers"]


def test_json_bodies_survive_extra_media_types(client):
    spec = client.get("/openapi.json").json
    content = spec["paths"]["/v1/stores"]["get"]["responses"]["200"]["content"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/StoreList"}


def test_documented_errors_match_answers(client, tenant):
    bad = client.get("/v1/stores?lat=999&lon=0", headers=tenant.headers())
    assert bad.status_code == 400 and bad.mimetype == PROBLEM_MEDIA_TYPE
    assert set(bad.json) >= {"type", "title", "status", "errors"}
