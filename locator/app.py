"""The web application: configuration, extensions and blueprints, composed in one factory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from locator.alerts import views as alerts_views
from locator.alerts.views import blp as alerts_blp
from locator.availability.views import blp as availability_blp
from locator.config import Config
from locator.desk.views import blp as desk_blp
from locator.geocoding.views import blp as geocoding_blp
from locator.health.views import blp as health_blp
from locator.http import auth, cors, es, limits, logs, metrics, problems, ratelimit, security, web
from locator.http.apidoc import ServiceApi
from locator.reports.views import blp as reports_blp
from locator.reservations.views import blp as reservations_blp
from locator.stock.views import blp as stock_blp
from locator.stores.views import blp as stores_blp

API_DESCRIPTION = """Find nearby stores, check product availability near a point and reserve items
for pick-up in store. Authenticate with `X-Api-Key`: publishable keys (`pk_…`) are read-only and
safe in a browser; secret keys (`sk_…`) write stock and manage reservations; store keys
(`st_…`) run one store's desk. Errors are
`application/problem+json` (RFC 9457)."""


class ServiceFlask(Flask):
    """Flask, checking once per view or hook whether it is a coroutine function.

    Flask checks it at every call (`ensure_sync`, its documented override point): with a dozen
    hooks per request, 1–2 % of a listing's CPU (bench/README.md).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._runnable: dict[Callable, Callable] = {}

    def ensure_sync(self, func: Callable) -> Callable:
        runnable = self._runnable.get(func)
        if runnable is None:
            runnable = self._runnable[func] = super().ensure_sync(func)
        return runnable


def create_app(config: Config | None = None) -> Flask:
    """Build the application; tests pass their own `Config`."""
    config = config or Config.from_env()
    app = ServiceFlask(__name__, static_folder=None)
    app.config.update(
        LOCATOR=config,
        MAX_CONTENT_LENGTH=config.max_content_length,
        JSON_SORT_KEYS=False,
        API_TITLE="Store locator",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/static/vendor/swagger-ui/",
        API_SPEC_OPTIONS={
            "info": {"description": API_DESCRIPTION},
            "components": {
                "securitySchemes": {
                    "ApiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
                    "ReportLink": {"type": "apiKey", "in": "header", "name": "X-Report-Link",
                                   "description": "A signed link token of `locator reports link`."},
                }
            },
        },
    )


    logs.init_app(app)
    es.init_app(app)
    api = ServiceApi(app)
    # After Api(): flask-smorest installs its own error handler, ours must replace it.
    problems.init_app(app)
    # Order matters: hooks run as registered (timing, preflight, rate limit, key, body checks).
    metrics.init_app(app)
    cors.init_app(app)
    ratelimit.init_app(app)
    limits.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    web.init_app(app)
    alerts_views.init_app(app)
    for blueprint in (
        health_blp, stores_blp, availability_blp, geocoding_blp, stock_blp, reservations_blp,
        desk_blp,
        reports_blp, alerts_blp,
    ):
        api.register_blueprint(blueprint)
    return app
