"""Availability on one node and on a three-node cluster, same data, same requests, same run.

    .venv/bin/python -m bench.bench_cluster              # ~2 million stock documents
    .venv/bin/python -m bench.bench_cluster --small      # 200 stores x 200 products, quick look
    .venv/bin/python -m bench.bench_cluster --stores 3452 --products 2318   # ~8 million

What it does: starts a dedicated single node (BENCH_SINGLE_PORT, default 9265) and a dedicated
three-node cluster (BENCH_CLUSTER_PORTS, default 9266-9268; 512 MB of heap per node, like the
single one), unless they run already; loads into each, under the prefix `bench-cluster`, the
data of `bench_search.py` (real Best Buy stores x Instacart products, simulated counts, seed
20261125), with the service's index settings (one shard per index; one replica on the
cluster); serves the API under gunicorn on each in turn; sends the same seeded availability
requests (a random product near a random store) to the API and to the raw Elasticsearch query,
at 1 and 8 concurrent users; prints p50 / p95 / p99 and throughput. Stops what it started and
deletes the indices (unless --keep).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import datasets
from bench.bench_search import (
    calls_for,
    index_catalogue,
    index_stock,
    load_products,
    load_stores,
    run_load,
    start_api,
)
from locator import indices
from locator.config import Config
from locator.es import index_name, make_client
from locator.localcluster import LocalCluster
from locator.localnode import LocalNode

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "bench-cluster"




def _load(config: Config, stores: list[dict], products: list[dict]) -> None:
    es = make_client(config)
    indices.delete_all(es, config)
    indices.ensure_all(es, config)
    es.cluster.health(index=f"{config.index_prefix}-*", wait_for_status="green", timeout="120s")
    started = time.monotonic()
    index_catalogue(es, config, stores, products)
    index_stock(es, config, stores, products)
    es.cluster.health(index=f"{config.index_prefix}-*", wait_for_status="green", timeout="600s")
    print(f"  loaded and green in {time.monotonic() - started:.0f} s")
    es.close()


def _layout(config: Config) -> str:
    es = make_client(config)
    shards = es.cat.shards(index=index_name(config, "stock"), format="json", h="shard,prirep,node,docs")
    es.close()
    return ", ".join(f"shard {s['shard']} {'primary' if s['prirep'] == 'p' else 'replica'} on {s['node']}"
                     for s in shards)


def _measure(name: str, config: Config, stores, products, args) -> list[dict]:
    log_path = ROOT / "bench" / "results" / f"gunicorn-cluster-{name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    server = start_api(config, args.api_port, log_path)
    runs = []
    try:
        api_calls, raw_calls = calls_for("availability", config, stores, products, 20_000)
        for users in [int(u) for u in args.users.split(",")]:
            api = run_load(args.api_port, api_calls, users, args.seconds).summary()
            raw = run_load(config.es_port, raw_calls, users, args.seconds).summary()
            runs.append({"setup": name, "users": users, "api": api, "raw": raw,
                         "load_average_1min": os.getloadavg()[0]})
            print(f"  {name:8} {users} user(s): API p50 {api['p50_ms']:.2f} p95 {api['p95_ms']:.2f} "
                  f"p99 {api['p99_ms']:.2f} ms {api['throughput_rps']:.0f} req/s ({api['errors']} errors); "
                  f"raw p50 {raw['p50_ms']:.2f} p95 {raw['p95_ms']:.2f} ms "
                  f"{raw['throughput_rps']:.0f} req/s; load {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="200 stores x 200 products, 5 s runs")
    parser.add_argument("--products", type=int, default=1300, help="x 1,565 stores: ~2 million docs")
    parser.add_argument("--stores", type=int, default=None,
                        help="default: the 1,565 real ones; more adds copies within about 2 km of real ones")
    parser.add_argument("--seconds", type=float, default=15.0, help="measured seconds per run")
    parser.add_argument("--users", default="1,8")
    parser.add_argument("--keep", action="store_true", help="keep the nodes and indices")
    parser.add_argument("--api-port", type=int, default=int(os.environ.get("BENCH_API_PORT", 8191)))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "cluster.json")
    args = parser.parse_args(argv)
    if args.small:
        args.stores, args.products, args.seconds = args.stores or 200, 200, 5.0

    base = Config.from_env(index_prefix=PREFIX, es_heap="512m", elasticsearch_url=None,
                           elasticsearch_timeout=120.0, log_level="WARNING")
    single = LocalNode(dataclasses.replace(base, es_port=int(os.environ.get("BENCH_SINGLE_PORT", 9265))))
    ports = tuple(int(p) for p in os.environ.get("BENCH_CLUSTER_PORTS", "9266,9267,9268").split(","))
    cluster = LocalCluster(base, ports)
    started_single = single.start(echo=lambda m: print(f"  {m}"))
    started_cluster = not all(node.pid() for node in cluster.nodes)
    cluster.start(echo=lambda m: print(f"  {m}"))
    setups = {"1 node": single.config,
              "3 nodes": dataclasses.replace(base, es_port=ports[0], elasticsearch_url=cluster.url)}
    stores, products = load_stores(args.stores), load_products(args.products)
    if args.stores and args.stores > len(stores):  # more stores than the real ones: copies near them
        stores = datasets.scaled(stores, args.stores)
    report: dict = {"stock_documents": len(stores) * len(products), "seconds_per_run": args.seconds,
                    "layout": {}, "runs": []}
    try:
        for name, config in setups.items():
            print(f"{name}: loading {len(stores):,} stores x {len(products):,} products "
                  f"= {len(stores) * len(products):,} stock documents", flush=True)
            _load(config, stores, products)
            report["layout"][name] = _layout(config)
            print(f"  stock index: {report['layout'][name]}")
        for name, config in setups.items():
            report["runs"] += _measure(name, config, stores, products, args)
        report["finished_at"] = datetime.now(UTC).isoformat()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2))
        print(f"Results written to {args.out}")
    finally:
        if not args.keep:
            for config in setups.values():
                es = make_client(config)
                indices.delete_all(es, config)
                es.close()
            if started_cluster:
                cluster.stop(echo=lambda m: print(f"  {m}"))
                cluster.wipe()
            if started_single:
                single.stop(echo=lambda m: print(f"  {m}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
