"""When a message may go out: any time, during the store's opening hours, or not at night.

A store hears of a new reservation while it is open (else at its next opening); a shopper is
never reminded at night in the store's zone (`NIGHT_START`–`NIGHT_END`). Pure functions.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from locator.stores.hours import evaluate, zone

NIGHT_START, NIGHT_END = time(21, 0), time(8, 0)
EVENING = time(20, 0)  # a reminder due at night moves to this time of the evening before
STORE_HOURS, DAYTIME = "store_hours", "daytime"


def is_night(moment: datetime, tz_name: str | None) -> bool:
    local = moment.astimezone(zone(tz_name)).time()
    return local >= NIGHT_START or local < NIGHT_END


def next_morning(moment: datetime, tz_name: str | None) -> datetime:
    """Return the end of the night containing `moment` (local NIGHT_END)."""
    local = moment.astimezone(zone(tz_name))
    day = local.date() + timedelta(days=1) if local.time() >= NIGHT_START else local.date()
    return datetime.combine(day, NIGHT_END, tzinfo=local.tzinfo)


def earliest(window: dict | None, now: datetime) -> datetime:
    """Return `now` when the window allows sending now, else when it next does."""
    if not window:
        return now
    tz_name = window.get("timezone")
    if window.get("kind") == DAYTIME:
        return next_morning(now, tz_name) if is_night(now, tz_name) else now
    info = evaluate(window.get("opening_hours"), tz_name, now, window.get("country"))
    if info.open_now is False and info.next_change_at is not None and info.next_state == "open":
        return info.next_change_at
    return now  # open, or hours unknown: never hold a message back on a guess


def reminder_time(created: datetime, expires: datetime, hours_before: float,
                  tz_name: str | None) -> datetime | None:
    """Return when to remind a shopper of a hold, never at night; None when there is no good time."""
    if hours_before <= 0:
        return None
    due = expires - timedelta(hours=hours_before)
    if not is_night(due, tz_name):
        return due if due > created else None
    local = due.astimezone(zone(tz_name))
    evening_day = local.date() if local.time() >= NIGHT_START else local.date() - timedelta(days=1)
    evening = datetime.combine(evening_day, EVENING, tzinfo=local.tzinfo)
    if evening > created:
        return evening
    morning = next_morning(due, tz_name)
    return morning if created < morning < expires - timedelta(minutes=15) else None
