import pytest

from indexer.timezones import TimezoneError, parse_timezone, resolve_timezone


def test_names_win_over_offsets_written_next_to_them():
    assert resolve_timezone("GMT+1:00 Europe/Paris", None, None) == "Europe/Paris"
    assert resolve_timezone("GMT+04:00 Asia/Dubai", None, None) == "Asia/Dubai"
    assert resolve_timezone("europe/paris", None, None) == "Europe/Paris"


def test_missing_zone_is_derived_from_coordinates():
    assert resolve_timezone("", 48.85, 2.35) == "Europe/Paris"
    assert resolve_timezone(None, 35.67, 139.76) == "Asia/Tokyo"
    assert resolve_timezone("GMT+5:30", 28.6, 77.2) == "Asia/Kolkata"


def test_bare_offsets_without_coordinates_become_etc_zones():
    assert parse_timezone("GMT+1:00") == (None, "Etc/GMT-1")
    assert resolve_timezone("UTC-5", None, None) == "Etc/GMT+5"


def test_invalid_zones_are_refused_with_a_hint():
    with pytest.raises(TimezoneError, match="not an IANA"):
        resolve_timezone("Mars/Olympus", 48.85, 2.35)
    with pytest.raises(TimezoneError, match="America/Dawson_Creek"):
        resolve_timezone("GMT+000000 America/Dawson_Cree", 55.7, -120.2)
    with pytest.raises(TimezoneError):
        resolve_timezone("", None, None)
