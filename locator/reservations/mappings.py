"""Mappings for reservations and webhook delivery attempts."""

RESERVATIONS = {
    "dynamic": "strict",
    "properties": {
        "tenant": {"type": "keyword"},
        "store_id": {"type": "keyword"},
        "status": {"type": "keyword"},
        "pickup_code": {"type": "keyword"},
        "items": {"type": "object", "enabled": False},
        "customer": {"type": "object", "enabled": False},
        "idempotency_key": {"type": "keyword"},
        "request_hash": {"type": "keyword"},
        "token_hash": {"type": "keyword", "index": False},
        "created_at": {"type": "date"},
        "expires_at": {"type": "date"},
        "updated_at": {"type": "date"},
        "closed_at": {"type": "date"},
        "collected_at": {"type": "date"},
        "purged": {"type": "boolean"},
    },
}

WEBHOOK_DELIVERIES = {
    "dynamic": "strict",
    "properties": {
        "tenant": {"type": "keyword"},
        "event": {"type": "keyword"},
        "reservation_id": {"type": "keyword"},
        "url": {"type": "keyword", "index": False},
        "body": {"type": "keyword", "index": False},
        "status": {"type": "keyword"},  # pending | delivered | failed
        "attempts": {"type": "object", "enabled": False},
        "attempt_count": {"type": "integer"},
        "next_attempt_at": {"type": "date"},
        "created_at": {"type": "date"},
        "updated_at": {"type": "date"},
    },
}
