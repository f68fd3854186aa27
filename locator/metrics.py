"""Prometheus metrics at /metrics: requests, latency, Elasticsearch time, business outcomes.

Under gunicorn every worker is its own process, so prometheus-client runs in multi-process mode:
gunicorn.conf.py points PROMETHEUS_MULTIPROC_DIR at a fresh folder before the workers start,
each worker writes its samples there, and /metrics (answered by any worker) adds them all up.
Without that variable (tests, the flask dev server) the process's own registry is served.

Other features record their outcomes through `record_stock_outcomes` and `record_reservation`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from functools import cache, wraps

from flask import Flask, Response, g, has_request_context, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.registry import REGISTRY

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_DOCUMENT_APIS = ("_doc", "_create", "_update", "_source")
_SECTION_APIS = ("_cluster", "_cat", "_nodes", "_ingest", "_license")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The service's metric families (made once per process)."""

    def __init__(self) -> None:
        self.requests = Counter(
            "locator_http_requests_total", "HTTP requests answered, by route, method and status.",
            ["endpoint", "method", "status"],
        )
        self.latency = Histogram(
            "locator_http_request_duration_seconds", "Time to answer an HTTP request, by route.",
            ["endpoint", "method"], buckets=LATENCY_BUCKETS,
        )
        self.es_latency = Histogram(
            "locator_elasticsearch_request_duration_seconds",
            "Time spent in Elasticsearch requests, by operation.",
            ["operation"], buckets=LATENCY_BUCKETS,
        )
        self.es_errors = Counter(
            "locator_elasticsearch_errors_total",
            "Elasticsearch requests that failed (connection errors and error statuses).",
            ["operation", "error"],
        )
        self.stock_rows = Counter(
            "locator_stock_rows_total", "Stock rows processed, by outcome (created, updated, ...).",
            ["outcome"],
        )
        self.reservations = Counter(
            "locator_reservations_total",
            "Reservation operations, by outcome (held, short, cancelled, collected, expired, ...).",
            ["outcome"],
        )


@cache
def metrics() -> Metrics:
    """Return this process's metric families, registering them on first use."""
    return Metrics()


def record_stock_outcomes(counts: Mapping[str, int]) -> None:
    """Count stock rows by outcome, e.g. `{"updated": 10, "stale": 2}`."""
    for outcome, count in counts.items():
        if count:
            metrics().stock_rows.labels(outcome=str(outcome)).inc(count)


def record_reservation(outcome: str, count: int = 1) -> None:
    """Count one reservation operation's outcome, e.g. "held", "short", "cancelled"."""
    metrics().reservations.labels(outcome=outcome).inc(count)


def es_operation(method: str, target: str) -> str:
    """Name an Elasticsearch request for a label: its last `_api` path part, else the method.

    Index names and document ids never become labels (unbounded, and they carry tenant ids).
    """
    path = target.split("?", 1)[0]
    apis = [part for part in path.split("/") if part.startswith("_")]
    if not apis:
        name = "index"  # index-level calls: create, exists, delete
    elif apis[0] in _DOCUMENT_APIS:
        name = apis[0]  # what follows is a document id
    else:
        name = apis[-1]
        parts = path.strip("/").split("/")
        index = parts.index(name)
        if name in _SECTION_APIS and index + 1 < len(parts):
            name = f"{name}/{parts[index + 1]}"  # `_cluster/health`, not just `_cluster`
    return f"{method} {name}"


def instrument_client(client: object) -> None:
    """Time every request of an Elasticsearch client (and of clients made by its `.options()`)."""
    transport = client.transport  # type: ignore[attr-defined]
    if getattr(transport, "_locator_timed", False):
        return
    perform = transport.perform_request

    @wraps(perform)
    def timed(method: str, target: str, *args, **kwargs):
        operation = es_operation(method, target)
        started = time.perf_counter()
        try:
            return perform(method, target, *args, **kwargs)
        except Exception as exc:
            metrics().es_errors.labels(operation=operation, error=type(exc).__name__).inc()
            raise
        finally:
            elapsed = time.perf_counter() - started
            metrics().es_latency.labels(operation=operation).observe(elapsed)
            if has_request_context():
                g.es_seconds = g.get("es_seconds", 0.0) + elapsed

    transport.perform_request = timed
    transport._locator_timed = True


def _route() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "unmatched"


def _start() -> None:
    g.metrics_started = time.perf_counter()


def _finish(response: Response) -> Response:
    started = g.get("metrics_started")
    if started is None:
        return response
    route, method = _route(), request.method
    metrics().requests.labels(endpoint=route, method=method, status=str(response.status_code)).inc()
    metrics().latency.labels(endpoint=route, method=method).observe(time.perf_counter() - started)
    es_seconds = g.get("es_seconds")
    if es_seconds is not None:
        # Lets a client (and the access log reader) see how much of the time was the search.
        response.headers["Server-Timing"] = f"es;dur={es_seconds * 1000:.1f}"
    return response


def render() -> tuple[bytes, str]:
    """Return the exposition text of every worker (multi-process) or of this process."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def _metrics_view() -> Response:
    body, content_type = render()
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})


def init_app(app: Flask) -> None:
    """Serve /metrics, time requests and Elasticsearch calls."""
    from locator.es import EXTENSION_KEY

    metrics()
    if EXTENSION_KEY in app.extensions:
        instrument_client(app.extensions[EXTENSION_KEY])
    app.before_request(_start)
    app.after_request(_finish)
    app.add_url_rule("/metrics", "metrics", _metrics_view, methods=["GET"])
