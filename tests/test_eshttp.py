"""The client's HTTP node: answers parsed whole, idle connections reused, failures mapped.

The parser is checked on bytes; the node on real sockets: a raw server (tests/rawserver.py) for the
cases Elasticsearch does not produce on demand (a connection closed while idle, silence), and
the test node for the rest (the whole suite goes through this node too).
"""

from __future__ import annotations

import io
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from elastic_transport import ConnectionError, ConnectionTimeout, NodeConfig

from locator.eshttp import BadAnswer, ClosedByPeer, LeanHttpNode, read_answer, request_bytes
from tests.rawserver import RawReceiver


def answer(raw: bytes, method: str = "GET"):
    return read_answer(io.BufferedReader(io.BytesIO(raw)), method)


def test_content_length_answer_keeps_the_connection():
    got = answer(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n"
                 b'{"a":1}HTTP/1.1 ...')
    assert (got.status, got.body, got.keep_alive) == (200, b'{"a":1}', True)
    assert got.headers["content-type"] == "application/json"


def test_chunked_answer_is_joined():
    got = answer(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"4;ext=1\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\nX-Trailer: t\r\n\r\n")
    assert got.body == b'{"a":1}' and got.keep_alive


def test_answer_without_length_runs_to_the_close():
    got = answer(b"HTTP/1.1 200 OK\r\n\r\nall of it")
    assert got.body == b"all of it" and not got.keep_alive


def test_connection_close_and_http_1_0_are_not_kept():
    assert not answer(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").keep_alive
    assert not answer(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keep_alive


def test_head_and_204_have_no_body_whatever_the_length():
    assert answer(b"HTTP/1.1 200 OK\r\nContent-Length: 120\r\n\r\n", "HEAD").body == b""
    assert answer(b"HTTP/1.1 204 No Content\r\n\r\n").body == b""


def test_an_interim_answer_is_skipped():
    got = answer(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}")
    assert (got.status, got.body) == (201, b"{}")


def test_nothing_at_all_is_a_closed_connection():
    with pytest.raises(ClosedByPeer):
        answer(b"")


@pytest.mark.parametrize("raw", [
    b"SSH-2.0-OpenSSH\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
    b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Type: appl",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc",
    b"HTTP/1.1 200 OK\r\nX: " + b"y" * 70_000 + b"\r\n\r\n",
])
def test_broken_answers_are_refused(raw):
    with pytest.raises(BadAnswer):
        answer(raw)


def test_request_is_written_whole_with_its_length():
    data = request_bytes("POST", "/i/_search?routing=a", "127.0.0.1:9200",
                         {"content-type": "application/json"}, b"{}")
    assert data == (b"POST /i/_search?routing=a HTTP/1.1\r\nHost: 127.0.0.1:9200\r\n"
                    b"content-type: application/json\r\nContent-Length: 2\r\n\r\n{}")
    assert b"Content-Length" not in request_bytes("GET", "/", "h:1", {}, None)


def replying(reply: bytes):
    """Answer a connection's request with `reply`, then close it (as an idle timeout would)."""
    return lambda receiver, conn: conn.sendall(reply)


def silent(receiver: RawReceiver, conn: socket.socket) -> None:
    receiver.release.wait(5)


def node_for(port: int, timeout: float = 5.0) -> LeanHttpNode:
    return LeanHttpNode(NodeConfig("http", "127.0.0.1", port, request_timeout=timeout))


def test_a_connection_closed_while_idle_is_replaced_and_the_request_sent_again():
    server = RawReceiver(replying(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"))
    node = node_for(server.port)
    try:
        for _ in range(3):  # each kept connection has been closed by the server meanwhile
            response = node.perform_request("GET", "/")
            assert (response.meta.status, response.body) == (200, b"{}")
        assert server.connections == 3
    finally:
        node.close()
        server.close()


def slow_keep_alive(receiver: RawReceiver, conn: socket.socket) -> None:
    """Answer every request on the connection after 0.3 s, keeping it open."""
    while True:
        time.sleep(0.3)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
        if not conn.recv(65536):
            return


def test_idle_connections_are_kept_up_to_the_nodes_limit():
    server = RawReceiver(slow_keep_alive)
    node = LeanHttpNode(NodeConfig("http", "127.0.0.1", server.port, request_timeout=5,
                                   connections_per_node=2))
    try:
        with ThreadPoolExecutor(3) as pool:
            for _ in range(2):  # three at once, twice: two kept from the first three, one new
                statuses = list(pool.map(lambda _: node.perform_request("GET", "/").meta.status, range(3)))
                assert statuses == [200, 200, 200]
        assert server.connections == 4
    finally:
        node.close()
        server.close()


def test_repeated_header_fields_reach_the_client_joined():
    server = RawReceiver(replying(b"HTTP/1.1 200 OK\r\nWarning: 299 a\r\nWarning: 299 b\r\n"
                                  b"Content-Length: 2\r\n\r\n{}"))
    try:
        response = node_for(server.port).perform_request("GET", "/")
        assert response.meta.headers["warning"] == "299 a, 299 b"
    finally:
        server.close()


def test_a_refused_connection_is_a_transport_connection_error():
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with pytest.raises(ConnectionError):
        node_for(port).perform_request("GET", "/")


def test_silence_is_a_timeout():
    server = RawReceiver(silent)
    try:
        with pytest.raises(ConnectionTimeout):
            node_for(server.port, timeout=0.3).perform_request("GET", "/")
    finally:
        server.close()


def test_the_test_node_answers_through_it(es):
    info = es.cluster.health()
    assert info["status"] in ("green", "yellow")
    assert isinstance(es.transport.node_pool.get(), LeanHttpNode)
