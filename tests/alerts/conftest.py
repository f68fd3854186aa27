"""The alert tests send through the same real SMTP server as the notification tests."""

from tests.notifications.conftest import smtp_server  # noqa: F401 - a fixture, reused
