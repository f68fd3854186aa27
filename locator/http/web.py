"""Static assets (built widget, API docs assets) and the demo pages."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, abort, send_from_directory

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
bp = Blueprint("web", __name__)


@bp.route("/static/<path:filename>")
def static_file(filename: str):
    """Serve a built asset."""
    return send_from_directory(STATIC_DIR, filename, max_age=300)


@bp.route("/demo")
@bp.route("/demo/<page>")
def demo(page: str = "index"):
    """Serve a demo page embedding the widget."""
    name = f"{page}.html"
    if not (STATIC_DIR / "demo" / name).is_file():
        abort(404)
    return send_from_directory(STATIC_DIR / "demo", name, max_age=0)


@bp.route("/reports")
def reports():
    """Serve the unmet-demand report page (it asks for a secret key or reads a signed link)."""
    return send_from_directory(STATIC_DIR / "reports", "index.html", max_age=0)


def init_app(app: Flask) -> None:
    """Register the static and demo routes."""
    app.register_blueprint(bp)
