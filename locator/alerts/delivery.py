"""Where sending plugs in: what the alerts hand to the notifications outbox.

`AlertMailer` is the interface the outbox implements (issue 12); until one is registered with
`set_mailer`, nothing is sent and confirmations stay pending (an alert is never active without
its double opt-in).
"""

from __future__ import annotations

from typing import Protocol


class AlertMailer(Protocol):
    def confirmation_requested(self, alert: dict, confirm_token: str, cancel_token: str) -> None:
        """Queue the email asking to confirm an alert (with a cancel link)."""

    def back_in_stock(self, alert: dict, store_id: str, cancel_token: str) -> None:
        """Queue the email saying the product is back at `store_id` (the alert has ended)."""


class NoMailer:
    """The mailer while no outbox is registered: sends nothing."""

    def confirmation_requested(self, alert: dict, confirm_token: str, cancel_token: str) -> None:
        return None

    def back_in_stock(self, alert: dict, store_id: str, cancel_token: str) -> None:
        return None


_mailer: AlertMailer = NoMailer()


def set_mailer(mailer: AlertMailer) -> None:
    """Register the outbox that sends alert emails (once, at start-up)."""
    global _mailer
    _mailer = mailer


def mailer() -> AlertMailer:
    return _mailer
