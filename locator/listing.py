"""What every listing shares: opaque page cursors and the slim hits filter."""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Collection

from locator.errors import ValidationFailed

# Only what listings read: less JSON to send and parse per request.
HITS_FILTER_PATH = "hits.hits._source,hits.hits.sort"

# What the first value of a cursor is: a distance sort value, a text sort value (a name), or an
# offset into a ranking computed in Python. Each endpoint says which it hands out, so a forged or
# foreign cursor is a 400 here rather than a failing `int()` or an Elasticsearch 400.
DISTANCE, TEXT, OFFSET = "distance", "text", "offset"
NO_PHASE: frozenset[int | None] = frozenset({None})


def encode_cursor(values: list, phase: int | None = None) -> str:
    """Return an opaque cursor for the page after the hit whose sort values are `values`."""
    payload: dict = {"a": values}
    if phase is not None:
        payload["p"] = phase
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a cursor value")


def _first_value_ok(value: object, first: str) -> bool:
    if isinstance(value, bool):
        return False
    if first == DISTANCE:
        return isinstance(value, int | float) and math.isfinite(value)
    if first == OFFSET:
        return isinstance(value, int) and value >= 0
    return isinstance(value, str)


def decode_cursor(cursor: str | None, first: str = DISTANCE,
                  phases: Collection[int | None] = NO_PHASE) -> tuple[list | None, int | None]:
    """Return (search_after values, phase) of a cursor; a malformed one is a 400 on `cursor`.

    `first` is the kind of the first sort value and `phases` the phases this endpoint hands out.
    """
    if not cursor:
        return None, None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw, parse_constant=_reject_constant)
        if not isinstance(payload, dict):
            raise ValueError("bad cursor shape")
        values = payload["a"]
        phase = payload.get("p")
        if (not isinstance(values, list) or len(values) != 2 or not isinstance(values[1], str)
                or not _first_value_ok(values[0], first)
                or isinstance(phase, bool) or phase not in phases):
            raise ValueError("bad cursor shape")
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError) as exc:
        raise ValidationFailed("The cursor is not valid; use next_cursor from a previous page.",
                               errors={"cursor": ["Not a valid cursor."]}) from exc
    return values, phase
