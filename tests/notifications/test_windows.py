"""When messages may go out: pure functions, the clock passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from locator.notifications import windows

PARIS = "Europe/Paris"


def _local(moment: datetime, zone: str = PARIS) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


@pytest.mark.parametrize("zone", [PARIS, "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati"])
def test_a_reminder_is_never_at_night_and_always_before_the_end(zone):
    start = datetime(2026, 3, 28, 0, 0, tzinfo=UTC)  # across the spring time change in Paris
    for created_step in range(0, 48 * 4):  # every 15 minutes over two days
        created = start + timedelta(minutes=15 * created_step)
        for hold in (1, 2.5, 3, 8, 12, 24, 48):
            expires = created + timedelta(hours=hold)
            remind = windows.reminder_time(created, expires, 2, zone)
            if remind is None:
                continue
            assert created < remind < expires, (created, hold, remind)
            assert not windows.is_night(remind, zone), (created, hold, _local(remind, zone))


def test_the_reminder_moves_to_the_evening_before_or_the_morning():
    created = datetime(2026, 12, 8, 9, 0, tzinfo=ZoneInfo(PARIS))
    # Due at 07:00 the next morning (expiry 09:00): the evening before at 20:00.
    evening = windows.reminder_time(created, created + timedelta(hours=24), 2, PARIS)
    assert _local(evening).strftime("%d %H:%M") == "08 20:00"
    # Created at 23:00, due at 02:00, ends 04:00: no good time left.
    late = datetime(2026, 12, 8, 23, 0, tzinfo=ZoneInfo(PARIS))
    assert windows.reminder_time(late, late + timedelta(hours=5), 2, PARIS) is None
    # Created at 23:00, ends at 10:00: at 08:00.
    morning = windows.reminder_time(late, late + timedelta(hours=11), 2, PARIS)
    assert _local(morning).strftime("%d %H:%M") == "09 08:00"
    assert windows.reminder_time(created, created + timedelta(hours=24), 0, PARIS) is None


def test_store_hours_hold_a_message_until_the_next_opening():
    window = {"kind": windows.STORE_HOURS, "timezone": PARIS, "opening_hours": "Mo-Sa 09:00-19:00",
              "country": "FR"}
    sunday_noon = datetime(2026, 12, 6, 12, 0, tzinfo=ZoneInfo(PARIS))
    assert _local(windows.earliest(window, sunday_noon)).strftime("%a %H:%M") == "Mon 09:00"
    monday_ten = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo(PARIS))
    assert windows.earliest(window, monday_ten) == monday_ten
    unknown = {**window, "opening_hours": ""}
    assert windows.earliest(unknown, sunday_noon) == sunday_noon  # never held back on a guess


def test_daytime_holds_until_eight_in_the_stores_zone():
    window = {"kind": windows.DAYTIME, "timezone": "America/New_York"}
    night = datetime(2026, 12, 8, 23, 30, tzinfo=ZoneInfo("America/New_York"))
    assert _local(windows.earliest(window, night), "America/New_York").strftime("%d %H:%M") == "09 08:00"
    day = datetime(2026, 12, 8, 15, 0, tzinfo=ZoneInfo("America/New_York"))
    assert windows.earliest(window, day) == day
