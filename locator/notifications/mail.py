"""Email messages from templates: a plain-text and an HTML part, images inline, no remote content.

Templates are Jinja2 files under `<lang>/` (`fr`, `en`): `<name>.txt`, whose first line is the
subject, and `<name>.html`. A retailer overrides any of them by putting a file with the same
path in `TEMPLATES_DIR`; the bundled ones (`locator/notifications/templates/`) fill the rest.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from functools import lru_cache
from pathlib import Path

import segno
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from locator.notifications.formatting import language

BUNDLED = Path(__file__).resolve().parent / "templates"
QR_CID = "pickup-qr"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=8)
def environment(templates_dir: str | None) -> Environment:
    """Return the template environment: the retailer's folder first, then the bundled files."""
    loaders = [FileSystemLoader(templates_dir)] if templates_dir else []
    return Environment(loader=ChoiceLoader([*loaders, FileSystemLoader(BUNDLED)]),
                       autoescape=select_autoescape(["html"], default_for_string=False),
                       undefined=StrictUndefined, keep_trailing_newline=True)


def render(templates_dir: str | None, name: str, lang: str, context: dict) -> Rendered:
    """Render the subject, text and HTML of template `name` in `lang`."""
    env = environment(templates_dir)
    lang = language(lang)
    values = {**context, "lang": lang}
    subject, _, text = env.get_template(f"{lang}/{name}.txt").render(values).partition("\n")
    html = env.get_template(f"{lang}/{name}.html").render({**values, "subject": subject.strip()})
    return Rendered(subject.strip(), text.lstrip("\n"), html)


def qr_png(data: str) -> bytes:
    """Return a QR code of `data` as PNG bytes, made here (no remote image service)."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def build(*, sender: str, to: str, templates_dir: str | None, name: str, lang: str, context: dict,
          message_id: str | None = None, qr: str | None = None) -> EmailMessage:
    """Build the message of template `name` for `to`; `qr` adds that text as an inline QR image."""
    rendered = render(templates_dir, name, lang, {**context, "qr_cid": QR_CID if qr else None})
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<{message_id}@{domain}>" if message_id else make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # transactional: no out-of-office answers
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    if qr:
        html_part = message.get_payload()[1]
        html_part.add_related(qr_png(qr), "image", "png", cid=f"<{QR_CID}>",
                              filename="pickup-code.png", disposition="inline")
    message["Content-Language"] = language(lang)  # after the parts: setting them clears Content-*
    return message


def sender_address(default: str, retailer: str, tenant_sender: str | None) -> str:
    """Return the From header: the tenant's own sender, else MAIL_FROM under the retailer's name."""
    if tenant_sender:
        return tenant_sender
    name, address = parseaddr(default)
    return formataddr((retailer or name, address))
