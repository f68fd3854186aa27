"""Dates and opening hours as an email says them, in the store's time zone, in French or English."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from locator.stores.hours import parse, today_intervals, zone

LANGS = ("fr", "en")
DAYS = {"fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
        "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")}
MONTHS = {"fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                 "octobre", "novembre", "décembre"),
          "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                 "October", "November", "December")}
CLOSED = {"fr": "fermé", "en": "closed"}


def language(lang: str | None) -> str:
    """Return a supported language: `fr` or `en` (the default)."""
    return lang if lang in LANGS else "en"


def local_datetime(moment: datetime, tz_name: str | None, lang: str) -> str:
    """Say an instant in the store's zone: `mardi 8 décembre 2026 à 18:30 (CET)`."""
    local = moment.astimezone(zone(tz_name))
    day, month = DAYS[lang][local.weekday()], MONTHS[lang][local.month - 1]
    joiner = "à" if lang == "fr" else "at"
    return f"{day} {local.day} {month} {local.year} {joiner} {local:%H:%M} ({local.tzname()})"


def week_hours(expression: str | None, tz_name: str | None, country: str | None, now: datetime,
               lang: str) -> list[dict[str, str]]:
    """Return the next seven days' opening hours from today, `[{label, hours}]`; [] when unknown."""
    hours = parse(expression or "", tz_name, country)
    if hours is None:
        return []
    local_zone = zone(tz_name)
    today = now.astimezone(local_zone).date()
    week = []
    for offset in range(7):
        day = today + timedelta(days=offset)
        intervals = today_intervals(hours, datetime.combine(day, time(12), tzinfo=local_zone))
        text = ", ".join(f"{i['opens']}–{i['closes']}" for i in intervals) or CLOSED[lang]
        week.append({"label": DAYS[lang][day.weekday()].capitalize(), "hours": text})
    return week
