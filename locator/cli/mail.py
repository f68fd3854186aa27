"""`locator mail catch`: the demo's mail catcher (an SMTP server keeping messages in a folder)."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from locator.notifications import catcher


@click.group()
def mail() -> None:
    """Outgoing mail tools."""


@mail.command("catch")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=1025, show_default=True, help="SMTP port to listen on.")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=Path(".locator/mail"), show_default=True, help="Where caught messages go (.eml).")
def catch(host: str, port: int, folder: Path) -> None:
    """Accept every message over SMTP and keep it in a folder (demo and development only).

    Point the service at it with SMTP_URL=smtp://HOST:PORT and DEMO_MAIL_DIR=DIR: /demo/mail
    then lists what was sent.
    """
    controller = catcher.start(folder, host, port)
    click.echo(f"Mail catcher on smtp://{host}:{port}, keeping messages in {folder}.")
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
    controller.stop()
