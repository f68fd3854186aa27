"""What every listing shares: opaque page cursors and the slim hits filter."""

from __future__ import annotations

import base64
import binascii
import json

from locator.errors import ValidationFailed

# Only what listings read: less JSON to send and parse per request.
HITS_FILTER_PATH = "hits.hits._source,hits.hits.sort"


def encode_cursor(values: list, phase: int | None = None) -> str:
    """Return an opaque cursor for the page after the hit whose sort values are `values`."""
    payload: dict = {"a": values}
    if phase is not None:
        payload["p"] = phase
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[list | None, int | None]:
    """Return (search_after values, phase) of a cursor; a malformed one is a 400 on `cursor`."""
    if not cursor:
        return None, None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
        values = payload["a"]
        phase = payload.get("p")
        if (not isinstance(values, list) or len(values) != 2 or not isinstance(values[1], str)
                or not isinstance(values[0], int | float | str) or isinstance(values[0], bool)
                or (phase is not None and not isinstance(phase, int))):
            raise ValueError("bad cursor shape")
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValidationFailed("The cursor is not valid; use next_cursor from a previous page.",
                               errors={"cursor": ["Not a valid cursor."]}) from exc
    return values, phase
