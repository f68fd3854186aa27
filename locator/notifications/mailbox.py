"""The demo mail catcher's folder, read: one `.eml` file per message, newest first.

Kept apart from the catcher (`catcher`, the SMTP server) so that the web page reading the folder
loads no SMTP server code.
"""

from __future__ import annotations

import base64
import re
import time
import uuid
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

_NAME = re.compile(r"^[0-9]+-[0-9a-f]{8}\.eml$")


def new_name() -> str:
    """Return the file name of a message caught now: names sort by arrival."""
    return f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"


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
