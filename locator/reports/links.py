"""Signed report links: `locator reports link` gives a manager the page without a secret key.

A link token is `<tenant>.<expiry, Unix seconds>.<HMAC-SHA256 of both, keyed by the tenant's
reports_link_secret>`. It reads the tenant's unmet-demand report until it expires; replacing the
secret (`locator reports link --rotate`) revokes every link at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

MAX_DAYS = 90
SECRET_PREFIX = "rls_"


def new_secret() -> str:
    """Return a fresh link-signing secret."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _signature(secret: str, tenant: str, expires: int) -> str:
    mac = hmac.new(secret.encode(), f"reports\x1f{tenant}\x1f{expires}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def sign(secret: str, tenant: str, expires_at: datetime) -> str:
    """Return a link token for a tenant's report, valid until `expires_at`."""
    expires = int(expires_at.timestamp())
    return f"{tenant}.{expires}.{_signature(secret, tenant, expires)}"


def token_tenant(token: str) -> str | None:
    """Return the tenant a token names (unverified), or None when it is malformed."""
    parts = token.split(".")
    return parts[0] if len(parts) == 3 and parts[0] and parts[1].isdigit() else None


def verify(secret: str | None, token: str, now: datetime) -> bool:
    """Check a token's signature and expiry in constant time."""
    tenant = token_tenant(token)
    if not secret or tenant is None:
        return False
    _tenant, expires, signature = token.split(".")
    expected = _signature(secret, tenant, int(expires))
    return hmac.compare_digest(expected, signature) and int(expires) > now.timestamp()
