"""Full loads and rollbacks under faults: nothing acknowledged is lost, no live index is deleted.

Issue 16 items 1, 2, 3 and 6, each against the real node: a count pushed after a swap and a
rollback, a swap whose clean-up is refused by a read-only index, writes landing while the last
catch-up pass runs (from a writer whose clock is slow, and from one in flight at the swap), and a
store document Elasticsearch refuses in a full stores load.
"""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime, timedelta

import pytest

from indexer import aliases
from indexer.context import LoadOptions
from indexer.loader import load_file
from indexer.rollback import rollback
from locator import indices
from locator.es import index_name
from locator.reservations import holds
from locator.stock.service import StockRow, apply_stock_batch
from tests.conftest import make_tenant
from tests.factories import get_stock_doc
from tests.indexer.conftest import SAMPLES, count, get_stock

HEADER = "store_id,sku,on_hand,as_of\n"
SWAP_TIME = datetime(2026, 11, 25, 12, tzinfo=UTC)


def write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def retailer(es, config, load):
    tenant = make_tenant(es, config)
    load("stores", SAMPLES / "stores.csv", tenant.id)
    load("products", SAMPLES / "products.csv", tenant.id)
    load("stock", SAMPLES / "stock.csv", tenant.id)  # P01/SKU-1 12, P02/SKU-1 3, L01/SKU-3 7 …
    return tenant.id


def count_at(tenant, store_id, sku, on_hand, when, es, config):
    return apply_stock_batch(es, config, tenant, [StockRow(store_id, sku, on_hand, when)], refresh=True)


def test_rollback_takes_back_the_load_only_keeping_counts_pushed_since_and_other_tenants(
        es, config, load, tmp_path):
    a, b = retailer(es, config, load), retailer(es, config, load)
    expires = datetime.now(UTC) + timedelta(hours=1)
    assert holds.place(es, config, a, "P02", "r-cancelled", [{"sku": "SKU-1", "qty": 1}], expires, 0) == []
    full = write(tmp_path, "full.csv", ["P01,SKU-1,10,2026-11-25T10:00:00Z",
                                        "L01,SKU-3,50,2026-11-25T10:00:00Z",
                                        "P02,SKU-1,3,2026-11-25T10:00:00Z"])
    load("stock", full, a, full=True)
    # After the swap: a till counts P01/SKU-1 (10 -> 2), A's shopper cancels, B counts too.
    count_at(a, "P01", "SKU-1", 2, SWAP_TIME, es, config)
    holds.release(es, config, a, "P02", "r-cancelled", ["SKU-1"])
    count_at(b, "P01", "SKU-1", 4, SWAP_TIME, es, config)

    done = rollback(es, config, "stock", a)

    assert get_stock(es, config, a, "P01", "SKU-1")["on_hand"] == 2  # the count pushed since survives
    assert get_stock(es, config, a, "L01", "SKU-3")["on_hand"] == 7  # the load's own count is undone
    assert get_stock(es, config, a, "P02", "SKU-1")["holds"] == []  # cancelled since: stays cancelled
    assert get_stock(es, config, b, "P01", "SKU-1")["on_hand"] == 4  # another tenant: untouched
    assert done.to_index == aliases.live_index(es, indices.stock_alias(config, a))
    # Writes go on through the alias into the index served again.
    assert count_at(a, "P01", "SKU-2", 6, SWAP_TIME, es, config)[0].outcome == "updated"


def test_a_swap_whose_clean_up_fails_never_deletes_the_index_it_just_served(es, config, load, tmp_path):
    tenant = retailer(es, config, load)
    alias = indices.stock_alias(config, tenant)
    # An old version the clean-up after the swap must delete, but cannot: it is read-only.
    stuck = f"{alias}-00000000000000000001"
    es.indices.create(index=stuck, mappings=indices.MAPPINGS["stock"], settings={"number_of_replicas": 0})
    es.indices.put_settings(index=stuck, settings={"index.blocks.read_only": True})
    try:
        full = write(tmp_path, "full.csv", ["P01,SKU-1,10,2026-11-25T10:00:00Z"])
        summary, _ = load("stock", full, tenant, full=True)
        live = aliases.live_index(es, alias)
        assert live is not None and es.indices.exists(index=live)
        assert get_stock(es, config, tenant, "P01", "SKU-1")["on_hand"] == 10
        assert any("could not be deleted" in note for note in summary.notes)
    finally:
        es.indices.put_settings(index=stuck, settings={"index.blocks.read_only": None})
        es.indices.delete(index=stuck, ignore_unavailable=True)


def test_a_slow_clock_write_between_the_catch_up_passes_reaches_the_new_index(
        es, config, load, tmp_path, monkeypatch):
    tenant = retailer(es, config, load)
    original = aliases.finish_build

    def finish_then_a_write_stamped_by_a_slow_clock(es_, config_, kind, tenant_, name):
        original(es_, config_, kind, tenant_, name)
        # A hold written now by a host whose clock is 30 s behind: stamped before the first pass.
        current = get_stock_doc(es, config, tenant, "P01", "SKU-2")
        source = current["_source"]
        source["on_hand"], source["as_of"] = 9, SWAP_TIME.isoformat()
        source["updated_at"] = (datetime.now(UTC) - timedelta(seconds=30)).isoformat()
        es.index(index=current["_index"], id=current["_id"], routing=current["_routing"], document=source,
                 if_seq_no=current["_seq_no"], if_primary_term=current["_primary_term"], refresh=True)

    monkeypatch.setattr(aliases, "finish_build", finish_then_a_write_stamped_by_a_slow_clock)
    load("stock", write(tmp_path, "full.csv", ["P01,SKU-2,1,2026-11-25T10:00:00Z"]), tenant, full=True)
    assert get_stock(es, config, tenant, "P01", "SKU-2")["on_hand"] == 9


def test_writes_in_flight_at_the_swap_land_in_the_new_index(es, config, load, tmp_path, monkeypatch):
    tenant = retailer(es, config, load)
    original = aliases.swap
    outcomes: list = []
    placed: list = []
    expires = datetime.now(UTC) + timedelta(hours=1)

    def till() -> None:
        outcomes.extend(count_at(tenant, "P01", "SKU-2", 5, SWAP_TIME, es, config))

    def shopper() -> None:
        placed.extend(holds.place(es, config, tenant, "P02", "r-late", [{"sku": "SKU-1", "qty": 1}],
                                  expires, 0))

    def swap_after_late_writes(es_, alias, old, new, meta=None, readers=None):
        # The last pass has read the live index; a till and a shopper write now, before the alias
        # moves (they read the document from the live index, as a writer in flight does).
        late = [threading.Thread(target=till), threading.Thread(target=shopper)]
        for thread in late:
            thread.start()
        for thread in late:
            thread.join(timeout=2)  # long enough for an unblocked write to land; a blocked one waits
        original(es_, alias, old, new, meta=meta, readers=readers)
        for thread in late:
            thread.join()

    monkeypatch.setattr(aliases, "swap", swap_after_late_writes)
    load("stock", write(tmp_path, "full.csv", ["P01,SKU-2,1,2026-11-25T10:00:00Z",
                                               "P02,SKU-1,3,2026-11-25T10:00:00Z"]), tenant, full=True)
    assert [o.outcome for o in outcomes] == ["updated"] and placed == []  # both acknowledged
    assert get_stock(es, config, tenant, "P01", "SKU-2")["on_hand"] == 5
    assert [h["reservation_id"] for h in get_stock(es, config, tenant, "P02", "SKU-1")["holds"]] == ["r-late"]


def test_a_store_elasticsearch_refuses_in_a_full_load_keeps_its_document_and_stock(es, config, load,
                                                                                   tmp_path):
    tenant = retailer(es, config, load)
    rows = (SAMPLES / "stores.csv").read_text(encoding="utf-8").splitlines()
    # A city of 33,000 bytes: its keyword sub-field is refused by Elasticsearch (immense term).
    rows = [row.replace(",Paris,FR,48.8719", "," + "x" * 33_000 + ",FR,48.8719") for row in rows]
    path = tmp_path / "stores.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    summary, messages = load("stores", path, tenant, full=True)
    assert summary.rejected == 1 and "Elasticsearch refused it" in messages[0]
    assert summary.removed == 0 and summary.stock_deleted == 0
    es.indices.refresh(index=index_name(config, "stores"))
    assert count(es, config, "stores", tenant, store_id="P01") == 1
    assert get_stock(es, config, tenant, "P01", "SKU-1")["on_hand"] == 12


def test_a_store_closed_during_a_full_stock_load_is_closed_in_the_new_index(es, config, load, tmp_path,
                                                                            monkeypatch):
    tenant = retailer(es, config, load)
    original = aliases.finish_build
    closed = tmp_path / "closed.csv"
    closed.write_text((SAMPLES / "stores.csv").read_text(encoding="utf-8").replace(
        "click_and_collect|Parking,open", "click_and_collect|Parking,temporarily_closed"), encoding="utf-8")

    def finish_then_close_a_store(es_, config_, kind, tenant_, name):
        original(es_, config_, kind, tenant_, name)
        summary, _ = load("stores", closed, tenant)  # incremental: P01's stock follows, in the live index
        assert summary.stock_moved >= 1

    monkeypatch.setattr(aliases, "finish_build", finish_then_close_a_store)
    load("stock", write(tmp_path, "full.csv", ["P01,SKU-1,10,2026-11-25T10:00:00Z"]), tenant, full=True)
    assert get_stock(es, config, tenant, "P01", "SKU-1")["store_status"] == "temporarily_closed"


def test_a_build_whose_replicas_cannot_be_assigned_is_never_swapped_in(es, config, load, tmp_path,
                                                                       monkeypatch):
    tenant = retailer(es, config, load)
    alias = indices.stock_alias(config, tenant)
    live = aliases.live_index(es, alias)
    # One replica asked on a single node: the build stays yellow, and yellow is not enough.
    monkeypatch.setattr(aliases, "GREEN_TIMEOUT", "1s")
    replicated = dataclasses.replace(config, index_replicas="stock=1")
    options = LoadOptions(tenant=tenant, full=True, progress=False, rejects_path=tmp_path / "r.csv")
    with pytest.raises(RuntimeError, match="is yellow after 1s"):
        load_file(es, replicated, "stock", write(tmp_path, "full.csv", ["P01,SKU-1,10,2026-11-25T10:00:00Z"]),
                  options, echo=lambda _m: None)
    assert aliases.live_index(es, alias) == live and aliases.versions(es, alias) == [live]
    assert get_stock(es, config, tenant, "P01", "SKU-1")["on_hand"] == 12
