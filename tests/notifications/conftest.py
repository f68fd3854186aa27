"""A real SMTP server for the notification tests: the project's own catcher (aiosmtpd) on a free port."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from locator.notifications import catcher, mailbox
from tests.conftest import free_port


@dataclass
class SmtpServer:
    folder: Path
    port: int
    controller: object | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.controller = catcher.start(self.folder, port=self.port)

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def messages(self) -> list[mailbox.Caught]:
        return mailbox.messages(self.folder, limit=10_000)

    def wait_for(self, predicate, what: str) -> list[mailbox.Caught]:
        # Sending is asynchronous by design; the bound only ends a broken run.
        for _ in range(600):
            found = self.messages()
            if predicate(found):
                return found
            time.sleep(0.1)
        raise AssertionError(f"never received {what}; got {[m.message['Subject'] for m in self.messages()]}")


@pytest.fixture
def smtp_server(tmp_path) -> Iterator[SmtpServer]:
    """A running SMTP server keeping what it receives in a folder of this test."""
    server = SmtpServer(tmp_path / "mail", free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_down(tmp_path) -> Iterator[SmtpServer]:
    """An SMTP server not started yet (an outage): `.start()` brings it up."""
    server = SmtpServer(tmp_path / "mail", free_port())
    yield server
    server.stop()
