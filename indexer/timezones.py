"""Time zones: IANA names from what files write, or derived offline from coordinates."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

from timezonefinder import TimezoneFinder

# "GMT+1:00 Europe/Paris", "GMT+04:00 Asia/Dubai", "UTC-5", "+05:30".
_OFFSET = re.compile(r"^(?:GMT|UTC)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


class TimezoneError(ValueError):
    """A time zone that is neither an IANA name nor a usable offset."""


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


@lru_cache(maxsize=1)
def _finder():
    return TimezoneFinder()


def zone_at(lat: float, lon: float) -> str | None:
    """Return the IANA zone at a point (offline, timezonefinder), or None at sea."""
    return _finder().timezone_at(lat=lat, lng=lon)


@lru_cache(maxsize=4096)
def parse_timezone(value: str) -> tuple[str | None, str | None]:
    """Return (IANA name, None) or (None, offset zone) for what a file wrote; raise TimezoneError.

    The offset zone is "" for an offset with minutes (`GMT+5:30`), which has no `Etc/` zone.

    A name wins over an offset written next to it (`GMT+1:00 Europe/Paris` is Europe/Paris, which
    also knows summer time). A bare offset gives the `Etc/GMT±N` zone, used only when the
    coordinates give nothing better.
    """
    zones = _zones()
    offset_zone = ""
    for token in value.replace(",", " ").split():
        if token.lower() in zones and "/" in token or token.upper() == "UTC":
            return zones[token.lower()], None
    match = _OFFSET.match(value.strip())
    if match is None:
        for token in value.split():
            match = _OFFSET.match(token)
            if match:
                break
    if match:
        sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
        if minutes == 0 and hours <= 14:
            # POSIX-style names: Etc/GMT-1 is one hour ahead of UTC.
            offset_zone = "Etc/GMT" if hours == 0 else f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
        return None, offset_zone  # "" for offsets with minutes: no Etc zone exists for them
    raise TimezoneError(f"{value!r} is not an IANA time zone (e.g. Europe/Paris){_suggest(value)}")


def _suggest(value: str) -> str:
    # Files cut long names ("America/Dawson_Cree"): name the zone, do not guess it silently.
    for token in value.split():
        if "/" in token:
            matches = [name for key, name in _zones().items() if key.startswith(token.lower())]
            if len(matches) == 1:
                return f"; did you mean {matches[0]}?"
    return ""


@dataclass(frozen=True)
class ResolvedZone:
    """A store's zone and, when the file's value was not used, why (for a warning)."""

    zone: str
    warning: str | None = None


def resolve_zone(value: str | None, lat: float | None, lon: float | None) -> ResolvedZone:
    """Return the store's IANA zone from `value` and/or its coordinates; raise TimezoneError.

    A value that is no IANA name (`Asia/Beijing`, a name cut short) gives way to the zone at the
    coordinates, with a warning naming both; it is refused only when there are no coordinates.
    """
    value = value.strip() if value else ""
    try:
        name, offset_zone = parse_timezone(value) if value else (None, None)
    except TimezoneError:
        found = zone_at(lat, lon) if lat is not None and lon is not None else None
        if found is None:
            raise
        return ResolvedZone(found, f"{value!r} is not an IANA time zone{_suggest(value)}; "
                                   f"{found} used, from the coordinates")
    if name:
        return ResolvedZone(name)
    if lat is not None and lon is not None:
        found = zone_at(lat, lon)
        if found:
            return ResolvedZone(found)
    if offset_zone:
        return ResolvedZone(offset_zone)
    if offset_zone == "":
        raise TimezoneError(f"{value!r} is an offset without a zone name and there are no coordinates")
    raise TimezoneError("no time zone given and none can be derived without coordinates")


def resolve_timezone(value: str | None, lat: float | None, lon: float | None) -> str:
    """Return the store's IANA zone (see `resolve_zone`, whose warning this drops)."""
    return resolve_zone(value, lat, lon).zone
