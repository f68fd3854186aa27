"""`locator tenants …` and `locator keys …`: retailers, their settings and API keys."""

from __future__ import annotations

import json
from dataclasses import fields

import click

from locator.cli.common import CliContext, pass_context
from locator.tenants import service
from locator.tenants.settings import TenantSettings


def _parse_setting(name: str, raw: str) -> object:
    kinds = {f.name: f.type for f in fields(TenantSettings)}
    if name not in kinds:
        raise click.BadParameter(f"unknown setting {name!r}; known: {', '.join(kinds)}")
    kind = str(kinds[name])
    if raw.lower() in ("", "none", "null") and "None" in kind:
        return None
    try:
        if kind.startswith("bool"):
            if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(raw)
            return raw.lower() in ("true", "1", "yes")
        if kind.startswith("int"):
            value = int(raw)
        elif kind.startswith("float"):
            value = float(raw)
        else:
            return raw
    except ValueError as exc:
        raise click.BadParameter(f"{name} expects {kind}, got {raw!r}") from exc
    if value < 0:
        raise click.BadParameter(f"{name} must not be negative")
    return value


def _show(tenant: service.Tenant) -> None:
    click.echo(json.dumps({"tenant": tenant.tenant, "name": tenant.name,
                           "settings": tenant.settings.public_dict()}, indent=2))


@click.group()
def tenants() -> None:
    """Create, list, show and configure tenants (retailers)."""


@tenants.command("create")
@click.argument("tenant")
@click.option("--name", help="Display name (defaults to the id).")
@click.option("--set", "settings", multiple=True, metavar="NAME=VALUE", help="A setting.")
@pass_context
def tenants_create(cli: CliContext, tenant: str, name: str | None, settings: tuple[str, ...]) -> None:
    """Create TENANT with optional settings."""
    values = dict(_split(s) for s in settings)
    created = service.create_tenant(
        cli.es, cli.config, tenant, name or tenant,
        TenantSettings(**{k: _parse_setting(k, v) for k, v in values.items()}),
    )
    _show(created)


@tenants.command("list")
@pass_context
def tenants_list(cli: CliContext) -> None:
    """List tenants."""
    for tenant in service.list_tenants(cli.es, cli.config):
        click.echo(f"{tenant.tenant}\t{tenant.name}")


@tenants.command("show")
@click.argument("tenant")
@pass_context
def tenants_show(cli: CliContext, tenant: str) -> None:
    """Show TENANT and its settings (secrets masked)."""
    _show(service.get_tenant(cli.es, cli.config, tenant))


@tenants.command("set")
@click.argument("tenant")
@click.argument("assignments", nargs=-1, required=True, metavar="NAME=VALUE...")
@pass_context
def tenants_set(cli: CliContext, tenant: str, assignments: tuple[str, ...]) -> None:
    """Change settings of TENANT, e.g. `hold_hours=48 low_stock_threshold=2`."""
    changes = {k: _parse_setting(k, v) for k, v in (_split(a) for a in assignments)}
    _show(service.update_settings(cli.es, cli.config, tenant, **changes))


def _split(assignment: str) -> tuple[str, str]:
    if "=" not in assignment:
        raise click.BadParameter(f"expected NAME=VALUE, got {assignment!r}")
    name, value = assignment.split("=", 1)
    return name.strip(), value.strip()


@click.group()
def keys() -> None:
    """Create, list and revoke API keys."""


@keys.command("create")
@click.option("--tenant", required=True)
@click.option("--kind", type=click.Choice(["publishable", "secret"]), required=True)
@click.option("--origin", "origins", multiple=True, help="Allowed browser origin (publishable).")
@pass_context
def keys_create(cli: CliContext, tenant: str, kind: str, origins: tuple[str, ...]) -> None:
    """Create a key; it is printed once and stored only hashed."""
    plaintext, key = service.create_key(cli.es, cli.config, tenant, kind, origins)
    click.echo(plaintext)
    click.echo(f"(key id {key.key_id[:12]}…, prefix {key.prefix}; store it now: it is not shown again)",
               err=True)


@keys.command("list")
@click.option("--tenant")
@pass_context
def keys_list(cli: CliContext, tenant: str | None) -> None:
    """List keys (prefix, kind, tenant, origins, state)."""
    for key in service.list_keys(cli.es, cli.config, tenant):
        state = "revoked" if key.revoked else "active"
        click.echo(f"{key.prefix}…\t{key.kind}\t{key.tenant}\t{','.join(key.origins) or '-'}\t{state}")


@keys.command("revoke")
@click.argument("key")
@pass_context
def keys_revoke(cli: CliContext, key: str) -> None:
    """Revoke KEY, given as the full key, its id or its listed prefix."""
    target = service.hash_key(key) if key.startswith(("pk_", "sk_")) and len(key) > 12 else key
    revoked = service.revoke_key(cli.es, cli.config, target)
    click.echo(f"Revoked {revoked.prefix}… ({revoked.kind}, {revoked.tenant}).")
