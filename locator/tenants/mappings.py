"""Mappings for tenants (retailers, with their settings) and their API keys."""

TENANTS = {
    "dynamic": "strict",
    "properties": {
        "tenant": {"type": "keyword"},
        "name": {"type": "text"},
        "settings": {"type": "object", "enabled": False},
        "created_at": {"type": "date"},
        "updated_at": {"type": "date"},
    },
}

# A key is stored as its SHA-256 (the document id); the plaintext is shown once at creation.
KEYS = {
    "dynamic": "strict",
    "properties": {
        "tenant": {"type": "keyword"},
        "kind": {"type": "keyword"},  # publishable | secret | store
        "store_id": {"type": "keyword"},  # store keys only
        "prefix": {"type": "keyword"},  # first characters, to tell keys apart in listings
        "origins": {"type": "keyword"},
        "revoked": {"type": "boolean"},
        "created_at": {"type": "date"},
        "revoked_at": {"type": "date"},
        "demo": {"type": "boolean"},
    },
}
