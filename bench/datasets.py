"""Input files for the side-by-side benchmark, in the service's documented input formats.

Stores are real (the Starbucks directory, all countries; or Best Buy's US stores); products are
Instacart's (with bench_search's "pack of 6" variants past its 1,159). Stock is simulated with the
demo's documented generator (seed 20261125: 15 % 0, 20 % 1–3, 65 % 4–40 units), a (store,
product) pair carried with probability `carried`, counted within the last 48 hours.

For the growth series, more stock documents means more stores: past the real stores, copies of
randomly drawn real stores placed near them (Gaussian jitter of 0.02°, about 2 km), ids suffixed
`-x<n>`, so that density grows as a retailer's network would, not only the catalogue.
"""

from __future__ import annotations

import csv
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.bench_search import SEED, SHARED, load_products
from bench.bench_search import load_stores as bestbuy_stores
from indexer.demo import simulated_on_hand
from indexer.schemas import service_slug
from indexer.timezones import zone_at

STORE_COLUMNS = ["store_id", "name", "street", "postcode", "city", "country", "lat", "lon", "phone",
                 "timezone", "opening_hours", "services", "status"]
# The Starbucks directory has no opening hours: invented ones, a few common patterns.
STARBUCKS_HOURS = ["Mo-Fr 06:00-21:00; Sa-Su 07:00-20:00", "Mo-Su 05:30-22:00",
                   "Mo-Sa 06:30-20:00; Su 07:00-18:00", "Mo-Su 07:00-19:00", "24/7"]


def _zone(raw: str, lat: float, lon: float) -> str:
    """Return the IANA part of `GMT+1:00 Europe/Paris` when it is a real zone, else the zone there."""
    name = raw.rsplit(" ", 1)[-1]
    try:
        ZoneInfo(name)
        return name
    except (ValueError, KeyError, OSError):
        return zone_at(lat, lon) or "UTC"


def starbucks_stores() -> list[dict]:
    """Return the Starbucks directory's stores with coordinates, every country, first row of an id."""
    rows: list[dict] = []
    seen: set[str] = set()
    rng = random.Random(SEED)
    path = SHARED / "starbucks_directory.csv"
    if not path.is_file():
        raise SystemExit(f"{path} not found: the benchmark reads the real data of the shared folder "
                         "beside the repository (BENCH_DATA=folder names another one).")
    with path.open(encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if not r["Latitude"] or not r["Longitude"] or r["Store Number"] in seen:
                continue
            seen.add(r["Store Number"])
            lat, lon = float(r["Latitude"]), float(r["Longitude"])
            rows.append({"store_id": r["Store Number"], "name": r["store_name"],
                         "street": r["Street Address"], "postcode": r["Postcode"], "city": r["City"],
                         "country": r["Country"], "lat": lat, "lon": lon, "phone": r["Phone Number"],
                         "timezone": _zone(r["Timezone"], lat, lon),
                         "opening_hours": rng.choice(STARBUCKS_HOURS), "services": []})
    return rows


def stores_for(dataset: str) -> list[dict]:
    """Return the real stores of a dataset (`starbucks` or `bestbuy`) as input rows."""
    if dataset == "starbucks":
        return starbucks_stores()
    rows = []
    for s in bestbuy_stores(None):
        rows.append({**s, "phone": "", "timezone": zone_at(s["lat"], s["lon"]) or "UTC"})
    return rows


def scaled(stores: list[dict], count: int) -> list[dict]:
    """Return `count` stores: a seeded sample of the real ones, then copies placed near real ones."""
    rng = random.Random(SEED + 3)
    if count <= len(stores):
        return sorted(rng.sample(stores, count), key=lambda s: s["store_id"])
    extra = []
    for n in range(count - len(stores)):
        base = rng.choice(stores)
        lat = max(-89.9, min(89.9, base["lat"] + rng.gauss(0, 0.02)))
        lon = (base["lon"] + rng.gauss(0, 0.02) + 180) % 360 - 180
        extra.append({**base, "store_id": f"{base['store_id']}-x{n}", "lat": round(lat, 5),
                      "lon": round(lon, 5)})
    return stores + extra


def write_stores(path: Path, stores: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(STORE_COLUMNS)
        for s in stores:
            services = "|".join(sorted({service_slug(x) for x in s["services"] if service_slug(x)}))
            writer.writerow([s["store_id"], s["name"], s["street"], s["postcode"], s["city"], s["country"],
                             s["lat"], s["lon"], s["phone"], s["timezone"], s["opening_hours"], services,
                             "open"])


def write_products(path: Path, products: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sku", "name", "brand", "category"])
        for p in products:
            writer.writerow([p["sku"], p["name"], "", ""])


def write_stock(path: Path, stores: list[dict], products: list[dict], carried: float) -> int:
    """Write simulated counts; return how many rows were written."""
    rng = random.Random(SEED)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    stamps = [(now - timedelta(minutes=m)).isoformat() for m in range(0, 48 * 60, 7)]
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("store_id,sku,on_hand,as_of\n")
        for s in stores:
            store_id = s["store_id"]
            lines = []
            for p in products:
                if carried < 1 and rng.random() >= carried:
                    continue
                lines.append(f"{store_id},{p['sku']},{simulated_on_hand(rng)},{rng.choice(stamps)}\n")
            handle.writelines(lines)
            written += len(lines)
    return written


__all__ = ["load_products", "scaled", "stores_for", "write_products", "write_stock", "write_stores"]
