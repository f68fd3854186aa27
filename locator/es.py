"""The Elasticsearch client (every request timed for the metrics) and the aliases it uses."""

from __future__ import annotations

import time
from urllib.parse import quote, urlencode

from elastic_transport import NodeConfig
from elastic_transport.client_utils import basic_auth_to_header, url_to_node_config
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.exceptions import HTTP_EXCEPTIONS
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


# Every request's retries, the client's and `run_search`'s: on another node, or the same once more.
RETRIES = {"max_retries": 2, "retry_on_timeout": True}
JSON_HEADERS = {"accept": "application/json", "content-type": "application/json"}


def node_configs(config: Config) -> list[NodeConfig]:
    """Return the configured nodes, each with the request timeout and the credentials.

    Both are the nodes' own settings rather than the client's, so that `run_search`, which goes
    straight to the transport, sends them too.
    """
    if config.elasticsearch_api_key:
        auth = {"authorization": f"ApiKey {config.elasticsearch_api_key}"}
    elif config.elasticsearch_username:
        auth = {"authorization": basic_auth_to_header(
            (config.elasticsearch_username, config.elasticsearch_password or ""))}
    else:
        auth = {}  # or credentials in the URL, which url_to_node_config turns into a header
    nodes = []
    for url in config.es_url.split(","):
        if url.strip():
            node = url_to_node_config(url.strip())
            nodes.append(node.replace(request_timeout=config.elasticsearch_timeout,
                                      headers={**node.headers, **auth}))
    return nodes


def make_client(config: Config) -> Elasticsearch:
    """Return a client for the configured cluster (API key or basic auth, optional CA).

    `ELASTICSEARCH_URL` may list several nodes, comma-separated: a request that cannot reach one
    (connection refused, node killed) is retried on another.
    """
    options: dict[str, object] = {
        **RETRIES,
        "node_class": TimedNode,
        # orjson reads and writes Elasticsearch's JSON several times faster than the json module.
        "serializer": OrjsonSerializer(),
    }
    if config.elasticsearch_ca_certs:
        options["ca_certs"] = config.elasticsearch_ca_certs
    return Elasticsearch(node_configs(config), **options)


def run_search(es: Elasticsearch, index: str, body: dict, **params: str | bool) -> dict:
    """Run one search and return its answer, as `es.search` would, at half the client's cost.

    The listings' searches took a fifth of a worker's CPU, half of it in the client's API layers
    (arguments rewritten, headers copied and made compatible, the answer wrapped; py-spy, see
    bench/README.md). This goes straight to the client's transport, which keeps the nodes,
    retries, timeouts and `TimedNode`'s timing; an error status raises the client's exception.
    """
    target = f"/{quote(index, safe=',*')}/_search"
    if params:
        target += "?" + urlencode({k: str(v).lower() if isinstance(v, bool) else v
                                   for k, v in params.items()})
    meta, answer = es.transport.perform_request("POST", target, headers=JSON_HEADERS, body=body,
                                                **RETRIES)
    if not 200 <= meta.status < 300:
        error = answer.get("error", answer) if isinstance(answer, dict) else answer
        message = error.get("type", str(error)) if isinstance(error, dict) else str(error)
        raise HTTP_EXCEPTIONS.get(meta.status, ApiError)(message=message, meta=meta, body=answer)
    return answer


def index_name(config: Config, kind: str) -> str:
    """Return the alias through which the code reads and writes one kind of document."""
    return f"{config.index_prefix}-{kind}"
