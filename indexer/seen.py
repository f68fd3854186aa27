"""Remember which keys a long load has written already, in a fixed few megabytes.

A full stock load streams millions of rows and must notice when a later row names a
(store, sku) an earlier row wrote, to decide between them before sending. A set of ids would
take hundreds of bytes per row; this Bloom filter takes 16 MB whatever the file and never misses
a key it was given. It may name a few it was not (about 0.3 % at 8 million keys): those rows are
only read back from the new index once more.
"""

from __future__ import annotations

BITS = 1 << 27  # 16 MB
HASHES = 4


class SeenKeys:
    """A Bloom filter of strings: `add` a key and learn whether it may have been added before."""

    def __init__(self, bits: int = BITS) -> None:
        self._bits = bytearray(bits // 8)
        self._size = bits

    def add(self, key: str) -> bool:
        """Remember `key`; return True if it may have been added before (never False if it was)."""
        # Python's own string hash: salted per process, which is all one load needs, and cheap
        # (a full load passes every row through here).
        first, step, size, bits = hash(key), hash((key, 1)) | 1, self._size, self._bits
        seen = True
        for i in range(HASHES):
            p = (first + i * step) % size
            mask = 1 << (p & 7)
            if not bits[p >> 3] & mask:
                seen = False
                bits[p >> 3] |= mask
        return seen
