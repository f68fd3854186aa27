"""Where sending plugs in: what the alerts hand to the notifications outbox.

`AlertMailer` is the interface; `locator.alerts.mailer.OutboxMailer` implements it through the
outbox. Callers pass a mailer to `service.create` and `service.notify_matches` (the web app
builds one per request from the factory set at app creation; file loads and the sweeper build
their own), so no module holds a mailer in global state.
"""

from __future__ import annotations

from typing import Protocol


class AlertMailer(Protocol):
    def confirmation_requested(self, alert: dict, confirm_token: str, cancel_token: str) -> None:
        """Queue the email asking to confirm an alert (with a cancel link)."""

    def back_in_stock(self, alert: dict, store_id: str, cancel_token: str) -> None:
        """Queue the email saying the product is back at `store_id` (the alert is ending)."""


class NoMailer:
    """A mailer that sends nothing (email is off: alerts then stay pending)."""

    def confirmation_requested(self, alert: dict, confirm_token: str, cancel_token: str) -> None:
        return None

    def back_in_stock(self, alert: dict, store_id: str, cancel_token: str) -> None:
        return None
