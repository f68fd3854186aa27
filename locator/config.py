"""Every setting, read from the environment in one place (documented in the README)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


def _bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


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
    elasticsearch_url: str | None = None
    elasticsearch_api_key: str | None = None
    elasticsearch_username: str | None = None
    elasticsearch_password: str | None = None
    elasticsearch_ca_certs: str | None = None
    elasticsearch_timeout: float = 10.0
    es_port: int = 9200
    es_home: Path = field(default_factory=_default_es_home)
    es_version: str = "9.2.8"
    es_heap: str = "1g"
    index_prefix: str = "locator"
    # HTTP service.
    port: int = 8000
    log_level: str = "INFO"
    max_content_length: int = 1_000_000
    public_url: str | None = None
    # Geocoding: "offline" (bundled gazetteers) or any geopy geocoder name, e.g. "nominatim".
    geocoder: str = "offline"
    geocoder_user_agent: str = "store-locator"
    geocoder_min_delay_seconds: float = 1.0
    # Rate limits: storage shared by every worker (memory:// only for a single process).
    ratelimit_storage_uri: str = "memory://"
    ratelimit_default: str = "600/minute"
    ratelimit_per_address: str = "300/minute"
    # Reverse proxies in front of gunicorn whose X-Forwarded-* headers are trusted (0: none).
    proxy_hops: int = 0
    ratelimit_enabled: bool = True
    key_cache_seconds: float = 5.0
    reservation_sweep_seconds: int = 60
    # Webhooks: attempt n waits webhook_retry_seconds * 2**(n-1) after a failure.
    webhook_retry_seconds: float = 30.0
    webhook_max_attempts: int = 8
    webhook_timeout_seconds: float = 5.0
    # Unmet demand: each worker writes its buffered counts this often (0: no background writes).
    unmet_demand_flush_seconds: float = 10.0
    extra: dict = field(default_factory=dict)

    @property
    def es_url(self) -> str:
        """Return the cluster URL, the local node's when none is configured."""
        return self.elasticsearch_url or f"http://127.0.0.1:{self.es_port}"

    @property
    def uses_local_node(self) -> bool:
        return self.elasticsearch_url is None

    @classmethod
    def from_env(cls, **overrides: object) -> Config:
        """Build the configuration from environment variables; keyword overrides win."""
        values: dict[str, object] = {
            "elasticsearch_url": _env("ELASTICSEARCH_URL"),
            "elasticsearch_api_key": _env("ELASTICSEARCH_API_KEY"),
            "elasticsearch_username": _env("ELASTICSEARCH_USERNAME"),
            "elasticsearch_password": _env("ELASTICSEARCH_PASSWORD"),
            "elasticsearch_ca_certs": _env("ELASTICSEARCH_CA_CERTS"),
            "elasticsearch_timeout": float(_env("ELASTICSEARCH_TIMEOUT", "10")),
            "es_port": _int("ES_PORT", 9200),
            "es_home": Path(_env("ES_HOME", str(_default_es_home()))),
            "es_version": _env("ES_VERSION", "9.2.8"),
            "es_heap": _env("ES_HEAP", "1g"),
            "index_prefix": _env("INDEX_PREFIX", "locator"),
            "port": _int("PORT", 8000),
            "log_level": _env("LOG_LEVEL", "INFO").upper(),
            "max_content_length": _int("MAX_CONTENT_LENGTH", 1_000_000),
            "public_url": _env("PUBLIC_URL"),
            "geocoder": _env("GEOCODER", "offline"),
            "geocoder_user_agent": _env("GEOCODER_USER_AGENT", "store-locator"),
            "geocoder_min_delay_seconds": float(_env("GEOCODER_MIN_DELAY_SECONDS", "1")),
            "ratelimit_storage_uri": _env("RATELIMIT_STORAGE_URI", "memory://"),
            "ratelimit_default": _env("RATELIMIT_DEFAULT", "600/minute"),
            "ratelimit_per_address": _env("RATELIMIT_PER_ADDRESS", "300/minute"),
            "proxy_hops": _int("PROXY_HOPS", 0),
            "ratelimit_enabled": _bool("RATELIMIT_ENABLED", True),
            "key_cache_seconds": float(_env("KEY_CACHE_SECONDS", "5")),
            "reservation_sweep_seconds": _int("RESERVATION_SWEEP_SECONDS", 60),
            "webhook_retry_seconds": float(_env("WEBHOOK_RETRY_SECONDS", "30")),
            "webhook_max_attempts": _int("WEBHOOK_MAX_ATTEMPTS", 8),
            "webhook_timeout_seconds": float(_env("WEBHOOK_TIMEOUT_SECONDS", "5")),
            "unmet_demand_flush_seconds": float(_env("UNMET_DEMAND_FLUSH_SECONDS", "10")),
        }
        known = {f.name for f in fields(cls)}
        unknown = set(overrides) - known
        if unknown:
            raise TypeError(f"unknown config fields: {sorted(unknown)}")
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
