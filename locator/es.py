"""The Elasticsearch client: built once per application, fetched per request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from elasticsearch import Elasticsearch
from flask import Flask, current_app

if TYPE_CHECKING:
    from locator.config import Config

EXTENSION_KEY = "elasticsearch"


def make_client(config: Config) -> Elasticsearch:
    """Return a client for the configured cluster (API key or basic auth, optional CA)."""
    options: dict[str, object] = {
        "request_timeout": config.elasticsearch_timeout,
        "retry_on_timeout": True,
        "max_retries": 2,
    }
    if config.elasticsearch_api_key:
        options["api_key"] = config.elasticsearch_api_key
    elif config.elasticsearch_username:
        options["basic_auth"] = (config.elasticsearch_username, config.elasticsearch_password or "")
    if config.elasticsearch_ca_certs:
        options["ca_certs"] = config.elasticsearch_ca_certs
    return Elasticsearch(config.es_url, **options)


def init_app(app: Flask) -> None:
    """Create the client once for this application."""
    app.extensions[EXTENSION_KEY] = make_client(app.config["LOCATOR"])


def get_es() -> Elasticsearch:
    """Return the application's client."""
    return current_app.extensions[EXTENSION_KEY]


def index_name(config: Config, kind: str) -> str:
    """Return the alias through which the code reads and writes one kind of document."""
    return f"{config.index_prefix}-{kind}"
