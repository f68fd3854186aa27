import dataclasses

import pytest

from locator.geocoding.geocoder import GeopyGeocoder, OfflineGeocoder, Place, get_geocoder


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
    assert geocoder.geocode("10115", "DE") is None
    place = geocoder.geocode("Unter den Linden 1, 10117 Berlin", "DE")
    assert place.label == "Berlin, DE" and place.precision == "city"


@pytest.mark.parametrize(("query", "label", "lat", "lon"), [
    ("75011", "75011 Paris 11e Arrondissement, FR", 48.858, 2.380),
    ("69003", "69003 Lyon 3e Arrondissement, FR", 45.761, 4.852),
    ("13001 Marseille", "13001 Marseille 1er Arrondissement, FR", 43.298, 5.384),
    ("20000", "20000 Ajaccio, FR", 41.919, 8.738),  # Corsica: INSEE 2A004, département 2A
    ("12 rue de la Roquette, 75011 Paris", "75011 Paris 11e Arrondissement, FR", 48.858, 2.380),
])
def test_french_postcodes_with_country_fr(geocoder, query, label, lat, lon):
    place = geocoder.geocode(query, "FR")
    assert place.label == label and place.precision == "postcode"
    assert abs(place.lat - lat) < 0.01 and abs(place.lon - lon) < 0.01


def test_a_postcode_names_its_arrondissement_not_the_town_centre(geocoder):
    paris = geocoder.geocode("Paris", "FR")
    eleventh = geocoder.geocode("75011 Paris")
    assert eleventh == geocoder.geocode("Paris 11e") == geocoder.geocode("paris 11ème arrondissement")
    assert (eleventh.lat, eleventh.lon) != (paris.lat, paris.lon)
    assert geocoder.geocode("Paris 16e").label.startswith("75016 ")
    assert geocoder.geocode("Marseille 1er").label.startswith("13001 ")


def test_without_a_country_a_us_zip_code_wins_only_when_it_exists(geocoder):
    assert geocoder.geocode("69003").label.startswith("69003 Lyon")  # no such US ZIP code
    assert geocoder.geocode("75011").label.endswith(", TX, US")  # Carrollton, Texas
    new_york = "10001 New York, NY, US"
    assert geocoder.geocode("10001").label == geocoder.geocode("10001", "US").label == new_york
    assert geocoder.geocode("10001", "FR") is None
    assert geocoder.geocode("340 W Market, 55425 Bloomington", "US").label.endswith(", MN, US")


def test_unknown_french_postcodes_give_none(geocoder):
    assert geocoder.geocode("99999", "FR") is None
    assert geocoder.geocode("99999") is None


def test_french_postcode_data_is_complete_and_compact():
    from locator.geocoding.geocoder import FR_POSTCODES, _fr_postcodes

    postcodes = _fr_postcodes()
    assert 6000 < len(postcodes) < 7000 and FR_POSTCODES.stat().st_size < 400_000
    assert {p.precision for p in postcodes.values()} == {"commune", "departement"}
    assert sum(p.precision == "commune" for p in postcodes.values()) > 0.9 * len(postcodes)
    assert all(41 < p.lat < 51.2 and -5.2 < p.lon < 9.6 for code, p in postcodes.items() if code < "97")
    assert _fr_postcodes() is postcodes  # loaded once per process


def test_corsican_insee_codes_map_to_corsica():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "scripts" / "build_fr_postcodes.py"
    spec = importlib.util.spec_from_file_location("build_fr_postcodes", path)
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    assert build.departement("2A004") == "2A" and build.departement("97105") == "971"
    assert build.REGION_OF["2A"] == build.REGION_OF["2B"] == "94"
    rows = build.build([
        {"codePostal": "20000", "codeCommune": "2A004", "nomCommune": "Ajaccio"},
        {"codePostal": "20200", "codeCommune": "2B033", "nomCommune": "Bastia"},
        {"codePostal": "20999", "codeCommune": "2B999", "nomCommune": "Zzqx"},
        {"codePostal": "75011", "codeCommune": "75111", "nomCommune": "Paris 11e Arrondissement"},
    ])
    by_code = {row[0]: row for row in rows}
    assert by_code["20000"][1:] == ("Ajaccio", 41.9189, 8.7381, "commune")
    assert by_code["20999"][1] == "Bastia" and by_code["20999"][4] == "departement"
    assert abs(by_code["75011"][2] - 48.858) < 0.01


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
