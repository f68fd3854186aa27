"""Benchmark the search API against the raw Elasticsearch queries it sends, in the same run.

    .venv/bin/python bench/bench_search.py            # full size: ≥ 2 million stock documents
    .venv/bin/python bench/bench_search.py --small    # a quick look while developing

What it does:
1. starts a dedicated local Elasticsearch node on its own port (BENCH_ES_PORT, default 9290) unless
   one runs there, so the demo and test nodes are never disturbed; stops it at the end if it
   started it;
2. loads, under the index prefix `bench`, the real Best Buy stores (1,565; Starbucks US stores
   when Best Buy's file is absent) and 1,500 products (the 1,159 Instacart products plus a
   "pack of 6" variant of the first 341), and one simulated stock document per (store, product):
   ≥ 2.3 million documents, written by direct parallel bulk requests (every item error is fatal);
3. serves the API under gunicorn as configured for this 2-core machine (gunicorn.conf.py: one
   worker per core, 4 threads each), rate limits off;
4. for each endpoint, runs the same seeded request sequence with a closed-loop load generator on
   this machine (one keep-alive connection per virtual user) against the API and against the raw
   Elasticsearch query that endpoint sends, at 1 and at 8 concurrent users, and prints p50, p95,
   p99 latency, throughput, and the API/raw ratios;
5. deletes the `bench-*` indices (unless --keep).

Simulated stock (seed 20261125): 15 % out of stock, 20 % 1–3 units, 65 % 4–40 units, counted in
the last 48 hours. Requests: a random product near a random store (Gaussian jitter of 0.2°), the
API's defaults (radius 25 km, 10 results).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.hours import HoursError, bestbuy_to_osm  # noqa: E402
from indexer.timezones import zone_at  # noqa: E402
from locator import indices  # noqa: E402
from locator.areas import area_of  # noqa: E402
from locator.availability.queries import StockSearch, stock_search_body  # noqa: E402
from locator.config import Config  # noqa: E402
from locator.es import index_name, make_client  # noqa: E402
from locator.geo import Point  # noqa: E402
from locator.indices import stock_alias, tenant_alias  # noqa: E402
from locator.listing import HITS_FILTER_PATH  # noqa: E402
from locator.localnode import LocalNode  # noqa: E402
from locator.mappings import entity_id, stock_id, stock_routing  # noqa: E402
from locator.stores.queries import StoreSearch, store_search_body  # noqa: E402
from locator.tenants import service as tenants  # noqa: E402
from locator.tenants.settings import TenantSettings  # noqa: E402
from locator.text import fold  # noqa: E402

# Real data: the shared folder beside the repository (BENCH_DATA names another one).
SHARED = Path(os.environ.get("BENCH_DATA") or ROOT.parent / "shared" / "data")
TENANT = "bench"
PUBLISHABLE = "pk_bench_publishable_key_000000000"
SEED = 20261125
LIMIT = 10
RADIUS_KM = 25.0


# --- data ----------------------------------------------------------------------------------

def load_stores(count: int | None) -> list[dict]:
    """Return real store rows: Best Buy when present, else US Starbucks."""
    rows: list[dict] = []
    bestbuy = SHARED / "bestbuy_stores.json"
    if bestbuy.exists():
        for s in json.loads(bestbuy.read_text(encoding="utf-8")):
            if not s.get("location"):
                continue
            try:
                hours = bestbuy_to_osm(s.get("hours") or "")
            except HoursError:
                hours = ""
            rows.append({"store_id": str(s["id"]), "name": f"Best Buy {s['name']}",
                         "street": s.get("address") or "", "postcode": s.get("zip") or "",
                         "city": s.get("city") or "", "country": "US",
                         "lat": float(s["location"]["lat"]), "lon": float(s["location"]["lon"]),
                         "opening_hours": hours, "services": sorted(set(s.get("services") or []))[:8]})
    else:
        with (SHARED / "starbucks_directory.csv").open(encoding="utf-8") as handle:
            seen: set[str] = set()
            for r in csv.DictReader(handle):
                if r["Country"] != "US" or not r["Latitude"] or r["Store Number"] in seen:
                    continue
                seen.add(r["Store Number"])
                rows.append({"store_id": r["Store Number"], "name": r["store_name"],
                             "street": r["Street Address"], "postcode": r["Postcode"], "city": r["City"],
                             "country": "US", "lat": float(r["Latitude"]), "lon": float(r["Longitude"]),
                             "opening_hours": "Mo-Su 06:00-21:00", "services": []})
    return rows[:count] if count else rows


def load_products(count: int) -> list[dict]:
    """Return `count` products: Instacart's, then 'pack of 6' variants of the first ones."""
    with (SHARED / "instacart_products.csv").open(encoding="utf-8-sig") as handle:
        base = [{"sku": f"IC-{r['product_id']}", "name": r["product_name"]} for r in csv.DictReader(handle)]
    products = list(base)
    for item in base:
        if len(products) >= count:
            break
        products.append({"sku": item["sku"] + "-6PK", "name": item["name"] + " (pack of 6)"})
    return products[:count]


def _post_bulk(port: int, payload: bytes) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("POST", "/_bulk?filter_path=errors,items.*.error",
                 body=payload, headers={"Content-Type": "application/x-ndjson"})
    response = conn.getresponse()
    body = json.loads(response.read())
    conn.close()
    if response.status >= 300 or body.get("errors"):
        first = next((i for i in body.get("items", []) if next(iter(i.values())).get("error")), body)
        raise RuntimeError(f"bulk failed ({response.status}): {json.dumps(first)[:500]}")


def index_catalogue(es, config: Config, stores: list[dict], products: list[dict]) -> None:
    """Write the tenant, its key, its stores and its products."""
    try:
        tenants.create_tenant(es, config, TENANT, "Benchmark", TenantSettings())
        tenants.create_key(es, config, TENANT, "publishable", plaintext=PUBLISHABLE)
    except Exception as exc:  # a --keep'd run: the tenant exists already
        print(f"  tenant: {exc}")
    stamp = datetime.now(UTC).isoformat()
    lines: list[str] = []
    for s in stores:
        doc = {"tenant": TENANT, "store_id": s["store_id"], "name": s["name"], "street": s["street"],
               "postcode": s["postcode"], "city": s["city"], "country": s["country"],
               "location": {"lat": s["lat"], "lon": s["lon"]}, "phone": "",
               "timezone": zone_at(s["lat"], s["lon"]) or "UTC", "opening_hours": s["opening_hours"],
               "services": s["services"], "status": "open",
               "search_text": fold(f"{s['name']} {s['city']} {s['postcode']}"), "demo": False,
               "updated_at": stamp}
        lines += [json.dumps({"index": {"_index": tenant_alias(config, "stores", TENANT),
                                        "_id": entity_id(TENANT, s["store_id"])}}), json.dumps(doc)]
    for p in products:
        doc = {"tenant": TENANT, "sku": p["sku"], "name": p["name"], "brand": "", "category": "",
               "search_text": fold(p["name"]), "demo": False, "updated_at": stamp}
        lines += [json.dumps({"index": {"_index": tenant_alias(config, "products", TENANT),
                                        "_id": entity_id(TENANT, p["sku"])}}), json.dumps(doc)]
    for start in range(0, len(lines), 10_000):
        _post_bulk(config.es_port, ("\n".join(lines[start:start + 10_000]) + "\n").encode())
    es.indices.refresh(index=f"{config.index_prefix}-*")


def _stock_chunks(config: Config, stores: list[dict], products: list[dict], chunk: int):
    """Yield NDJSON bulk bodies of simulated stock documents (formatted by hand: 2M+ of them)."""
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    alias = stock_alias(config, TENANT)
    stamp = now.isoformat()
    buffer: list[str] = []
    for s in stores:
        location = f'{{"lat":{s["lat"]},"lon":{s["lon"]}}}'
        area = area_of({"lat": s["lat"], "lon": s["lon"]})
        services = json.dumps(s["services"])
        for p in products:
            draw = rng.random()
            on_hand = 0 if draw < 0.15 else rng.randint(1, 3) if draw < 0.35 else rng.randint(4, 40)
            as_of = (now - timedelta(minutes=rng.randint(0, 48 * 60))).replace(microsecond=0).isoformat()
            doc_id = json.dumps(stock_id(TENANT, s["store_id"], p["sku"]))
            routing = stock_routing(p["sku"])
            buffer.append(f'{{"index":{{"_index":"{alias}","_id":{doc_id},"routing":"{routing}"}}}}')
            buffer.append(
                f'{{"tenant":"{TENANT}","store_id":{json.dumps(s["store_id"])},"sku":{json.dumps(p["sku"])},'
                f'"location":{location},"area":"{area}","store_status":"open","services":{services},"on_hand":{on_hand},'
                f'"as_of":"{as_of}","holds":[],"held":0,"demo":false,"simulated":true,'
                f'"updated_at":"{stamp}"}}')
            if len(buffer) >= 2 * chunk:
                yield ("\n".join(buffer) + "\n").encode()
                buffer = []
    if buffer:
        yield ("\n".join(buffer) + "\n").encode()


def index_stock(es, config: Config, stores: list[dict], products: list[dict]) -> int:
    """Bulk-load one stock document per (store, product) with two parallel senders."""
    alias = stock_alias(config, TENANT)
    es.indices.put_settings(index=alias, settings={"index": {"refresh_interval": "-1"}})
    total = len(stores) * len(products)
    started = time.monotonic()
    done = 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending = []
        for payload in _stock_chunks(config, stores, products, 5000):
            pending.append(pool.submit(_post_bulk, config.es_port, payload))
            if len(pending) >= 4:
                pending.pop(0).result()
                done += 5000
                if done % 250_000 < 5000:
                    rate = done / (time.monotonic() - started)
                    print(f"  {done:>9,} / {total:,} stock documents ({rate:,.0f}/s)", flush=True)
        for future in pending:
            future.result()
    es.indices.put_settings(index=alias, settings={"index": {"refresh_interval": "1s"}})
    es.indices.refresh(index=alias)
    print(f"  loaded {total:,} stock documents in {time.monotonic() - started:.0f} s; force-merging …",
          flush=True)
    es.options(request_timeout=1800).indices.forcemerge(index=alias, max_num_segments=1)
    count = es.count(index=alias)["count"]
    if count != total:
        raise RuntimeError(f"expected {total} stock documents, found {count}")
    return count


# --- load generation -----------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]


def request_points(stores: list[dict], count: int) -> list[tuple[float, float]]:
    rng = random.Random(SEED + 1)
    points = []
    for _ in range(count):
        s = rng.choice(stores)
        points.append((round(s["lat"] + rng.gauss(0, 0.2), 5), round(s["lon"] + rng.gauss(0, 0.2), 5)))
    return points


def calls_for(kind: str, config: Config, stores: list[dict], products: list[dict], count: int):
    """Return (api calls, raw Elasticsearch calls) for the same request sequence."""
    rng = random.Random(SEED + 2)
    api, raw = [], []
    key = {"X-Api-Key": PUBLISHABLE}
    json_headers = {"Content-Type": "application/json"}
    for lat, lon in request_points(stores, count):
        point = Point(lat, lon)
        if kind == "availability":
            sku = rng.choice(products)["sku"]
            api.append(Call("GET", "/v1/availability?" + urlencode({"sku": sku, "lat": lat, "lon": lon}),
                            None, key))
            body = stock_search_body(StockSearch((sku,), point, RADIUS_KM, 1), LIMIT + 1)
            routing = body.pop("routing")  # a URL parameter, as the client sends it
            raw.append(Call("POST", f"/{stock_alias(config, TENANT)}/_search?filter_path={HITS_FILTER_PATH}"
                                    f"&routing={routing}", json.dumps(body).encode(), json_headers))
        else:
            api.append(Call("GET", "/v1/stores?" + urlencode({"lat": lat, "lon": lon}), None, key))
            body = store_search_body(StoreSearch(TENANT, point, RADIUS_KM), LIMIT + 1)
            raw.append(Call("POST", f"/{index_name(config, 'stores')}/_search?filter_path={HITS_FILTER_PATH}",
                            json.dumps(body).encode(), json_headers))
    return api, raw


@dataclasses.dataclass
class Result:
    latencies_ms: list[float]
    seconds: float
    errors: int

    def summary(self) -> dict:
        lat = sorted(self.latencies_ms)
        q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) > 1 else lat * 99
        return {"requests": len(lat), "errors": self.errors, "p50_ms": q[49], "p95_ms": q[94],
                "p99_ms": q[98], "throughput_rps": len(lat) / self.seconds}


def run_load(port: int, calls: list[Call], users: int, seconds: float, warmup: float = 3.0) -> Result:
    """Closed loop: each user sends its next request when the previous answer arrived."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start_at = time.monotonic() + warmup
    stop_at = start_at + seconds

    def user(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        bad = 0
        i = index
        while True:
            call = calls[i % len(calls)]
            i += users
            begin = time.monotonic()
            if begin >= stop_at:
                break
            try:
                conn.request(call.method, call.path, body=call.body, headers=call.headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                ok = False
            end = time.monotonic()
            if begin >= start_at:
                if ok:
                    mine.append((end - begin) * 1000)
                else:
                    bad += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Result(latencies, seconds, errors[0])


# --- CPU accounting: what limits throughput -------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float:
    """Return the CPU seconds (user + system) a process has used; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def cpu_snapshot(es_pid: int | None, api_pid: int) -> dict[str, float]:
    """CPU seconds used so far by Elasticsearch, the gunicorn processes and this load generator."""
    return {
        "elasticsearch": _proc_cpu(es_pid) if es_pid else 0.0,
        "gunicorn": sum(_proc_cpu(p) for p in [api_pid, *_children(api_pid)]),
        "load_generator": time.process_time(),
    }


def cpu_share(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
    """Cores used by each part during a run (2.0 = both cores of this machine)."""
    return {k: round((after[k] - before[k]) / seconds, 2) for k in before}


# --- orchestration -------------------------------------------------------------------------

def start_gunicorn(app: str, env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    """Serve `app` with gunicorn.conf.py as shipped; return once /healthz answers 200."""
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), app],
                               cwd=ROOT, env=env, stdout=log_path.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"gunicorn ({app}) did not start:\n{log_path.read_text()[-2000:]}")


def start_api(config: Config, port: int, log_path: Path) -> subprocess.Popen:
    """Serve this service on `config`'s cluster, rate limits off."""
    env = {**os.environ, "ES_PORT": str(config.es_port), "INDEX_PREFIX": config.index_prefix,
           "PORT": str(port), "HOST": "127.0.0.1", "RATELIMIT_ENABLED": "false",
           "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING")}
    env.pop("ELASTICSEARCH_URL", None)
    if config.elasticsearch_url:
        env["ELASTICSEARCH_URL"] = config.elasticsearch_url
    return start_gunicorn("wsgi:app", env, port, log_path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="200 stores x 200 products, 5 s runs")
    parser.add_argument("--products", type=int, default=1500)
    parser.add_argument("--stores", type=int, default=None, help="default: all (1,565 Best Buy)")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per run")
    parser.add_argument("--users", default="1,8", help="concurrency levels, comma-separated")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the bench indices")
    parser.add_argument("--api-port", type=int, default=int(os.environ.get("BENCH_API_PORT", 8190)))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "search.json")
    args = parser.parse_args(argv)
    if args.small:
        args.stores, args.products, args.seconds = args.stores or 200, 200, 5.0

    config = Config.from_env(es_port=int(os.environ.get("BENCH_ES_PORT", 9290)), index_prefix="bench",
                             elasticsearch_url=None, elasticsearch_timeout=120.0, log_level="WARNING")
    node = LocalNode(config)
    started_node = node.start(echo=lambda m: print(f"  {m}"))
    es = make_client(config)
    server = None
    try:
        stores = load_stores(args.stores)
        products = load_products(args.products)
        expected = len(stores) * len(products)
        have = es.count(index=index_name(config, "stock"))["count"] if es.indices.exists_alias(
            name=index_name(config, "stock")) else 0
        if have != expected:
            print(f"Loading {len(stores):,} stores x {len(products):,} products = {expected:,} stock docs")
            indices.delete_all(es, config)
            indices.ensure_all(es, config)
            index_catalogue(es, config, stores, products)
            index_stock(es, config, stores, products)
        else:
            print(f"Reusing {have:,} stock documents under prefix {config.index_prefix!r}")
        log_path = ROOT / "bench" / "results" / "gunicorn-search.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        server = start_api(config, args.api_port, log_path)
        report: dict = {"stock_documents": expected, "stores": len(stores), "products": len(products),
                        "seconds_per_run": args.seconds, "runs": []}
        for kind in ("availability", "stores"):
            api_calls, raw_calls = calls_for(kind, config, stores, products, 20_000)
            for users in [int(u) for u in args.users.split(",")]:
                # The API first, then the raw query: the same sequence, the same caches warmed.
                before = cpu_snapshot(node.pid(), server.pid)
                started = time.monotonic()
                api = run_load(args.api_port, api_calls, users, args.seconds).summary()
                api["cores_used"] = cpu_share(before, cpu_snapshot(node.pid(), server.pid),
                                              time.monotonic() - started)
                before = cpu_snapshot(node.pid(), server.pid)
                started = time.monotonic()
                raw = run_load(config.es_port, raw_calls, users, args.seconds).summary()
                raw["cores_used"] = cpu_share(before, cpu_snapshot(node.pid(), server.pid),
                                              time.monotonic() - started)
                load = os.getloadavg()[0]
                report["runs"].append({"endpoint": kind, "users": users, "api": api, "raw": raw,
                                       "load_average_1min": load})
                print_run(kind, users, api, raw)
                print(f"  machine load average (1 min, every process on the machine): {load:.1f}")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        report["finished_at"] = datetime.now(UTC).isoformat()
        args.out.write_text(json.dumps(report, indent=2))
        print(f"\nResults written to {args.out.relative_to(ROOT)}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if not args.keep:
            indices.delete_all(es, config)
        es.close()
        if started_node and not args.keep:
            node.stop(echo=lambda m: print(f"  {m}"))
    return 0


def print_run(kind: str, users: int, api: dict, raw: dict) -> None:
    print(f"\n/v1/{kind}  ({users} concurrent user{'s' if users > 1 else ''})")
    print(f"  {'':14}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>9}{'errors':>8}")
    for name, r in (("API", api), ("raw ES query", raw)):
        print(f"  {name:14}{r['p50_ms']:9.2f}{r['p95_ms']:9.2f}{r['p99_ms']:9.2f}"
              f"{r['throughput_rps']:9.0f}{r['errors']:8d}")
    print(f"  {'API / raw':14}{api['p50_ms'] / raw['p50_ms']:9.2f}{api['p95_ms'] / raw['p95_ms']:9.2f}"
          f"{api['p99_ms'] / raw['p99_ms']:9.2f}{api['throughput_rps'] / raw['throughput_rps']:9.2f}")
    for name, r in (("API", api), ("raw ES query", raw)):
        used = ", ".join(f"{k} {v:.2f}" for k, v in r["cores_used"].items())
        print(f"  cores used during the {name} run: {used}")


if __name__ == "__main__":
    raise SystemExit(main())
