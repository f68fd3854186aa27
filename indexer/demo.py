"""The demo dataset: real IKEA store locations with invented hours and simulated stock.

Stock is simulated (no retailer publishes it) with a fixed seed, so every run gives the same
numbers: per (store, sku), 15 % are out of stock, 20 % hold 1–3 units (low stock) and 65 % hold
4–40 units. Files are written in the indexer's own input formats.

Unmet demand is simulated too, so that the report has something to show: over the 28 days
before the load, 1–4 searches a day from each of ten French towns more than 50 km from any
IKEA store (so the search really finds nothing), for skus drawn with a bias towards five of
them (fixed seed; counters marked `demo: true`).
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
DEMO_TENANT = "demo"
# Fixed, documented demo keys so the demo page can embed the publishable one. Demo only.
DEMO_PUBLISHABLE_KEY = "pk_demo_publishable_key_0000000000"
DEMO_SECRET_KEY = "sk_demo_secret_key_00000000000000000"
# The demo desk: a store key for IKEA Rivoli (Paris centre, first in a search around Paris).
DEMO_DESK_STORE = "645"
DEMO_STORE_KEY = "st_demo_store_key_rivoli_00000000000"
SEED = 20261125
STORE_HOURS = (
    "Mo-Sa 10:00-20:00; Su off",
    "Mo-Fr 10:00-21:00; Sa 09:30-20:00; Su 10:00-18:00",
    "Mo-Sa 10:00-21:00; Su 11:00-19:00",
)
SERVICES = ("click_and_collect", "delivery", "restaurant", "parking", "returns")
STOCK_FIELDS = ("store_id", "sku", "on_hand", "as_of")
STORE_FIELDS = ("store_id", "name", "street", "postcode", "city", "country", "lat", "lon",
                "phone", "timezone", "opening_hours", "services")


def store_rows(source: Path = DEMO_DIR / "ikea_stores.json") -> Iterator[dict]:
    """Yield IKEA stores as store rows (first of each duplicated id wins)."""
    rng = random.Random(SEED)
    seen: set[str] = set()
    for store in json.loads(source.read_text(encoding="utf-8")):
        store_id = store["buCode"]
        if store_id in seen:
            continue
        seen.add(store_id)
        # A few stores come without coordinates: left empty, the indexer geocodes them.
        lon, lat = store.get("coordinates") or (None, None)
        services = [s for s in SERVICES if rng.random() < 0.6] or ["click_and_collect"]
        yield {
            "store_id": store_id,
            "name": f"IKEA {store['name']}",
            "street": "",
            "postcode": "",
            "city": store["name"],
            "country": store["countryCode"].upper(),
            "lat": "" if lat is None else f"{lat:.7f}",
            "lon": "" if lon is None else f"{lon:.7f}",
            "phone": "",
            "timezone": "",
            "opening_hours": rng.choice(STORE_HOURS),
            "services": "|".join(services),
        }


def product_skus(source: Path = DEMO_DIR / "products.csv") -> list[str]:
    """Return the demo product skus."""
    with source.open(encoding="utf-8") as handle:
        return [row["sku"] for row in csv.DictReader(handle)]


def simulated_on_hand(rng: random.Random) -> int:
    """Draw one simulated stock level (see the module docstring for the distribution)."""
    draw = rng.random()
    if draw < 0.15:
        return 0
    if draw < 0.35:
        return rng.randint(1, 3)
    return rng.randint(4, 40)


def stock_rows(store_ids: list[str], skus: list[str], as_of: datetime) -> Iterator[dict]:
    """Yield a simulated stock row for every (store, sku)."""
    rng = random.Random(SEED)
    stamp = as_of.isoformat()
    for store_id in store_ids:
        for sku in skus:
            yield {"store_id": store_id, "sku": sku, "on_hand": simulated_on_hand(rng), "as_of": stamp}


# (town, lat, lon): each more than 50 km from the nearest IKEA store of the demo.
UNMET_TOWNS = (
    ("Aurillac", 44.9264, 2.4397), ("Mende", 44.5180, 3.5010), ("Guéret", 46.1714, 1.8717),
    ("Ajaccio", 41.9192, 8.7386), ("Gap", 44.5594, 6.0786), ("Périgueux", 45.1840, 0.7210),
    ("Cherbourg", 49.6337, -1.6222), ("Auch", 43.6460, 0.5857), ("Quimper", 47.9960, -4.1024),
    ("Troyes", 48.2973, 4.0744),
)
UNMET_DAYS = 28


def unmet_searches(skus: list[str], until: datetime) -> Iterator[tuple[str, float, float, datetime]]:
    """Yield simulated unmet searches as (sku, lat, lon, when) over the days before `until`."""
    rng = random.Random(SEED)
    favourites = skus[:5]
    for days_ago in range(UNMET_DAYS, 0, -1):
        for _town, lat, lon in UNMET_TOWNS:
            for _ in range(rng.randint(1, 4)):
                sku = rng.choice(favourites) if rng.random() < 0.7 else rng.choice(skus)
                when = until - timedelta(days=days_ago, seconds=rng.randint(0, 86_399))
                yield sku, lat, lon, when


def write_files(target: Path, as_of: datetime | None = None) -> dict[str, Path]:
    """Write stores.csv and stock.csv for the demo into `target`; return every input path."""
    target.mkdir(parents=True, exist_ok=True)
    stores = list(store_rows())
    paths = {"stores": target / "stores.csv", "products": DEMO_DIR / "products.csv",
             "stock": target / "stock.csv"}
    _write_csv(paths["stores"], STORE_FIELDS, stores)
    as_of = as_of or datetime.now(UTC).replace(microsecond=0)
    _write_csv(paths["stock"], STOCK_FIELDS,
               stock_rows([s["store_id"] for s in stores], product_skus(), as_of))
    return paths


def _write_csv(path: Path, header: tuple[str, ...], rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
