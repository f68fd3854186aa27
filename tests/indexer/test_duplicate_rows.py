"""Several rows of one (store, sku) in one stock file: which wins, and how they are counted."""

import threading

from elasticsearch import Elasticsearch

from indexer.context import LoadOptions
from indexer.loader import load_file
from indexer.stockload import FullStockWriter
from locator.es import TimedNode
from tests.indexer.conftest import SAMPLES, get_stock

HEADER = "store_id,sku,on_hand,as_of\n"
T = "2026-11-25T10:00:00Z"
# How long the first bulk body waits for the second to be answered. Only a pause: a loader that
# does not send the second body before the first is answered meets it, and the outcome is the same.
OVERTAKE_PAUSE = 5


def _file(tmp_path, rows):
    path = tmp_path / "stock.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _overtaking_client(config) -> Elasticsearch:
    """A client whose first `_bulk` body reaches the node only after the second one was answered."""
    second_done = threading.Event()
    seen = []
    lock = threading.Lock()

    class Overtaken(TimedNode):
        def perform_request(self, method, target, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
            if method != "POST" or not target.startswith("/_bulk"):
                return super().perform_request(method, target, *args, **kwargs)
            with lock:
                seen.append(target)
                position = len(seen)
            if position == 1:
                second_done.wait(OVERTAKE_PAUSE)
            try:
                return super().perform_request(method, target, *args, **kwargs)
            finally:
                if position == 2:
                    second_done.set()

    return Elasticsearch(config.es_url, node_class=Overtaken, request_timeout=120)


def _catalogue(load, tenant):
    load("stores", SAMPLES / "stores.csv", tenant.id)
    load("products", SAMPLES / "products.csv", tenant.id)


def test_full_load_the_last_row_of_the_same_as_of_wins_whatever_reaches_the_node_first(
        es, config, tenant, load, tmp_path, monkeypatch):
    _catalogue(load, tenant)
    monkeypatch.setattr(FullStockWriter, "batch_size", 1)  # one body per row, two in flight
    path = _file(tmp_path, [f"P01,SKU-1,5,{T}", f"P01,SKU-1,7,{T}"])
    summary = load_file(_overtaking_client(config), config, "stock", path,
                        LoadOptions(tenant=tenant.id, progress=False, full=True,
                                    rejects_path=tmp_path / "r.csv"), echo=lambda _m: None)
    assert get_stock(es, config, tenant.id, "P01", "SKU-1")["on_hand"] == 7
    assert (summary.read, summary.indexed + summary.updated, summary.stale) == (2, 1, 1)


def test_full_load_an_identical_repeat_of_the_stored_count_is_unchanged_not_stale(
        es, config, tenant, load, tmp_path, monkeypatch):
    _catalogue(load, tenant)
    load("stock", _file(tmp_path, [f"P01,SKU-1,5,{T}"]), tenant.id)
    rows = [f"P01,SKU-1,5,{T}", f"P01,SKU-1,5,{T}"]
    summary, _ = load("stock", _file(tmp_path, rows), tenant.id, full=True)
    assert (summary.unchanged, summary.stale) == (2, 0)
    monkeypatch.setattr(FullStockWriter, "batch_size", 1)  # and in two bodies
    summary, _ = load("stock", _file(tmp_path, rows), tenant.id, full=True)
    assert (summary.unchanged, summary.stale) == (2, 0)
    assert get_stock(es, config, tenant.id, "P01", "SKU-1")["on_hand"] == 5


def test_incremental_load_an_identical_repeat_is_unchanged_and_the_last_row_of_an_as_of_wins(
        es, config, tenant, load, tmp_path):
    _catalogue(load, tenant)
    load("stock", _file(tmp_path, [f"P01,SKU-1,5,{T}"]), tenant.id)
    summary, _ = load("stock", _file(tmp_path, [f"P01,SKU-1,5,{T}", f"P01,SKU-1,5,{T}"]), tenant.id)
    assert (summary.unchanged, summary.stale) == (2, 0)
    summary, _ = load("stock", _file(tmp_path, [f"P01,SKU-1,6,{T}", f"P01,SKU-1,8,{T}"]), tenant.id)
    assert (summary.updated, summary.stale) == (1, 1)
    assert get_stock(es, config, tenant.id, "P01", "SKU-1")["on_hand"] == 8
