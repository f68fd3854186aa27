"""Opening hours in a store's own time zone: open now, today's hours, the next change.

Pure functions of (expression, time zone, country, now): the clock is always passed in, so tests
pin it. Expressions use the OpenStreetMap `opening_hours` syntax, evaluated by opening-hours-py.
A store whose hours are missing or unparsable is `open_now: null` (unknown), never guessed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from opening_hours import OpeningHours, State

from locator.cache import Cache

log = logging.getLogger(__name__)
UTC_ZONE = ZoneInfo("UTC")
# Without a limit, an expression that never changes (e.g. "24/7") searches up to year 9999.
MAX_INTERVAL_DAYS = 366


@dataclass(frozen=True)
class HoursInfo:
    """What a listing shows about a store's hours at one instant."""

    open_now: bool | None
    today: list[dict[str, str]] | None  # [{"opens": "10:00", "closes": "20:00"}], local times
    next_change_at: datetime | None  # aware, in the store's time zone
    next_state: str | None  # "open" | "closed" | "unknown" after next_change_at


UNKNOWN = HoursInfo(None, None, None, None)


@lru_cache(maxsize=256)
def zone(name: str | None) -> ZoneInfo:
    """Return the ZoneInfo for an IANA name; UTC when empty or unknown."""
    if not name:
        return UTC_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown time zone %r, using UTC", name)
        return UTC_ZONE


@lru_cache(maxsize=4096)
def parse(expression: str, tz_name: str | None, country: str | None) -> OpeningHours | None:
    """Parse an expression once per (expression, zone, country); None when it is invalid."""
    if not expression or not expression.strip():
        return None
    try:
        return OpeningHours(
            expression,
            timezone=zone(tz_name),
            country=(country or None) and country.upper(),
            auto_country=False,
            auto_timezone=False,
            max_interval_days=MAX_INTERVAL_DAYS,
        )
    except Exception:  # ParserError, or an unknown country code for public holidays
        if country:
            return parse(expression, tz_name, None)
        return None


def _state_name(state: State) -> str:
    if state == State.OPEN:
        return "open"
    if state == State.CLOSED:
        return "closed"
    return "unknown"


# An evaluation holds until the next change of state or the next local midnight (when "today"
# changes), whichever comes first: within that window, reuse it. Exact, and listings of
# thousands of stores sharing a few expressions evaluate each expression once.
# What each (expression, zone, country) answers, with the span of time it holds for.
_VALID: Cache[tuple[str, str | None, str | None], tuple[datetime, datetime, HoursInfo]] = Cache(10_000)


def evaluate(expression: str | None, tz_name: str | None, now: datetime,
             country: str | None = None) -> HoursInfo:
    """Evaluate a store's hours at `now` (an aware datetime) in the store's time zone."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    key = (expression or "", tz_name, country)
    cached = _VALID.get(key, None)
    if cached is not None and cached[0] <= now < cached[1]:
        return cached[2]
    info, valid_until = _evaluate(key[0], tz_name, now, country)
    _VALID.put(key, (now, valid_until, info))
    return info


def _evaluate(expression: str, tz_name: str | None, now: datetime,
              country: str | None) -> tuple[HoursInfo, datetime]:
    local_zone = zone(tz_name)
    local_now = now.astimezone(local_zone)
    midnight = datetime.combine(local_now.date() + timedelta(days=1), time(0), tzinfo=local_zone)
    hours = parse(expression, tz_name, country)
    if hours is None:
        return UNKNOWN, midnight
    state, _comment = hours.state(local_now)
    open_now = None if state == State.UNKNOWN else state == State.OPEN
    next_at = hours.next_change(local_now)
    next_state = _state_name(hours.state(next_at)[0]) if next_at is not None else None
    info = HoursInfo(open_now, today_intervals(hours, local_now), next_at, next_state)
    return info, min(midnight, next_at) if next_at is not None else midnight


def today_intervals(hours: OpeningHours, local_now: datetime) -> list[dict[str, str]]:
    """Return the open intervals of the local calendar day containing `local_now`.

    An interval running past midnight is cut at the day's end ("22:00"–"24:00"); the part after
    midnight belongs to the next day ("00:00"–"02:00").
    """
    local_zone = local_now.tzinfo
    start = datetime.combine(local_now.date(), time(0), tzinfo=local_zone)
    end = datetime.combine(local_now.date() + timedelta(days=1), time(0), tzinfo=local_zone)
    intervals = []
    for opens, closes, state, _comment in hours.intervals(start, end):
        if state != State.OPEN:
            continue
        closes = closes or end
        intervals.append({
            "opens": opens.strftime("%H:%M"),
            "closes": "24:00" if closes >= end else closes.strftime("%H:%M"),
        })
    return intervals


def is_valid(expression: str) -> bool:
    """Return True when an expression parses."""
    return parse(expression, None, None) is not None
