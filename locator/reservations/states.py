"""The reservation life cycle: every allowed transition in one table.

    held ──ready──▶ ready ──collect──▶ collected
    held | ready ──cancel──▶ cancelled          (shopper or store)
    held | ready ──expire──▶ expired            (the hold time has passed)

`pending` is internal: the reservation document exists while its holds are being placed; it
never leaves the service (a failed creation deletes it, a crashed one is cleaned by the sweeper).
"""

from __future__ import annotations

from datetime import datetime

from locator.stock.model import parse_time

PENDING, HELD, READY, COLLECTED, CANCELLED, EXPIRED = (
    "pending", "held", "ready", "collected", "cancelled", "expired")
PUBLIC_STATUSES = (HELD, READY, COLLECTED, CANCELLED, EXPIRED)
OPEN = (HELD, READY)
CLOSED = (COLLECTED, CANCELLED, EXPIRED)

READY_ACTION, COLLECT, CANCEL, EXPIRE = "ready", "collect", "cancel", "expire"

# (current status, action) -> new status. Anything not listed is a 409.
TRANSITIONS: dict[tuple[str, str], str] = {
    (HELD, READY_ACTION): READY,
    (READY, COLLECT): COLLECTED,
    (HELD, CANCEL): CANCELLED,
    (READY, CANCEL): CANCELLED,
    (HELD, EXPIRE): EXPIRED,
    (READY, EXPIRE): EXPIRED,
}

# What each closing status does to the holds in the stock documents.
RELEASES_HOLDS = {CANCELLED, EXPIRED}
COLLECTS_HOLDS = {COLLECTED}


def effective_status(doc: dict, now: datetime) -> str:
    """Return the status as of `now`: an open reservation past `expires_at` is expired already."""
    status = doc["status"]
    if status in OPEN and parse_time(doc["expires_at"]) <= now:
        return EXPIRED
    return status


def next_status(current: str, action: str) -> str | None:
    """Return the status `action` leads to from `current`, or None when not allowed."""
    return TRANSITIONS.get((current, action))
