"""What a full stock load of a small tenant costs next to a large one, alone and at the same time.

    .venv/bin/python -m bench.bench_tenant_load --big 2000000    # the issue's size
    .venv/bin/python -m bench.bench_tenant_load --big 300000     # a few minutes on a busy machine

On a dedicated node (BENCH_TENANTS_ES_PORT, default 9294, started and stopped here unless one
runs there), index prefix `benchten`: two tenants with the same real stores and products (see
bench_index.py), a large one with `--big` stock rows and a small one with `--small` rows. Times
`locator index stock FILE --tenant … --full` (run as a command, wall clock) for: the large tenant
alone, the small tenant next to it, then both at once (the small one started a second after the
large one), and says whether each succeeded. Figures go to bench/results/tenant_load.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bench.bench_index import products_file, stock_file, stores_file
from indexer import aliases
from indexer.context import LoadOptions
from indexer.loader import load_file
from locator import indices
from locator.config import Config
from locator.es import index_name, make_client
from locator.localnode import LocalNode
from locator.tenants import service as tenants
from locator.tenants.settings import TenantSettings

RESULTS = Path(__file__).resolve().parent / "results"


def full_load(config: Config, tenant: str, stock: Path, work: Path) -> dict:
    """Run `locator index stock FILE --tenant T --full`; return seconds, exit status and summary."""
    env = {**os.environ, "ES_PORT": str(config.es_port), "INDEX_PREFIX": config.index_prefix,
           "ES_HOME": str(config.es_home)}
    command = [sys.executable, "-c", "from locator.cli.main import main; main()", "index", "stock",
               str(stock), "--tenant", tenant, "--full", "--no-progress",
               "--rejects", str(work / f"{tenant}.rejects.csv")]
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    output = (result.stdout + result.stderr).strip().splitlines()
    return {"seconds": round(seconds, 1), "exit": result.returncode, "output": output[-3:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=2_000_000, help="stock rows of the large tenant")
    parser.add_argument("--small", type=int, default=1_000, help="stock rows of the small tenant")
    args = parser.parse_args()

    config = replace(Config.from_env(), index_prefix="benchten", log_level="WARNING")
    node = None
    if config.uses_local_node:
        config = replace(config, es_port=int(os.environ.get("BENCH_TENANTS_ES_PORT", "9294")))
        node = LocalNode(config)
        if node.health() is None:
            print(f"starting a dedicated Elasticsearch node on port {config.es_port} …")
            node.start(echo=lambda m: None)
        else:
            node = None
    es = make_client(replace(config, elasticsearch_timeout=600))
    figures: dict = {"big_rows": args.big, "small_rows": args.small, "when": datetime.now(UTC).isoformat()}
    try:
        indices.delete_all(es, config)
        indices.ensure_all(es, config)
        with tempfile.TemporaryDirectory(prefix="bench-tenants-") as tmp:
            work = Path(tmp)
            products, _label, product_count = products_file(work)
            stores, _label = stores_file(work, -(-args.big // product_count) + 100)
            files = {}
            for tenant, rows in (("big", args.big), ("small", args.small)):
                tenants.create_tenant(es, config, tenant, tenant, TenantSettings())
                quiet = {"progress": False, "rejects_path": work / "catalogue.rejects"}
                for kind, path in (("stores", stores), ("products", products)):
                    load_file(es, config, kind, path, LoadOptions(tenant=tenant, **quiet),
                              echo=lambda m: None)
                es.indices.refresh(index=f"{config.index_prefix}-*")
                store_ids = sorted(h["_source"]["store_id"] for h in aliases.scan(
                    es, index_name(config, "stores"), {"term": {"tenant": tenant}}, source=["store_id"]))
                skus = sorted(h["_source"]["sku"] for h in aliases.scan(
                    es, index_name(config, "products"), {"term": {"tenant": tenant}}, source=["sku"]))
                target = work / tenant
                target.mkdir()
                files[tenant] = stock_file(target, store_ids, skus, rows)
            figures["big_alone"] = full_load(config, "big", files["big"], work)
            print("large tenant alone:", figures["big_alone"])
            figures["small_next_to_big"] = full_load(config, "small", files["small"], work)
            print("small tenant next to it:", figures["small_next_to_big"])
            together: dict = {}
            big = threading.Thread(target=lambda: together.update(
                big=full_load(config, "big", files["big"], work)))
            big.start()
            time.sleep(1)
            together["small"] = full_load(config, "small", files["small"], work)
            big.join()
            figures["both_at_once"] = together
            print("both at once:", together)
            es.indices.refresh(index=index_name(config, "stock"))
            figures["stock_documents"] = {t: es.count(index=index_name(config, "stock"),
                                                      query={"term": {"tenant": t}})["count"]
                                          for t in ("big", "small")}
            print("stock documents served:", figures["stock_documents"])
        figures["load_average"] = round(os.getloadavg()[0], 1)
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "tenant_load.json").write_text(json.dumps(figures, indent=2) + "\n")
    finally:
        indices.delete_all(es, config)
        es.close()
        if node is not None:
            node.stop(echo=lambda m: None)


if __name__ == "__main__":
    sys.exit(main())
