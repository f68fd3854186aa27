"""JSON logs, one line per event, each request tagged with a request id."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from datetime import UTC, datetime

from flask import Flask, Response, g, request

REQUEST_ID_HEADER = "X-Request-Id"
# Accept a caller's id only when it is short and plain, so logs cannot be forged through it.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
access_log = logging.getLogger("locator.access")
QUIET_TRACEBACKS = ("elastic_transport.",)


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object; `extra=` fields are kept."""

    _skip = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in self._skip})
        if record.exc_info and record.name.startswith(QUIET_TRACEBACKS):
            # The client retries and logs every failed attempt with its traceback: during an
            # outage that is pages of noise per request. The error itself says enough.
            entry["error"] = f"{record.exc_info[0].__name__}: {record.exc_info[1]}"[:500]
        elif record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure(level: str) -> None:
    """Send JSON logs to stderr at the given level (idempotent)."""
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("elastic_transport").setLevel(logging.WARNING)


def _start() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    # 128 random bits, as a uuid4 would carry, without building one.
    request.request_id = incoming if _SAFE_ID.match(incoming) else os.urandom(16).hex()
    g.started = time.perf_counter()


def _finish(response: Response) -> Response:
    request_id = getattr(request, "request_id", None)
    if request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
    elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    # Path only, never the query string: it may carry a customer's e-mail or a token.
    access_log.info(
        "request",
        extra={
            "request_id": request_id,
            "method": request.method,
            "path": request.path,
            "endpoint": request.endpoint,
            "status": response.status_code,
            "duration_ms": round(elapsed_ms, 2),
        },
    )
    return response


def init_app(app: Flask) -> None:
    """Tag every request with an id and log it when it ends."""
    configure(app.config["LOCATOR"].log_level)
    app.before_request(_start)
    app.after_request(_finish)
