import dataclasses

import pytest

from indexer.geocode import GeopyGeocoder, OfflineGeocoder, Place, get_geocoder


@pytest.fixture(scope="module")
def geocoder():
    return OfflineGeocoder()


def test_town_prefers_the_most_populous_and_ignores_case_and_accents(geocoder):
    paris = geocoder.geocode("paris")
    assert paris.label == "Paris, FR" and paris.precision == "city"
    assert abs(paris.lat - 48.85) < 0.1
    assert geocoder.geocode("EVRY", "FR").label == "Évry, FR"


def test_country_narrows_the_search(geocoder):
    texas = geocoder.geocode("Paris", "US")
    assert texas.label == "Paris, US" and texas.lat < 40
    assert geocoder.geocode("Paris, United States") == texas
    assert geocoder.geocode("Toronto, CA").label == "Toronto, CA"  # Canada, not California
    assert geocoder.geocode("Sacramento, CA").label == "Sacramento, US"


def test_us_zip_codes_are_postcode_precision(geocoder):
    place = geocoder.geocode("10001")
    assert place.precision == "postcode" and "New York" in place.label
    assert geocoder.geocode("340 W Market, 55425 Bloomington", "US").precision == "postcode"


def test_other_postcodes_alone_are_not_resolved_but_their_town_is(geocoder):
    assert geocoder.geocode("75011", "FR") is None
    place = geocoder.geocode("12 rue de la Roquette, 75011 Paris", "FR")
    assert place.label == "Paris, FR" and place.precision == "city"


def test_names_in_other_scripts(geocoder):
    assert geocoder.geocode("Москва").label == "Moscow, RU"
    assert geocoder.geocode("北京四元桥商场", "CN").label == "Beijing, CN"


def test_unknown_places_and_empty_queries_give_none(geocoder):
    assert geocoder.geocode("Zzyzxqwv") is None
    assert geocoder.geocode("   ") is None


def test_results_are_cached_and_places_frozen(geocoder):
    first = geocoder.geocode("Lyon", "FR")
    assert geocoder.geocode("lyon", "fr") is first
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.lat = 0  # type: ignore[misc]
    assert isinstance(first, Place)


def test_get_geocoder_is_offline_by_default_and_shared(config):
    assert isinstance(get_geocoder(config), OfflineGeocoder)
    assert get_geocoder(config) is get_geocoder(config)


def test_get_geocoder_builds_a_rate_limited_geopy_geocoder(config):
    online = get_geocoder(dataclasses.replace(config, geocoder="nominatim",
                                              geocoder_user_agent="locator-tests",
                                              geocoder_min_delay_seconds=1.5))
    assert isinstance(online, GeopyGeocoder)
    assert online._geocoder.headers["User-Agent"] == "locator-tests"
    assert online._geocode.min_delay_seconds == 1.5
