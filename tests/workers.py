"""Helpers for tests that must see requests answered by more than one gunicorn worker."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from prometheus_client.mmap_dict import MmapedDict


def served_per_worker(metrics_dir: Path, endpoint: str) -> list[float]:
    """Return how many requests to `endpoint` each worker answered, from its metric file."""
    served = []
    for path in sorted(metrics_dir.glob("counter_*.db")):
        total = 0.0
        for key, value, _timestamp, _pos in MmapedDict.read_all_values_from_file(str(path)):
            _family, name, labels, _help = json.loads(key)
            if name == "locator_http_requests_total" and labels.get("endpoint") == endpoint:
                total += value
        served.append(total)
    return served


def spread_over_workers(call: Callable[[int], object], metrics_dir: Path, endpoint: str, *,
                        workers: int = 2, minimum: int = 1, rounds: int = 150,
                        since: list[float] | None = None) -> list:
    """Call in concurrent bursts until every worker has answered; return every result.

    With `since` (earlier `served_per_worker` figures), every worker must answer again.

    A worker that is still loading the application answers nothing, so bursts go on (a bounded
    number of times, pausing in between) until each of `workers` has answered some calls.
    """
    results: list = []
    with ThreadPoolExecutor(max_workers=6) as pool:
        for _ in range(rounds):
            results += pool.map(call, range(6))
            served = served_per_worker(metrics_dir, endpoint)
            baseline = since or [0.0] * workers
            if (len(results) >= minimum and len(served) == workers
                    and all(now > then for now, then in zip(served, baseline, strict=False))):
                return results
            time.sleep(0.2)
    raise AssertionError(f"calls did not reach {workers} workers: {served_per_worker(metrics_dir, endpoint)}")
