"""Static assets (built widget, API docs assets) and the demo pages."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, render_template_string, send_from_directory

from locator.notifications import mailbox

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
bp = Blueprint("web", __name__)


@bp.route("/static/<path:filename>")
def static_file(filename: str):
    """Serve a built asset."""
    return send_from_directory(STATIC_DIR, filename, max_age=300)


# The caught message's own HTML, shown in a frame of the listing: inline styles and data: images
# only (the message has no remote content to load), framed by this origin alone.
MESSAGE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
               "form-action 'none'; frame-ancestors 'self'")
MAIL_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Courriels envoyés · Sent mail (démo)</title>
<meta name="viewport" content="width=device-width">
<link rel="icon" href="/static/demo/favicon.svg"></head>
<body style="font-family:system-ui,sans-serif;max-width:960px;margin:24px auto;padding:0 12px">
<h1>Courriels envoyés <small>· Sent mail</small></h1>
<p>Ce que le service a envoyé au serveur de courriel de démonstration (le plus récent d'abord).
What the service sent to the demo mail catcher, newest first.
<a href="/demo/mail">Actualiser · Refresh</a></p>
{% for m in messages %}<article style="border:1px solid #ccc;border-radius:6px;margin:16px 0;padding:12px">
<h2 style="font-size:1.1em;margin:0 0 6px">{{ m.message["Subject"] }}</h2>
<p style="margin:0 0 8px;color:#444">De · From: {{ m.message["From"] }} — À · To: {{ m.message["To"] }}
— {{ m.message["Date"] or "" }}</p>
<iframe src="/demo/mail/{{ m.id }}" title="{{ m.message['Subject'] }}" loading="lazy"
 style="width:100%;height:520px;border:1px solid #eee"></iframe>
<details><summary>Texte · Plain text</summary><pre style="white-space:pre-wrap">{{ m.text }}</pre></details>
</article>{% else %}<p><strong>Aucun courriel pour l'instant · No mail yet.</strong>
Réservez sur <a href="/demo">la démo</a> · Reserve on <a href="/demo">the demo</a>.</p>{% endfor %}
</body></html>"""


def _mail_folder() -> Path:
    folder = current_app.config["LOCATOR"].demo_mail_dir
    if not folder:
        abort(404)  # the page exists only beside the demo's mail catcher
    return Path(folder)


@bp.route("/demo/mail")
def demo_mail():
    """List what the demo's mail catcher received (only when DEMO_MAIL_DIR is set)."""
    return render_template_string(MAIL_PAGE, messages=mailbox.messages(_mail_folder())), 200, {
        "Cache-Control": "no-store"}


@bp.route("/demo/mail/<message_id>")
def demo_mail_message(message_id: str):
    """Show one caught message's HTML part, its inline images included."""
    try:
        caught = mailbox.read(_mail_folder(), message_id)
    except FileNotFoundError:
        abort(404)
    return caught.html, 200, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
                              "Content-Security-Policy": MESSAGE_CSP, "X-Frame-Options": "SAMEORIGIN"}


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


@bp.route("/reports")
def reports():
    """Serve the unmet-demand report page (it asks for a secret key or reads a signed link)."""
    return send_from_directory(STATIC_DIR / "reports", "index.html", max_age=0)


@bp.route("/alerts/confirm")
@bp.route("/alerts/cancel")
def alert_landing():
    """Serve the landing page of an alert email's links (it posts the fragment's token)."""
    return send_from_directory(STATIC_DIR / "alerts", "index.html", max_age=0)


def init_app(app: Flask) -> None:
    """Register the static and demo routes."""
    app.register_blueprint(bp)
