"""Opening hours of a store at an instant, in its own time zone (opening-hours-py).

The peer answers the same store fields as the service (open now, today's intervals, the next
change), so it evaluates the same OpenStreetMap expressions with the same library and options.
It also reuses an evaluation until the next change or local midnight, as the service does: the
comparison is about the data store and the web stack, not about that cache.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from opening_hours import OpeningHours, State

UNKNOWN = (None, None, None, None)
_STATES = {State.OPEN: "open", State.CLOSED: "closed"}
_reuse: dict[tuple, tuple[datetime, datetime, tuple]] = {}


@lru_cache(maxsize=256)
def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ValueError, KeyError, OSError):
        return ZoneInfo("UTC")


@lru_cache(maxsize=4096)
def _parse(expression: str, tz_name: str | None, country: str | None) -> OpeningHours | None:
    if not expression.strip():
        return None
    try:
        return OpeningHours(expression, timezone=_zone(tz_name), country=country.upper() if country else None,
                            auto_country=False, auto_timezone=False, max_interval_days=366)
    except Exception:  # a parse error, or a country without holiday data
        return _parse(expression, tz_name, None) if country else None


def hours_at(expression: str | None, tz_name: str | None, country: str | None, now: datetime) -> tuple:
    """Return (open_now, today's intervals, next change datetime, state after it)."""
    key = (expression or "", tz_name, country)
    reused = _reuse.get(key)
    if reused is not None and reused[0] <= now < reused[1]:
        return reused[2]
    zone = _zone(tz_name)
    local = now.astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)
    hours = _parse(key[0], tz_name, country)
    if hours is None:
        info, until = UNKNOWN, midnight
    else:
        state = hours.state(local)[0]
        next_at = hours.next_change(local)
        next_state = _STATES.get(hours.state(next_at)[0], "unknown") if next_at is not None else None
        start = datetime.combine(local.date(), time(0), tzinfo=zone)
        today = []
        for opens, closes, interval_state, _ in hours.intervals(start, midnight):
            if interval_state == State.OPEN:
                closes = closes or midnight
                today.append({"opens": opens.strftime("%H:%M"),
                              "closes": "24:00" if closes >= midnight else closes.strftime("%H:%M")})
        info = (None if state == State.UNKNOWN else state == State.OPEN, today, next_at, next_state)
        until = min(midnight, next_at) if next_at is not None else midnight
    if len(_reuse) > 10_000:
        _reuse.clear()
    _reuse[key] = (now, until, info)
    return info
