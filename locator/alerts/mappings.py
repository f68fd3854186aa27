"""Mapping of back-in-stock alerts: one document per (tenant, email, sku, place)."""

ALERTS = {
    "dynamic": "strict",
    "properties": {
        "tenant": {"type": "keyword"},
        "alert_id": {"type": "keyword"},
        "sku": {"type": "keyword"},
        # The stores that can end the alert, nearest first, resolved at creation: matching is a
        # terms query, and the shopper's position is never stored.
        "store_ids": {"type": "keyword"},
        "radius_km": {"type": "float"},
        "status": {"type": "keyword"},  # pending | active | sent | cancelled | expired
        # Personal data: only here, deleted when the alert ends (see service.end).
        "email": {"type": "keyword", "index": False},
        "lang": {"type": "keyword", "index": False},
        "confirm_token_hash": {"type": "keyword"},
        "cancel_token_hash": {"type": "keyword"},
        "consent_at": {"type": "date"},
        "created_at": {"type": "date"},
        "confirmed_at": {"type": "date"},
        "expires_at": {"type": "date"},
        "ended_at": {"type": "date"},
        "ended_store_id": {"type": "keyword"},
        "updated_at": {"type": "date"},
    },
}
