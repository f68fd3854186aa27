"""Mappings for reservations, their pick-up code claims and webhook delivery attempts."""

RESERVATIONS = {
    "dynamic": "strict",
    "properties": {
        "tenant": {"type": "keyword"},
        "reservation_id": {"type": "keyword"},
        "store_id": {"type": "keyword"},
        "status": {"type": "keyword"},  # pending | held | ready | collected | cancelled | expired
        "pickup_code": {"type": "keyword"},
        "items": {"type": "object", "enabled": False},
        # Personal data: only here, never in logs or webhook bodies; purged after `purge_days`.
        "customer": {"type": "object", "enabled": False},
        "idempotency_key": {"type": "keyword"},  # its SHA-256: the key doubles as a credential
        "request_hash": {"type": "keyword"},
        "attempt": {"type": "keyword", "index": False},  # the creation attempt its holds carry
        "token_hash": {"type": "keyword", "index": False},
        "created_at": {"type": "date"},
        "expires_at": {"type": "date"},
        "updated_at": {"type": "date"},
        "ready_at": {"type": "date"},
        "closed_at": {"type": "date"},
        "collected_at": {"type": "date"},
        "cancelled_by": {"type": "keyword"},  # shopper | store
        "cancel_reason": {"type": "keyword"},  # the store's reason (schemas.CANCEL_REASONS)
        # True between a status change and the matching change of the holds in the stock
        # documents; the sweeper finishes the job when a crash interrupted it.
        "holds_pending": {"type": "boolean"},
        # The outbox: events written in the same compare-and-set write as the change they
        # report, removed once their deliveries are recorded (deterministic ids, so a crash in
        # between records nothing twice).
        "outbox": {"type": "keyword"},
        "lang": {"type": "keyword"},  # fr | en: the shopper's language in the widget
        "remind_at": {"type": "date"},  # when the "hold ends soon" email is due (never at night)
        "reminded": {"type": "boolean"},
        "purged": {"type": "boolean"},
    },
}

# One document per (tenant, store, code) while a reservation holds the code: created with
# op_type=create, so a code is never handed out twice at a store.
PICKUP_CODES = {
    "dynamic": "strict",
    "properties": {
        "tenant": {"type": "keyword"},
        "store_id": {"type": "keyword"},
        "pickup_code": {"type": "keyword"},
        "reservation_id": {"type": "keyword"},
        "created_at": {"type": "date"},
    },
}

WEBHOOK_DELIVERIES = {
    "dynamic": "strict",
    "properties": {
        "tenant": {"type": "keyword"},
        "channel": {"type": "keyword"},  # webhook | email (absent: webhook, recorded before emails)
        "event": {"type": "keyword"},
        "reservation_id": {"type": "keyword"},
        "url": {"type": "keyword", "index": False},
        # Emails: rendered at each attempt from these. `to` and `context` are personal data,
        # cleared purge_days after the delivery ends.
        "recipient": {"type": "keyword"},  # shopper | store
        "to": {"type": "keyword", "index": False},
        "sender": {"type": "keyword", "index": False},
        "template": {"type": "keyword"},
        "lang": {"type": "keyword"},
        "context": {"type": "object", "enabled": False},
        "qr": {"type": "keyword", "index": False},
        "window": {"type": "object", "enabled": False},
        "body": {"type": "keyword", "index": False},
        "status": {"type": "keyword"},  # pending | delivered | failed | skipped
        "attempts": {"type": "object", "enabled": False},
        "attempt_count": {"type": "integer"},
        "next_attempt_at": {"type": "date"},
        "created_at": {"type": "date"},
        "updated_at": {"type": "date"},
    },
}
