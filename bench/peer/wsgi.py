"""gunicorn entry point of the peer: `gunicorn -c gunicorn.conf.py bench.peer.wsgi:app`."""

from bench.peer.app import create_app

app = create_app()
