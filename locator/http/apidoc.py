"""The OpenAPI document says what the service really answers, through flask-smorest's hooks.

flask-smorest documents errors as `application/json` with its own `Error` schema and input
errors as 422; this service answers every error as `application/problem+json` (RFC 9457) and
input errors as 400. `ServiceApi` (error schema), `ServiceBlueprint` (validation status) and the
`ProblemDocs` apispec plugin (problem+json bodies, and the answers every API operation can give:
401/403 for the key, 429 rate limit, 503 Elasticsearch down) make the document say so.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from apispec import APISpec, BasePlugin
from flask_smorest import Api, Blueprint
from webargs.flaskparser import FlaskParser

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


# flask-smorest names its error components after the HTTP phrase; ours say what happens here.
_BY_PHRASE = {"Bad Request": "BAD_REQUEST", "Unauthorized": "UNAUTHORIZED", "Forbidden": "FORBIDDEN",
              "Not Found": "NOT_FOUND", "Request Entity Too Large": "REQUEST_ENTITY_TOO_LARGE",
              "Content Too Large": "REQUEST_ENTITY_TOO_LARGE",
              "Unsupported Media Type": "UNSUPPORTED_MEDIA_TYPE", "Too Many Requests": "TOO_MANY_REQUESTS",
              "Service Unavailable": "SERVICE_UNAVAILABLE", "Default error response": "DEFAULT_ERROR"}


class ProblemDocs(BasePlugin):
    """apispec plugin: errors as problem details, and the answers common to every operation."""

    def init_spec(self, spec: APISpec) -> None:
        spec.components.schema("Problem", PROBLEM_SCHEMA)

    def response_helper(self, response: dict, **kwargs: Any) -> dict:
        content = response.get("content", {})
        body = content.get("application/json")
        if body is None or body.get("schema") not in ("Problem", {"$ref": "#/components/schemas/Problem"}):
            return response
        content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
        name = _BY_PHRASE.get(response.get("description", ""))
        if name in _DESCRIPTIONS:
            response["description"] = _DESCRIPTIONS[name]
        if name in _HEADERS:
            response["headers"] = deepcopy(_HEADERS[name])
        return response

    def operation_helper(self, path: str | None = None, operations: dict | None = None,
                         **kwargs: Any) -> None:
        for method, operation in (operations or {}).items():
            if method == "parameters" or not isinstance(operation, dict):
                continue
            answers = operation.setdefault("responses", {})
            if not (path or "").startswith("/v1/"):
                if not any(str(code).startswith(("2", "3")) for code in answers):
                    # Probes without `@blp.response` document no success at all; they answer
                    # JSON. An API operation without one stays undocumented, for the test to see.
                    answers["200"] = {"description": "OK", "content": {
                        "application/json": {"schema": {"type": "object"}}}}
                continue
            extra = dict(_COMMON)
            if operation.get("security"):
                extra.update(_KEYED)
            if "{" in (path or ""):
                extra["404"] = "NOT_FOUND"
            if "requestBody" in operation:
                extra.update(_BODY)
            documented = {str(code) for code in answers}  # flask-smorest keeps int codes
            for status, name in extra.items():
                if status not in documented:
                    answers[status] = name


class ServiceApi(Api):
    """flask-smorest's Api, documenting errors with the problem details schema."""

    ERROR_SCHEMA = "Problem"

    def __init__(self, app: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("spec_kwargs", {}).setdefault("extra_plugins", [ProblemDocs()])
        super().__init__(app, **kwargs)


class _Parser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400  # answered as problem+json by locator.http.problems


class ServiceBlueprint(Blueprint):
    """flask-smorest's Blueprint, answering invalid input with 400 (documented so)."""

    ARGUMENTS_PARSER = _Parser()

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Any:
        # One schema instance per view: webargs would build one from a class on every request.
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)
