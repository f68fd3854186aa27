"""`locator reservations …`: maintenance of holds."""

from __future__ import annotations

import click


@click.group()
def reservations() -> None:
    """Maintain reservations (expiry sweep, personal-data purge)."""
