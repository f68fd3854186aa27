"""Per-tenant settings with their defaults and their validation."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace
from email.utils import parseaddr
from urllib.parse import urlsplit

from locator.errors import ValidationFailed

MASK = "***"
MIN_WEBHOOK_SECRET = 16
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
MIN_LINK_SECRET = 32


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
    mail_from: str | None = None  # sender of this retailer's emails (else MAIL_FROM)
    notify_email: str | None = None  # stores without their own notify_email are told here
    reminder_hours_before: float = 2.0  # shopper reminder before a hold ends; 0: none
    # Count searches and reservations that found a product nowhere nearby (the unmet-demand report).
    unmet_demand: bool = True
    # Signs the report links of `locator reports link`; replacing it revokes every link.
    reports_link_secret: str | None = None
    # Days a back-in-stock alert waits for stock before it expires.
    alert_days: int = 60
    # The product page a back-in-stock email links to, `{sku}` and `{store_id}` filled in
    # (e.g. https://shop.example/p/{sku}?store={store_id}); unset: the demo page.
    product_url_template: str | None = None

    def __post_init__(self) -> None:
        errors = settings_errors(self)
        if errors:
            raise ValidationFailed(
                "Invalid tenant settings: " + "; ".join(f"{k}: {v}" for k, v in errors.items()) + ".",
                errors={k: [v] for k, v in errors.items()},
            )

    @classmethod
    def from_dict(cls, data: dict | None) -> TenantSettings:
        """Build settings from a stored dict, ignoring unknown keys (forward compatible)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in known})

    def to_dict(self) -> dict:
        return asdict(self)

    def updated(self, **changes: object) -> TenantSettings:
        unknown = set(changes) - set(SETTING_NAMES)
        if unknown:
            raise ValidationFailed(f"Unknown settings: {', '.join(sorted(unknown))}.")
        return replace(self, **changes)

    def public_dict(self) -> dict:
        """Return the settings without secrets (for listings and API answers)."""
        data = self.to_dict()
        data["webhook_secret"] = MASK if self.webhook_secret else None
        data["reports_link_secret"] = MASK if self.reports_link_secret else None
        return data


def _number(value: object, *, integer: bool) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) if integer else isinstance(value, int | float)


def settings_errors(settings: TenantSettings) -> dict[str, str]:
    """Return a message per invalid setting (empty when all are valid)."""
    errors: dict[str, str] = {}
    # Hold time and freshness must be positive: a zero hold would expire at once, and a zero
    # freshness limit would treat every count as stale.
    for name in ("hold_hours", "stock_freshness_hours"):
        value = getattr(settings, name)
        if not _number(value, integer=False) or not 0 < value <= 24 * 365:
            errors[name] = "must be a number of hours above 0 and at most 8760"
    for name in ("low_stock_threshold", "safety_stock"):
        value = getattr(settings, name)
        if not _number(value, integer=True) or not 0 <= value <= 1_000_000:
            errors[name] = "must be a whole number from 0 to 1000000"
    if not _number(settings.alert_days, integer=True) or not 1 <= settings.alert_days <= 365:
        errors["alert_days"] = "must be a whole number of days from 1 to 365"
    if not _number(settings.purge_days, integer=True) or not 1 <= settings.purge_days <= 3650:
        errors["purge_days"] = "must be a whole number of days from 1 to 3650"
    for name in ("expose_quantities", "unmet_demand"):
        if not isinstance(getattr(settings, name), bool):
            errors[name] = "must be true or false"
    if settings.webhook_url is not None:
        parts = urlsplit(str(settings.webhook_url))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            errors["webhook_url"] = "must be an http(s) URL"
    template = settings.product_url_template
    if template is not None and not (isinstance(template, str) and "{sku}" in template
                                     and urlsplit(template).scheme in ("http", "https")
                                     and urlsplit(template).hostname):
        errors["product_url_template"] = "must be an http(s) URL containing {sku} (and maybe {store_id})"
    for name in ("mail_from", "notify_email"):
        value = getattr(settings, name)
        if value is not None and not (isinstance(value, str) and _EMAIL.match(parseaddr(value)[1])):
            errors[name] = "must be an email address"
    hours = settings.reminder_hours_before
    if not _number(hours, integer=False) or not 0 <= hours <= 24 * 30:
        errors["reminder_hours_before"] = "must be a number of hours from 0 to 720"
    secret = settings.webhook_secret
    if secret is not None and (not isinstance(secret, str) or len(secret) < MIN_WEBHOOK_SECRET):
        errors["webhook_secret"] = f"must be at least {MIN_WEBHOOK_SECRET} characters"
    link = settings.reports_link_secret
    if link is not None and (not isinstance(link, str) or len(link) < MIN_LINK_SECRET):
        errors["reports_link_secret"] = f"must be at least {MIN_LINK_SECRET} characters"
    return errors


SETTING_NAMES = tuple(f.name for f in fields(TenantSettings))
