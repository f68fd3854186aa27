"""Signed report links (pure)."""

from datetime import UTC, datetime, timedelta

from locator.reports import links

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_a_link_verifies_until_it_expires():
    secret = links.new_secret()
    token = links.sign(secret, "acme", NOW + timedelta(days=7))
    assert links.token_tenant(token) == "acme"
    assert links.verify(secret, token, NOW)
    assert not links.verify(secret, token, NOW + timedelta(days=8))


def test_a_tampered_or_foreign_link_fails():
    secret = links.new_secret()
    token = links.sign(secret, "acme", NOW + timedelta(days=7))
    tenant, expires, signature = token.split(".")
    assert not links.verify(secret, f"{tenant}.{int(expires) + 86400}.{signature}", NOW)
    assert not links.verify(secret, f"other.{expires}.{signature}", NOW)
    assert not links.verify(links.new_secret(), token, NOW)
    assert not links.verify(None, token, NOW)
    assert links.token_tenant("garbage") is None and not links.verify(secret, "a.b.c", NOW)
