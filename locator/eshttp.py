"""The client's HTTP/1.1 to Elasticsearch: kept-alive sockets, one request at a time on each.

elastic-transport's default node goes through urllib3 and `http.client`: a connection check, a
retry object, header dictionaries copied several times, the `email` package parsing each
answer's headers, headers and body sent in two writes. That cost about 0.5 ms of CPU per request
(py-spy on the availability path, bench/README.md), as much as the rest of the view. This node
(the transport's supported `node_class` hook) writes each request in one `sendall`, reads the
answer with a small parser (Content-Length, chunked, or until close), pools its sockets last-in
first-out so the warmest is reused, and maps failures onto the transport's errors, so retries on
another node and node marking work as before. TLS: TLS 1.2 or newer, certificates checked
unless `verify_certs=False`, `ca_certs` and a client certificate honoured.
"""

from __future__ import annotations

import gzip
import platform
import socket
import ssl
import time
import weakref
from collections import deque
from typing import NamedTuple

from elastic_transport import (
    ApiResponseMeta,
    BaseNode,
    ConnectionError,
    ConnectionTimeout,
    HttpHeaders,
    NodeConfig,
    TlsError,
)
from elastic_transport.client_utils import DEFAULT, DefaultType

MAX_LINE = 65_536  # longest status or header line read: Elasticsearch's are far shorter
NO_BODY_STATUS = (204, 304)


class NodeResponse(NamedTuple):
    """What the transport reads from a node's answer (the shape of every node's result)."""

    meta: ApiResponseMeta
    body: bytes


class Answer(NamedTuple):
    status: int
    headers: dict[str, str]  # lower-case names; a repeated field (Warning) is one, comma-joined
    body: bytes
    keep_alive: bool


class ClosedByPeer(ConnectionResetError):
    """The node closed the connection before answering (an idle kept-alive connection, often)."""


class BadAnswer(OSError):
    """The bytes received are not a whole HTTP/1.x answer."""


def tls_context(config: NodeConfig) -> ssl.SSLContext:
    """Return the TLS context of an https node: TLS 1.2 or newer, checks as configured."""
    if config.ssl_assert_fingerprint:
        raise ValueError("ssl_assert_fingerprint is not supported: give the CA with ca_certs")
    if config.ssl_context:
        return config.ssl_context
    context = ssl.create_default_context(cafile=config.ca_certs)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if not config.verify_certs:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if config.client_cert:
        context.load_cert_chain(config.client_cert, config.client_key)
    return context


def request_bytes(method: str, target: str, host: str, headers: dict[str, str],
                  body: bytes | None) -> bytes:
    """Return a whole HTTP/1.1 request, head and body, to be written at once."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body or b'')}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


def _line(reader) -> bytes:
    line = reader.readline(MAX_LINE + 1)
    if len(line) > MAX_LINE:
        raise BadAnswer("header line too long")
    return line


def read_answer(reader, method: str) -> Answer:
    """Read one HTTP/1.x answer from a buffered reader."""
    status_line = _line(reader)
    if not status_line:
        raise ClosedByPeer("the node closed the connection without answering")
    parts = status_line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        raise BadAnswer(f"not an HTTP answer: {status_line[:80]!r}")
    status = int(parts[1])
    fields: dict[str, str] = {}
    while True:
        line = _line(reader)
        if line in (b"\r\n", b"\n"):
            break
        if not line:
            raise BadAnswer("the node closed the connection in the middle of an answer")
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip()
        fields[name] = f"{fields[name]}, {value}" if name in fields else value
    if 100 <= status < 200:
        return read_answer(reader, method)  # an interim answer: the real one follows
    keep_alive = parts[0] == b"HTTP/1.1" and fields.get("connection", "").lower() != "close"
    if method == "HEAD" or status in NO_BODY_STATUS:
        body = b""
    elif "chunked" in fields.get("transfer-encoding", "").lower():
        body = _read_chunked(reader)
    elif "content-length" in fields:
        if not fields["content-length"].isdigit():
            raise BadAnswer(f"bad Content-Length: {fields['content-length'][:40]!r}")
        length = int(fields["content-length"])
        body = reader.read(length)
        if len(body) != length:
            raise BadAnswer(f"answer cut short: {len(body)} of {length} bytes")
    else:  # neither length nor chunks: the body runs until the node closes
        body, keep_alive = reader.read(), False
    return Answer(status, fields, body, keep_alive)


def _read_chunked(reader) -> bytes:
    chunks = []
    while True:
        size_line = _line(reader)
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise BadAnswer(f"bad chunk size: {size_line[:40]!r}") from None
        if size == 0:
            while _line(reader) not in (b"\r\n", b"\n", b""):
                pass  # trailer fields: none are used
            return b"".join(chunks)
        chunk = reader.read(size)
        if len(chunk) != size or _line(reader) not in (b"\r\n", b"\n"):
            raise BadAnswer("chunked answer cut short")
        chunks.append(chunk)


class Connection:
    """One socket to the node and its buffered reader."""

    def __init__(self, host: str, port: int, context: ssl.SSLContext | None,
                 timeout: float | None) -> None:
        sock = socket.create_connection((host, port), timeout=timeout)
        # Requests are written whole, and answers wanted at once: Nagle's delay only hurts.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if context is not None:
            sock = context.wrap_socket(sock, server_hostname=host)
        self.sock = sock
        self.reader = sock.makefile("rb")

    def exchange(self, data: bytes, method: str, timeout: float | None) -> Answer:
        self.sock.settimeout(timeout)
        self.sock.sendall(data)
        return read_answer(self.reader, method)

    def close(self) -> None:
        self.reader.close()
        self.sock.close()


class LeanHttpNode(BaseNode):
    """A node reached through a pool of plain (or TLS) sockets; thread-safe."""

    # The client's telemetry header names its HTTP library ("ur" for urllib3): ours is sockets.
    _CLIENT_META_HTTP_CLIENT = ("so", platform.python_version())

    def __init__(self, config: NodeConfig) -> None:
        super().__init__(config)
        self._context = tls_context(config) if config.scheme == "https" else None
        self._host_header = f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"
        # A deque's append and pop are atomic: no lock per request, as a queue.Queue takes two.
        self._idle: deque[Connection] = deque()
        # A client dropped without close() must not leave its sockets for the garbage collector.
        weakref.finalize(self, _close_idle, self._idle)

    def _connect(self, timeout: float | None) -> Connection:
        return Connection(self.host, self.port, self._context, timeout)

    def perform_request(self, method: str, target: str, body: bytes | None = None,
                        headers: HttpHeaders | None = None,
                        request_timeout: DefaultType | float | None = DEFAULT) -> NodeResponse:
        """Send one request and read its whole answer."""
        timeout = self.config.request_timeout if request_timeout is DEFAULT else request_timeout
        request_headers = self.headers.copy()
        if headers:
            request_headers.update(headers)
        compress = bool(self.config.http_compress)
        if body and compress:
            body = gzip.compress(body)
            request_headers["content-encoding"] = "gzip"
        data = request_bytes(method, self.path_prefix + target, self._host_header,
                             dict(request_headers.items()), body)
        start = time.time()
        connection: Connection | None = None
        try:
            connection, reused = self._checkout(timeout)
            try:
                answer = connection.exchange(data, method, timeout)
            except (BrokenPipeError, ConnectionResetError):  # ClosedByPeer among them
                if not reused:
                    raise
                # Closed by the node while it sat idle, before any answer: once more, on a new one.
                connection.close()
                connection = self._connect(timeout)
                answer = connection.exchange(data, method, timeout)
        except BaseException as exc:
            if connection is not None:
                connection.close()
            error = _transport_error(exc)
            if error is None:
                raise
            raise error from exc
        self._checkin(connection, answer.keep_alive)
        return self._response(answer, start, compress)

    def _checkout(self, timeout: float | None) -> tuple[Connection, bool]:
        """Return the most recently used idle connection, or a new one; and whether it was idle."""
        try:
            return self._idle.pop(), True
        except IndexError:
            return self._connect(timeout), False

    def _checkin(self, connection: Connection, keep_alive: bool) -> None:
        """Keep the connection for a next request when the answer allows it."""
        if not keep_alive:
            connection.close()
            return
        # Two threads checking in at once may keep one more than the limit: harmless.
        if len(self._idle) < self.config.connections_per_node:
            self._idle.append(connection)
        else:
            connection.close()

    def _response(self, answer: Answer, start: float, compress: bool) -> NodeResponse:
        headers = HttpHeaders(answer.headers)
        body = answer.body
        if compress and headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        meta = ApiResponseMeta(node=self.config, duration=time.time() - start, http_version="1.1",
                               status=answer.status, headers=headers)
        return NodeResponse(meta, body)

    def close(self) -> None:
        """Close every idle connection."""
        _close_idle(self._idle)


def _close_idle(idle: deque[Connection]) -> None:
    while True:
        try:
            idle.pop().close()
        except IndexError:
            return


def _transport_error(exc: BaseException) -> Exception | None:
    """Return the transport's error for a failed exchange (None: not a connection failure)."""
    if isinstance(exc, TimeoutError):  # socket.timeout is TimeoutError
        return ConnectionTimeout("Connection timed out during request", errors=(exc,))
    if isinstance(exc, ssl.SSLError):
        return TlsError(str(exc), errors=(exc,))
    if isinstance(exc, OSError):
        return ConnectionError(str(exc), errors=(exc,))
    return None
