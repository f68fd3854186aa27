"""The per-worker store table against the real node: loaded once, refreshed from changes."""

from datetime import UTC, datetime, timedelta

from elasticsearch import helpers

from locator.geo import Point
from locator.indices import tenant_alias
from locator.mappings import entity_id
from locator.stores.queries import STORE_SOURCE
from locator.stores.table import StoreTable
from tests.factories import seed, store_doc


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class CountingClient:
    """The real client, counting the requests a table makes (the round trips it costs)."""

    def __init__(self, es) -> None:
        self.es, self.calls, self.fetched = es, [], 0

    def __getattr__(self, name):
        attr = getattr(self.es, name)
        if name in ("search", "mget"):
            def counted(*args, **kwargs):
                self.calls.append(name)
                answer = attr(*args, **kwargs)
                self.fetched += len(answer.get("hits", {}).get("hits", answer.get("docs", [])))
                return answer
            return counted
        return attr


def _put(es, config, doc) -> None:
    es.index(index=tenant_alias(config, "stores", doc["tenant"]),
             id=entity_id(doc["tenant"], doc["store_id"]), document=doc, refresh=True)


def test_loads_every_store_once_then_answers_without_a_round_trip(es, config, tenant):
    seed(es, config, [store_doc(tenant.id, f"S{i}", 48.8, 2.3) for i in range(30)], [])
    table, counting = StoreTable(STORE_SOURCE, clock=Clock()), CountingClient(es)
    first = table.get_many(counting, config, tenant.id, ["S1", "S2"])
    assert set(first) == {"S1", "S2"} and first["S1"]["name"] == "Store S1"
    counting.calls.clear()
    assert set(table.get_many(counting, config, tenant.id, [f"S{i}" for i in range(30)])) == {
        f"S{i}" for i in range(30)}
    assert counting.calls == []  # all 30 from memory


def test_an_edit_shows_after_refresh_seconds_and_a_new_store_at_once(es, config, tenant):
    seed(es, config, [store_doc(tenant.id, "S1", 48.8, 2.3)], [])
    clock = Clock()
    table = StoreTable(STORE_SOURCE, refresh_seconds=5, clock=clock)
    assert table.get_many(es, config, tenant.id, ["S1"])["S1"]["name"] == "Store S1"
    later = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    _put(es, config, store_doc(tenant.id, "S1", 48.8, 2.3, name="Renamed", updated_at=later))
    _put(es, config, store_doc(tenant.id, "S2", 48.8, 2.3))
    assert table.get_many(es, config, tenant.id, ["S1"])["S1"]["name"] == "Store S1"  # not due yet
    assert table.get_many(es, config, tenant.id, ["S2"])["S2"]["name"] == "Store S2"  # missing: mget
    clock.now = 5
    assert table.get_many(es, config, tenant.id, ["S1"])["S1"]["name"] == "Renamed"


def test_a_late_write_stamped_before_the_newest_seen_is_still_picked_up(es, config, tenant):
    # A long load stamps every document with its start: one written late carries an older stamp.
    now = datetime.now(UTC)
    seed(es, config, [store_doc(tenant.id, "S1", 48.8, 2.3, updated_at=now.isoformat())], [])
    clock = Clock()
    table = StoreTable(STORE_SOURCE, refresh_seconds=5, overlap_seconds=60, clock=clock)
    table.get_many(es, config, tenant.id, ["S1"])
    older = (now - timedelta(seconds=30)).isoformat()
    _put(es, config, store_doc(tenant.id, "S1", 48.8, 2.3, name="Late", updated_at=older))
    clock.now = 5
    assert table.get_many(es, config, tenant.id, ["S1"])["S1"]["name"] == "Late"


def test_an_alias_moved_to_a_new_index_reloads_the_table(es, config, tenant):
    seed(es, config, [store_doc(tenant.id, "S1", 48.8, 2.3)], [])
    clock = Clock()
    table = StoreTable(STORE_SOURCE, refresh_seconds=5, clock=clock)
    table.get_many(es, config, tenant.id, ["S1"])
    alias = tenant_alias(config, "stores", tenant.id)
    old = next(iter(es.indices.get_alias(name=alias)))
    new = f"{alias}-swapped"
    es.indices.create(index=new, mappings=es.indices.get_mapping(index=old)[old]["mappings"])
    # The new index has S1 under an old stamp (a full load keeps unchanged documents as they were).
    stale = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    helpers.bulk(es, [{"_index": new, "_id": entity_id(tenant.id, "S1"),
                       **store_doc(tenant.id, "S1", 48.8, 2.3, name="From the new index", updated_at=stale)}],
                 refresh=True)
    es.indices.update_aliases(actions=[{"remove": {"index": old, "alias": alias}},
                                       {"add": {"index": new, "alias": alias, "is_write_index": True}}])
    try:
        clock.now = 5
        assert table.get_many(es, config, tenant.id, ["S1"])["S1"]["name"] == "From the new index"
    finally:
        es.indices.update_aliases(actions=[{"remove": {"index": new, "alias": alias}},
                                           {"add": {"index": old, "alias": alias, "is_write_index": True}}])
        es.indices.delete(index=new)


def test_a_refresh_long_after_the_last_load_reads_nothing_again(es, config, tenant):
    # A load finished ten minutes ago: every store has the same old stamp. A refresh window
    # anchored on the newest stamp would read them all again at every refresh, forever.
    stamp = (datetime.now(UTC) - timedelta(minutes=10)).isoformat()
    seed(es, config, [store_doc(tenant.id, f"S{i}", 48.8, 2.3, updated_at=stamp) for i in range(30)], [])
    clock = Clock()
    table = StoreTable(STORE_SOURCE, refresh_seconds=5, overlap_seconds=60, clock=clock)
    counting = CountingClient(es)
    table.get_many(counting, config, tenant.id, ["S1"])
    for step in (1, 2, 3):
        clock.now = 5 * step
        counting.calls.clear()
        counting.fetched = 0
        assert table.get_many(counting, config, tenant.id, ["S1"])["S1"]["name"] == "Store S1"
        assert counting.calls == ["search"] and counting.fetched == 0


def _near(table, es, config, tenant: str) -> list[str]:
    hits = table.nearby(es, config, tenant, Point(48.8, 2.3), 25.0, (), 10, None)
    return [hit["_source"]["store_id"] for hit in hits]


def test_nearby_follows_moves_and_deletions_in_place_at_the_next_look(es, config, tenant):
    seed(es, config, [store_doc(tenant.id, f"S{i}", 48.8 + i / 100, 2.3) for i in range(3)], [])
    clock = Clock()
    table = StoreTable(STORE_SOURCE, refresh_seconds=5, clock=clock)
    assert _near(table, es, config, tenant.id) == ["S0", "S1", "S2"]
    later = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    _put(es, config, store_doc(tenant.id, "S0", 45.76, 4.84, updated_at=later))  # moved to Lyon
    es.delete(index=tenant_alias(config, "stores", tenant.id), id=entity_id(tenant.id, "S2"),
              refresh=True)
    assert _near(table, es, config, tenant.id) == ["S0", "S1", "S2"]  # not due yet
    clock.now = 5
    assert _near(table, es, config, tenant.id) == ["S1"]
    lyon = table.nearby(es, config, tenant.id, Point(45.76, 4.84), 5.0, (), 10, None)
    assert [hit["_source"]["store_id"] for hit in lyon] == ["S0"]


def test_nearby_leaves_wide_circles_to_the_search(es, config, tenant):
    seed(es, config, [store_doc(tenant.id, "S1", 48.8, 2.3)], [])
    table = StoreTable(STORE_SOURCE, clock=Clock())
    assert table.nearby(es, config, tenant.id, Point(48.8, 2.3), 900.0, (), 10, None) is None
