"""Query bodies of reservations and webhook deliveries: pure functions, unit-tested on their own."""

from __future__ import annotations

from datetime import datetime, timedelta

from locator.reservations import states


def store_list_query(tenant: str, store_id: str, status: str | None, now: datetime) -> dict:
    """Reservations of one store; `status` as the shopper sees it (expired includes unswept)."""
    stamp = now.isoformat()
    base: list[dict] = [{"term": {"tenant": tenant}}, {"term": {"store_id": store_id}}]
    if status is None:
        base.append({"terms": {"status": list(states.PUBLIC_STATUSES)}})
    elif status in states.OPEN:
        base += [{"term": {"status": status}}, {"range": {"expires_at": {"gt": stamp}}}]
    elif status == states.EXPIRED:
        base.append({"bool": {"should": [
            {"term": {"status": states.EXPIRED}},
            {"bool": {"filter": [{"terms": {"status": list(states.OPEN)}},
                                 {"range": {"expires_at": {"lte": stamp}}}]}},
        ], "minimum_should_match": 1}})
    else:
        base.append({"term": {"status": status}})
    return {"bool": {"filter": base}}


def due_expiry_query(now: datetime) -> dict:
    """Open reservations whose hold time has passed (every tenant)."""
    return {"bool": {"filter": [{"terms": {"status": list(states.OPEN)}},
                                {"range": {"expires_at": {"lte": now.isoformat()}}}]}}


def stale_pending_query(now: datetime, older_than: timedelta) -> dict:
    """Creations that never finished (the process died while placing the holds)."""
    return {"bool": {"filter": [{"term": {"status": states.PENDING}},
                                {"range": {"created_at": {"lt": (now - older_than).isoformat()}}}]}}


def unfinished_holds_query(now: datetime, older_than: timedelta) -> dict:
    """Closed reservations whose hold change was interrupted."""
    return {"bool": {"filter": [{"terms": {"status": list(states.CLOSED)}},
                                {"term": {"holds_pending": True}},
                                {"range": {"updated_at": {"lt": (now - older_than).isoformat()}}}]}}


def purge_query(tenant: str, now: datetime, purge_days: float) -> dict:
    """Closed reservations of a tenant whose personal data is due for deletion."""
    cutoff = (now - timedelta(days=purge_days)).isoformat()
    return {"bool": {"filter": [{"term": {"tenant": tenant}},
                                {"terms": {"status": list(states.CLOSED)}},
                                {"range": {"closed_at": {"lte": cutoff}}}],
                     "must_not": [{"term": {"purged": True}}]}}


def due_reminder_query(now: datetime) -> dict:
    """Open reservations whose "hold ends soon" reminder is due and not given yet."""
    return {"bool": {"filter": [{"terms": {"status": list(states.OPEN)}},
                                {"range": {"remind_at": {"lte": now.isoformat()}}},
                                {"range": {"expires_at": {"gt": now.isoformat()}}}],
                     "must_not": [{"term": {"reminded": True}}]}}


def outbox_query() -> dict:
    """Reservations with events whose deliveries are not recorded yet (a crash interrupted)."""
    return {"bool": {"filter": [{"exists": {"field": "outbox"}}]}}
