"""Side by side: this service against the PostGIS locator a competent team would write instead.

    make bench-peer                                  # Starbucks (all countries) x 100 products
    .venv/bin/python -m bench.bench_peer --small     # 2,000 stores x 20 products, a quick look
    .venv/bin/python -m bench.bench_peer --dataset bestbuy      # 1,565 Best Buy stores x 1,500
    .venv/bin/python -m bench.bench_peer --growth 0.5,2,8       # availability at 0.5, 2, 8 M docs

What it does:
1. starts the dedicated bench Elasticsearch node (BENCH_ES_PORT, default 9290, as bench_search)
   and a private PostgreSQL + PostGIS cluster (scripts/postgres.sh: BENCH_PG_PORT, default 5490,
   folder .locator/bench-pg-PORT), installing Debian's postgresql/postgis when missing;
2. writes the input files in the service's documented formats (bench/datasets.py) and loads
   them through each side's normal loader: `locator index stores|products|stock FILE --full`
   (index prefix `benchpeer`), and `python -m bench.peer.load` (COPY) for the peer;
3. serves both under gunicorn with gunicorn.conf.py as shipped (2 workers x 4 threads here;
   rate limits off for the service);
4. checks that both answer the same stores in the same order (and the same fields) for a
   sample of requests, before timing anything;
5. runs wrk (bench/wrk/requests.lua: the same seeded request list for every side) at 1
   connection, then 8, alternating service / peer / raw Elasticsearch query, twice (A/B/A/B),
   reading CPU from /proc for each process group around every run;
6. prints p50, p99, throughput, CPU per request and the ratios; JSON in bench/results/.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from bench import datasets
from bench.bench_search import (
    PUBLISHABLE,
    RADIUS_KM,
    TENANT,
    _children,
    _proc_cpu,
    calls_for,
    start_api,
    start_gunicorn,
)
from locator import indices
from locator.config import Config
from locator.es import index_name, make_client
from locator.localnode import LocalNode
from locator.tenants import service as tenants
from locator.tenants.settings import TenantSettings

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "wrk" / "requests.lua"
PG_PORT = int(os.environ.get("BENCH_PG_PORT", 5490))
PG_DIR = Path(os.environ.get("BENCH_PG_DIR", ROOT / ".locator" / f"bench-pg-{PG_PORT}"))
PEER_DB = "peer"
DSN = f"host=127.0.0.1 port={PG_PORT} user=postgres dbname={PEER_DB}"
KEY_HEADER = f"X-Api-Key: {PUBLISHABLE}"
SIDES = ("service", "peer", "raw_es")
GROUPS = ("api", "elasticsearch", "peer", "postgres", "wrk")
TOLERANCE_KM = 0.002  # Elasticsearch sorts on quantised doc values (about 1 cm), rounded to 1 m


# --- processes and their CPU ----------------------------------------------------------------

def tree(pid: int) -> list[int]:
    """Return a process and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += _children(p)
    return out


def cpu_seconds(roots: dict[str, int | None]) -> dict[str, float]:
    """CPU seconds (user + system, every thread) used so far by each process group."""
    snap = {name: sum(_proc_cpu(p) for p in tree(pid)) if pid else 0.0 for name, pid in roots.items()}
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it has been waited for
    snap["wrk"] = usage.ru_utime + usage.ru_stime
    return snap


def postmaster_pid() -> int | None:
    try:
        return int((PG_DIR / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def es_route_counts(port: int) -> dict[str, int]:
    """Requests the node has received per REST route (its own stats calls left out)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/_nodes/stats/http?filter_path=nodes.*.http.routes.*.requests.count")
    body = json.loads(conn.getresponse().read())
    conn.close()
    counts: dict[str, int] = {}
    for node in body.get("nodes", {}).values():
        for route, stats in node["http"].get("routes", {}).items():
            if not route.startswith("/_nodes"):
                counts[route] = counts.get(route, 0) + stats["requests"]["count"]
    return counts


def wait_for_merges(es, timeout: float = 900) -> None:
    """Let the node finish the merges a load left running (they would cost the first runs)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stats = es.nodes.stats(metric="indices", index_metric="merge")
        if all(n["indices"]["merges"]["current"] == 0 for n in stats["nodes"].values()):
            return
        time.sleep(2)


# --- loading --------------------------------------------------------------------------------

def run(command: list[str], env: dict | None = None, ok_codes: tuple[int, ...] = (0,)) -> float:
    """Run a loader as a user would; return its wall-clock seconds."""
    started = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    lines = [x for x in (result.stdout + "\n" + result.stderr).splitlines() if x.strip()]
    if lines:
        print("    " + "\n    ".join(lines[-8:]))
    if result.returncode not in ok_codes:
        raise SystemExit(f"{' '.join(command[:4])} … failed ({result.returncode})")
    return elapsed


ADMIN_DSN = f"host=127.0.0.1 port={PG_PORT} user=postgres dbname=postgres"


def ensure_peer_database() -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PEER_DB,)).fetchone():
            c.execute(f"CREATE DATABASE {PEER_DB}")


def load_both(es, config: Config, work: Path, stores: list[dict], products: list[dict],
              carried: float) -> dict:
    """Write the input files and load them into both sides through their normal loaders."""
    files = {"stores": work / "stores.csv", "products": work / "products.csv", "stock": work / "stock.csv"}
    datasets.write_stores(files["stores"], stores)
    datasets.write_products(files["products"], products)
    rows = datasets.write_stock(files["stock"], stores, products, carried)
    print(f"  input files: {len(stores):,} stores, {len(products):,} products, {rows:,} stock rows "
          f"({carried:.0%} of the pairs carried)")
    seconds: dict[str, dict[str, float]] = {"service": {}, "peer": {}}
    indices.delete_all(es, config)
    indices.ensure_all(es, config)
    tenants.create_tenant(es, config, TENANT, "Benchmark", TenantSettings())
    tenants.create_key(es, config, TENANT, "publishable", plaintext=PUBLISHABLE)
    env = {**os.environ, "ES_PORT": str(config.es_port), "INDEX_PREFIX": config.index_prefix,
           "ES_HOME": str(config.es_home), "LOG_LEVEL": "WARNING"}
    env.pop("ELASTICSEARCH_URL", None)
    for kind, path in files.items():
        print(f"  locator index {kind} --full:")
        seconds["service"][kind] = run([str(ROOT / ".venv" / "bin" / "locator"), "index", kind, str(path),
                                        "--tenant", TENANT, "--full", "--no-progress",
                                        "--rejects", str(work / f"{kind}.rejects.csv")], env)
    es.indices.refresh(index=f"{config.index_prefix}-*")
    wait_for_merges(es)
    peer = [sys.executable, "-m", "bench.peer.load", "--dsn", DSN]
    run([*peer, "setup"])
    run([*peer, "tenant", TENANT, "--key", PUBLISHABLE])
    for kind, path in files.items():
        print(f"  peer load {kind}:")
        seconds["peer"][kind] = run([*peer, kind, str(path), "--tenant", TENANT])
    count = es.count(index=index_name(config, "stock"))["count"]
    with psycopg.connect(DSN) as conn:
        peer_count = conn.execute("SELECT count(*) FROM stock WHERE tenant = %s", (TENANT,)).fetchone()[0]
    if count != rows or peer_count != rows:
        raise SystemExit(f"stock rows: file {rows:,}, service {count:,}, peer {peer_count:,}")
    return {"stores": len(stores), "products": len(products), "stock_documents": rows,
            "load_seconds": seconds}


# --- serving --------------------------------------------------------------------------------

def start_peer(port: int, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "PEER_DSN": DSN, "PORT": str(port), "HOST": "127.0.0.1",
           "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING")}
    return start_gunicorn("bench.peer.wsgi:app", env, port, log_path)


def stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        process.wait(timeout=30)


class Servers:
    """Both gunicorn servers, started fresh (cold caches on both sides) for each data set."""

    def __init__(self, config: Config, api_port: int, peer_port: int) -> None:
        self.config, self.api_port, self.peer_port = config, api_port, peer_port
        self.api = self.peer = None

    def start(self) -> None:
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.api = start_api(self.config, self.api_port, RESULTS / "gunicorn-peer-service.log")
        self.peer = start_peer(self.peer_port, RESULTS / "gunicorn-peer-peer.log")

    def stop(self) -> None:
        stop(self.api)
        stop(self.peer)
        self.api = self.peer = None


# --- the same answers -----------------------------------------------------------------------

def _get(port: int, path: str) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"X-Api-Key": PUBLISHABLE})
    response = conn.getresponse()
    body = json.loads(response.read())
    conn.close()
    return response.status, body


def _diff(a, b, where: str, out: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key == "next_cursor":  # opaque: only whether there is a next page must agree
                if (a.get(key) is None) != (b.get(key) is None):
                    out.append(f"{where}.next_cursor: {a.get(key)!r} vs {b.get(key)!r}")
            elif key not in a or key not in b:
                out.append(f"{where}.{key}: only in {'service' if key in a else 'peer'}")
            else:
                _diff(a[key], b[key], f"{where}.{key}", out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _diff(x, y, f"{where}[{i}]", out)
    elif (isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool)
          and where.endswith("distance_km")):
        if abs(a - b) > TOLERANCE_KM:
            out.append(f"{where}: {a} vs {b}")
    elif a != b:
        out.append(f"{where}: {a!r} vs {b!r}")


def _store_of(item: dict) -> dict:
    return item.get("store", item)


def compare_answers(kind: str, paths: list[str], api_port: int, peer_port: int) -> dict:
    """Ask both sides the same requests; return counts of identical, tie-reordered and differing ones."""
    report = {"requests": 0, "identical": 0, "ties_reordered": 0, "boundary": 0, "different": 0,
              "results_compared": 0, "examples": []}
    for path in paths:
        status_a, a = _get(api_port, path)
        status_b, b = _get(peer_port, path)
        report["requests"] += 1
        diffs: list[str] = []
        if status_a != status_b or status_a != 200:
            diffs.append(f"status {status_a} vs {status_b}")
        ra, rb = a.get("results", []), b.get("results", [])
        ids_a = [_store_of(x)["id"] for x in ra]
        ids_b = [_store_of(x)["id"] for x in rb]
        report["results_compared"] += len(ra)
        note = None
        if ids_a != ids_b:
            da = [x["distance_km"] for x in ra]
            db = [x["distance_km"] for x in rb]
            if sorted(ids_a) == sorted(ids_b) and all(abs(x - y) <= TOLERANCE_KM for x, y in zip(da, db,
                                                                                                   strict=True)):
                note = "ties_reordered"  # distances equal within the node's quantisation
                rb = sorted(rb, key=lambda x: ids_a.index(_store_of(x)["id"]))
            elif (len(ids_a) == len(ids_b) and ids_a[:-1] == ids_b[:-1]
                  and min(da[-1], db[-1]) >= RADIUS_KM - TOLERANCE_KM):
                note = "boundary"  # the last store sits on the radius itself
                ra, rb = ra[:-1], rb[:-1]
            else:
                diffs.append(f"store ids {ids_a} vs {ids_b}")
        if not diffs:
            _diff({**a, "results": ra}, {**b, "results": rb}, "body", diffs)
        if diffs:
            report["different"] += 1
            if len(report["examples"]) < 5:
                report["examples"].append({"path": path, "differences": diffs[:10]})
        elif note:
            report[note] += 1
        else:
            report["identical"] += 1
    return report


# --- timing ---------------------------------------------------------------------------------

def write_requests(path: Path, calls) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for call in calls:
            body = call.body.decode() if call.body else ""
            handle.write(f"{call.method}\t{call.path}\t{body}\n")
    return path


def wrk(port: int, requests_file: Path, connections: int, seconds: float, headers: list[str]) -> dict:
    threads = 1 if connections == 1 else 2
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "10s",
               "-s", str(LUA), f"http://127.0.0.1:{port}", "--", str(requests_file), *headers]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    line = next((x for x in result.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stdout[-1500:]} "
                           f"{result.stderr[-1500:]}")
    return json.loads(line.removeprefix("WRK_JSON "))


def measure(port: int, requests_file: Path, headers: list[str], connections: int, seconds: float,
            warmup: float, roots: dict[str, int | None], es_port: int) -> dict:
    """One wrk run after a warm-up one: latency, throughput, CPU per request, ES requests per request."""
    if warmup > 0:
        wrk(port, requests_file, connections, warmup, headers)
    routes_before = es_route_counts(es_port)
    before = cpu_seconds(roots)
    started = time.monotonic()
    out = wrk(port, requests_file, connections, seconds, headers)
    elapsed = time.monotonic() - started
    after = cpu_seconds(roots)
    routes_after = es_route_counts(es_port)
    done = max(out["requests"], 1)
    errors = sum(out["errors"].values())
    es_calls = {r: (routes_after.get(r, 0) - routes_before.get(r, 0)) / done for r in routes_after
                if routes_after.get(r, 0) != routes_before.get(r, 0)}
    return {
        "requests": out["requests"], "errors": errors, "error_detail": out["errors"],
        "p50_ms": out["latency_us"]["p50"] / 1000, "p90_ms": out["latency_us"]["p90"] / 1000,
        "p99_ms": out["latency_us"]["p99"] / 1000, "max_ms": out["latency_us"]["max"] / 1000,
        "rps": out["requests"] / (out["duration_us"] / 1e6),
        "cpu_ms_per_request": {g: (after[g] - before[g]) * 1000 / done for g in GROUPS},
        "cores_used": {g: (after[g] - before[g]) / elapsed for g in GROUPS},
        "es_requests_per_request": es_calls, "load_average": os.getloadavg()[0],
    }


def combine(runs: list[dict]) -> dict:
    """One figure per side from its rounds: mean of the p50/p99s, overall rate and CPU per request."""
    total = sum(r["requests"] for r in runs)
    seconds = sum(r["requests"] / r["rps"] for r in runs if r["rps"])
    es_calls: dict[str, float] = {}
    for r in runs:
        for route, per in r["es_requests_per_request"].items():
            es_calls[route] = es_calls.get(route, 0) + per * r["requests"] / total
    return {
        "p50_ms": statistics.mean(r["p50_ms"] for r in runs),
        "p99_ms": statistics.mean(r["p99_ms"] for r in runs),
        "p50_ms_rounds": [round(r["p50_ms"], 3) for r in runs], "rps": total / seconds if seconds else 0.0,
        "requests": total, "errors": sum(r["errors"] for r in runs),
        "cpu_ms_per_request": {g: sum(r["cpu_ms_per_request"][g] * r["requests"] for r in runs) / total
                               for g in GROUPS},
        "es_requests_per_request": es_calls,
        "load_average": [round(r["load_average"], 1) for r in runs],
    }


def warm_up(files: dict[str, Path], servers: Servers, es_port: int, args) -> None:
    """Run every side once, unmeasured, before the first timed round.

    A fresh node compiles its search code on first use: without this pass the JIT's work fell
    on whichever side ran first (the service), a few hundred ms of CPU in its first round.
    """
    if args.first_warmup <= 0:
        return
    print(f"  warm-up: {args.first_warmup:g} s per endpoint and side, 8 connections, unmeasured", flush=True)
    for kind in args.endpoints:
        for port, path, headers in targets(kind, files, servers, es_port).values():
            wrk(port, path, 8, args.first_warmup, headers)


def targets(kind: str, files: dict[str, Path], servers: Servers, es_port: int) -> dict[str, tuple]:
    """Return each side's (port, request file, headers) for one endpoint."""
    return {"service": (servers.api_port, files[f"{kind}-api"], [KEY_HEADER]),
            "peer": (servers.peer_port, files[f"{kind}-api"], [KEY_HEADER]),
            "raw_es": (es_port, files[f"{kind}-raw"], ["Content-Type: application/json"])}


def time_endpoint(kind: str, files: dict[str, Path], servers: Servers, es_port: int,
                  connections: int, args) -> dict:
    roots = {"api": servers.api.pid, "elasticsearch": LocalNode(servers.config).pid(),
             "peer": servers.peer.pid, "postgres": postmaster_pid()}
    sides = targets(kind, files, servers, es_port)
    runs: dict[str, list[dict]] = {side: [] for side in SIDES}
    for round_no in range(args.rounds):
        for side in SIDES:  # A/B/A/B: each round runs every side once, in the same order
            port, path, headers = sides[side]
            result = measure(port, path, headers, connections, args.seconds, args.warmup, roots, es_port)
            if result["errors"]:
                print(f"    {side}: {result['errors']} errors {result['error_detail']}")
            print(f"    round {round_no + 1} {side:8} p50 {result['p50_ms']:7.2f} ms  "
                  f"p99 {result['p99_ms']:7.2f} ms  {result['rps']:7.0f} req/s  "
                  f"(load {result['load_average']:.1f})", flush=True)
            runs[side].append(result)
    return {"endpoint": kind, "connections": connections, "runs": runs,
            **{side: combine(runs[side]) for side in SIDES}}


# --- printing -------------------------------------------------------------------------------

def print_table(results: list[dict]) -> None:
    cpu_cols = [("api", "svc py"), ("elasticsearch", "ES"), ("peer", "peer py"), ("postgres", "PG"),
                ("wrk", "wrk")]
    print(f"\n{'endpoint':18}{'conn':>5} {'side':8}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>8}  CPU ms/request: "
          + "".join(f"{label:>8}" for _, label in cpu_cols) + f"{'ES req/req':>11}")
    for r in results:
        for side in SIDES:
            s = r[side]
            calls = sum(s["es_requests_per_request"].values())
            cpu = "".join(f"{s['cpu_ms_per_request'][g]:8.2f}" for g, _ in cpu_cols)
            print(f"{'/v1/' + r['endpoint']:18}{r['connections']:>5} {side:8}{s['p50_ms']:9.2f}"
                  f"{s['p99_ms']:9.2f}{s['rps']:8.0f}  {'':15}{cpu}{calls:11.2f}")
        svc, peer, raw = r["service"], r["peer"], r["raw_es"]
        svc_cpu = svc["cpu_ms_per_request"]["api"] + svc["cpu_ms_per_request"]["elasticsearch"]
        peer_cpu = peer["cpu_ms_per_request"]["peer"] + peer["cpu_ms_per_request"]["postgres"]
        print(f"{'':24}service/peer: p50 {svc['p50_ms'] / peer['p50_ms']:.2f}x, p99 "
              f"{svc['p99_ms'] / peer['p99_ms']:.2f}x, throughput {svc['rps'] / peer['rps']:.2f}x;"
              f"  service/raw ES p50 {svc['p50_ms'] / raw['p50_ms']:.2f}x;  CPU per request "
              f"service (py+ES) {svc_cpu:.2f} ms vs peer (py+PG) {peer_cpu:.2f} ms")
    print("\nES req/req: requests Elasticsearch received per request during the run (by route in the JSON); "
          "CPU from /proc (user + system) of each process group, divided by the run's requests.")


# --- orchestration --------------------------------------------------------------------------

def comparison(es, config, servers: Servers, work: Path, stores, products, carried, args, es_port) -> dict:
    data = load_both(es, config, work, stores, products, carried)
    servers.start()
    try:
        files, checks, results = {}, {}, []
        for kind in args.endpoints:
            api_calls, raw_calls = calls_for(kind, config, stores, products, 20_000)
            files[f"{kind}-api"] = write_requests(work / f"{kind}-api.tsv", api_calls)
            files[f"{kind}-raw"] = write_requests(work / f"{kind}-raw.tsv", raw_calls)
            step = max(1, len(api_calls) // args.check)
            sample = [c.path for c in api_calls[::step]][:args.check]
            checks[kind] = compare_answers(kind, sample, servers.api_port, servers.peer_port)
            c = checks[kind]
            print(f"  same answers, /v1/{kind}: {c['identical']} identical, {c['ties_reordered']} with ties "
                  f"reordered, {c['boundary']} differing on the radius, {c['different']} different "
                  f"(of {c['requests']} requests, {c['results_compared']} results)")
            for example in c["examples"]:
                print(f"    {example['path']}\n      " + "\n      ".join(example["differences"]))
        if any(c["different"] for c in checks.values()):
            raise SystemExit("The two sides do not answer the same: nothing timed.")
        warm_up(files, servers, es_port, args)
        for kind in args.endpoints:
            for connections in args.connections:
                print(f"  timing /v1/{kind} at {connections} connection(s):", flush=True)
                results.append(time_endpoint(kind, files, servers, es_port, connections, args))
    finally:
        servers.stop()
    return {**data, "checks": checks, "results": results}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["starbucks", "bestbuy"], default="starbucks")
    parser.add_argument("--small", action="store_true", help="2,000 stores x 20 products, 5 s runs")
    parser.add_argument("--stores", type=int, default=None, help="default: every store of the dataset")
    parser.add_argument("--products", type=int, default=None,
                        help="default: 100 (starbucks), 1,500 (bestbuy)")
    parser.add_argument("--carried", type=float, default=None,
                        help="share of (store, product) pairs stocked; default 0.8 (starbucks), 1 (bestbuy)")
    parser.add_argument("--growth", default=None, metavar="MILLIONS",
                        help="instead: availability at these stock sizes, e.g. 0.5,2,8 (more stores)")
    parser.add_argument("--seconds", type=float, default=15.0, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each run")
    parser.add_argument("--first-warmup", type=float, default=10.0,
                        help="unmeasured seconds per endpoint and side before the first round")
    parser.add_argument("--rounds", type=int, default=2, help="A/B rounds per endpoint and concurrency")
    parser.add_argument("--connections", default=None, help="default 1,8 (growth: 1)")
    parser.add_argument("--check", type=int, default=50, help="requests compared before timing")
    parser.add_argument("--keep", action="store_true", help="keep the indices, tables and running nodes")
    parser.add_argument("--api-port", type=int, default=int(os.environ.get("BENCH_API_PORT", 8191)))
    parser.add_argument("--peer-port", type=int, default=int(os.environ.get("BENCH_PEER_PORT", 8192)))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    defaults = {"starbucks": (100, 0.8), "bestbuy": (1500, 1.0)}[args.dataset]
    args.products = args.products or (20 if args.small else defaults[0])
    args.carried = defaults[1] if args.carried is None else args.carried
    if args.small:
        args.stores, args.seconds = args.stores or 2000, min(args.seconds, 5.0)
    args.connections = [int(c) for c in (args.connections or ("1" if args.growth else "1,8")).split(",")]
    args.endpoints = ["availability"] if args.growth else ["availability", "stores"]
    name = "peer-growth" if args.growth else f"peer-{args.dataset}{'-small' if args.small else ''}"
    out = args.out or RESULTS / f"{name}.json"

    es_port = int(os.environ.get("BENCH_ES_PORT", 9290))
    config = Config.from_env(es_port=es_port, index_prefix="benchpeer", elasticsearch_url=None,
                             elasticsearch_timeout=600.0, log_level="WARNING")
    node = LocalNode(config)
    started_node = node.start(echo=lambda m: print(f"  {m}"))
    subprocess.run([str(ROOT / "scripts" / "postgres.sh"), "start", str(PG_PORT)], check=True)
    ensure_peer_database()
    es = make_client(config)
    servers = Servers(config, args.api_port, args.peer_port)
    report: dict = {"dataset": args.dataset, "started_at": datetime.now(UTC).isoformat(),
                    "uptime_before": Path("/proc/loadavg").read_text().strip(),
                    "seconds_per_run": args.seconds, "rounds": args.rounds, "cpus": os.cpu_count()}
    try:
        real = datasets.stores_for(args.dataset)
        products = datasets.load_products(args.products)
        with tempfile.TemporaryDirectory(prefix="bench-peer-") as tmp:
            work = Path(tmp)
            if args.growth:
                report["growth"] = []
                for millions in [float(m) for m in args.growth.split(",")]:
                    count = math.ceil(millions * 1e6 / (len(products) * args.carried))
                    stores = datasets.scaled(real, count)
                    print(f"\n== {millions:g} million stock documents: {len(stores):,} stores "
                          f"({min(len(stores), len(real)):,} real) x {len(products)} products", flush=True)
                    step = comparison(es, config, servers, work, stores, products, args.carried, args,
                                      es_port)
                    report["growth"].append(step)
                    print_table(step["results"])
            else:
                stores = real if args.stores is None else datasets.scaled(real, args.stores)
                print(f"== {args.dataset}: {len(stores):,} stores x {len(products)} products", flush=True)
                report.update(comparison(es, config, servers, work, stores, products, args.carried, args,
                                         es_port))
                print_table(report["results"])
        if args.growth:
            print("\nGrowth: /v1/availability p50 ms at 1 connection (service / peer / raw ES query)")
            for step in report["growth"]:
                r = next(x for x in step["results"] if x["connections"] == args.connections[0])
                print(f"  {step['stock_documents']:>10,} docs ({step['stores']:,} stores): "
                      f"{r['service']['p50_ms']:.2f} / {r['peer']['p50_ms']:.2f} / "
                      f"{r['raw_es']['p50_ms']:.2f}")
        report["uptime_after"] = Path("/proc/loadavg").read_text().strip()
        report["finished_at"] = datetime.now(UTC).isoformat()
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nload average before / after: {report['uptime_before']} / {report['uptime_after']} "
              f"({os.cpu_count()} CPUs)\nResults written to {out}")
    finally:
        servers.stop()
        if not args.keep:
            indices.delete_all(es, config)
            with psycopg.connect(ADMIN_DSN, autocommit=True) as c:
                c.execute(f"DROP DATABASE IF EXISTS {PEER_DB}")
            subprocess.run([str(ROOT / "scripts" / "postgres.sh"), "stop", str(PG_PORT)], check=False)
        es.close()
        if started_node and not args.keep:
            node.stop(echo=lambda m: print(f"  {m}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
