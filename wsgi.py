"""gunicorn entry point: `gunicorn -c gunicorn.conf.py wsgi:app`."""

from locator.app import create_app

app = create_app()
