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


@bp.route("/desk")
def desk():
    """Serve the store desk page (`<store-desk>`; staff sign in with their store key)."""
    response = send_from_directory(STATIC_DIR, "desk.html", max_age=0)
    # The desk may scan pick-up QR codes with the camera; every other page keeps it off.
    response.headers["Permissions-Policy"] = ("camera=(self), microphone=(), payment=(), usb=(), "
                                              "geolocation=()")
    return response


def init_app(app: Flask) -> None:
    """Register the static and demo routes."""
    app.register_blueprint(bp)
