"""A mail catcher for the demo and the tests: an SMTP server that keeps every message in a folder.

`locator mail catch` runs it (`make run` starts it and points `SMTP_URL` at it); `/demo/mail`
lists what it caught (`messages`). Each message is one `.eml` file, written whole then renamed,
so a reader never sees half a message. Loopback only; no TLS or authentication unless asked
(`tls`, `credentials`: then STARTTLS and AUTH PLAIN/LOGIN are required, as a real relay does).
"""

from __future__ import annotations

import base64
import os
import re
import ssl
import time
import uuid
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

_NAME = re.compile(r"^[0-9]+-[0-9a-f]{8}\.eml$")


class FolderHandler:
    """aiosmtpd handler: write each accepted message to `folder` as `<ns>-<id>.eml`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        partial = self.folder / f".{name}.part"
        partial.write_bytes(envelope.original_content or envelope.content)
        os.replace(partial, self.folder / name)
        return "250 Message accepted for delivery"


def _authenticator(credentials: tuple[str, str]):
    def check(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and \
            (auth_data.login.decode(), auth_data.password.decode()) == credentials
        return AuthResult(success=ok)
    return check


def start(folder: Path, host: str = "127.0.0.1", port: int = 1025,
          credentials: tuple[str, str] | None = None, tls: ssl.SSLContext | None = None) -> Controller:
    """Start the catcher in a thread of this process; `.stop()` ends it.

    With `tls`, STARTTLS is offered and required before anything else, as on a real relay.
    """
    extra: dict = {}
    if tls:
        extra = {"tls_context": tls, "require_starttls": True}
    if credentials:
        extra |= {"authenticator": _authenticator(credentials), "auth_required": True,
                  "auth_require_tls": tls is not None}
    controller = Controller(FolderHandler(folder), hostname=host, port=port, **extra)
    controller.start()
    return controller


@dataclass(frozen=True)
class Caught:
    id: str
    message: EmailMessage

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        return part.get_content() if part else ""

    @property
    def html(self) -> str:
        """The HTML part, its inline images (`cid:`) turned into data URIs so a browser shows them."""
        part = self.message.get_body(("html",))
        if part is None:
            return ""
        html = part.get_content()
        for related in self.message.walk():
            cid = related.get("Content-ID")
            if cid and related.get_content_maintype() == "image":
                data = base64.b64encode(related.get_payload(decode=True)).decode()
                html = html.replace(f"cid:{cid.strip('<>')}",
                                    f"data:{related.get_content_type()};base64,{data}")
        return html


def messages(folder: Path, limit: int = 50) -> list[Caught]:
    """Return the caught messages, newest first."""
    if not folder.is_dir():
        return []
    names = sorted((p.name for p in folder.iterdir() if _NAME.match(p.name)), reverse=True)[:limit]
    return [read(folder, name) for name in names]


def read(folder: Path, message_id: str) -> Caught:
    """Return one caught message by its file name; FileNotFoundError when there is none."""
    if not _NAME.match(message_id):
        raise FileNotFoundError(message_id)
    raw = (folder / message_id).read_bytes()
    return Caught(message_id, message_from_bytes(raw, policy=policy.default))  # type: ignore[arg-type]
