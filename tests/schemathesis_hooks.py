"""Schemathesis hooks for tests/test_schemathesis.py (loaded through SCHEMATHESIS_HOOKS).

gunicorn refuses request lines over 4094 bytes with its own plain 400 before the application
sees them: that limit belongs to the HTTP server, not to the API contract, so such cases are
not generated (schema strings of up to 2000 characters can percent-encode to far more).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import schemathesis

MAX_REQUEST_TARGET = 3800  # gunicorn's limit_request_line (4094) less the method and version


def request_target_length(path: str, path_parameters: dict | None, query: dict | None) -> int:
    """Return the length of the percent-encoded path and query of a request."""
    for name, value in (path_parameters or {}).items():
        path = path.replace("{" + name + "}", quote(str(value), safe=""))
    return len(path) + len(urlencode(query or {}, doseq=True)) + 1


@schemathesis.hook
def filter_case(ctx, case) -> bool:
    return request_target_length(case.path, case.path_parameters, case.query) <= MAX_REQUEST_TARGET
