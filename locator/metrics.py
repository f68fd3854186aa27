"""Prometheus metric families: requests, latency, Elasticsearch time, business outcomes.

Under gunicorn every worker is its own process, so prometheus-client runs in multi-process mode:
gunicorn.conf.py points PROMETHEUS_MULTIPROC_DIR at a fresh folder before the workers start,
each worker writes its samples there, and /metrics (answered by any worker) adds them all up.
Without that variable (tests, the flask dev server) the process's own registry is served.

Features record their outcomes through `record_stock_outcomes` and `record_reservation`; the
Elasticsearch client times its requests through `observe_es` (see `locator.es.TimedNode`), and
`locator.http.metrics` serves /metrics and times HTTP requests.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar
from functools import cache, lru_cache

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
# Elasticsearch time of the request being answered (None outside one): read by the web layer.
es_seconds: ContextVar[float | None] = ContextVar("es_seconds", default=None)
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
        self.deliveries = Counter(
            "locator_delivery_attempts_total",
            "Webhook and email attempts, by channel and the delivery's status after it.",
            ["channel", "status"],
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


def record_delivery(channel: str, status: str) -> None:
    """Count one delivery attempt (webhook or email) by the status it left the delivery in."""
    metrics().deliveries.labels(channel=channel, status=status).inc()


@lru_cache(maxsize=4096)
def labelled(family: Counter | Histogram, *values: str) -> Counter | Histogram:
    """Return a family's child for these label values, looked up once per process.

    `labels()` takes a lock and checks the values at every call: a few percent of a listing's
    CPU when the workers' profile was taken, for the same handful of children each time.
    """
    return family.labels(*values)


def es_operation(method: str, target: str) -> str:
    """Name an Elasticsearch request for a label: its last `_api` path part, else the method.

    Index names and document ids never become labels (unbounded, and they carry tenant ids).
    """
    return _path_operation(method, target.split("?", 1)[0])


@lru_cache(maxsize=4096)  # the hot paths send a handful of paths, each many times
def _path_operation(method: str, path: str) -> str:
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


def render() -> tuple[bytes, str]:
    """Return the exposition text of every worker (multi-process) or of this process."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def observe_es(method: str, target: str, elapsed: float, error: BaseException | None) -> None:
    """Record one Elasticsearch request: its time, its failure, and the current request's total."""
    operation = es_operation(method, target)
    if error is not None:
        metrics().es_errors.labels(operation=operation, error=type(error).__name__).inc()
    labelled(metrics().es_latency, operation).observe(elapsed)
    total = es_seconds.get()
    if total is not None:
        es_seconds.set(total + elapsed)
