"""One object per process and deployment: the background threads and buffers of a worker.

Keyed by pid, so that a worker forked by gunicorn makes its own instead of using its parent's
(threads do not survive a fork), and by cluster and index prefix, so that one process serving
two configurations (tests) keeps them apart.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from locator.config import Config

T = TypeVar("T")


class PerProcess(Generic[T]):
    """Make `make(config)` once per process and deployment, on first use; thread-safe."""

    def __init__(self, make: Callable[[Config], T]) -> None:
        self._make = make
        self._made: dict[tuple[int, str, str], T] = {}
        self._lock = threading.Lock()

    def get(self, config: Config) -> T:
        key = (os.getpid(), config.es_url, config.index_prefix)
        made = self._made.get(key)
        if made is None:
            with self._lock:
                made = self._made.get(key)
                if made is None:
                    made = self._made[key] = self._make(config)
        return made
