from locator.cache import MISSING, Cache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_least_recently_used_goes_first():
    cache = Cache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the least recently used
    cache.put("c", 3)
    assert cache.get("b") is MISSING
    assert (cache.get("a"), cache.get("c"), len(cache)) == (1, 3, 2)


def test_entries_expire_after_ttl_and_none_is_a_value():
    clock = Clock()
    cache = Cache(10, ttl=5, clock=clock)
    cache.put("unknown key", None)
    clock.now = 4.9
    assert cache.get("unknown key") is None
    clock.now = 5.0
    assert cache.get("unknown key") is MISSING
    assert cache.get("unknown key", "default") == "default"


def test_put_refreshes_and_clear_forgets():
    clock = Clock()
    cache = Cache(10, ttl=5, clock=clock)
    cache.put("k", 1)
    clock.now = 4
    cache.put("k", 2)
    clock.now = 8
    assert cache.get("k") == 2
    cache.clear()
    assert cache.get("k") is MISSING and len(cache) == 0
