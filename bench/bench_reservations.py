"""Benchmark click & reserve and stock updates against the raw Elasticsearch writes they wrap.

    .venv/bin/python bench/bench_reservations.py            # full size
    .venv/bin/python bench/bench_reservations.py --quick    # a quick look while developing

What it does, in one run:
1. uses the local node on BENCH_ES_PORT (default 9250, the test node; started if absent) under a
   fresh index prefix `benchres-<random>`, deleted at the end;
2. loads 20 real IKEA stores (France first) and 500 real Instacart products as the catalogue,
   and simulated stock (seed 20261125: 1,000 units per store and product, 1,000,000 for the
   3 hot products, so no request fails for lack of stock);
3. serves the API under gunicorn as configured for this machine (gunicorn.conf.py), rate
   limits off;
4. measures, each next to the raw Elasticsearch writes the API call makes:
   - reservations per second, many shoppers on 3 hot products at one store (every hold is a
     compare-and-set on one of 3 documents) and spread over 20 × 500 (store, product) pairs;
     raw = the same writes straight to Elasticsearch: create the reservation, create the
     pick-up code claim, get + compare-and-set the stock document, update the reservation;
   - stock-update rows per second, batches of 1,000 rows; raw = the same rows as mget +
     compare-and-set bulk (what the write path does) and as a plain bulk index;
   - update-to-visible latency p50/p99: from sending one row to the first search that sees it;
     raw = index one document, then search.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from elasticsearch import ConflictError, Elasticsearch, helpers  # noqa: E402

from locator import indices  # noqa: E402
from locator.areas import area_of  # noqa: E402
from locator.config import Config  # noqa: E402
from locator.es import index_name, make_client  # noqa: E402
from locator.indices import stock_alias, tenant_alias  # noqa: E402
from locator.localnode import LocalNode  # noqa: E402
from locator.mappings import entity_id, stock_id, stock_ref, stock_routing  # noqa: E402
from locator.tenants import service as tenants  # noqa: E402
from locator.tenants.settings import TenantSettings  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "bench" / "results"
SEED = 20261125
TENANT = "benchres"
SECRET = "sk_benchres_secret_key_000000000000"
PUBLISHABLE = "pk_benchres_publishable_key_00000000"
HOT = ["HOT-1", "HOT-2", "HOT-3"]
T0 = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
# One call of a load run: (session, seeded random, call number) -> None, or an error label.
Call = Callable[[requests.Session, random.Random, int], "str | None"]


def load_catalogue(stores: int, products: int) -> tuple[list[dict], list[dict]]:
    """Return real IKEA stores (France first) and real Instacart product names."""
    ikea = json.loads((SHARED / "ikea_stores.json").read_text(encoding="utf-8"))
    ikea.sort(key=lambda s: (s["countryCode"] != "fr", s["buCode"]))
    seen: set[str] = set()
    store_docs = []
    for s in ikea:
        if s["buCode"] in seen:
            continue
        seen.add(s["buCode"])
        lon, lat = s["coordinates"][:2]
        store_docs.append({"tenant": TENANT, "store_id": s["buCode"], "name": s["name"], "street": "",
                           "postcode": "", "city": s["name"], "country": s["countryCode"].upper(),
                           "location": {"lat": lat, "lon": lon}, "phone": "", "timezone": "Europe/Paris",
                           "opening_hours": "Mo-Sa 10:00-20:00", "services": [], "status": "open",
                           "search_text": s["name"].lower(), "demo": True,
                           "updated_at": T0.isoformat()})
        if len(store_docs) == stores:
            break
    with (SHARED / "instacart_products.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))[:products]
    product_docs = [{"tenant": TENANT, "sku": f"IC{r['product_id']}", "name": r["product_name"],
                     "brand": "", "category": r["aisle_id"], "search_text": r["product_name"].lower(),
                     "demo": True, "updated_at": T0.isoformat()} for r in rows]
    product_docs += [{"tenant": TENANT, "sku": sku, "name": f"Hot product {sku}", "brand": "",
                      "category": "hot", "search_text": sku.lower(), "demo": True,
                      "updated_at": T0.isoformat()} for sku in HOT]
    return store_docs, product_docs


def seed(es: Elasticsearch, config: Config, stores: list[dict], products: list[dict]) -> None:
    """Write the catalogue and the simulated stock straight to the indices."""
    stores_alias, products_alias = (tenant_alias(config, k, TENANT) for k in ("stores", "products"))
    actions = [{"_index": stores_alias, "_id": entity_id(TENANT, s["store_id"]), **s} for s in stores]
    actions += [{"_index": products_alias, "_id": entity_id(TENANT, p["sku"]), **p} for p in products]
    for store in stores:
        for product in products:
            hot = product["sku"] in HOT
            actions.append({"_index": stock_alias(config, TENANT),
                            "_id": stock_id(TENANT, store["store_id"], product["sku"]),
                            "routing": stock_routing(product["sku"]),
                            "tenant": TENANT, "store_id": store["store_id"], "sku": product["sku"],
                            "location": store["location"], "area": area_of(store["location"]),
                            "store_status": "open", "services": [],
                            "on_hand": 1_000_000 if hot else 1000, "as_of": T0.isoformat(), "holds": [],
                            "held": 0, "demo": True, "simulated": True, "updated_at": T0.isoformat()})
    for ok, item in helpers.streaming_bulk(es, actions, chunk_size=2000, raise_on_error=False,
                                           refresh=False):
        if not ok:
            raise RuntimeError(f"seeding failed: {item}")
    es.indices.refresh(index=f"{config.index_prefix}-*")


# --- load generation ------------------------------------------------------------------------

def run(users: int, count: int, call) -> dict:
    """Run `count` calls over `users` threads; return throughput, latency and error counts."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    counter = iter(range(count))

    def user(index: int) -> None:
        session = requests.Session()
        rng = random.Random(SEED + index)
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            started = time.perf_counter()
            error = call(session, rng, n)
            elapsed = time.perf_counter() - started
            with lock:
                if error:
                    errors[error] = errors.get(error, 0) + 1
                else:
                    latencies.append(elapsed)

    started = time.perf_counter()
    with ThreadPoolExecutor(users) as pool:
        list(pool.map(user, range(users)))
    wall = time.perf_counter() - started
    return {"ok": len(latencies), "errors": errors, "seconds": round(wall, 2),
            "per_second": round(len(latencies) / wall, 1), **percentiles(latencies)}


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"p50_ms": None, "p99_ms": None}
    ordered = sorted(values)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1)}


def api_reserve(url: str, pick) -> Call:
    def call(session: requests.Session, rng: random.Random, n: int) -> str | None:
        store, sku = pick(rng)
        response = session.post(f"{url}/v1/reservations", timeout=60, json={
            "store_id": store, "items": [{"sku": sku, "qty": 1}],
            "customer": {"name": "Bench Shopper", "email": "bench@example.org"}},
            headers={"X-Api-Key": PUBLISHABLE, "Idempotency-Key": uuid.uuid4().hex})
        return None if response.status_code == 201 else f"HTTP {response.status_code}"
    return call


def raw_reserve(es: Elasticsearch, config: Config, pick) -> Call:
    """The writes one reservation makes, straight to Elasticsearch, without the service."""
    reservations, codes = (index_name(config, k) for k in ("reservations", "pickup-codes"))
    stock = stock_alias(config, TENANT)

    def call(_session, rng: random.Random, n: int) -> str | None:
        store, sku = pick(rng)
        rid, now = f"raw-{uuid.uuid4().hex}", datetime.now(UTC)
        expires = (now + timedelta(hours=24)).isoformat()
        es.create(index=reservations, id=rid, document={
            "tenant": "raw", "reservation_id": rid, "store_id": store, "status": "pending",
            "items": [{"sku": sku, "qty": 1}], "created_at": now.isoformat(), "expires_at": expires})
        es.create(index=codes, id=f"raw\x1f{store}\x1f{rid}", document={
            "tenant": "raw", "store_id": store, "pickup_code": rid[-6:], "reservation_id": rid})
        doc_id = stock_id(TENANT, store, sku)
        for _ in range(200):
            current = es.get(index=stock, id=doc_id, routing=stock_routing(sku))
            source = current["_source"]
            source["holds"] = [*source["holds"], {"reservation_id": rid, "qty": 1, "expires_at": expires,
                                                  "collected_at": None}]
            source["held"] = source["held"] + 1
            try:
                es.index(index=current["_index"], id=doc_id, document=source, routing=stock_routing(sku),
                         if_seq_no=current["_seq_no"], if_primary_term=current["_primary_term"])
                break
            except ConflictError:
                time.sleep(rng.uniform(0, 0.01))
        else:
            return "contention"
        es.update(index=reservations, id=rid, doc={"status": "held"})
        return None
    return call


def stock_batches(stores: list[dict], products: list[dict], batches: int, rows: int) -> list[list[dict]]:
    rng = random.Random(SEED)
    pairs = [(s["store_id"], p["sku"]) for s in stores for p in products if p["sku"] not in HOT]
    out = []
    for b in range(batches):
        as_of = (T0 + timedelta(minutes=1 + b)).isoformat()
        out.append([{"store_id": s, "sku": k, "on_hand": rng.randint(0, 40), "as_of": as_of}
                    for s, k in rng.sample(pairs, rows)])
    return out


def api_stock(url: str, batches: list[list[dict]]) -> Call:
    def call(session: requests.Session, _rng, n: int) -> str | None:
        response = session.put(f"{url}/v1/stock", json={"rows": batches[n]}, timeout=120,
                               headers={"X-Api-Key": SECRET})
        if response.status_code != 200 or response.json()["summary"]["rejected"]:
            return f"HTTP {response.status_code}"
        return None
    return call


def raw_stock(es: Elasticsearch, config: Config, batches: list[list[dict]], cas: bool) -> Call:
    alias = stock_alias(config, TENANT)

    def call(_session, _rng, n: int) -> str | None:
        rows = batches[n]
        ids = [stock_id(TENANT, r["store_id"], r["sku"]) for r in rows]
        operations: list[dict] = []
        if cas:
            refs = [stock_ref(TENANT, r["store_id"], r["sku"]) for r in rows]
            docs = es.mget(index=alias, docs=refs)["docs"]
            for row, doc in zip(rows, docs, strict=True):
                header = {"_index": doc["_index"], "_id": doc["_id"], "routing": doc["_routing"],
                          "if_seq_no": doc["_seq_no"], "if_primary_term": doc["_primary_term"]}
                operations += [{"index": header},
                               {**doc["_source"], "on_hand": row["on_hand"], "as_of": row["as_of"]}]
        else:
            for row, doc_id in zip(rows, ids, strict=True):
                operations += [{"update": {"_index": alias, "_id": doc_id,
                                           "routing": stock_routing(row["sku"])}},
                               {"doc": {"on_hand": row["on_hand"], "as_of": row["as_of"]}}]
        response = es.bulk(operations=operations)
        if not response["errors"]:
            return None
        statuses = {next(iter(item.values()))["status"] for item in response["items"]}
        # A concurrent batch won a compare-and-set: the write path re-reads and retries such
        # rows, so the raw baseline does the same for them.
        if statuses <= {200, 201, 409}:
            retry = [r for r, item in zip(rows, response["items"], strict=True)
                     if next(iter(item.values()))["status"] == 409]
            return call_rows(retry) if retry else None
        return "item errors"

    def call_rows(rows: list[dict]) -> str | None:
        batches.append(rows)
        return call(None, None, len(batches) - 1)
    return call


def visibility(samples: int, write, es: Elasticsearch, config: Config, store: str, base: int) -> dict:
    """Return p50/p99 of send-to-visible over `samples` single-row updates."""
    alias = stock_alias(config, TENANT)
    rng = random.Random(SEED)
    latencies = []
    for n in range(samples):
        value = base + n * 7 + rng.randint(0, 6)  # unique: no earlier sample can match it
        time.sleep(rng.uniform(0, 0.3))  # sample every phase of the refresh cycle
        started = time.perf_counter()
        write(value, n)
        query = {"bool": {"filter": [{"term": {"store_id": store}}, {"term": {"on_hand": value}}]}}
        while not es.search(index=alias, query=query, size=0)["hits"]["total"]["value"]:
            pass  # poll as fast as possible: the first search that sees the row ends the sample
        latencies.append(time.perf_counter() - started)
    return {"samples": samples, **percentiles(latencies),
            "max_ms": round(max(latencies) * 1000, 1)}


# --- the run -------------------------------------------------------------------------------

def start_api(config: Config, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = 18000 + random.randint(0, 999)
    env = {**os.environ, "ES_PORT": str(config.es_port), "INDEX_PREFIX": config.index_prefix,
           "PORT": str(port), "HOST": "127.0.0.1", "RATELIMIT_ENABLED": "false", "LOG_LEVEL": "WARNING"}
    log = log_path.open("wb")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                                "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(f"{url}/healthz", timeout=1).ok:
                return process, url
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn did not start:\n{log_path.read_text()[-2000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts, for development")
    parser.add_argument("--users", type=int, default=16, help="concurrent shoppers (default 16)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark indices")
    args = parser.parse_args(argv)
    reservations = 200 if args.quick else 2000
    batches = 6 if args.quick else 40
    samples = 20 if args.quick else 100

    port = int(os.environ.get("BENCH_ES_PORT", "9250"))
    config = Config.from_env(es_port=port, index_prefix=f"benchres-{uuid.uuid4().hex[:6]}")
    if config.uses_local_node:
        LocalNode(config).start(echo=lambda _m: None)
    es = make_client(config).options(request_timeout=60)
    indices.ensure_all(es, config)
    RESULTS.mkdir(parents=True, exist_ok=True)
    process = None
    try:
        tenants.create_tenant(es, config, TENANT, "Benchmark", TenantSettings())
        tenants.create_key(es, config, TENANT, "secret", plaintext=SECRET)
        tenants.create_key(es, config, TENANT, "publishable", plaintext=PUBLISHABLE)
        stores, products = load_catalogue(20, 500)
        seed(es, config, stores, products)
        process, url = start_api(config, RESULTS / "gunicorn-reservations.log")
        hot_store = stores[0]["store_id"]
        normal = [p["sku"] for p in products if p["sku"] not in HOT]

        def hot(rng: random.Random) -> tuple[str, str]:
            return hot_store, rng.choice(HOT)

        def spread(rng: random.Random) -> tuple[str, str]:
            return rng.choice(stores)["store_id"], rng.choice(normal)

        results: dict = {"machine": f"{os.cpu_count()} cores", "users": args.users,
                         "started": datetime.now(UTC).isoformat(timespec="seconds")}
        print(f"API {url}, Elasticsearch {config.es_url}, {args.users} concurrent clients", flush=True)
        for name, pick in (("reserve_hot", hot), ("reserve_spread", spread)):
            results[name] = {"api": run(args.users, reservations, api_reserve(url, pick)),
                             "raw": run(args.users, reservations, raw_reserve(es, config, pick))}
            print(name, json.dumps(results[name]), flush=True)
        rows = stock_batches(stores, products, batches * 3, 1000)
        results["stock_rows"] = {
            "api": run(2, batches, api_stock(url, rows[:batches])),
            "raw_cas": run(2, batches, raw_stock(es, config, rows[batches:2 * batches], cas=True)),
            "raw_update": run(2, batches, raw_stock(es, config, rows[2 * batches:], cas=False)),
        }
        for result in results["stock_rows"].values():
            result["rows_per_second"] = round(result["per_second"] * 1000)
        print("stock_rows", json.dumps(results["stock_rows"]), flush=True)
        session = requests.Session()
        visible_store = stores[1]["store_id"]
        as_of = [T0 + timedelta(days=1)]

        def api_write(value: int, n: int) -> None:
            as_of[0] += timedelta(seconds=1)
            response = session.put(f"{url}/v1/stock", headers={"X-Api-Key": SECRET}, timeout=60, json={
                "rows": [{"store_id": visible_store, "sku": normal[n % len(normal)], "on_hand": value,
                          "as_of": as_of[0].isoformat()}]})
            assert response.json()["summary"]["applied"] == 1, response.text

        def raw_write(value: int, n: int) -> None:
            sku = normal[-1 - n % len(normal)]
            es.update(index=stock_alias(config, TENANT), id=stock_id(TENANT, visible_store, sku),
                      routing=stock_routing(sku), doc={"on_hand": value})

        results["visible"] = {"api": visibility(samples, api_write, es, config, visible_store, 5_000_000),
                              "raw": visibility(samples, raw_write, es, config, visible_store, 6_000_000)}
        print("visible", json.dumps(results["visible"]), flush=True)
        (RESULTS / "reservations.json").write_text(json.dumps(results, indent=2) + "\n")
        print_table(results)
    finally:
        if process:
            process.terminate()
            process.wait(timeout=30)
        if not args.keep:
            indices.delete_all(es, config)
    return 0


def print_table(results: dict) -> None:
    print("\n| measure | API | raw Elasticsearch | API / raw |\n| --- | --- | --- | --- |")
    for name, label in (("reserve_hot", "reservations/s, 3 hot products"),
                        ("reserve_spread", "reservations/s, 20 stores × 500 products")):
        api, raw = results[name]["api"], results[name]["raw"]
        print(f"| {label} | {api['per_second']} (p50 {api['p50_ms']} ms, p99 {api['p99_ms']} ms) "
              f"| {raw['per_second']} (p50 {raw['p50_ms']} ms, p99 {raw['p99_ms']} ms) "
              f"| {api['per_second'] / raw['per_second']:.2f} |")
    stock = results["stock_rows"]
    print(f"| stock rows/s, batches of 1,000 | {stock['api']['rows_per_second']} "
          f"| {stock['raw_cas']['rows_per_second']} (mget + CAS bulk), "
          f"{stock['raw_update']['rows_per_second']} (plain bulk update) "
          f"| {stock['api']['rows_per_second'] / stock['raw_cas']['rows_per_second']:.2f} |")
    api, raw = results["visible"]["api"], results["visible"]["raw"]
    print(f"| update → visible in search, p50 / p99 ms | {api['p50_ms']} / {api['p99_ms']} "
          f"| {raw['p50_ms']} / {raw['p99_ms']} | |")


if __name__ == "__main__":
    sys.exit(main())
