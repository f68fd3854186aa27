import pytest

from indexer.timezones import ResolvedZone, TimezoneError, parse_timezone, resolve_timezone, resolve_zone


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


def test_invalid_zones_without_coordinates_are_refused_with_a_hint():
    with pytest.raises(TimezoneError, match="not an IANA"):
        resolve_timezone("Mars/Olympus", None, None)
    with pytest.raises(TimezoneError, match="America/Dawson_Creek"):
        resolve_timezone("GMT+000000 America/Dawson_Cree", None, None)
    with pytest.raises(TimezoneError):
        resolve_timezone("", None, None)


def test_invalid_zones_with_coordinates_take_theirs_with_a_warning():
    cut = resolve_zone("GMT+000000 America/Dawson_Cree", 55.76, -120.24)
    assert cut == ResolvedZone("America/Dawson_Creek", "'GMT+000000 America/Dawson_Cree' is not an IANA "
                               "time zone; did you mean America/Dawson_Creek?; America/Dawson_Creek used, "
                               "from the coordinates")
    assert resolve_zone("Asia/Beijing", 39.91, 116.41).zone == "Asia/Shanghai"
    assert resolve_zone("GMT+08:00 Asia/Beijing", 39.91, 116.41) == ResolvedZone("Asia/Shanghai")
    assert resolve_zone("Europe/Paris", 39.91, 116.41) == ResolvedZone("Europe/Paris")  # a name wins
