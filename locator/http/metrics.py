"""/metrics, and the time of every HTTP request (with its Elasticsearch share in Server-Timing)."""

from __future__ import annotations

import time

from flask import Flask, Response, g, request

from locator.metrics import es_seconds, labelled, metrics, render


def _route() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "unmatched"


def _start() -> None:
    g.metrics_started = time.perf_counter()
    es_seconds.set(0.0)


def _finish(response: Response) -> Response:
    started = g.get("metrics_started")
    if started is None:
        return response
    route, method = _route(), request.method
    labelled(metrics().requests, route, method, str(response.status_code)).inc()
    labelled(metrics().latency, route, method).observe(time.perf_counter() - started)
    spent = es_seconds.get()
    if spent is not None:
        # Lets a client (and the access log reader) see how much of the time was the search.
        response.headers["Server-Timing"] = f"es;dur={spent * 1000:.1f}"
    return response


def _metrics_view() -> Response:
    body, content_type = render()
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})


def init_app(app: Flask) -> None:
    """Serve /metrics and time every request."""
    metrics()
    app.before_request(_start)
    app.after_request(_finish)
    app.add_url_rule("/metrics", "metrics", _metrics_view, methods=["GET"])
