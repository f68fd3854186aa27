"""Webhook signatures: `X-Locator-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`."""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Locator-Signature"
TIMESTAMP_HEADER = "X-Locator-Timestamp"
EVENT_HEADER = "X-Locator-Event"
DELIVERY_HEADER = "X-Locator-Delivery"
DEFAULT_TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Return the signature header value of `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def verify(secret: str, body: bytes, timestamp: str, signature: str, *,
           now: float | None = None, tolerance: int = DEFAULT_TOLERANCE_SECONDS) -> bool:
    """Check a received webhook: right signature over the raw body, timestamp recent enough."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature or "")
