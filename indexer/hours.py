"""Opening hours: validate OpenStreetMap syntax, convert Best Buy's own notation to it.

Best Buy writes `Mon: 10-9; Tue: 10-9; …; Sun: 11-7`: 12-hour clock times without am/pm. The
converter reads them the way a shopper would:

- an opening time of 6 to 11 is in the morning, 12 is noon, 1 to 5 is in the afternoon (`1-6` is
  13:00–18:00), 0 is midnight;
- a closing time is in the afternoon or evening (`9:30` is 21:30), `12` is midnight (24:00) and
  `11:59` (Best Buy's "until the end of the day") becomes 24:00 as well, so `0-11:59` is
  `00:00-24:00`;
- days are `Mon Tue Wed Thu|Thurs Fri Sat Sun` (case-insensitive), `closed` marks a closed day, and
  a day that is not listed is closed (as in OpenStreetMap);
- consecutive days with the same hours are grouped: `Mo-Sa 10:00-21:00; Su 11:00-19:00`.

Anything else (unknown day, a closing time not after the opening time, text) cannot be converted:
the row is rejected with the reason, never loaded with made-up hours.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opening_hours

OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_BESTBUY_DAYS = {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4,
                 "sat": 5, "sun": 6}
_BESTBUY_ENTRY = re.compile(r"^\s*([A-Za-z]+)\s*:\s*(.+?)\s*$")
_BESTBUY_SPAN = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?$")
_LOOKS_BESTBUY = re.compile(r"^\s*(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\s*:", re.IGNORECASE)


class HoursError(ValueError):
    """Opening hours that are neither OpenStreetMap syntax nor convertible to it."""


@lru_cache(maxsize=4096)
def osm_error(value: str) -> str | None:
    """Return why `value` is not valid OpenStreetMap opening_hours syntax, or None when it is."""
    try:
        opening_hours.OpeningHours(value)
    except Exception as exc:  # ParserError and friends; the message says where it failed
        first = str(exc).strip().splitlines()
        return first[-1].strip(" =") if first else "invalid opening_hours"
    return None


def looks_like_bestbuy(value: str) -> bool:
    """Return True when `value` is written in Best Buy's `Mon: 10-9; …` notation."""
    return bool(_LOOKS_BESTBUY.match(value))


def _clock(hour: int, minute: int, opening: bool) -> int:
    """Return minutes after midnight for a 12-hour time without am/pm (see the module doc)."""
    if hour > 12 or minute > 59:
        raise HoursError(f"{hour}:{minute:02d} is not a 12-hour time")
    if opening:
        if hour == 0:
            return minute
        hour = hour + 12 if hour <= 5 else hour
        return hour * 60 + minute
    if hour == 12 or (hour == 11 and minute == 59):  # "12:30" as a closing time is refused earlier
        return 24 * 60
    return (hour + 12) * 60 + minute


def _span(text: str) -> str:
    if text.strip().lower() == "closed":
        return "off"
    match = _BESTBUY_SPAN.match(text.strip())
    if not match:
        raise HoursError(f"cannot read the hours {text!r}")
    open_h, open_m, close_h, close_m = match.groups()
    if close_h == "12" and close_m not in (None, "00"):
        raise HoursError(f"closing time {text!r} is after midnight")
    start = _clock(int(open_h), int(open_m or 0), opening=True)
    end = _clock(int(close_h), int(close_m or 0), opening=False)
    if end <= start:
        raise HoursError(f"closing time is not after opening time in {text!r}")
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def bestbuy_to_osm(value: str) -> str:
    """Convert Best Buy hours (`Mon: 10-9; …; Sun: 11-7`) to OpenStreetMap syntax."""
    spans: dict[int, str] = {}
    for entry in filter(None, (e.strip() for e in value.split(";"))):
        match = _BESTBUY_ENTRY.match(entry)
        day = _BESTBUY_DAYS.get(match.group(1).lower()) if match else None
        if day is None:
            raise HoursError(f"cannot read {entry!r} (expected e.g. 'Mon: 10-9')")
        if day in spans:
            raise HoursError(f"{match.group(1)} is given twice")
        spans[day] = _span(match.group(2))
    if not spans:
        raise HoursError("no opening hours given")
    rules: list[str] = []
    day = 0
    while day < 7:
        if day not in spans:
            day += 1
            continue
        last = day
        while last + 1 < 7 and spans.get(last + 1) == spans[day]:
            last += 1
        days = OSM_DAYS[day] if last == day else f"{OSM_DAYS[day]}-{OSM_DAYS[last]}"
        if last == day + 1:
            days = f"{OSM_DAYS[day]},{OSM_DAYS[last]}"
        rules.append(f"{days} {spans[day]}")
        day = last + 1
    result = "; ".join(rules)
    error = osm_error(result)
    if error:
        raise HoursError(f"converted hours {result!r} are not valid: {error}")
    return result


def normalize_hours(value: str) -> str:
    """Return valid OpenStreetMap hours for `value` (converting Best Buy notation); raise HoursError."""
    value = " ".join(value.split())
    if looks_like_bestbuy(value):
        return bestbuy_to_osm(value)
    error = osm_error(value)
    if error:
        raise HoursError(f"not OpenStreetMap opening_hours syntax: {error}")
    return value
