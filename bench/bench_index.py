"""Benchmark `locator index stock` against raw `_bulk` requests of the same documents, in one run.

    .venv/bin/python -m bench.bench_index                 # full size: 2,000,000 stock documents
    .venv/bin/python -m bench.bench_index --docs 50000    # a quick look while developing
    make bench-index                                      # the same as the first line

What it does:
1. starts a dedicated local Elasticsearch node on its own port (BENCH_INDEX_ES_PORT, default 9293)
   unless one runs there (or ELASTICSEARCH_URL is set), so the demo and test nodes are never
   disturbed; stops it at the end if it started it;
2. loads, under the index prefix `benchidx`, real stores (Starbucks stores with coordinates from
   ../shared/data, else the IKEA stores of demo/) and real products (Instacart from ../shared/data,
   else the demo products), through the indexer (not timed);
3. writes a stock CSV file with one row per (store, product) until `--docs` rows: quantities are
   simulated (seed 20261125: 15 % 0, 20 % 1–3, 65 % 4–40), all counted at the same time;
4. raw baseline: the very documents the indexer writes, pre-serialised as NDJSON bulk bodies of
   2,000 documents in a file (read back from the page cache), sent to `_bulk` from 2 threads into
   a new index with the same mappings and settings as a full load (no replicas, refresh off);
5. `locator index stock FILE --tenant … --full` run as a command (wall clock: start-up, reading,
   validation, building the index, restoring its settings and swapping the alias);
6. raw baseline again (the figure used is the mean of both runs: the node warms up), then prints
   documents/s for both and the ratio. `--keep` keeps the indices; figures also go to
   bench/results/index.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from indexer import aliases
from indexer.bulk import action_line, source_line
from indexer.context import LoadOptions
from indexer.demo import DEMO_DIR, simulated_on_hand
from indexer.loader import load_file
from locator import indices
from locator.areas import area_of
from locator.config import Config
from locator.es import index_name, make_client
from locator.localnode import LocalNode
from locator.mappings import stock_id, stock_routing
from locator.tenants import service as tenants
from locator.tenants.settings import TenantSettings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "bench" / "results"
SEED = 20261125
AS_OF = "2026-11-25T09:00:00+00:00"
CHUNK = 2000
THREADS = 2


def stores_file(work: Path, wanted: int) -> tuple[Path, str]:
    """Write a stores CSV of real stores with coordinates; return it and where they come from."""
    path = work / "stores.csv"
    rows: list[dict] = []
    source = "Starbucks"
    starbucks = SHARED / "starbucks_directory.csv"
    if starbucks.exists():
        with starbucks.open(encoding="utf-8") as handle:
            seen: set[str] = set()
            for row in csv.DictReader(handle):
                if row["Latitude"] and row["Store Number"] not in seen:
                    seen.add(row["Store Number"])
                    rows.append({"store_id": row["Store Number"], "name": row["store_name"],
                                 "city": row["City"], "country": row["Country"], "lat": row["Latitude"],
                                 "lon": row["Longitude"], "timezone": row["Timezone"]})
    else:
        source = "IKEA"
        seen = set()
        for store in json.loads((DEMO_DIR / "ikea_stores.json").read_text(encoding="utf-8")):
            if store.get("coordinates") and store["buCode"] not in seen:
                seen.add(store["buCode"])
                lon, lat = store["coordinates"]
                rows.append({"store_id": store["buCode"], "name": f"IKEA {store['name']}",
                             "city": store["name"], "country": store["countryCode"].upper(),
                             "lat": lat, "lon": lon, "timezone": ""})
    rows = rows[:wanted]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path, f"{len(rows):,} {source} stores"


def products_file(work: Path) -> tuple[Path, str, int]:
    """Return a products file of real products and how many it has."""
    instacart = SHARED / "instacart_products.csv"
    if instacart.exists():
        with instacart.open(encoding="utf-8-sig") as handle:
            count = sum(1 for _ in csv.DictReader(handle))
        return instacart, f"{count:,} Instacart products", count
    path = DEMO_DIR / "products.csv"
    with path.open(encoding="utf-8") as handle:
        count = sum(1 for _ in csv.DictReader(handle))
    return path, f"{count:,} demo products", count


def stock_file(work: Path, store_ids: list[str], skus: list[str], docs: int) -> Path:
    """Write one simulated count per (store, product), `docs` rows in all."""
    rng = random.Random(SEED)
    path = work / "stock.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("store_id,sku,on_hand,as_of\n")
        written = 0
        for store_id in store_ids:
            lines = [f"{store_id},{sku},{simulated_on_hand(rng)},{AS_OF}\n" for sku in skus]
            take = min(len(lines), docs - written)
            handle.writelines(lines[:take])
            written += take
            if written >= docs:
                break
    return path


def raw_bodies(es, config: Config, tenant: str, stock: Path,
               work: Path) -> tuple[Path, list[tuple[int, int]]]:
    """Serialise the documents the indexer writes into NDJSON bodies in a file; return their offsets."""
    stores = {hit["_source"]["store_id"]: hit["_source"] for hit in
              aliases.scan(es, index_name(config, "stores"), {"term": {"tenant": tenant}})}
    path = work / "raw.ndjson"
    offsets: list[tuple[int, int]] = []
    stamp = datetime.now(UTC).isoformat()
    version = int(datetime.fromisoformat(AS_OF).timestamp() * 1000)
    with stock.open(encoding="utf-8") as source, path.open("wb") as out:
        reader = csv.reader(source)
        next(reader)
        lines: list[str] = []
        for store_id, sku, on_hand, as_of in reader:
            store = stores[store_id]
            doc = {"tenant": tenant, "store_id": store_id, "sku": sku, "location": store["location"],
                   "area": area_of(store["location"]), "store_status": store["status"],
                   "services": store["services"], "on_hand": int(on_hand),
                   "as_of": as_of, "holds": [], "held": 0, "updated_at": stamp}
            lines += [action_line("index", "RAW_INDEX", stock_id(tenant, store_id, sku),
                                  routing=stock_routing(sku), version=version, version_type="external_gte"),
                      source_line(doc)]
            if len(lines) >= 2 * CHUNK:
                offsets.append(_write_body(out, lines))
                lines = []
        if lines:
            offsets.append(_write_body(out, lines))
    return path, offsets


def _write_body(out, lines: list[str]) -> tuple[int, int]:
    start = out.tell()
    out.write(("\n".join(lines) + "\n").encode("utf-8"))
    return start, out.tell() - start


def run_raw(es, config: Config, tenant: str, bodies: Path,
            offsets: list[tuple[int, int]]) -> tuple[int, float]:
    """Send the pre-serialised bodies to a fresh index like a full load's; return (docs, seconds)."""
    target = aliases.create_build(es, config, "stock", tenant)
    client = es.options(request_timeout=600)
    placeholder = b'"_index":"RAW_INDEX"'
    replacement = f'"_index":"{target}"'.encode()
    payloads = []
    with bodies.open("rb") as handle:  # into memory first: what is timed is the cluster, not the disk
        for start, length in offsets:
            handle.seek(start)
            payloads.append(handle.read(length).replace(placeholder, replacement))

    def send(body: bytes) -> int:
        # The leanest plain bulk: only errors come back (the indexer asks for per-item results).
        response = client.bulk(operations=body, filter_path="errors,items.*.error,items.*.status")
        if response["errors"]:
            bad = [i for i in response["items"] if next(iter(i.values())).get("status", 500) >= 300]
            raise RuntimeError(f"raw bulk errors: {bad[:2]}")
        return body.count(b"\n") // 2

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        sent = sum(pool.map(send, payloads))
    aliases.finish_build(es, config, "stock", tenant, target)
    elapsed = time.perf_counter() - started
    es.indices.delete(index=target)
    return sent, elapsed


def run_locator(config: Config, tenant: str, stock: Path, work: Path) -> float:
    """Run `locator index stock FILE --full` as a user would; return its wall-clock seconds."""
    env = {**os.environ, "ES_PORT": str(config.es_port), "INDEX_PREFIX": config.index_prefix,
           "ES_HOME": str(config.es_home)}
    command = [str(ROOT / ".venv" / "bin" / "locator"), "index", "stock", str(stock), "--tenant", tenant,
               "--full", "--no-progress", "--rejects", str(work / "stock.rejects.csv")]
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    print("   ", "\n    ".join(result.stdout.strip().splitlines()))
    if result.returncode != 0:
        raise SystemExit(f"locator index stock failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2_000_000, help="stock documents (default 2,000,000)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark indices")
    args = parser.parse_args()

    port = int(os.environ.get("BENCH_INDEX_ES_PORT", "9293"))
    config = replace(Config.from_env(), index_prefix="benchidx", log_level="WARNING")
    node = None
    if config.uses_local_node:
        config = replace(config, es_port=port)
        node = LocalNode(config)
        started_node = node.health() is None
        if started_node:
            print(f"starting a dedicated Elasticsearch node on port {port} …")
            node.start(echo=lambda m: None)
        else:
            node = None
    es = make_client(replace(config, elasticsearch_timeout=600))
    try:
        indices.delete_all(es, config)
        indices.ensure_all(es, config)
        tenant = f"bench{uuid.uuid4().hex[:6]}"
        tenants.create_tenant(es, config, tenant, "Indexing benchmark", TenantSettings())
        with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
            work = Path(tmp)
            products, products_label, product_count = products_file(work)
            # A few stores of the real file are rejected (time zone names cut short): ask for more.
            wanted_stores = -(-args.docs // product_count) + 100
            stores, stores_label = stores_file(work, wanted_stores)
            quiet = {"progress": False, "rejects_path": work / "catalogue.rejects"}
            for kind, path in (("stores", stores), ("products", products)):
                load_file(es, config, kind, path, LoadOptions(tenant=tenant, **quiet), echo=lambda m: None)
            es.indices.refresh(index=f"{config.index_prefix}-*")
            store_ids = [h["_source"]["store_id"] for h in aliases.scan(
                es, index_name(config, "stores"), {"term": {"tenant": tenant}}, source=["store_id"])]
            skus = [h["_source"]["sku"] for h in aliases.scan(
                es, index_name(config, "products"), {"term": {"tenant": tenant}}, source=["sku"])]
            store_ids.sort()
            skus.sort()
            stores_label = f"{len(store_ids):,} {stores_label.split(' ', 1)[1]} used"
            stock = stock_file(work, store_ids, skus, args.docs)
            bodies, offsets = raw_bodies(es, config, tenant, stock, work)
            docs = sum(1 for _ in stock.open(encoding="utf-8")) - 1
            print(f"documents: {docs:,} ({stores_label} × {products_label}; quantities simulated)")

            load_before = os.getloadavg()[0]
            raw_docs, raw_first = run_raw(es, config, tenant, bodies, offsets)
            print(f"raw _bulk, run 1: {raw_docs / raw_first:,.0f} docs/s ({raw_first:.1f} s)")
            print("locator index stock --full:")
            locator_seconds = run_locator(config, tenant, stock, work)
            raw_docs2, raw_second = run_raw(es, config, tenant, bodies, offsets)
            print(f"raw _bulk, run 2: {raw_docs2 / raw_second:,.0f} docs/s ({raw_second:.1f} s)")

        raw_rate = (raw_docs / raw_first + raw_docs2 / raw_second) / 2
        locator_rate = docs / locator_seconds
        print()
        print(f"raw _bulk (pre-serialised, {THREADS} threads, {CHUNK} docs/request): {raw_rate:,.0f} docs/s")
        print(f"locator index stock --full (wall clock, CSV to swapped alias): {locator_rate:,.0f} docs/s "
              f"({locator_seconds:.1f} s)")
        print(f"ratio locator / raw: {locator_rate / raw_rate:.2f} (aim: at least 0.80)")
        load_after = os.getloadavg()[0]
        print(f"machine load average (1 min) before / after: {load_before:.1f} / {load_after:.1f} "
              f"on {os.cpu_count()} CPUs (figures from a busy machine are not comparable)")
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "index.json").write_text(json.dumps({
            "documents": docs, "stores": stores_label, "products": products_label,
            "raw_docs_per_s": round(raw_rate), "raw_runs_docs_per_s": [round(raw_docs / raw_first),
                                                                        round(raw_docs2 / raw_second)],
            "locator_docs_per_s": round(locator_rate), "locator_seconds": round(locator_seconds, 1),
            "ratio": round(locator_rate / raw_rate, 3), "when": datetime.now(UTC).isoformat(),
            "load_average_before_after": [round(load_before, 1), round(load_after, 1)],
        }, indent=2) + "\n")
    finally:
        if not args.keep:
            indices.delete_all(es, config)
        es.close()
        if node is not None:
            node.stop(echo=lambda m: None)


if __name__ == "__main__":
    sys.exit(main())
