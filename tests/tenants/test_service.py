"""Tenants and keys against the real node: creation, hashing, origins, revocation, the key cache."""

import pytest

from locator.errors import Conflict, NotFound, ValidationFailed
from locator.es import index_name
from locator.tenants import service
from locator.tenants.service import KeyCache, hash_key, normalize_origin
from locator.tenants.settings import TenantSettings
from tests.conftest import make_tenant


def _new_id() -> str:
    import uuid

    return f"t{uuid.uuid4().hex[:10]}"


def test_create_get_list_and_update(es, config):
    tenant_id = _new_id()
    created = service.create_tenant(es, config, tenant_id, "Shop", TenantSettings(hold_hours=2))
    assert created.settings.hold_hours == 2
    assert service.get_tenant(es, config, tenant_id).name == "Shop"
    assert tenant_id in [t.tenant for t in service.list_tenants(es, config)]
    updated = service.update_settings(es, config, tenant_id, safety_stock=4, expose_quantities=True)
    assert (updated.settings.safety_stock, updated.settings.expose_quantities) == (4, True)
    assert service.get_tenant(es, config, tenant_id).settings.safety_stock == 4
    with pytest.raises(ValidationFailed):
        service.update_settings(es, config, tenant_id, safety_stock=-1)
    assert service.get_tenant(es, config, tenant_id).settings.safety_stock == 4


def test_duplicate_and_unknown_tenants(es, config):
    tenant_id = _new_id()
    service.create_tenant(es, config, tenant_id, "A", TenantSettings())
    with pytest.raises(Conflict):
        service.create_tenant(es, config, tenant_id, "B", TenantSettings())
    with pytest.raises(NotFound):
        service.get_tenant(es, config, "no-such-tenant")


@pytest.mark.parametrize("bad", ["", "Upper", "-lead", "with space", "a\x1fb", "x" * 64, "é"])
def test_tenant_ids_are_plain(es, config, bad):
    with pytest.raises(ValidationFailed):
        service.create_tenant(es, config, bad, "x", TenantSettings())


def test_key_is_stored_hashed_and_shown_once(es, config):
    tenant = make_tenant(es, config)
    plaintext, key = service.create_key(es, config, tenant.id, "secret")
    assert plaintext.startswith("sk_") and len(plaintext) > 30
    assert key.key_id == hash_key(plaintext)
    stored = es.get(index=index_name(config, "keys"), id=key.key_id)["_source"]
    assert plaintext not in repr(stored)
    assert stored["prefix"] == plaintext[:10]
    with pytest.raises(NotFound):
        service.create_key(es, config, "no-such-tenant", "secret")


def test_origins_are_normalized_and_only_for_publishable_keys(es, config):
    tenant = make_tenant(es, config)
    _, key = service.create_key(es, config, tenant.id, "publishable",
                                ("HTTPS://Shop.Example.com:443/", "http://localhost:3000"))
    assert key.origins == ("https://shop.example.com", "http://localhost:3000")
    with pytest.raises(ValidationFailed):
        service.create_key(es, config, tenant.id, "secret", ("https://shop.example.com",))
    with pytest.raises(ValidationFailed):
        service.create_key(es, config, tenant.id, "publishable", ("shop.example.com",))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("https://a.example", "https://a.example"), ("http://A.example:80", "http://a.example"),
     ("https://a.example:8443", "https://a.example:8443"), ("http://[::1]:8000", "http://[::1]:8000")],
)
def test_normalize_origin(raw, expected):
    assert normalize_origin(raw) == expected


@pytest.mark.parametrize("raw", ["null", "a.example", "https://a.example/path", "https://u:p@a.example",
                                 "javascript:alert(1)", "https://a.example:99999"])
def test_normalize_origin_refuses(raw):
    with pytest.raises(ValidationFailed):
        normalize_origin(raw)


def test_revoke_by_prefix_plaintext_or_id(es, config):
    tenant = make_tenant(es, config)
    for how in ("prefix", "plaintext", "id"):
        plaintext, key = service.create_key(es, config, tenant.id, "publishable")
        target = {"prefix": key.prefix, "plaintext": plaintext, "id": key.key_id}[how]
        assert service.revoke_key(es, config, target).key_id == key.key_id
        assert KeyCache(0).lookup(es, config, plaintext) is None
    with pytest.raises(NotFound):
        service.revoke_key(es, config, "pk_nothing")


def test_key_cache_honours_its_ttl(es, config):
    tenant = make_tenant(es, config)
    plaintext, key = service.create_key(es, config, tenant.id, "secret")
    cache = KeyCache(ttl=3600)
    found = cache.lookup(es, config, plaintext)
    assert found is not None and found[1].tenant == tenant.id
    service.revoke_key(es, config, key.key_id)
    assert cache.lookup(es, config, plaintext) is not None  # still trusted within the TTL
    cache.clear()
    assert cache.lookup(es, config, plaintext) is None
    assert KeyCache(ttl=0).lookup(es, config, plaintext) is None


def test_key_cache_is_bounded(es, config):
    cache = KeyCache(ttl=3600, max_entries=10)
    for i in range(25):
        assert cache.lookup(es, config, f"pk_unknown_{i}") is None
    assert len(cache._entries) <= 10
