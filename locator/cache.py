"""The one in-memory cache of the code base: bounded, least recently used first out, thread-safe.

Entries may expire `ttl` seconds after they were stored (documents and keys, so that changes
and revocations show within a known delay); without a ttl they stay until pushed out (memos of
pure computations). Each process has its own caches: nothing here is shared between workers.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
MISSING = object()  # what `get` returns for an absent or expired key (None may be a value)


class Cache(Generic[K, V]):
    """At most `max_entries` values; the least recently used goes first when full."""

    def __init__(self, max_entries: int, ttl: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self.ttl = ttl
        self._clock = clock
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, default: object = MISSING) -> V | object:
        """Return the value stored for `key`, or `default` when absent or expired."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return default
            if self.ttl is not None and self._clock() >= entry[0]:
                del self._entries[key]
                return default
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: K, value: V) -> None:
        """Store `value` for `key`, pushing out the least recently used entry when full."""
        expires = self._clock() + self.ttl if self.ttl is not None else 0.0
        with self._lock:
            self._entries[key] = (expires, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
