"""Tenants and API keys: creation, lookup (cached briefly per worker) and revocation."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from elasticsearch import ConflictError, Elasticsearch, NotFoundError

from locator import indices
from locator.cache import MISSING, Cache
from locator.config import Config
from locator.errors import Conflict, NotFound, ValidationFailed
from locator.es import index_name
from locator.mappings import entity_id
from locator.notifications.http_post import TargetRefused, Unresolvable, resolve
from locator.tenants.settings import TenantSettings

KEY_KINDS = {"publishable": "pk", "secret": "sk", "store": "st"}
# Tenant ids end up inside document ids (joined with \x1f) and in URLs: keep them plain.
TENANT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
PREFIX_LENGTH = 10


def validate_tenant_id(tenant: str) -> str:
    """Return the tenant id when it is well formed, else raise ValidationFailed."""
    if not TENANT_ID.match(tenant or ""):
        raise ValidationFailed(
            f"invalid tenant id {tenant!r}: use 1-63 lowercase letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    return tenant


def normalize_origin(origin: str) -> str:
    """Return `scheme://host[:port]` in lowercase, or raise ValidationFailed.

    Browsers send exactly this form in the `Origin` header, so a stored origin must match it
    byte for byte: no path, no trailing slash, default ports dropped.
    """
    raw = (origin or "").strip()
    parts = urlsplit(raw)
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/")
            or parts.query or parts.fragment or parts.username or parts.password):
        raise ValidationFailed(f"invalid origin {origin!r}: expected scheme://host[:port], e.g. "
                               "https://shop.example.com")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValidationFailed(f"invalid origin {origin!r}: bad port") from exc
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


@dataclass(frozen=True)
class Tenant:
    tenant: str
    name: str
    settings: TenantSettings = field(default_factory=TenantSettings)


@dataclass(frozen=True)
class ApiKey:
    """A key as the request sees it (never its plaintext)."""

    key_id: str
    tenant: str
    kind: str
    origins: tuple[str, ...] = ()
    revoked: bool = False
    prefix: str = ""
    created_at: str | None = None
    store_id: str | None = None  # store keys: the one store whose reservations and counts they manage

    @property
    def is_secret(self) -> bool:
        return self.kind == "secret"

    @property
    def is_staff(self) -> bool:
        """True for the retailer's own keys (secret or store): exact quantities, private answers."""
        return self.kind in ("secret", "store")

    def may_manage(self, store_id: str) -> bool:
        """Return True when this key may act on `store_id`'s reservations and counts."""
        return self.kind == "secret" or (self.kind == "store" and self.store_id == store_id)


def now_iso() -> str:
    """Return the current UTC time in ISO 8601."""
    return datetime.now(UTC).isoformat()


def hash_key(plaintext: str) -> str:
    """Return the stored form of a key."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def create_tenant(
    es: Elasticsearch, config: Config, tenant: str, name: str, settings: TenantSettings
) -> Tenant:
    """Create a tenant; a tenant id that exists already is a conflict."""
    validate_tenant_id(tenant)
    check_webhook_target(config, settings)
    try:
        es.create(
            index=index_name(config, "tenants"),
            id=tenant,
            document={
                "tenant": tenant,
                "name": name,
                "settings": settings.to_dict(),
                "created_at": now_iso(),
                "updated_at": now_iso(),
            },
            refresh=True,
        )
    except ConflictError as exc:
        raise Conflict(f"tenant {tenant!r} exists already") from exc
    indices.ensure_tenant_indices(es, config, tenant)
    return Tenant(tenant, name, settings)


def get_tenant(es: Elasticsearch, config: Config, tenant: str) -> Tenant:
    """Return one tenant or raise NotFound."""
    try:
        doc = es.get(index=index_name(config, "tenants"), id=tenant)["_source"]
    except NotFoundError as exc:
        raise NotFound(f"no tenant {tenant!r}") from exc
    return Tenant(doc["tenant"], doc.get("name", ""), TenantSettings.from_dict(doc.get("settings")))


def list_tenants(es: Elasticsearch, config: Config) -> list[Tenant]:
    """Return every tenant, sorted by id."""
    hits = es.search(
        index=index_name(config, "tenants"), size=1000, sort=[{"tenant": "asc"}]
    )["hits"]["hits"]
    return [
        Tenant(h["_source"]["tenant"], h["_source"].get("name", ""),
               TenantSettings.from_dict(h["_source"].get("settings")))
        for h in hits
    ]


def check_webhook_target(config: Config, settings: TenantSettings) -> None:
    """Refuse a webhook_url whose host resolves to a loopback, private or link-local address.

    A host that does not resolve yet is accepted: each attempt checks again before connecting.
    """
    if not settings.webhook_url or config.webhook_allow_private:
        return
    try:
        resolve(settings.webhook_url, allow_private=False)
    except Unresolvable:
        return
    except TargetRefused as exc:
        raise ValidationFailed(f"Invalid tenant settings: webhook_url: {exc} (WEBHOOK_ALLOW_PRIVATE=1 "
                               "allows it in development).", errors={"webhook_url": [str(exc)]}) from exc


def update_settings(es: Elasticsearch, config: Config, tenant: str, **changes: object) -> Tenant:
    """Change some settings of a tenant."""
    current = get_tenant(es, config, tenant)
    settings = current.settings.updated(**changes)
    if "webhook_url" in changes:
        check_webhook_target(config, settings)
    es.update(
        index=index_name(config, "tenants"),
        id=tenant,
        doc={"settings": settings.to_dict(), "updated_at": now_iso()},
        refresh=True,
    )
    return Tenant(current.tenant, current.name, settings)


def create_key(
    es: Elasticsearch,
    config: Config,
    tenant: str,
    kind: str,
    origins: tuple[str, ...] = (),
    *,
    store_id: str | None = None,
    plaintext: str | None = None,
    demo: bool = False,
) -> tuple[str, ApiKey]:
    """Create a key and return (plaintext, key); the plaintext is not stored anywhere.

    A store key (`kind="store"`) needs the `store_id` of one of the tenant's stores.
    """
    if kind not in KEY_KINDS:
        raise ValidationFailed(f"unknown key kind {kind!r}; use publishable, secret or store")
    if origins and kind != "publishable":
        # Secret and store keys are refused from other origins, so they have no browser origins.
        raise ValidationFailed("only publishable keys have allowed origins")
    if (kind == "store") != bool(store_id):
        raise ValidationFailed("a store key needs --store (and only a store key has one)")
    origins = tuple(dict.fromkeys(normalize_origin(o) for o in origins))
    get_tenant(es, config, tenant)
    if store_id and not es.exists(index=indices.tenant_alias(config, "stores", tenant),
                                  id=entity_id(tenant, store_id)):
        raise NotFound(f"tenant {tenant!r} has no store {store_id!r}")
    plaintext = plaintext or f"{KEY_KINDS[kind]}_{secrets.token_urlsafe(24)}"
    key_id = hash_key(plaintext)
    es.index(
        index=index_name(config, "keys"),
        id=key_id,
        document={
            "tenant": tenant,
            "kind": kind,
            "prefix": plaintext[:PREFIX_LENGTH],
            "origins": list(origins),
            "revoked": False,
            "created_at": now_iso(),
            "demo": demo,
            **({"store_id": store_id} if store_id else {}),
        },
        refresh=True,
    )
    return plaintext, ApiKey(key_id, tenant, kind, origins, False, plaintext[:PREFIX_LENGTH],
                             store_id=store_id)


def _key_from_doc(key_id: str, doc: dict) -> ApiKey:
    return ApiKey(
        key_id=key_id,
        tenant=doc["tenant"],
        kind=doc["kind"],
        origins=tuple(doc.get("origins") or ()),
        revoked=bool(doc.get("revoked")),
        prefix=doc.get("prefix", ""),
        created_at=doc.get("created_at"),
        store_id=doc.get("store_id"),
    )


def list_keys(es: Elasticsearch, config: Config, tenant: str | None = None) -> list[ApiKey]:
    """Return the keys, of one tenant or all."""
    query = {"term": {"tenant": tenant}} if tenant else {"match_all": {}}
    hits = es.search(index=index_name(config, "keys"), query=query, size=10_000,
                     sort=[{"tenant": "asc"}, {"created_at": "asc"}])["hits"]["hits"]
    return [_key_from_doc(h["_id"], h["_source"]) for h in hits]


def find_keys(es: Elasticsearch, config: Config, prefix_or_id: str) -> list[ApiKey]:
    """Return the keys whose id (hash), listed prefix or plaintext is `prefix_or_id`."""
    ids = {prefix_or_id, hash_key(prefix_or_id)}
    query = {"bool": {"should": [{"ids": {"values": sorted(ids)}},
                                 {"term": {"prefix": prefix_or_id.removesuffix("…")}}]}}
    hits = es.search(index=index_name(config, "keys"), query=query, size=10)["hits"]["hits"]
    return [_key_from_doc(h["_id"], h["_source"]) for h in hits]


def revoke_key(es: Elasticsearch, config: Config, prefix_or_id: str) -> ApiKey:
    """Revoke a key given the key itself, its id (hash) or the prefix shown in listings."""
    matches = find_keys(es, config, prefix_or_id)
    if not matches:
        raise NotFound(f"no key matches {prefix_or_id!r}")
    if len(matches) > 1:
        raise Conflict(f"{len(matches)} keys match {prefix_or_id!r}; give the full key id")
    key = matches[0]
    es.update(
        index=index_name(config, "keys"),
        id=key.key_id,
        doc={"revoked": True, "revoked_at": now_iso()},
        refresh=True,
    )
    return key


class KeyCache:
    """Per-worker cache of key lookups; entries live `ttl` seconds, so revocations apply fast.

    Unknown keys are cached too (so guessing does not hammer Elasticsearch), which is why the
    cache is bounded.
    """

    def __init__(self, ttl: float, max_entries: int = 10_000) -> None:
        self._entries: Cache[str, tuple[ApiKey | None, Tenant | None]] | None = (
            Cache(max_entries, ttl) if ttl > 0 else None)

    def lookup(
        self, es: Elasticsearch, config: Config, plaintext: str
    ) -> tuple[ApiKey, Tenant] | None:
        """Return the live key and its tenant, or None when unknown or revoked."""
        key_id = hash_key(plaintext)
        cached = self._entries.get(key_id) if self._entries is not None else MISSING
        if cached is MISSING:
            cached = self._fetch(es, config, key_id)
            if self._entries is not None:
                self._entries.put(key_id, cached)
        key, tenant = cached
        if key is None or tenant is None or key.revoked:
            return None
        return key, tenant

    def clear(self) -> None:
        """Forget every cached lookup."""
        if self._entries is not None:
            self._entries.clear()

    @staticmethod
    def _fetch(es: Elasticsearch, config: Config, key_id: str) -> tuple[ApiKey | None, Tenant | None]:
        try:
            doc = es.get(index=index_name(config, "keys"), id=key_id)["_source"]
        except NotFoundError:
            return None, None
        key = _key_from_doc(key_id, doc)
        try:
            return key, get_tenant(es, config, key.tenant)
        except NotFound:
            return key, None
