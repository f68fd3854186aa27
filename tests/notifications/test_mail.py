"""Messages as built from the templates and handed to a real SMTP server."""

from __future__ import annotations

import smtplib
import ssl
import subprocess
from datetime import UTC, datetime

import pytest

from locator.notifications import catcher, mail, mailbox, smtp
from locator.notifications.formatting import local_datetime, week_hours
from tests.conftest import free_port

MOMENT = datetime(2026, 12, 8, 17, 30, tzinfo=UTC)


def _context(tz_name: str, lang: str) -> dict:
    return {"retailer": "Maison Dupont", "customer_name": "Camille", "pickup_code": "7KQ2MX",
            "reservation_id": "r_test", "cancelled_by": "store",
            "items": [{"sku": "SKU-1", "name": "Canapé Lin", "qty": 2}],
            "store": {"name": "Dupont Bastille", "address": ["1 rue de la Roquette", "75011 Paris"],
                      "phone": "+33 1 23 45 67 89"},
            "hours": week_hours("Mo-Sa 09:00-19:00; Su off", tz_name, "FR", MOMENT, lang),
            "expires": local_datetime(MOMENT, tz_name, lang)}


def _build(name: str, lang: str, tz_name: str = "Europe/Paris", **kwargs) -> mail.EmailMessage:
    return mail.build(sender="Maison Dupont <shop@dupont.example>", to="camille@example.org",
                      templates_dir=kwargs.pop("templates_dir", None), name=name, lang=lang,
                      context=_context(tz_name, lang), message_id="r_test.created.shopper", **kwargs)


def test_confirmation_in_french_with_code_qr_store_hours_and_expiry_in_store_time():
    message = _build("confirmation", "fr", qr="7KQ2MX")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert message["Subject"] == "Votre réservation chez Dupont Bastille : code 7KQ2MX"
    assert "Code de retrait : 7KQ2MX" in text and "2 × Canapé Lin" in text
    assert "mardi 8 décembre 2026 à 18:30 (CET)" in text  # 17:30 UTC is 18:30 in Paris
    assert "Dimanche : fermé" in text and "Mardi : 09:00–19:00" in text
    assert "1 rue de la Roquette" in text and "Maison Dupont" in text.split("--")[-1]
    assert 'src="cid:pickup-qr"' in html and "http://" not in html and "https://" not in html
    images = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0]["Content-ID"] == "<pickup-qr>"
    assert images[0].get_payload(decode=True).startswith(b"\x89PNG")
    assert message["Message-ID"] == "<r_test.created.shopper@dupont.example>"


def test_english_and_another_zone():
    message = _build("confirmation", "en", tz_name="America/New_York")
    text = message.get_body(("plain",)).get_content()
    assert message["Subject"] == "Your reservation at Dupont Bastille: code 7KQ2MX"
    assert "Held until Tuesday 8 December 2026 at 12:30 (EST)." in text
    assert "Sunday — closed" in text and "Sent by Maison Dupont" in text
    assert message["Content-Language"] == "en"


@pytest.mark.parametrize("name", ["ready", "reminder", "cancelled", "expired", "store_new"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_template_has_both_parts_and_the_footer(name, lang):
    message = _build(name, lang)
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    footer = "Message envoyé par Maison Dupont" if lang == "fr" else "Sent by Maison Dupont"
    assert footer in message.get_body(("plain",)).get_content()
    assert footer in message.get_body(("html",)).get_content()
    assert "Dupont Bastille" in message["Subject"] or "7KQ2MX" in message["Subject"]


def test_a_retailer_overrides_one_template_in_its_folder(tmp_path):
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "ready.txt").write_text("C'est prêt, {{ customer_name }} !\nPassez au comptoir.\n")
    message = _build("ready", "fr", templates_dir=str(tmp_path))
    assert message["Subject"] == "C'est prêt, Camille !"
    assert message.get_body(("plain",)).get_content().strip() == "Passez au comptoir."
    assert "Dupont Bastille" in message.get_body(("html",)).get_content()  # the bundled HTML part


# The catcher requires AUTH on loopback without TLS, which aiosmtpd rightly warns about.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.filterwarnings("ignore:Session.login_data is deprecated")  # inside aiosmtpd itself
def test_sent_through_a_real_smtp_server_with_authentication(tmp_path):
    port = free_port()
    server = catcher.start(tmp_path, port=port, credentials=("relay", "s3cret pass"))
    try:
        smtp.send(smtp.parse_url(f"smtp://relay:s3cret%20pass@127.0.0.1:{port}"),
                  _build("confirmation", "fr", qr="7KQ2MX"), timeout=10)
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:  # no credentials: 530
            smtp.send(smtp.parse_url(f"smtp://127.0.0.1:{port}"), _build("ready", "fr"), timeout=10)
        assert refused.value.smtp_code == 530
    finally:
        server.stop()
    [caught] = mailbox.messages(tmp_path)
    assert caught.message["To"] == "camille@example.org"
    assert "data:image/png;base64," in caught.html and "cid:" not in caught.html


@pytest.fixture
def certificate(tmp_path) -> tuple[str, str]:
    """A self-signed certificate for `localhost`, made with openssl (a relay's private CA)."""
    cert, key = tmp_path / "relay.pem", tmp_path / "relay.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return str(cert), str(key)


@pytest.mark.filterwarnings("ignore:Session.login_data is deprecated")  # inside aiosmtpd itself
def test_starttls_then_authentication_against_a_relay_that_requires_both(tmp_path, certificate):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    port = free_port()
    server = catcher.start(tmp_path / "mail", port=port, credentials=("relay", "pw"), tls=context)
    try:
        relay = smtp.parse_url(f"smtp+starttls://relay:pw@localhost:{port}")
        with pytest.raises(ssl.SSLCertVerificationError):  # an unknown CA is never trusted
            smtp.send(relay, _build("ready", "en"), timeout=10)
        smtp.send(relay, _build("confirmation", "en", qr="7KQ2MX"), timeout=10, ca_certs=cert)
    finally:
        server.stop()
    [caught] = mailbox.messages(tmp_path / "mail")
    assert caught.message["Subject"].startswith("Your reservation at Dupont Bastille")


def test_smtp_url_forms():
    server = smtp.SmtpServer
    assert smtp.parse_url("smtps://u:p@mail.example") == server("mail.example", 465, "implicit", "u", "p")
    assert smtp.parse_url("smtp+starttls://mail.example").tls == "required"
    assert smtp.parse_url("smtp://mail.example:2525") == server("mail.example", 2525, "opportunistic")
    with pytest.raises(smtp.SmtpConfigError):
        smtp.parse_url("http://mail.example")



@pytest.mark.parametrize("lang, greeting", [("fr", "Bonjour,"), ("en", "Hello,")])
def test_a_reservation_without_a_name_is_greeted_without_one(lang, greeting):
    # A kiosk asks for a contact only: no "Hello ," and no empty "Customer:" line.
    context = {**_context("Europe/Paris", lang), "customer_name": ""}
    for name in ("confirmation", "ready", "cancelled"):
        message = mail.build(sender="shop@dupont.example", to="camille@example.org", templates_dir=None,
                             name=name, lang=lang, context=context, message_id="r_test.x.shopper")
        assert message.get_body(("plain",)).get_content().splitlines()[0] == greeting
    store = mail.build(sender="shop@dupont.example", to="store@dupont.example", templates_dir=None,
                       name="store_new", lang=lang, context=context, message_id="r_test.x.store")
    assert "—" in store.get_body(("plain",)).get_content()
