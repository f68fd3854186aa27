"""gunicorn settings; every value can be overridden by the environment variable named."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Requests mostly wait on Elasticsearch: a few threads per process keep both cores busy.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# gunicorn's threaded worker, answering the requests gunicorn itself refuses in problem+json.
worker_class = "locator.http.server.ProblemThreadWorker"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
accesslog = None  # the app logs each request itself, as JSON, with its request id
errorlog = "-"
# Above the application's own limits (locator/http/limits.py), so that the application answers
# an oversized URL (414) or header (431) in problem+json instead of gunicorn's HTML 400: 8,190
# is the longest request line gunicorn reads.
limit_request_line = 8190
limit_request_field_size = 16384
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# Prometheus multi-process mode: each worker writes its samples under this folder and /metrics
# adds them up. It must be set before a worker imports prometheus_client, hence here; a folder
# of our own making is emptied at start and removed at exit.
_metrics_dir_is_ours = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _metrics_dir_is_ours:
    import tempfile

    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="locator-metrics-")

# Imported once here, after the folder is set: imported inside child_exit it ran from the arbiter's
# SIGCHLD handling during shutdown, and an import there can break into one already under way
# (a traceback in the log at halt, seen once in the outage test).
from prometheus_client import multiprocess  # noqa: E402

# Shopper tokens are keyed with TOKEN_SECRETS. Without it every worker must still use the same
# secret, so this run draws one for all of them (a replay after a restart cannot show its token).
_token_secret_is_drawn = not os.environ.get("TOKEN_SECRETS", "").strip()
if _token_secret_is_drawn:
    import secrets

    os.environ["TOKEN_SECRETS"] = secrets.token_urlsafe(32)


def on_starting(server):
    """Start from empty metric files: samples of a previous run would be added to ours."""
    import glob

    if _token_secret_is_drawn:
        server.log.warning("TOKEN_SECRETS is not set: shopper tokens use a secret drawn for this run; "
                           "set TOKEN_SECRETS in production")

    for path in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "*.db")):
        os.remove(path)


def when_ready(server):
    """Load the geocoder's gazetteers once, before the workers fork, which inherit them.

    Lazily loaded, they made the first `/v1/geocode` of every worker wait about 3 s. Frozen out
    of the garbage collector's reach, their pages stay shared between the workers (a collection
    would write to every object it visits, and so copy each page into every worker).
    """
    import gc

    from locator.config import Config
    from locator.geocoding import geocoder

    geocoder.preload(Config.from_env())
    gc.freeze()


def child_exit(server, worker):
    """Let a dead worker's live gauges go (its counters are kept, as Prometheus expects)."""
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _metrics_dir_is_ours:
        import shutil

        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
