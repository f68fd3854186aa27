"""gunicorn's own refusals (a request it cannot parse) answered as problem+json, like the rest.

The application answers its own size limits (`locator.http.limits`), but a request line longer
than gunicorn can read (8,190 bytes), too many headers or a malformed request never reach it;
gunicorn's worker then writes an HTML page. This worker class (gunicorn's threaded worker, set
as `worker_class` in gunicorn.conf.py) overrides the worker's error answer, and only that.
"""

from __future__ import annotations

import json
from typing import Any

from gunicorn import util
from gunicorn.http import errors
from gunicorn.workers.gthread import ThreadWorker

from locator.http.problems import PROBLEM_TYPE_BASE

# gunicorn's exception -> (status, title, problem type); anything else it raises is a 400.
# The titles and types the application gives the same statuses (werkzeug's names).
_REFUSALS: list[tuple[type[Exception], int, str]] = [
    (errors.LimitRequestLine, 414, "Request URI Too Large"),
    (errors.LimitRequestHeaders, 431, "Request Header Fields Too Large"),
    (errors.ForbiddenProxyRequest, 403, "Forbidden"),
    (errors.UnsupportedTransferCoding, 501, "Not Implemented"),
    (errors.ConfigurationProblem, 500, "Internal Server Error"),
]
_PARSE_ERRORS = errors.ParseException


def problem_bytes(exc: Exception) -> bytes:
    """Return the whole HTTP answer to a request gunicorn refused with `exc`."""
    status, title = 500, "Internal Server Error"
    detail = "The server could not answer this request."
    if isinstance(exc, _PARSE_ERRORS):
        status, title = 400, "Bad Request"
        for kind, kind_status, kind_title in _REFUSALS:
            if isinstance(exc, kind):
                status, title = kind_status, kind_title
        detail = f"The server cannot read this request: {exc}."[:500]
    body = json.dumps({"type": PROBLEM_TYPE_BASE + title.lower().replace(" ", "-"), "title": title,
                       "status": status, "detail": detail}).encode()
    head = (f"HTTP/1.1 {status} {title}\r\nConnection: close\r\n"
            f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n"
            "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n\r\n")
    return head.encode("latin-1") + body


class ProblemThreadWorker(ThreadWorker):
    """gunicorn's threaded worker, answering what it refuses in problem+json."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: Exception) -> None:
        if isinstance(exc, _PARSE_ERRORS):
            self.log.warning("invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        else:
            self.log.exception("error handling request")
        try:
            util.write_nonblock(client, problem_bytes(exc))
        except Exception:  # noqa: BLE001 - the client may be gone already
            self.log.debug("failed to send the error answer")
