"""The demo dataset: real IKEA store locations with invented hours and simulated stock.

Stock is simulated (no retailer publishes it) with a fixed seed, so every run gives the same
numbers: per (store, sku), 15 % are out of stock, 20 % hold 1–3 units (low stock) and 65 % hold
4–40 units. Files are written in the indexer's own input formats.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime
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
