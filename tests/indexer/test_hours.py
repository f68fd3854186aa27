import json

import pytest

from indexer.hours import HoursError, bestbuy_to_osm, normalize_hours, osm_error
from tests.indexer.conftest import SHARED_DATA


@pytest.mark.parametrize(("bestbuy", "osm"), [
    ("Mon: 10-9; Tue: 10-9; Wed: 10-9; Thurs: 10-9; Fri: 10-9; Sat: 10-9; Sun: 11-7",
     "Mo-Sa 10:00-21:00; Su 11:00-19:00"),
    ("Mon: 10-9:30; Tue: 10-9:30; Wed: 10-9:30; Thurs: 10-9:30; Fri: 10-10; Sat: 10-10; Sun: 12:30-6",
     "Mo-Th 10:00-21:30; Fr,Sa 10:00-22:00; Su 12:30-18:00"),
    ("Mon: 0-11:59; Tue: 0-11:59; Wed: 0-11:59; Thurs: 0-11:59; Fri: 0-11:59; Sat: 0-11:59; Sun: 0-11:59",
     "Mo-Su 00:00-24:00"),
    ("Mon: 1-6; Sun: closed", "Mo 13:00-18:00; Su off"),
    ("Sat: 9-9; Mon: 10-9", "Mo 10:00-21:00; Sa 09:00-21:00"),
])
def test_bestbuy_hours_become_openstreetmap_hours(bestbuy, osm):
    assert bestbuy_to_osm(bestbuy) == osm
    assert osm_error(osm) is None


@pytest.mark.parametrize("bad", ["Mon: 10-abc", "Mon: 10-9; Mon: 10-8", "Funday: 10-9", "Mon: 13-9",
                                 "Mon: 12:30-12:30", "Mon: 10-12:30"])
def test_unconvertible_bestbuy_hours_are_refused(bad):
    with pytest.raises(HoursError):
        normalize_hours(bad)


def test_openstreetmap_hours_are_validated_not_rewritten():
    assert normalize_hours("Mo-Sa 09:00-19:00;  Su off") == "Mo-Sa 09:00-19:00; Su off"
    with pytest.raises(HoursError, match="not OpenStreetMap"):
        normalize_hours("every day 9 to 5")


@pytest.mark.skipif(not (SHARED_DATA / "bestbuy_stores.json").exists(), reason="../shared/data absent")
def test_every_bestbuy_store_hours_convert():
    stores = json.loads((SHARED_DATA / "bestbuy_stores.json").read_text(encoding="utf-8"))
    converted = {s["hours"]: bestbuy_to_osm(s["hours"]) for s in stores}
    assert len(converted) > 50
    assert all(osm_error(v) is None for v in converted.values())
