"""The application's Elasticsearch client: built once per application, fetched per request."""

from __future__ import annotations

from elasticsearch import Elasticsearch
from flask import Flask, current_app

from locator.es import make_client

EXTENSION_KEY = "elasticsearch"


def init_app(app: Flask) -> None:
    """Create the client once for this application."""
    app.extensions[EXTENSION_KEY] = make_client(app.config["LOCATOR"])


def get_es() -> Elasticsearch:
    """Return the application's client."""
    return current_app.extensions[EXTENSION_KEY]
