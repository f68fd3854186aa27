"""Every setting, read from the environment in one place (documented in the README)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import MISSING, Field, dataclass, field, fields
from pathlib import Path
from typing import Any


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def setting(env: str, default: object = MISSING, *, default_factory: Callable[[], object] | None = None,
            parse: Callable[[str], object] | None = None) -> Any:
    """Declare a setting: its environment variable and its default, written once."""
    metadata = {"env": env, "parse": parse}
    if default_factory is not None:
        return field(default_factory=default_factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def _parse(env: str, raw: str, spec: Field) -> object:
    """Read one variable as its field's type (annotations are strings: `from __future__`)."""
    if spec.metadata.get("parse"):
        return spec.metadata["parse"](raw)
    kind = str(spec.type).replace(" | None", "")
    if kind == "bool":
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if kind == "Path":
        return Path(raw)
    if kind in ("int", "float"):
        try:
            return int(raw) if kind == "int" else float(raw)
        except ValueError as exc:
            expected = "an integer" if kind == "int" else "a number"
            raise ValueError(f"{env} must be {expected}, got {raw!r}") from exc
    return raw


def _layout(spec: str, name: str, kind: str, tenant: str | None, default: int) -> int:
    """Read "N,kind=N,kind.tenant=N": the most specific entry wins."""
    values: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        key, _, raw = item.rpartition("=")
        try:
            values[key.strip()] = int(raw)
        except ValueError as exc:
            raise ValueError(f"{name}: {item!r} is not N or kind=N") from exc
    for key in (f"{kind}.{tenant}" if tenant else None, kind, ""):
        if key is not None and key in values:
            return values[key]
    return default


MIN_TOKEN_SECRET_LENGTH = 16


def _token_secrets(raw: str) -> tuple[str, ...]:
    secrets = tuple(part.strip() for part in raw.split(",") if part.strip())
    short = [i + 1 for i, secret in enumerate(secrets) if len(secret) < MIN_TOKEN_SECRET_LENGTH]
    if short:
        raise ValueError(f"TOKEN_SECRETS: secret number {short[0]} is shorter than "
                         f"{MIN_TOKEN_SECRET_LENGTH} characters (use e.g. `openssl rand -hex 32`)")
    return secrets


def _default_es_home() -> Path:
    # The node runs as an unprivileged user, so its files must not sit below /root.
    if os.geteuid() == 0:
        return Path("/var/lib/locator-es")
    return Path.home() / ".local" / "share" / "locator-es"


@dataclass(frozen=True)
class Config:
    """Typed, frozen service configuration. `Config.from_env()` is the only reader of os.environ."""

    # Elasticsearch. Without ELASTICSEARCH_URL, a local node on ES_PORT is used (and provisioned
    # by `locator es start`); with it, the existing cluster is used and nothing is started.
    elasticsearch_url: str | None = setting("ELASTICSEARCH_URL", None)
    elasticsearch_api_key: str | None = setting("ELASTICSEARCH_API_KEY", None)
    elasticsearch_username: str | None = setting("ELASTICSEARCH_USERNAME", None)
    elasticsearch_password: str | None = setting("ELASTICSEARCH_PASSWORD", None)
    elasticsearch_ca_certs: str | None = setting("ELASTICSEARCH_CA_CERTS", None)
    elasticsearch_timeout: float = setting("ELASTICSEARCH_TIMEOUT", 10.0)
    es_port: int = setting("ES_PORT", 9200)
    es_home: Path = setting("ES_HOME", default_factory=_default_es_home)
    es_version: str = setting("ES_VERSION", "9.2.8")
    es_heap: str = setting("ES_HEAP", "1g")
    index_prefix: str = setting("INDEX_PREFIX", "locator")
    # Shards and replicas per index kind: "1" (every kind), "1,stock=3,stock.acme=12" (a kind, or
    # one tenant's stock index); replicas "" = 0 on the local node, 1 on a cluster.
    index_shards: str = setting("INDEX_SHARDS", "1")
    index_replicas: str = setting("INDEX_REPLICAS", "")
    # HTTP service.
    port: int = setting("PORT", 8000)
    log_level: str = setting("LOG_LEVEL", "INFO", parse=str.upper)
    max_content_length: int = setting("MAX_CONTENT_LENGTH", 1_000_000)
    public_url: str | None = setting("PUBLIC_URL", None)
    # Geocoding: "offline" (bundled gazetteers) or any geopy geocoder name, e.g. "nominatim".
    geocoder: str = setting("GEOCODER", "offline")
    geocoder_user_agent: str = setting("GEOCODER_USER_AGENT", "store-locator")
    geocoder_min_delay_seconds: float = setting("GEOCODER_MIN_DELAY_SECONDS", 1.0)
    # Rate limits: storage shared by every worker (memory:// only for a single process).
    ratelimit_storage_uri: str = setting("RATELIMIT_STORAGE_URI", "memory://")
    # Per key: a publishable key's ceiling over all its shoppers, a secret key's budget.
    ratelimit_default: str = setting("RATELIMIT_DEFAULT", "6000/minute")
    # Per (publishable key, client address).
    ratelimit_per_client: str = setting("RATELIMIT_PER_CLIENT", "300/minute")
    ratelimit_per_address: str = setting("RATELIMIT_PER_ADDRESS", "600/minute")
    # Refused keys (401) per client address: slows down guessing a key on the desk's sign-in.
    ratelimit_failed_keys: str = setting("RATELIMIT_FAILED_KEYS", "50/hour")
    # Reverse proxies in front of gunicorn whose X-Forwarded-* headers are trusted (0: none).
    proxy_hops: int = setting("PROXY_HOPS", 0)
    ratelimit_enabled: bool = setting("RATELIMIT_ENABLED", True)
    key_cache_seconds: float = setting("KEY_CACHE_SECONDS", 5.0)
    # How soon a store edit shows in availability listings (each worker's store table).
    store_refresh_seconds: float = setting("STORE_REFRESH_SECONDS", 5.0)
    reservation_sweep_seconds: int = setting("RESERVATION_SWEEP_SECONDS", 60)
    # Webhooks: attempt n waits webhook_retry_seconds * 2**(n-1) after a failure.
    webhook_retry_seconds: float = setting("WEBHOOK_RETRY_SECONDS", 30.0)
    webhook_max_attempts: int = setting("WEBHOOK_MAX_ATTEMPTS", 8)
    webhook_timeout_seconds: float = setting("WEBHOOK_TIMEOUT_SECONDS", 5.0)
    # Unmet demand: each worker writes its buffered counts this often (0: no background writes).
    unmet_demand_flush_seconds: float = setting("UNMET_DEMAND_FLUSH_SECONDS", 10.0)
    # Whole attempt (connect, send, answer) and bytes read of an answer: a slow or chatty
    # receiver ends its own attempt, never the sender.
    webhook_deadline_seconds: float = setting("WEBHOOK_DEADLINE_SECONDS", 10.0)
    webhook_max_response_bytes: int = setting("WEBHOOK_MAX_RESPONSE_BYTES", 65_536)
    # Development only: let webhook_url point at loopback, private or link-local addresses.
    webhook_allow_private: bool = setting("WEBHOOK_ALLOW_PRIVATE", False)
    # Outgoing mail: smtp://[user:password@]host[:port] (STARTTLS when offered), smtps:// for
    # implicit TLS, smtp+starttls:// to require STARTTLS. Unset: no email is sent.
    smtp_url: str | None = setting("SMTP_URL", None)
    smtp_timeout_seconds: float = setting("SMTP_TIMEOUT_SECONDS", 10.0)
    # CA bundle of a relay with a private certificate.
    smtp_ca_certs: str | None = setting("SMTP_CA_CERTS", None)
    mail_from: str = setting("MAIL_FROM", "Store locator <no-reply@localhost>")
    # A retailer's email templates, overriding the bundled ones.
    templates_dir: str | None = setting("TEMPLATES_DIR", None)
    # Sender threads per worker (webhooks and emails), apart from the sweeper.
    notify_threads: int = setting("NOTIFY_THREADS", 4)
    # The demo mail catcher's folder: /demo/mail lists it.
    demo_mail_dir: str | None = setting("DEMO_MAIL_DIR", None)
    # How often a store desk polls its pick-up list (a conditional GET, 304 when unchanged).
    desk_poll_seconds: int = setting("DESK_POLL_SECONDS", 2)
    # Shopper tokens: the first secret signs new ones, the others still serve replays (rotation).
    # Empty: a secret drawn per process (gunicorn.conf.py draws one for all its workers).
    token_secrets: tuple[str, ...] = setting("TOKEN_SECRETS", (), parse=_token_secrets)
    extra: dict = field(default_factory=dict)

    @property
    def es_url(self) -> str:
        """Return the cluster URL, the local node's when none is configured."""
        return self.elasticsearch_url or f"http://127.0.0.1:{self.es_port}"

    @property
    def uses_local_node(self) -> bool:
        return self.elasticsearch_url is None

    def shards(self, kind: str, tenant: str | None = None) -> int:
        """Return the primary shard count of a new index of `kind` (for `tenant`'s stock)."""
        return _layout(self.index_shards, "INDEX_SHARDS", kind, tenant, 1)

    def replicas(self, kind: str, tenant: str | None = None) -> int:
        """Return the replica count of `kind`: 0 on the local single node, else 1, unless set."""
        return _layout(self.index_replicas, "INDEX_REPLICAS", kind, tenant,
                       0 if self.uses_local_node else 1)

    @classmethod
    def from_env(cls, **overrides: object) -> Config:
        """Build the configuration from environment variables; keyword overrides win."""
        known = {f.name: f for f in fields(cls)}
        unknown = set(overrides) - set(known)
        if unknown:
            raise TypeError(f"unknown config fields: {sorted(unknown)}")
        values: dict[str, object] = {}
        for name, spec in known.items():
            env = spec.metadata.get("env")
            raw = _env(env) if env else None
            if raw is not None:
                values[name] = _parse(env, raw, spec)
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
