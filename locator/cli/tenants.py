"""`locator tenants …` and `locator keys …`: retailers, their settings and API keys."""

from __future__ import annotations

import json
import secrets
from dataclasses import fields

import click

from locator.cli.common import CliContext, pass_context
from locator.tenants import service
from locator.tenants.settings import TenantSettings

_BOOL_WORDS = {"true": True, "1": True, "yes": True, "on": True,
               "false": False, "0": False, "no": False, "off": False}


def _parse_setting(name: str, raw: str) -> object:
    """Convert NAME=VALUE text to the setting's type; range checks are TenantSettings' job."""
    kinds = {f.name: str(f.type) for f in fields(TenantSettings)}
    if name not in kinds:
        raise click.BadParameter(f"unknown setting {name!r}; known: {', '.join(kinds)}")
    kind = kinds[name]
    if raw.lower() in ("", "none", "null") and "None" in kind:
        return None
    try:
        if kind.startswith("bool"):
            return _BOOL_WORDS[raw.lower()]
        if kind.startswith("int"):
            return int(raw)
        if kind.startswith("float"):
            return float(raw)
    except (KeyError, ValueError) as exc:
        raise click.BadParameter(f"{name} expects {kind.split(' ')[0]}, got {raw!r}") from exc
    return raw


def _split(assignment: str) -> tuple[str, str]:
    if "=" not in assignment:
        raise click.BadParameter(f"expected NAME=VALUE, got {assignment!r}")
    name, value = assignment.split("=", 1)
    return name.strip(), value.strip()


def _parse_all(assignments: tuple[str, ...]) -> dict[str, object]:
    return {k: _parse_setting(k, v) for k, v in (_split(a) for a in assignments)}


def _show(tenant: service.Tenant) -> None:
    click.echo(json.dumps({"tenant": tenant.tenant, "name": tenant.name,
                           "settings": tenant.settings.public_dict()}, indent=2))


def _new_webhook_secret(changes: dict[str, object]) -> str:
    """Generate a webhook secret into `changes`; it is printed once and never shown again."""
    if "webhook_secret" in changes:
        raise click.UsageError("give either webhook_secret=… or --new-webhook-secret, not both")
    secret = "whsec_" + secrets.token_urlsafe(32)
    changes["webhook_secret"] = secret
    return secret


def _echo_secret_once(secret: str | None) -> None:
    if secret:
        click.echo(f"webhook secret (shown once, store it now): {secret}", err=True)


@click.group()
def tenants() -> None:
    """Create, list, show and configure tenants (retailers)."""


@tenants.command("create")
@click.argument("tenant")
@click.option("--name", help="Display name (defaults to the id).")
@click.option("--set", "settings", multiple=True, metavar="NAME=VALUE", help="A setting (repeatable).")
@click.option("--new-webhook-secret", is_flag=True, help="Generate a webhook signing secret.")
@pass_context
def tenants_create(cli: CliContext, tenant: str, name: str | None, settings: tuple[str, ...],
                   new_webhook_secret: bool) -> None:
    """Create TENANT (lowercase letters, digits, - and _) with optional settings.

    Settings: hold_hours, low_stock_threshold, safety_stock, expose_quantities,
    stock_freshness_hours, webhook_url, webhook_secret, purge_days.
    """
    changes = _parse_all(settings)
    secret = _new_webhook_secret(changes) if new_webhook_secret else None
    created = service.create_tenant(cli.es, cli.config, tenant, name or tenant, TenantSettings(**changes))
    _show(created)
    _echo_secret_once(secret)


@tenants.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@pass_context
def tenants_list(cli: CliContext, as_json: bool) -> None:
    """List tenants (id and name)."""
    for tenant in service.list_tenants(cli.es, cli.config):
        if as_json:
            click.echo(json.dumps({"tenant": tenant.tenant, "name": tenant.name,
                                   "settings": tenant.settings.public_dict()}))
        else:
            click.echo(f"{tenant.tenant}\t{tenant.name}")


@tenants.command("show")
@click.argument("tenant")
@pass_context
def tenants_show(cli: CliContext, tenant: str) -> None:
    """Show TENANT and its settings (the webhook secret is masked)."""
    _show(service.get_tenant(cli.es, cli.config, tenant))


@tenants.command("set")
@click.argument("tenant")
@click.argument("assignments", nargs=-1, metavar="NAME=VALUE...")
@click.option("--new-webhook-secret", is_flag=True, help="Generate a new webhook signing secret.")
@pass_context
def tenants_set(cli: CliContext, tenant: str, assignments: tuple[str, ...], new_webhook_secret: bool) -> None:
    """Change settings of TENANT, e.g. `hold_hours=48 low_stock_threshold=2`."""
    changes = _parse_all(assignments)
    secret = _new_webhook_secret(changes) if new_webhook_secret else None
    if not changes:
        raise click.UsageError("nothing to change: give NAME=VALUE pairs or --new-webhook-secret")
    _show(service.update_settings(cli.es, cli.config, tenant, **changes))
    _echo_secret_once(secret)


@click.group()
def keys() -> None:
    """Create, list and revoke API keys."""


@keys.command("create")
@click.option("--tenant", required=True)
@click.option("--kind", type=click.Choice(["publishable", "secret", "store"]), required=True,
              help="publishable (browsers), secret (back-ends) or store (one store's desk).")
@click.option("--origin", "origins", multiple=True,
              help="Allowed browser origin, e.g. https://shop.example.com (publishable keys; repeatable).")
@click.option("--store", "store_id", help="The store a store key manages (store keys only).")
@pass_context
def keys_create(cli: CliContext, tenant: str, kind: str, origins: tuple[str, ...],
                store_id: str | None) -> None:
    """Create a key; it is printed once (on stdout) and stored only hashed.

    A store key (--kind store --store S1) signs in the /desk page of that one store.
    """
    plaintext, key = service.create_key(cli.es, cli.config, tenant, kind, origins, store_id=store_id)
    click.echo(plaintext)
    if kind == "publishable":
        where = ", ".join(key.origins) or "none (same-origin pages and apps without a browser only)"
        click.echo(f"allowed origins: {where}", err=True)
    click.echo(f"(prefix {key.prefix}; store the key now: it is not shown again)", err=True)


@keys.command("list")
@click.option("--tenant")
@pass_context
def keys_list(cli: CliContext, tenant: str | None) -> None:
    """List keys: prefix, kind, tenant, origins, state, creation time (never the key)."""
    for key in service.list_keys(cli.es, cli.config, tenant):
        state = "revoked" if key.revoked else "active"
        scope = ",".join(key.origins) or (f"store={key.store_id}" if key.store_id else "-")
        click.echo(f"{key.prefix}…\t{key.kind}\t{key.tenant}\t{scope}\t{state}"
                   f"\t{key.created_at or '-'}")


@keys.command("revoke")
@click.argument("key")
@pass_context
def keys_revoke(cli: CliContext, key: str) -> None:
    """Revoke KEY, given as the full key, its id or its listed prefix.

    Every worker stops accepting it within KEY_CACHE_SECONDS.
    """
    revoked = service.revoke_key(cli.es, cli.config, key)
    click.echo(f"Revoked {revoked.prefix}… ({revoked.kind}, {revoked.tenant}).")
