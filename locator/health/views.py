"""Liveness and readiness probes."""

from __future__ import annotations

from elastic_transport import TransportError
from elasticsearch import ApiError
from flask import current_app

from locator import indices
from locator.http.apidoc import ServiceBlueprint
from locator.http.es import get_es
from locator.http.problems import problem

blp = ServiceBlueprint("health", __name__, description="Liveness and readiness probes")


@blp.route("/healthz")
def healthz():
    """Report that the process is alive (no dependency is checked)."""
    return {"status": "ok"}


@blp.route("/readyz")
def readyz():
    """Report whether Elasticsearch is reachable and every index exists."""
    config = current_app.config["LOCATOR"]
    es = get_es().options(request_timeout=2, max_retries=0)
    try:
        health = es.cluster.health()
        missing = indices.missing(es, config)
    except (TransportError, ApiError) as exc:
        return problem(
            503,
            "Not ready",
            # No address in a public answer: it would map the internal network.
            f"Elasticsearch is unreachable ({type(exc).__name__}).",
            type_slug="not-ready",
            headers={"Retry-After": "5"},
        )
    if missing:
        return problem(
            503,
            "Not ready",
            "Indices are missing: " + ", ".join(missing) + ". Run `locator setup`.",
            type_slug="not-ready",
            headers={"Retry-After": "5"},
        )
    return {"status": "ready", "elasticsearch": health["status"]}
