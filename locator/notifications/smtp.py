"""Sending one message through the configured SMTP server (`SMTP_URL`).

`smtp://[user:password@]host[:port]` upgrades with STARTTLS when the server offers it (port 25 or
587), `smtp+starttls://` requires it, `smtps://` speaks TLS from the start (port 465). User and
password are URL-encoded in the URL; authentication runs only over TLS or to a loopback server.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class SmtpConfigError(ValueError):
    """SMTP_URL cannot be used as written."""


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to hand mail over."""

    host: str
    port: int
    tls: str  # "implicit" | "required" | "opportunistic"
    username: str | None = None
    password: str | None = None


def parse_url(url: str) -> SmtpServer:
    """Read SMTP_URL; raise SmtpConfigError naming what is wrong."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise SmtpConfigError(f"SMTP_URL must start with {', '.join(s + '://' for s in SCHEMES)}")
    if not parts.hostname:
        raise SmtpConfigError("SMTP_URL has no host")
    tls = {"smtps": "implicit", "smtp+starttls": "required"}.get(parts.scheme, "opportunistic")
    return SmtpServer(parts.hostname, parts.port or SCHEMES[parts.scheme], tls,
                      unquote(parts.username) if parts.username else None,
                      unquote(parts.password) if parts.password else None)


def send(server: SmtpServer, message: EmailMessage, timeout: float, ca_certs: str | None = None) -> None:
    """Hand `message` to the server; raise smtplib/OSError exceptions when it is not accepted.

    The server's certificate is verified (system CAs, or `ca_certs`) whenever TLS is used.
    """
    context = ssl.create_default_context(cafile=ca_certs)
    if server.tls == "implicit":
        client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=timeout)
    with client:
        encrypted = server.tls == "implicit"
        if not encrypted:
            client.ehlo()
            if client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
                encrypted = True
            elif server.tls == "required":
                raise smtplib.SMTPNotSupportedError("the SMTP server does not offer STARTTLS")
        if server.username:
            if not encrypted and server.host not in LOOPBACK:
                raise smtplib.SMTPNotSupportedError("refusing to send the SMTP password unencrypted")
            client.login(server.username, server.password or "")
        client.send_message(message)
