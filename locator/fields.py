"""Input fields shared by file rows (the indexer) and API bodies: one rule for each kind of value.

Values arrive as text (CSV) or JSON values; surrounding spaces are trimmed and an empty optional
value counts as absent (`RowSchema`).
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load

_INTEGER = re.compile(r"^\+?\d+$")
MAX_ID_LENGTH = 256


def _clean(data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    cleaned = {}
    for key, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        if value in ("", None):
            continue  # absent: required fields then say "missing", optional ones take defaults
        cleaned[key] = value
    return cleaned


class Id(fields.String):
    """A trimmed, non-empty identifier (numbers in JSON are accepted as their text)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ValidationError("must be text or a whole number")
        text = str(value).strip()
        if not text:
            raise ValidationError("must not be empty")
        if len(text) > MAX_ID_LENGTH or "\x1f" in text:
            raise ValidationError("must be at most 256 characters, without control characters")
        return text


class Text(fields.String):
    """Free text; numbers in JSON are accepted as their text."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        return super()._deserialize(value, attr, data, **kwargs).strip()


class Lower(Text):
    """Text compared without case (`Open` is `open`)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).lower()


class Coordinate(fields.Float):
    """A finite decimal number (a comma as decimal mark is refused, not guessed)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("must be a number")
        number = super()._deserialize(value, attr, data, **kwargs)
        if not math.isfinite(number):
            raise ValidationError("must be a finite number")
        return number


class Quantity(fields.Integer):
    """A non-negative whole number of units."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("must be a whole number")
        if isinstance(value, str):
            if not _INTEGER.match(value):
                raise ValidationError("must be a whole number of units, 0 or more")
            return int(value)
        if isinstance(value, float) and not value.is_integer():
            raise ValidationError("must be a whole number of units, 0 or more")
        if not isinstance(value, int | float):
            raise ValidationError("must be a whole number of units, 0 or more")
        if value < 0:
            raise ValidationError("must be 0 or more")
        return int(value)


class AwareDateTime(fields.DateTime):
    """An ISO 8601 date and time with its UTC offset (`2026-11-25T09:00:00+01:00`, or `Z`)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
            except ValueError as exc:
                raise ValidationError("must be an ISO 8601 date and time, e.g. 2026-11-25T09:00:00+01:00") \
                    from exc
        else:
            raise ValidationError("must be an ISO 8601 date and time")
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            raise ValidationError("needs a UTC offset, e.g. 2026-11-25T09:00:00+01:00 or …Z")
        return parsed


class RowSchema(Schema):
    """Common behaviour: trimmed values, empty means absent, unknown keys ignored."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _trim(self, data, **kwargs):
        return _clean(data)


