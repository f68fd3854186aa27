"""Stock into the real node: the one write path for incremental loads, full loads that keep holds."""

from datetime import UTC, datetime, timedelta

import pytest

from indexer import aliases
from indexer.rollback import rollback
from locator.indices import stock_alias
from locator.mappings import stock_id, stock_routing
from locator.stock.service import StockRow, apply_stock_batch
from tests.conftest import make_tenant
from tests.factories import get_stock_doc
from tests.indexer.conftest import SAMPLES, count, get_stock

HEADER = "store_id,sku,on_hand,as_of\n"


@pytest.fixture
def catalogue(es, config, tenant, load):
    load("stores", SAMPLES / "stores.csv", tenant.id)
    load("products", SAMPLES / "products.csv", tenant.id)
    return tenant


def write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_incremental_stock_never_goes_back_in_time_and_a_second_load_changes_nothing(es, config, catalogue,
                                                                                    load, tmp_path):
    tenant = catalogue.id
    summary, _ = load("stock", SAMPLES / "stock.csv", tenant)
    assert (summary.indexed, summary.rejected) == (4, 0) and summary.ok
    doc = get_stock(es, config, tenant, "P01", "SKU-1")
    assert doc["on_hand"] == 12 and doc["location"] == {"lat": 48.8719, "lon": 2.3316}
    assert doc["services"] == ["click_and_collect", "parking"] and doc["store_status"] == "open"
    summary, _ = load("stock", SAMPLES / "stock.csv", tenant)
    assert (summary.indexed, summary.updated, summary.unchanged) == (0, 0, 4)
    older = write(tmp_path, "older.csv", ["P01,SKU-1,99,2026-11-25T07:00:00Z"])
    summary, _ = load("stock", older, tenant)
    assert summary.stale == 1 and get_stock(es, config, tenant, "P01", "SKU-1")["on_hand"] == 12
    newer = write(tmp_path, "newer.csv", ["P01,SKU-1,3,2026-11-25T10:00:00Z",
                                          "P01,SKU-1,4,2026-11-25T11:00:00Z"])
    summary, _ = load("stock", newer, tenant)
    assert (summary.indexed + summary.updated, summary.stale) == (1, 1)
    assert get_stock(es, config, tenant, "P01", "SKU-1")["on_hand"] == 4


def test_bad_stock_rows_are_rejected_with_their_field(es, config, catalogue, load):
    summary, messages = load("stock", SAMPLES / "stock_bad.csv", catalogue.id)
    assert (summary.read, summary.rejected, summary.indexed) == (8, 7, 1)
    text = "\n".join(messages)
    for expected in (":2: on_hand: must be", ":3: on_hand:", ":4: on_hand:",
                     ":5: as_of: needs a UTC offset", ":6: as_of: must be an ISO 8601",
                     ":7: store_id: unknown store_id 'NOPE'", ":8: sku: unknown sku 'NOPE'"):
        assert expected in text


def test_a_count_from_the_future_is_rejected_with_its_line(es, config, catalogue, load, tmp_path):
    load("stock", SAMPLES / "stock.csv", catalogue.id)
    typo = write(tmp_path, "typo.csv", ["P01,SKU-1,1,2062-11-25T09:00:00+01:00",
                                        "P01,SKU-2,2,2026-11-25T12:00:00Z"])
    summary, messages = load("stock", typo, catalogue.id)
    assert (summary.rejected, summary.indexed + summary.updated) == (1, 1)
    assert "typo.csv:2: as_of: in the future" in "\n".join(messages)
    assert get_stock(es, config, catalogue.id, "P01", "SKU-1")["on_hand"] == 12  # kept


def test_google_local_inventory_feed(es, config, catalogue, load):
    summary, messages = load("stock", SAMPLES / "google_feed.tsv", catalogue.id)
    assert (summary.indexed, summary.rejected) == (2, 1)
    assert "google_feed.tsv:4: on_hand: missing" in messages[0]
    assert get_stock(es, config, catalogue.id, "P02", "SKU-2")["on_hand"] == 0
    summary, _ = load("stock", SAMPLES / "google_feed.tsv", catalogue.id)
    assert summary.unchanged == 2  # as_of is the file's time: the same file twice changes nothing


def _hold(es, config, tenant, store_id, sku, qty, minutes=60):
    doc_id = stock_id(tenant, store_id, sku)
    current = get_stock_doc(es, config, tenant, store_id, sku)
    source = current["_source"]
    expires = (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()
    source["holds"] = source.get("holds", []) + [{"reservation_id": f"r-{qty}-{sku}", "qty": qty,
                                                  "expires_at": expires, "collected_at": None}]
    source["held"] = sum(h["qty"] for h in source["holds"])
    source["updated_at"] = datetime.now(UTC).isoformat()
    es.index(index=current["_index"], id=doc_id, document=source, routing=stock_routing(sku),
             if_seq_no=current["_seq_no"],
             if_primary_term=current["_primary_term"], refresh=True)


def test_full_stock_load_keeps_holds_other_tenants_and_never_goes_back_in_time(es, config, catalogue, load,
                                                                            tmp_path, monkeypatch):
    tenant = catalogue.id
    other = make_tenant(es, config)
    load("stores", SAMPLES / "stores.csv", other.id)
    load("products", SAMPLES / "products.csv", other.id)
    load("stock", SAMPLES / "stock.csv", other.id)
    load("stock", SAMPLES / "stock.csv", tenant)
    _hold(es, config, tenant, "P01", "SKU-1", 2)
    _hold(es, config, tenant, "P02", "SKU-1", 1)
    alias = stock_alias(config, tenant)
    before = aliases.live_index(es, alias)

    # A count pushed through the API while the full load runs, just before its swap.
    original = aliases.finish_build

    def finish_with_a_concurrent_write(es_, config_, kind, tenant_, name):
        original(es_, config_, kind, tenant_, name)
        row = StockRow("P01", "SKU-2", 8, datetime(2026, 11, 25, 12, tzinfo=UTC))
        apply_stock_batch(es, config, tenant, [row], refresh=True)

    monkeypatch.setattr(aliases, "finish_build", finish_with_a_concurrent_write)
    full = write(tmp_path, "full.csv", [
        "P01,SKU-1,10,2026-11-25T10:00:00Z",   # newer: updated, its hold carried
        "L01,SKU-3,99,2026-11-25T07:00:00Z",   # older than the live count (08:00Z): stale
        "P01,SKU-3,1,2026-11-25T11:00:00Z",    # a later line with an older count: stale
        "P01,SKU-3,5,2026-11-25T10:00:00Z",
        "P01,SKU-2,0,2026-11-25T09:30:00Z",
        "P01,NOPE,1,2026-11-25T10:00:00Z",     # rejected
    ])
    summary, _ = load("stock", full, tenant, full=True)
    assert aliases.live_index(es, alias) != before
    counts = (summary.read, summary.indexed, summary.updated, summary.stale, summary.rejected)
    assert counts == (6, 1, 2, 2, 1)
    kept = get_stock(es, config, tenant, "P01", "SKU-1")
    assert kept["on_hand"] == 10 and kept["held"] == 2 and len(kept["holds"]) == 1
    assert get_stock(es, config, tenant, "L01", "SKU-3")["on_hand"] == 7
    fresh = get_stock(es, config, tenant, "P01", "SKU-3")
    assert fresh["on_hand"] == 1 and fresh["as_of"] == "2026-11-25T11:00:00+00:00"
    assert fresh["location"] == {"lat": 48.8719, "lon": 2.3316} and fresh["store_status"] == "open"
    assert sorted(fresh) == ["area", "as_of", "held", "holds", "loaded_by", "location", "on_hand", "services",
                             "sku", "store_id", "store_status", "tenant", "updated_at"]
    # Absent from the file but holding a reservation: carried over. Absent without one: gone.
    assert get_stock(es, config, tenant, "P02", "SKU-1")["held"] == 1
    # The concurrent API write reached the new index.
    assert get_stock(es, config, tenant, "P01", "SKU-2")["on_hand"] == 8
    assert count(es, config, "stock", tenant) == 5
    assert count(es, config, "stock", other.id) == 4

    # Rolled back, the previous index is served again, with the holds placed since.
    _hold(es, config, tenant, "P01", "SKU-3", 1)
    done = rollback(es, config, "stock", tenant)
    assert done.to_index == before and done.carried >= 2
    assert get_stock(es, config, tenant, "P01", "SKU-3")["held"] == 1
    assert get_stock(es, config, tenant, "P01", "SKU-1")["held"] == 2


def test_a_full_stock_load_of_nothing_valid_keeps_the_live_index(es, config, catalogue, load, tmp_path):
    from indexer.context import EmptyLoad

    load("stock", SAMPLES / "stock.csv", catalogue.id)
    alias = stock_alias(config, catalogue.id)
    live = aliases.live_index(es, alias)
    with pytest.raises(EmptyLoad):
        bad = write(tmp_path, "bad.csv", ["NOPE,SKU-1,1,2026-11-25T10:00:00Z"])
        load("stock", bad, catalogue.id, full=True)
    assert aliases.live_index(es, alias) == live
    assert count(es, config, "stock", catalogue.id) == 4


def test_wrong_types_in_json_lines_are_rejected_one_by_one(es, config, catalogue, load):
    summary, messages = load("stock", SAMPLES / "stock_wrong_types.jsonl", catalogue.id)
    assert (summary.read, summary.indexed, summary.rejected) == (8, 1, 7)
    text = "\n".join(messages)
    for expected in (":2: store_id: must be text or a whole number", ":3: on_hand: must be a whole number",
                     ":4: on_hand:", ":5: on_hand:", ":6: as_of: must be an ISO 8601",
                     ":7: expected a JSON object, found list", ":8: invalid JSON"):
        assert expected in text


def test_a_product_removed_by_a_full_load_takes_its_stock_along(es, config, catalogue, load, tmp_path):
    load("stock", SAMPLES / "stock.csv", catalogue.id)
    fewer = tmp_path / "products.csv"
    fewer.write_text("sku,name\nSKU-1,Chaise pliante\nSKU-3,Lampe\n", encoding="utf-8")
    summary, _ = load("products", fewer, catalogue.id, full=True)
    assert (summary.removed, summary.stock_deleted) == (1, 1)
    assert get_stock(es, config, catalogue.id, "P01", "SKU-2") is None
    assert get_stock(es, config, catalogue.id, "P01", "SKU-1") is not None


def test_a_file_without_a_required_column_is_refused_unless_as_of_is_given(es, config, catalogue, load,
                                                                           tmp_path):
    from indexer.sources import SourceError

    path = tmp_path / "counts.csv"
    path.write_text("store_id,sku,on_hand\nP01,SKU-1,3\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"missing column\(s\) as_of \(found: store_id, sku, on_hand\)"):
        load("stock", path, catalogue.id)
    summary, _ = load("stock", path, catalogue.id, as_of=datetime(2026, 11, 25, 9, tzinfo=UTC))
    assert summary.indexed == 1
    assert get_stock(es, config, catalogue.id, "P01", "SKU-1")["as_of"] == "2026-11-25T09:00:00+00:00"


def test_a_full_stock_load_stores_documents_by_sku_then_area(es, config, catalogue, load, tmp_path):
    # Written in descending sku order: the node keeps them by sku, so that one search's few
    # documents are read together (locator.mappings.STOCK_INDEX_SORT).
    rows = [f"{store},SKU-{n},1,2026-11-25T10:00:00Z" for n in (3, 2, 1) for store in ("P02", "P01")]
    load("stock", write(tmp_path, "reversed.csv", rows), catalogue.id, full=True)
    alias = stock_alias(config, catalogue.id)
    hits = es.search(index=alias, sort=["_doc"], size=10, routing=",".join(
        stock_routing(f"SKU-{n}") for n in (1, 2, 3)))["hits"]["hits"]
    assert [h["_source"]["sku"] for h in hits] == ["SKU-1", "SKU-1", "SKU-2", "SKU-2", "SKU-3", "SKU-3"]
    (settings,) = es.indices.get_settings(index=alias, name="index.sort.field").values()
    assert settings["settings"]["index"]["sort"]["field"] == ["sku", "area"]
