"""`locator index …`: load stores, products and stock."""

from __future__ import annotations

import click


@click.group()
def index() -> None:
    """Load stores, products and stock from files into Elasticsearch."""
