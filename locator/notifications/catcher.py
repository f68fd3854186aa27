"""A mail catcher for the demo and the tests: an SMTP server that keeps every message in a folder.

`locator mail catch` runs it (`make run` starts it and points `SMTP_URL` at it); `/demo/mail`
lists what it caught (`mailbox`). Each message is one `.eml` file, written whole then renamed,
so a reader never sees half a message. Loopback only; no TLS or authentication unless asked
(`tls`, `credentials`: then STARTTLS and AUTH PLAIN/LOGIN are required, as a real relay does).
"""

from __future__ import annotations

import os
import ssl
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from locator.notifications.mailbox import new_name


class FolderHandler:
    """aiosmtpd handler: write each accepted message to `folder` as `<ns>-<id>.eml`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        name = new_name()
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
