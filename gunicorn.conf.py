"""gunicorn settings; every value can be overridden by the environment variable named."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Requests mostly wait on Elasticsearch: a few threads per process keep both cores busy.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
accesslog = None  # the app logs each request itself, as JSON, with its request id
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
