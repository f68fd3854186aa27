"""The server secrets that shopper tokens are keyed with (`TOKEN_SECRETS`, newest first).

A token is an HMAC of the reservation under a server secret, so knowing a reservation's
Idempotency-Key gives nothing. Only the token's hash is stored: a token once handed out keeps
working whatever the secrets become; the secrets matter only to give a replayed request its token
again, which is why retired secrets stay listed for a while after a rotation.
"""

from __future__ import annotations

import logging
import secrets
import threading

from locator.config import Config

log = logging.getLogger(__name__)
_drawn: str | None = None
_lock = threading.Lock()


def token_secrets(config: Config) -> tuple[str, ...]:
    """Return the secrets, the signing one first; without TOKEN_SECRETS, one drawn for this process."""
    if config.token_secrets:
        return config.token_secrets
    global _drawn
    with _lock:
        if _drawn is None:
            _drawn = secrets.token_urlsafe(32)
            log.warning("TOKEN_SECRETS is not set: shopper tokens are keyed with a secret drawn for "
                        "this process, so a replayed reservation request cannot show its token "
                        "after a restart; set TOKEN_SECRETS in production")
    return (_drawn,)
