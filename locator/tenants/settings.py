"""Per-tenant settings with their defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace


@dataclass(frozen=True)
class TenantSettings:
    """What a retailer can tune; every field has a sensible default."""

    hold_hours: float = 24.0
    low_stock_threshold: int = 3
    safety_stock: int = 0
    expose_quantities: bool = False
    stock_freshness_hours: float = 72.0
    webhook_url: str | None = None
    webhook_secret: str | None = None
    purge_days: int = 30

    @classmethod
    def from_dict(cls, data: dict | None) -> TenantSettings:
        """Build settings from a stored dict, ignoring unknown keys (forward compatible)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in known})

    def to_dict(self) -> dict:
        return asdict(self)

    def updated(self, **changes: object) -> TenantSettings:
        return replace(self, **changes)

    def public_dict(self) -> dict:
        """Return the settings without secrets (for listings and API answers)."""
        data = self.to_dict()
        data["webhook_secret"] = "***" if self.webhook_secret else None
        return data


SETTING_NAMES = tuple(f.name for f in fields(TenantSettings))
