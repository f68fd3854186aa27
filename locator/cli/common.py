"""Shared pieces of the command line: configuration and the client, made on first use."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, update_wrapper

import click
from elasticsearch import Elasticsearch

from locator.config import Config
from locator.errors import LocatorError
from locator.es import make_client


@dataclass
class CliContext:
    """Configuration from the environment and a lazily built Elasticsearch client."""

    @cached_property
    def config(self) -> Config:
        return Config.from_env()

    @cached_property
    def es(self) -> Elasticsearch:
        return make_client(self.config)


def pass_context(command):
    """Pass a CliContext as first argument and turn domain errors into clean CLI errors."""

    @click.pass_context
    def wrapper(ctx: click.Context, *args, **kwargs):
        cli = ctx.ensure_object(CliContext)
        try:
            return ctx.invoke(command, cli, *args, **kwargs)
        except LocatorError as exc:
            raise click.ClickException(exc.detail) from exc

    return update_wrapper(wrapper, command)
