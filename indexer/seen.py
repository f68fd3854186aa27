"""Remember which keys a long load has written already, in a fixed few megabytes.

A full stock load streams millions of rows and must notice when a later row names a
(store, sku) an earlier row wrote, to decide between them before sending. A set of ids would
take hundreds of bytes per row; this Bloom filter takes 16 MB whatever the file and never misses
a key it was given. It may name a few it was not (about 0.1 % at 8 million keys): those rows are
only read back from the new index once more.
"""

from __future__ import annotations

import hashlib

BITS = 1 << 27  # 16 MB
HASHES = 7


class SeenKeys:
    """A Bloom filter of strings: `add` a key, then `key in seen` is True (or rarely a false alarm)."""

    def __init__(self, bits: int = BITS) -> None:
        self._bits = bytearray(bits // 8)
        self._size = bits

    def _probes(self, key: str) -> list[int]:
        digest = hashlib.blake2b(key.encode(), digest_size=16).digest()
        first = int.from_bytes(digest[:8], "little")
        step = int.from_bytes(digest[8:], "little") | 1
        return [(first + i * step) % self._size for i in range(HASHES)]

    def __contains__(self, key: str) -> bool:
        return all(self._bits[p >> 3] & (1 << (p & 7)) for p in self._probes(key))

    def add(self, key: str) -> None:
        """Remember `key`."""
        for p in self._probes(key):
            self._bits[p >> 3] |= 1 << (p & 7)
