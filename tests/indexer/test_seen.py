"""The load's Bloom filter of ids sent: it never forgets a key, and rarely names a new one."""

from indexer.seen import SeenKeys


def test_a_key_added_is_always_seen_again_and_new_keys_rarely_are():
    seen = SeenKeys(bits=1 << 20)  # 64 KB for 50,000 keys: 21 bits a key
    keys = [f"acme|S{i % 97}|SKU-{i}" for i in range(50_000)]
    assert not any(seen.add(k) for k in keys[:1])
    for key in keys[1:]:
        seen.add(key)
    assert all(seen.add(k) for k in keys)
    false_alarms = sum(seen.add(f"other|{i}") for i in range(10_000))
    assert false_alarms < 100  # about 0.1 % expected at this size
