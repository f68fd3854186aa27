"""The radius search equals a brute-force great-circle computation over real store lists.

For thousands of random points (anywhere, next to stores, on stores sharing coordinates, near the
antimeridian and the poles) and random radii, the stores returned (following every cursor) must be
exactly those a brute-force haversine over the same data finds, in distance order with ties broken
by store id, each distance within 0.5 % of the great-circle distance.

Elasticsearch stores coordinates on 32 bits (about 1 cm), so a store within 1 m of the circle's
edge may fall either way: such cases are counted, not failed (they are vanishingly rare).
"""

from __future__ import annotations

import csv
import json
import random
import uuid
from datetime import UTC, datetime

import numpy as np
import pytest
from elasticsearch import helpers

from locator.areas import area_of
from locator.geo import Point
from locator.indices import ensure_tenant_indices, tenant_alias
from locator.mappings import entity_id
from locator.stores.queries import StoreSearch
from locator.stores.service import search_stores, store_table
from locator.stores.table import StoreTable
from tests.conftest import ROOT, SHARED_DATA, SHARED_SKIP

EARTH_KM = 6371.0087714  # the mean radius Elasticsearch uses for arc distances
EDGE_KM = 0.001
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
PAGE = 2000

# Real places at the edges of the map: around the antimeridian and near both poles.
EDGE_PLACES = [
    ("suva", -18.1416, 178.4419), ("taveuni", -16.8400, -179.9700), ("apia", -13.8333, -171.7667),
    ("anadyr", 64.7337, 177.5089), ("nome", 64.5011, -165.4064), ("tarawa", 1.4518, 173.0319),
    ("alert", 82.5018, -62.3481), ("longyearbyen", 78.2232, 15.6267), ("south-pole", -90.0, 0.0),
    ("mcmurdo", -77.8419, 166.6863), ("vostok", -78.4645, 106.8340), ("ny-alesund", 78.9250, 11.9300),
    ("alert-twin", 82.5018, -62.3481),  # shares coordinates with "alert"
]


def _ikea() -> list[tuple[str, float, float]]:
    seen, rows = set(), []
    for store in json.loads((ROOT / "demo" / "ikea_stores.json").read_text(encoding="utf-8")):
        if store["buCode"] in seen or not store.get("coordinates"):
            continue
        seen.add(store["buCode"])
        lon, lat = store["coordinates"]
        rows.append((store["buCode"], float(lat), float(lon)))
    return rows


def _bestbuy() -> list[tuple[str, float, float]]:
    data = json.loads((SHARED_DATA / "bestbuy_stores.json").read_text(encoding="utf-8"))
    return [(str(s["id"]), float(s["location"]["lat"]), float(s["location"]["lon"]))
            for s in data if s.get("location")]


def _starbucks() -> list[tuple[str, float, float]]:
    seen, rows = set(), []
    with (SHARED_DATA / "starbucks_directory.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            number = row["Store Number"]
            if number in seen or not row["Latitude"] or not row["Longitude"]:
                continue
            seen.add(number)
            rows.append((number, float(row["Latitude"]), float(row["Longitude"])))
    return rows


FILES = {"bestbuy": "bestbuy_stores.json", "starbucks": "starbucks_directory.csv"}
DATASETS = {
    "ikea": (lambda: True, _ikea, 1500),
    "edges": (lambda: True, lambda: EDGE_PLACES, 600),
    "bestbuy": (lambda: (SHARED_DATA / "bestbuy_stores.json").exists(), _bestbuy, 800),
    "starbucks": (lambda: (SHARED_DATA / "starbucks_directory.csv").exists(), _starbucks, 800),
}


def _index(es, config, tenant: str, stores: list[tuple[str, float, float]]) -> None:
    ensure_tenant_indices(es, config, tenant)
    alias = tenant_alias(config, "stores", tenant)
    actions = ({"_index": alias, "_id": entity_id(tenant, sid), "tenant": tenant, "store_id": sid,
                "name": sid, "location": {"lat": lat, "lon": lon}, "area": area_of({"lat": lat, "lon": lon}),
                "status": "open",
                "timezone": "UTC", "opening_hours": "24/7", "services": []}
               for sid, lat, lon in stores)
    ok, errors = helpers.bulk(es, actions, chunk_size=2000, refresh="wait_for", raise_on_error=False)
    assert not errors and ok == len(stores)


def _haversine(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat), np.radians(lats)
    dlat, dlon = p2 - p1, np.radians(lons - lon)
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def _points(rng: random.Random, stores: list[tuple[str, float, float]], count: int):
    """Yield (lat, lon, radius_km): mixed kinds of points and radii."""
    radii = (0.5, 2, 5, 10, 25, 50, 100, 250, 500)
    for i in range(count):
        kind = i % 6
        if kind == 0:  # anywhere on the sphere, uniformly
            lat = float(np.degrees(np.arcsin(rng.uniform(-1, 1))))
            lon = rng.uniform(-180, 180)
        elif kind in (1, 2):  # near a store
            _, slat, slon = rng.choice(stores)
            lat = max(-90.0, min(90.0, slat + rng.gauss(0, 0.3)))
            lon = ((slon + rng.gauss(0, 0.3)) + 180) % 360 - 180
        elif kind == 3:  # exactly on a store (shared coordinates give exact ties)
            _, lat, lon = rng.choice(stores)
        elif kind == 4:  # near the antimeridian
            lat = rng.uniform(-70, 70)
            lon = rng.choice((-1, 1)) * rng.uniform(179.0, 180.0)
        else:  # near a pole
            lat = rng.choice((-1, 1)) * rng.uniform(85.0, 90.0)
            lon = rng.uniform(-180, 180)
        yield lat, lon, rng.choice(radii)


def _all_pages(es, config, tenant: str, point: Point, radius: float,
               table: StoreTable | None = None) -> list[dict]:
    search = StoreSearch(tenant=tenant, point=point, radius_km=radius)
    results, cursor = [], None
    while True:
        page = search_stores(es, config, search, limit=PAGE, cursor=cursor, now=NOW, table=table)
        results += page.results
        cursor = page.next_cursor
        if not cursor:
            return results


@pytest.mark.slow
@pytest.mark.parametrize("dataset", list(DATASETS))
def test_radius_search_equals_brute_force(es, config, dataset):
    present, load, count = DATASETS[dataset]
    if not present():
        pytest.skip(f"{SHARED_SKIP}{FILES[dataset]}")
    stores = load()
    tenant = f"bf{uuid.uuid4().hex[:8]}"
    _index(es, config, tenant, stores)
    ids = np.array([s[0] for s in stores])
    lats = np.array([s[1] for s in stores])
    lons = np.array([s[2] for s in stores])
    rng = random.Random(f"brute-force-{dataset}")
    edge_cases = non_empty = returned = exact_distances = 0
    table = store_table(refresh_seconds=60.0)
    for lat, lon, radius in _points(rng, stores, count):
        distances = _haversine(lat, lon, lats, lons)
        context = f"{dataset} point=({lat}, {lon}) radius={radius}"
        got = _all_pages(es, config, tenant, Point(lat, lon), radius)
        # The worker's store table answers the same stores in the same order, page by page.
        from_table = _all_pages(es, config, tenant, Point(lat, lon), radius, table)
        assert [s["id"] for s in from_table] == [s["id"] for s in got], f"table vs search: {context}"
        for a, b in zip(from_table, got, strict=True):
            assert abs(a["distance_km"] - b["distance_km"]) <= 0.0010001, (a, b)
            exact_distances += a["distance_km"] == b["distance_km"]
        got_ids = [s["id"] for s in got]
        assert len(set(got_ids)) == len(got_ids), "a store appeared twice across pages"
        inside = set(ids[distances < radius - EDGE_KM])
        maybe = set(ids[np.abs(distances - radius) <= EDGE_KM])
        missing = inside - set(got_ids)
        extra = set(got_ids) - inside - maybe
        assert not missing, f"{context}: missing {sorted(missing)[:5]}"
        assert not extra, f"{context}: outside the radius {sorted(extra)[:5]}"
        edge_cases += len(maybe)
        non_empty += bool(got)
        returned += len(got)
        by_id = dict(zip(ids, distances, strict=True))
        for previous, current in zip(got, got[1:], strict=False):
            assert previous["distance_km"] <= current["distance_km"], context
            if previous["location"] == current["location"]:
                assert previous["id"] < current["id"], f"{context}: tie not broken by id"
            # The brute-force order agrees up to coordinate encoding (~1 cm).
            assert by_id[previous["id"]] <= by_id[current["id"]] + EDGE_KM, context
        for store in got:
            exact = by_id[store["id"]]
            assert abs(store["distance_km"] - exact) <= 0.005 * exact + 0.001, context
    assert non_empty > count // 4, f"too few points found stores ({non_empty}/{count})"
    assert exact_distances >= returned - 1, (exact_distances, returned)  # rounding at .0005 apart
    # Stores within 1 m of the edge are rare (Starbucks coordinates, rounded to 0.01°, stack up).
    assert edge_cases <= 10 + returned // 1000, (edge_cases, returned)
