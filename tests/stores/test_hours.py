"""Opening hours evaluated in each store's own time zone, with the clock pinned."""

import csv
from datetime import UTC, datetime

import pytest

from locator.stores import hours
from locator.stores.service import store_summary
from tests.conftest import shared_data


def at(text: str) -> datetime:
    """A UTC instant from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


SHOP = "Mo-Sa 10:00-20:00; Su off"


@pytest.mark.parametrize(("tz", "instant", "open_now"), [
    # Wednesday 2026-11-25, 09:30 UTC: 10:30 in Paris (open), 04:30 in New York (closed),
    # 18:30 in Tokyo (open), 22:30 in Auckland (closed).
    ("Europe/Paris", "2026-11-25 09:30", True),
    ("America/New_York", "2026-11-25 09:30", False),
    ("Asia/Tokyo", "2026-11-25 09:30", True),
    ("Pacific/Auckland", "2026-11-25 09:30", False),
    # Saturday 23:30 UTC is already Sunday in Tokyo: closed there, open in Los Angeles (15:30).
    ("Asia/Tokyo", "2026-11-28 23:30", False),
    ("America/Los_Angeles", "2026-11-28 23:30", True),
])
def test_open_now_depends_on_the_store_time_zone(tz, instant, open_now):
    assert hours.evaluate(SHOP, tz, at(instant)).open_now is open_now


def test_next_change_and_today_in_local_time():
    info = hours.evaluate(SHOP, "America/New_York", at("2026-11-25 12:00"))  # 07:00 local
    assert info.open_now is False
    assert info.today == [{"opens": "10:00", "closes": "20:00"}]
    assert info.next_change_at.isoformat() == "2026-11-25T10:00:00-05:00"
    assert info.next_state == "open"


def test_hours_past_midnight():
    bar = "Fr-Sa 18:00-02:00"
    # Saturday 01:30 in Paris (00:30 UTC, winter): still Friday's opening.
    info = hours.evaluate(bar, "Europe/Paris", at("2026-11-28 00:30"))
    assert info.open_now is True
    assert info.next_change_at.isoformat() == "2026-11-28T02:00:00+01:00"
    assert info.next_state == "closed"
    assert info.today == [{"opens": "00:00", "closes": "02:00"}, {"opens": "18:00", "closes": "24:00"}]
    # Sunday 01:30: Saturday night's opening; Sunday 03:00: closed until Friday 18:00.
    assert hours.evaluate(bar, "Europe/Paris", at("2026-11-29 00:30")).open_now is True
    later = hours.evaluate(bar, "Europe/Paris", at("2026-11-29 02:00"))
    assert later.open_now is False
    assert later.next_change_at.isoformat() == "2026-12-04T18:00:00+01:00"


def test_daylight_saving_changes():
    night = "Mo-Su 01:00-04:00"
    # 2026-03-29: Paris skips 02:00-03:00. 01:30 UTC is 03:30 CEST: open, closes at 04:00 CEST.
    spring = hours.evaluate(night, "Europe/Paris", at("2026-03-29 01:30"))
    assert spring.open_now is True
    assert spring.next_change_at.isoformat() == "2026-03-29T04:00:00+02:00"
    # 02:30 UTC is 04:30 CEST: closed (an hour-offset bug would still say 03:30, open).
    assert hours.evaluate(night, "Europe/Paris", at("2026-03-29 02:30")).open_now is False
    # 2026-10-25: 03:00 CEST becomes 02:00 CET. 02:30 UTC is 03:30 CET: open.
    assert hours.evaluate(night, "Europe/Paris", at("2026-10-25 02:30")).open_now is True
    # 03:30 UTC is 04:30 CET: closed.
    assert hours.evaluate(night, "Europe/Paris", at("2026-10-25 03:30")).open_now is False
    # New York springs forward on 2026-03-08: 14:30 UTC is 10:30 EDT (open), 09:30 EST would not be.
    assert hours.evaluate("Mo-Su 10:00-18:00", "America/New_York", at("2026-03-08 14:30")).open_now


def test_public_holidays_with_the_country():
    christmas = at("2026-12-25 12:00")  # a Friday
    assert hours.evaluate("Mo-Sa 10:00-20:00; PH off", "Europe/Paris", christmas, "FR").open_now is False
    # Unknown country: holidays ignored rather than failing.
    assert hours.evaluate("Mo-Sa 10:00-20:00; PH off", "Europe/Paris", christmas, "ZZ").open_now is True


def test_unknown_and_invalid_hours_are_unknown_not_guessed():
    now = at("2026-11-25 12:00")
    assert hours.evaluate("", "Europe/Paris", now) == hours.UNKNOWN
    assert hours.evaluate("not hours at all", "Europe/Paris", now) == hours.UNKNOWN
    assert hours.evaluate("24/7", "Europe/Paris", now).open_now is True
    assert hours.evaluate("24/7", "Europe/Paris", now).next_change_at is None
    # An unknown time zone falls back to UTC instead of failing.
    assert hours.evaluate(SHOP, "Mars/Olympus", now).open_now is True


def test_naive_now_is_refused():
    with pytest.raises(ValueError):
        hours.evaluate(SHOP, "Europe/Paris", datetime(2026, 11, 25, 12))


def test_temporarily_closed_store_is_never_open():
    source = {"store_id": "S1", "name": "S", "location": {"lat": 0, "lon": 0}, "opening_hours": "24/7",
              "timezone": "UTC", "status": "temporarily_closed"}
    summary = store_summary(source, at("2026-11-25 12:00"))
    assert summary["open_now"] is False
    assert summary["temporarily_closed"] is True
    assert summary["next_change"] is None


def test_every_real_world_expression_evaluates_or_is_unknown():
    """869 expressions from opening_hours.js's tests (some invalid on purpose): never an error."""
    path = shared_data("opening_hours_js_test_values.tsv")
    with path.open(encoding="utf-8") as handle:
        values = {row["value"] for row in csv.DictReader(handle, delimiter="\t")}
    now = at("2026-11-25 12:00")
    parsed = 0
    for value in values:
        info = hours.evaluate(value, "Europe/Berlin", now, "DE")
        assert info.open_now in (True, False, None)
        parsed += info != hours.UNKNOWN
    # About half are deliberately malformed or use opening_hours.js extensions.
    assert parsed > 350


def test_reused_evaluations_stay_exact_across_changes_and_midnight():
    expression = "Mo-Su 10:00-10:01"
    minute = [hours.evaluate(expression, "Asia/Kolkata", at("2026-11-25 04:30")) for _ in range(2)]
    assert minute[0] is minute[1]  # same window: reused
    assert hours.evaluate(expression, "Asia/Kolkata", at("2026-11-25 04:31")).open_now is False
    assert hours.evaluate(expression, "Asia/Kolkata", at("2026-11-25 04:30:30")).open_now is True
    # Just past local midnight (18:30 UTC in Kolkata) "today" is the next day.
    before = hours.evaluate("Mo-Fr 10:00-18:00", "Asia/Kolkata", at("2026-11-27 18:29"))  # Fri 23:59
    after = hours.evaluate("Mo-Fr 10:00-18:00", "Asia/Kolkata", at("2026-11-27 18:31"))  # Sat 00:01
    assert before.today == [{"opens": "10:00", "closes": "18:00"}] and after.today == []
