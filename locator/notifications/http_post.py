"""One bounded HTTP POST to a receiver the service does not trust (webhooks).

- **Public targets only.** The host is resolved once, every address must be public (no loopback,
  private, link-local, multicast or reserved one) unless `WEBHOOK_ALLOW_PRIVATE=1`, and the
  connection goes to that very address (a second DNS answer cannot redirect it).
- **An overall deadline.** A watchdog shuts the socket down when the attempt runs past its
  deadline, whatever the receiver does (trickling headers or body bytes included).
- **A byte cap.** At most `max_bytes` of the answer's body are read; the rest is never fetched.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit


class TargetRefused(ValueError):
    """The URL points at an address the service must not call."""


class Unresolvable(TargetRefused):
    """The host has no address (now): an attempt fails, a setting may still name it."""


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    error: str | None
    truncated: bool = False


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast or address.is_reserved


def resolve(url: str, allow_private: bool) -> tuple[str, int, str]:
    """Return (host, port, address to connect to) of an http(s) URL; TargetRefused if not allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("not an http(s) URL")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Unresolvable(f"cannot resolve {parts.hostname}") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    refused = [str(a) for a in addresses if _forbidden(a)]
    if refused and not allow_private:
        raise TargetRefused(f"{parts.hostname} resolves to a non-public address ({refused[0]})")
    return parts.hostname, port, str(addresses[0])


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to an address resolved beforehand, named by its host for TLS."""

    def __init__(self, host: str, port: int, address: str, tls: bool, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address
        self.tls = tls

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        if self.tls:
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)
        self.sock = sock


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float, deadline: float,
         max_bytes: int, allow_private: bool) -> Answer:
    """POST `body` to `url` within `deadline` seconds overall; never raises for the receiver's faults."""
    try:
        host, port, address = resolve(url, allow_private)
    except TargetRefused as exc:
        return Answer(None, f"refused: {exc}")
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = _PinnedConnection(host, port, address, parts.scheme == "https", min(timeout, deadline))
    expired = threading.Event()

    def stop() -> None:
        expired.set()
        sock = connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    watchdog = threading.Timer(deadline, stop)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        kept = response.read(max_bytes)  # the body itself is not used: only bounded
        truncated = len(kept) == max_bytes and bool(response.read(1))
        status = response.status
        error = None if 200 <= status < 300 else f"HTTP {status}"
        return Answer(status, error, truncated)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return Answer(None, "deadline exceeded" if expired.is_set() else type(exc).__name__)
    finally:
        watchdog.cancel()
        connection.close()
