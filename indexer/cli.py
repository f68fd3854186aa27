"""`locator index …`: load stores, products and stock files; roll a full load back.

Exit status: 0 when every row loaded, 1 when any row was rejected (the good ones are loaded), when
`--max-errors` stopped the load, or when the file cannot be read at all.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from elastic_transport import ConnectionError as TransportConnectionError
from marshmallow import ValidationError

from indexer.context import EmptyLoad, LoadOptions, Summary
from indexer.loader import load_file
from indexer.rollback import NothingToRollBack, TenantRequired, rollback
from indexer.sources import FORMATS, SourceError
from locator.cli.common import CliContext, pass_context
from locator.errors import NotFound
from locator.indices import LayoutOutdated
from locator.stock.schemas import check_not_in_the_future
from locator.tenants import service


@click.group()
def index() -> None:
    """Load stores, products and stock from files into Elasticsearch."""


def _as_of(ctx, param, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise click.BadParameter("an ISO 8601 date and time with offset, e.g. 2026-11-25T09:00:00+01:00") \
            from exc
    if parsed.tzinfo is None:
        raise click.BadParameter("needs a UTC offset, e.g. 2026-11-25T09:00:00+01:00")
    try:
        check_not_in_the_future(parsed)
    except ValidationError as exc:
        raise click.BadParameter(" ".join(exc.messages)) from exc
    return parsed


def _common(command):
    options = [
        click.argument("file", type=click.Path(dir_okay=False, path_type=Path)),
        click.option("--tenant", required=True, help="Tenant (retailer) the documents belong to."),
        click.option("--full", is_flag=True,
                     help="Replace this tenant's data: build a new index, swap the alias, keep the old one."),
        click.option("--max-errors", type=click.IntRange(min=0), default=None,
                     help="Stop once more than N rows are rejected (default: never stop)."),
        click.option("--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True,
                     help="Input format (auto: from the name and the content)."),
        click.option("--encoding", default=None, help="Input encoding (default: detected)."),
        click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False, path_type=Path),
                     default=None, help="Rejects file (default: beside the input, NAME.rejects.EXT)."),
        click.option("--no-progress", is_flag=True, help="No progress bar."),
        click.option("--demo", is_flag=True, hidden=True,
                     help="Mark documents as demo (and stock as simulated)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _run(cli: CliContext, kind: str, file: Path, **kwargs) -> None:
    tenant = kwargs.pop("tenant")
    progress = not kwargs.pop("no_progress")
    options = LoadOptions(tenant=tenant, progress=progress, **kwargs)
    try:
        service.get_tenant(cli.es, cli.config, tenant)
        summary = load_file(cli.es, cli.config, kind, file, options, echo=lambda m: click.echo(m, err=True))
    except NotFound as exc:
        raise click.ClickException(f"unknown tenant {tenant!r} (create it with `locator tenants create`)") \
            from exc
    except (SourceError, EmptyLoad, LayoutOutdated) as exc:
        raise click.ClickException(str(exc)) from exc
    except RuntimeError as exc:  # the load's own refusals (a build not green, a failed copy)
        raise click.ClickException(f"{exc}; nothing was swapped") from exc
    except TransportConnectionError as exc:
        raise click.ClickException(f"cannot reach Elasticsearch at {cli.config.es_url} ({exc}); nothing "
                                   "was swapped: the live indices are as they were") from exc
    report(summary)


def report(summary: Summary) -> None:
    """Print the summary; exit 1 when any row was rejected or the load stopped early."""
    for line in summary.lines():
        click.echo(line)
    if not summary.ok:
        raise click.exceptions.Exit(1)


@index.command("stores")
@_common
@click.option("--country", default=None, help="Country of rows that give none (ISO code, e.g. US).")
@pass_context
def stores(cli: CliContext, file: Path, **kwargs) -> None:
    """Load stores (CSV, JSON Lines, JSON array or GeoJSON); geocode those without coordinates.

    Columns: store_id, name, street, postcode, city, country, lat, lon, phone, timezone,
    opening_hours, services (separated by |), status (open | temporarily_closed | removed).
    """
    _run(cli, "stores", file, **kwargs)


@index.command("products")
@_common
@pass_context
def products(cli: CliContext, file: Path, **kwargs) -> None:
    """Load products (CSV or JSON Lines). Columns: sku, name, brand, category, gtin, price."""
    _run(cli, "products", file, **kwargs)


@index.command("stock")
@_common
@click.option("--as-of", callback=_as_of, default=None,
              help="Count time of rows without as_of (default: the file's modification time).")
@pass_context
def stock(cli: CliContext, file: Path, **kwargs) -> None:
    """Load stock counts (CSV, JSON Lines, or a Google local inventory feed).

    Columns: store_id, sku, on_hand, as_of (ISO 8601 with offset). Older counts than the stored
    ones are stale and skipped: stock never goes back in time.
    """
    _run(cli, "stock", file, **kwargs)


@index.command("rollback")
@click.argument("kind", type=click.Choice(["stores", "products", "stock"]))
@click.option("--tenant", default=None,
              help="Whose full load to undo (stores, products and stock are kept per tenant).")
@pass_context
def rollback_command(cli: CliContext, kind: str, tenant: str | None) -> None:
    """Serve the index the last full load of KIND replaced (holds and newer counts are kept)."""
    try:
        done = rollback(cli.es, cli.config, kind, tenant)
    except (NothingToRollBack, TenantRequired) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{kind}: now serving {done.to_index} (was {done.from_index}).")
    if done.carried:
        click.echo(f"  {done.carried} stock documents carried over (holds as they are, counts pushed since).")
    if done.stock_moved or done.stock_deleted:
        click.echo(f"  stock documents moved back: {done.stock_moved}, deleted: {done.stock_deleted}.")
