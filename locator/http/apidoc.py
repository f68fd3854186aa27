"""Make the OpenAPI document say what the service really answers on errors.

flask-smorest documents errors as `application/json` with its own `Error` schema and input
errors as 422; this service answers every error as `application/problem+json` (RFC 9457) and
input errors as 400. `document_errors` rewrites the generated document accordingly and adds the
answers every API operation can give: 401/403 (key), 429 (rate limit), 503 (Elasticsearch down).
"""

from __future__ import annotations

import re
from copy import deepcopy

from flask import Flask, current_app, json
from flask_smorest import Api

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An error, as RFC 9457 problem details.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "description": "URI naming the kind of problem."},
        "title": {"type": "string"},
        "status": {"type": "integer", "description": "The HTTP status code."},
        "detail": {"type": "string", "description": "What went wrong, for a person."},
        "errors": {"type": "object", "description": "Messages per invalid field.",
                   "additionalProperties": True},
        "request_id": {"type": "string", "description": "Quote it when reporting a problem."},
    },
    "additionalProperties": True,
}
_REF = "#/components/responses/"
# Answers that any API operation can give, by the response component that documents them.
_COMMON = {"429": "TOO_MANY_REQUESTS", "503": "SERVICE_UNAVAILABLE"}
_KEYED = {"401": "UNAUTHORIZED", "403": "FORBIDDEN"}
_BODY = {"413": "REQUEST_ENTITY_TOO_LARGE", "415": "UNSUPPORTED_MEDIA_TYPE"}
_DESCRIPTIONS = {
    "BAD_REQUEST": "Invalid input: `errors` lists the messages per field.",
    "UNAUTHORIZED": "No API key, or an unknown or revoked one.",
    "FORBIDDEN": "This kind of key may not do this, or not from this origin.",
    "NOT_FOUND": "No such object for this key's tenant.",
    "REQUEST_ENTITY_TOO_LARGE": "The body is larger than MAX_CONTENT_LENGTH.",
    "UNSUPPORTED_MEDIA_TYPE": "The body is not sent as application/json.",
    "TOO_MANY_REQUESTS": "Rate limit reached: retry after `Retry-After` seconds.",
    "SERVICE_UNAVAILABLE": "Elasticsearch is unreachable: retry after `Retry-After` seconds.",
    "DEFAULT_ERROR": "Any other error, as problem details.",
}
_HEADERS = {
    "TOO_MANY_REQUESTS": {"Retry-After": {"schema": {"type": "integer"},
                                          "description": "Seconds to wait."}},
    "SERVICE_UNAVAILABLE": {"Retry-After": {"schema": {"type": "integer"},
                                            "description": "Seconds to wait."}},
}


def _problem_response(name: str, description: str | None = None) -> dict:
    response: dict = {
        "description": _DESCRIPTIONS.get(name) or description or name.replace("_", " ").capitalize(),
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if name in _HEADERS:
        response["headers"] = deepcopy(_HEADERS[name])
    return response


def document_errors(spec: dict) -> dict:
    """Return a copy of `spec` with problem+json errors and the common error answers."""
    spec = deepcopy(spec)
    components = spec.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    responses = components.setdefault("responses", {})
    for name, response in list(responses.items()):
        content = response.get("content", {})
        if "application/json" in content and "Error" in json.dumps(content):
            responses[name] = _problem_response(name, response.get("description"))
    needed = {"BAD_REQUEST", "DEFAULT_ERROR", "NOT_FOUND", *_COMMON.values(), *_KEYED.values(),
              *_BODY.values()}
    for name in needed - set(responses):
        responses[name] = _problem_response(name)

    for path, item in spec.get("paths", {}).items():
        if not path.startswith("/v1/"):
            continue
        for method, operation in item.items():
            if method == "parameters" or not isinstance(operation, dict):
                continue
            answers = operation.setdefault("responses", {})
            # Input errors are answered 400 (errors.py), not flask-smorest's 422.
            if answers.get("422") == {"$ref": _REF + "UNPROCESSABLE_ENTITY"}:
                del answers["422"]
                answers.setdefault("400", {"$ref": _REF + "BAD_REQUEST"})
            extra = dict(_COMMON)
            if operation.get("security"):
                extra.update(_KEYED)
            if "{" in path:
                extra["404"] = "NOT_FOUND"
            if "requestBody" in operation:
                extra.update(_BODY)
            for status, name in extra.items():
                answers.setdefault(status, {"$ref": _REF + name})
            answers.setdefault("default", {"$ref": _REF + "DEFAULT_ERROR"})
    return spec


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def restore_json_responses(spec: dict, app: Flask, api: Api) -> dict:
    """Put back the JSON body of responses whose extra media types (`@blp.doc`) hid it.

    flask-smorest drops a `@blp.response` schema when the same status also gets `content` from
    `@blp.doc` (e.g. an `application/geo+json` alternative): the default JSON body then
    vanishes from the document although the view still sends it.
    """
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        documented = getattr(view, "_apidoc", {}).get("response", {}).get("responses", {})
        item = spec.get("paths", {}).get(_openapi_path(rule.rule), {})
        for method in rule.methods or ():
            operation = item.get(method.lower())
            if not isinstance(operation, dict):
                continue
            for status, docs in documented.items():
                doc = docs[0] if isinstance(docs, list) and docs else docs
                answer = operation.get("responses", {}).get(str(status))
                if not isinstance(doc, dict) or doc.get("schema") is None or not isinstance(answer, dict):
                    continue
                media = doc.get("content_type") or api.DEFAULT_RESPONSE_CONTENT_TYPE
                content = answer.setdefault("content", {})
                if media not in content:
                    content[media] = {"schema": api.ma_plugin.converter.resolve_nested_schema(doc["schema"])}
                answer.setdefault("description", doc.get("description") or "OK")
    return spec


def _untyped_successes(spec: dict) -> dict:
    # Probes without `@blp.response` document no success at all; say they answer JSON.
    for item in spec.get("paths", {}).values():
        for method, operation in item.items():
            if method == "parameters" or not isinstance(operation, dict):
                continue
            answers = operation.setdefault("responses", {})
            if not any(str(code).startswith(("2", "3")) for code in answers):
                answers["200"] = {"description": "OK", "content": {
                    "application/json": {"schema": {"type": "object"}}}}
    return spec


def _openapi_json():
    api = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    spec = restore_json_responses(api.spec.to_dict(), current_app, api)
    return current_app.json.response(document_errors(_untyped_successes(spec)))


def init_app(app: Flask) -> None:
    """Serve the corrected document at /openapi.json."""
    endpoint = "api-docs.openapi_json"
    if endpoint in app.view_functions:
        app.view_functions[endpoint] = _openapi_json
