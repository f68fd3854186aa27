"""Tenant settings: defaults, validation, masking of the webhook secret."""

import pytest

from locator.errors import ValidationFailed
from locator.tenants.settings import MASK, TenantSettings


def test_defaults_are_valid():
    settings = TenantSettings()
    assert settings.hold_hours > 0 and settings.low_stock_threshold >= 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hold_hours": 0}, "hold_hours"),
        ({"hold_hours": -1}, "hold_hours"),
        ({"hold_hours": "24"}, "hold_hours"),
        ({"low_stock_threshold": -1}, "low_stock_threshold"),
        ({"safety_stock": 1.5}, "safety_stock"),
        ({"safety_stock": True}, "safety_stock"),
        ({"stock_freshness_hours": 0}, "stock_freshness_hours"),
        ({"purge_days": 0}, "purge_days"),
        ({"expose_quantities": "yes"}, "expose_quantities"),
        ({"webhook_url": "ftp://example.com/hook"}, "webhook_url"),
        ({"webhook_url": "not a url"}, "webhook_url"),
        ({"webhook_secret": "short"}, "webhook_secret"),
    ],
)
def test_invalid_settings_are_refused_with_the_field(changes, field):
    with pytest.raises(ValidationFailed) as caught:
        TenantSettings(**changes)
    assert field in caught.value.errors


def test_updated_validates_and_refuses_unknown_names():
    settings = TenantSettings()
    assert settings.updated(hold_hours=48).hold_hours == 48
    with pytest.raises(ValidationFailed):
        settings.updated(hold_hours=-2)
    with pytest.raises(ValidationFailed):
        settings.updated(no_such_setting=1)


def test_public_dict_masks_the_webhook_secret():
    secret = "s" * 32
    settings = TenantSettings(webhook_url="https://shop.example.com/hook", webhook_secret=secret)
    public = settings.public_dict()
    assert public["webhook_secret"] == MASK
    assert secret not in repr(public)
    assert TenantSettings().public_dict()["webhook_secret"] is None


def test_from_dict_ignores_unknown_stored_keys():
    assert TenantSettings.from_dict({"hold_hours": 2, "future": 1}).hold_hours == 2
