"""The per-worker buffer and what counts as a miss (pure)."""

import threading
from datetime import UTC, datetime

import pytest

from locator.geo import Point
from locator.reports.areas import H3_RESOLUTION, area_of, is_area, latest_local_day, local_day
from locator.reports.counting import BASKET, SEARCH, DemandBuffer, DemandKey, quarter_hour
from locator.reports.misses import found_nowhere
from locator.reports.schemas import ReportQuery

AT = datetime(2026, 11, 25, 23, 52, 10, tzinfo=UTC)


def test_a_sku_counts_once_per_event_and_time_is_kept_to_the_quarter_hour():
    buffer = DemandBuffer()
    buffer.record("t", SEARCH, ["A", "A", "B"], at=AT, area="cell")
    assert buffer.drain() == {
        DemandKey("t", SEARCH, "A", datetime(2026, 11, 25, 23, 45, tzinfo=UTC), "cell"): 1,
        DemandKey("t", SEARCH, "B", datetime(2026, 11, 25, 23, 45, tzinfo=UTC), "cell"): 1,
    }
    assert buffer.drain() == {}


def test_threads_recording_at_once_lose_nothing():
    buffer = DemandBuffer()

    def work():
        for _ in range(1000):
            buffer.record("t", SEARCH, ["A"], at=AT, area="cell")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert list(buffer.drain().values()) == [4000]


def test_a_full_buffer_drops_new_counters_and_says_how_many():
    buffer = DemandBuffer(max_keys=2)
    buffer.record("t", SEARCH, ["A", "B", "C"], at=AT, area="cell")
    buffer.record("t", SEARCH, ["A"], at=AT, area="cell")  # an existing counter still counts
    assert buffer.take_dropped() == 1 and buffer.take_dropped() == 0
    assert sorted(buffer.drain().values()) == [1, 2]


def test_restore_puts_counts_back():
    buffer = DemandBuffer()
    buffer.record("t", BASKET, ["A"], at=AT, area="cell")
    counts = buffer.drain()
    buffer.record("t", BASKET, ["A"], at=AT, area="cell")
    buffer.restore(counts)
    assert list(buffer.drain().values()) == [2]


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        DemandBuffer().record("t", "guess", ["A"], at=AT)


def test_quarter_hour_is_utc():
    at = datetime(2026, 1, 1, 10, 14, 59, tzinfo=UTC)
    assert quarter_hour(at) == datetime(2026, 1, 1, 10, 0, tzinfo=UTC)


def test_areas_are_resolution_5_cells_and_days_are_local():
    cell = area_of(Point(48.8566, 2.3522))
    assert is_area(cell) and not is_area("not-a-cell") and H3_RESOLUTION == 5
    assert area_of(Point(48.86, 2.35)) == cell  # a few hundred metres away: the same area
    # 23:52 UTC on 25 November is already the 26th in Paris, still the 25th in New York.
    assert local_day(AT, "Europe/Paris").isoformat() == "2026-11-26"
    assert local_day(AT, "America/New_York").isoformat() == "2026-11-25"
    assert local_day(AT, None).isoformat() == "2026-11-25"


def test_found_nowhere_means_no_store_with_a_unit():
    assert found_nowhere([])
    assert found_nowhere([{"level": "out_of_stock"}, {"level": "out_of_stock"}])
    assert not found_nowhere([{"level": "low_stock"}, {"level": "out_of_stock"}])


def test_the_default_period_ends_on_the_latest_local_day_so_todays_misses_are_in_it():
    # 23:30 UTC is already tomorrow in Paris (and Kiribati): a miss counted there just now is on
    # the 5th, which a period ending on the UTC day (the 4th) would leave out.
    late_utc = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    period = ReportQuery().load({})
    assert period["end"] >= local_day(datetime.now(UTC), "Pacific/Kiritimati")
    assert latest_local_day(late_utc) >= local_day(late_utc, "Europe/Paris")
    assert latest_local_day(late_utc).isoformat() == "2026-12-05"
    assert latest_local_day(datetime(2026, 12, 4, 9, tzinfo=UTC)).isoformat() == "2026-12-04"
