#!/usr/bin/env bash
# `make bench`: every benchmark, one after the other (each starts and removes what it needs and
# prints its own figures; JSON copies land in bench/results/).
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
echo "== indexing: locator index stock vs raw _bulk"
$py -m bench.bench_index
echo "== search: /v1/availability and /v1/stores vs raw queries"
$py bench/bench_search.py
echo "== click & reserve and stock updates vs raw writes"
$py bench/bench_reservations.py
