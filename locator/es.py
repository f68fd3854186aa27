"""The Elasticsearch client (every request timed for the metrics) and the aliases it uses."""

from __future__ import annotations

import time

from elasticsearch import Elasticsearch
from elasticsearch.serializer import OrjsonSerializer

from locator.config import Config
from locator.eshttp import LeanHttpNode
from locator.metrics import observe_es


class TimedNode(LeanHttpNode):
    """The client's node (elastic-transport's `node_class` extension point), timing each request."""

    def perform_request(self, method: str, target: str, *args, **kwargs):  # noqa: ANN002, ANN003
        started = time.perf_counter()
        error: BaseException | None = None
        try:
            return super().perform_request(method, target, *args, **kwargs)
        except BaseException as exc:
            error = exc
            raise
        finally:
            observe_es(method, target, time.perf_counter() - started, error)


def make_client(config: Config) -> Elasticsearch:
    """Return a client for the configured cluster (API key or basic auth, optional CA).

    `ELASTICSEARCH_URL` may list several nodes, comma-separated: a request that cannot reach one
    (connection refused, node killed) is retried on another.
    """
    options: dict[str, object] = {
        "request_timeout": config.elasticsearch_timeout,
        "retry_on_timeout": True,
        "max_retries": 2,
        "node_class": TimedNode,
        # orjson reads and writes Elasticsearch's JSON several times faster than the json module.
        "serializer": OrjsonSerializer(),
    }
    if config.elasticsearch_api_key:
        options["api_key"] = config.elasticsearch_api_key
    elif config.elasticsearch_username:
        options["basic_auth"] = (config.elasticsearch_username, config.elasticsearch_password or "")
    if config.elasticsearch_ca_certs:
        options["ca_certs"] = config.elasticsearch_ca_certs
    hosts = [url.strip() for url in config.es_url.split(",") if url.strip()]
    return Elasticsearch(hosts, **options)


def index_name(config: Config, kind: str) -> str:
    """Return the alias through which the code reads and writes one kind of document."""
    return f"{config.index_prefix}-{kind}"
