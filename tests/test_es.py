"""The client: credentials and timeout on every request, and `run_search` answering as `es.search`.

`run_search` goes straight to the client's transport, so what the client would add itself
(credentials) must come from the nodes: checked on a real socket that records what it
receives, and the answers and errors against the test node.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from elasticsearch import BadRequestError, NotFoundError

from locator.config import Config
from locator.es import make_client, node_configs, run_search


class _Recorder(BaseHTTPRequestHandler):
    """Answers every request as a node would, keeping the request's headers."""

    received: list[dict[str, str]]

    def _answer(self) -> None:
        self.received.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = json.dumps({"hits": {"hits": []}, "version": {"number": "9.2.8"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture
def recorder():
    handler = type("Handler", (_Recorder,), {"received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, handler.received
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("settings", "expected"), [
    ({"elasticsearch_api_key": "a2V5OnNlY3JldA=="}, "ApiKey a2V5OnNlY3JldA=="),
    ({"elasticsearch_username": "locator", "elasticsearch_password": "pw"},
     "Basic " + base64.b64encode(b"locator:pw").decode()),
])
def test_credentials_go_with_the_client_requests_and_run_search(recorder, config: Config, settings,
                                                                   expected):
    server, received = recorder
    url = f"http://127.0.0.1:{server.server_address[1]}"
    es = make_client(dataclasses.replace(config, elasticsearch_url=url, **settings))
    es.info()
    run_search(es, "stores", {"size": 1}, ignore_unavailable=True, routing="r1")
    assert [r.get("authorization") for r in received] == [expected, expected]
    assert received[1]["content-type"] == "application/json"
    assert received[1]["path"] == "/stores/_search?ignore_unavailable=true&routing=r1"


def test_without_credentials_no_authorization_is_sent(recorder, config: Config):
    server, received = recorder
    es = make_client(dataclasses.replace(config, elasticsearch_url=f"http://127.0.0.1:{server.server_address[1]}"))
    run_search(es, "stores", {"size": 1})
    assert "authorization" not in received[0]


def test_every_node_has_the_configured_timeout(config: Config):
    settings = dataclasses.replace(config, elasticsearch_url="http://127.0.0.1:9201, http://127.0.0.1:9202",
                                   elasticsearch_timeout=42.0)
    nodes = node_configs(settings)
    assert [(n.port, n.request_timeout) for n in nodes] == [(9201, 42.0), (9202, 42.0)]


@pytest.fixture
def docs_index(es, config: Config):
    name = f"{config.index_prefix}-run-search"
    es.indices.create(index=name, mappings={"properties": {"n": {"type": "integer"}}})
    for n in range(5):
        es.index(index=name, id=str(n), document={"n": n})
    es.indices.refresh(index=name)
    yield name
    es.indices.delete(index=name)


def test_run_search_answers_as_the_client(es, docs_index: str):
    body = {"query": {"range": {"n": {"gte": 1}}}, "sort": [{"n": "desc"}], "size": 3}
    ours = run_search(es, docs_index, body, filter_path="hits.hits._source,hits.hits.sort")
    theirs = es.search(index=docs_index, filter_path="hits.hits._source,hits.hits.sort", **body).body
    assert ours == theirs and [h["_source"]["n"] for h in ours["hits"]["hits"]] == [4, 3, 2]


def test_run_search_raises_the_client_errors(es, docs_index: str, config: Config):
    with pytest.raises(BadRequestError):
        run_search(es, docs_index, {"query": {"no_such_query": {}}})
    missing = f"{config.index_prefix}-no-such-index"
    with pytest.raises(NotFoundError):
        run_search(es, missing, {"size": 1})
    assert run_search(es, missing, {"size": 1}, ignore_unavailable=True)["hits"]["hits"] == []
