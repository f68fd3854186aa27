"""The one stock write path, against the real node."""

from datetime import UTC, datetime, timedelta

from locator.stock.service import StockRow, apply_stock_batch, summarize
from tests.factories import get_stock_doc, product_doc, seed, store_doc

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _seed(es, config, tenant):
    seed(es, config, [store_doc(tenant.id, "S1", 48.85, 2.35)], [product_doc(tenant.id, "SKU1")])


def test_counts_apply_once_and_never_go_back_in_time(es, config, tenant):
    _seed(es, config, tenant)
    rows = [StockRow("S1", "SKU1", 5, T0)]
    assert [o.outcome for o in apply_stock_batch(es, config, tenant.id, rows)] == ["created"]
    assert [o.outcome for o in apply_stock_batch(es, config, tenant.id, rows)] == ["unchanged"]
    older = [StockRow("S1", "SKU1", 99, T0 - timedelta(hours=1))]
    assert [o.outcome for o in apply_stock_batch(es, config, tenant.id, older)] == ["stale"]
    newer = [StockRow("S1", "SKU1", 3, T0 + timedelta(hours=1))]
    assert [o.outcome for o in apply_stock_batch(es, config, tenant.id, newer)] == ["updated"]
    doc = get_stock_doc(es, config, tenant.id, "S1", "SKU1")["_source"]
    assert doc["on_hand"] == 3
    assert doc["location"] == {"lat": 48.85, "lon": 2.35}


def test_unknown_store_or_sku_is_rejected_and_latest_row_in_a_batch_wins(es, config, tenant):
    _seed(es, config, tenant)
    rows = [
        StockRow("S1", "SKU1", 7, T0 + timedelta(minutes=5)),
        StockRow("S1", "SKU1", 8, T0),
        StockRow("NOPE", "SKU1", 1, T0),
        StockRow("S1", "NOPE", 1, T0),
    ]
    outcomes = apply_stock_batch(es, config, tenant.id, rows)
    assert [o.outcome for o in outcomes] == ["created", "stale", "rejected", "rejected"]
    assert "unknown store_id" in outcomes[2].reason and "unknown sku" in outcomes[3].reason
    assert summarize(outcomes) == {"created": 1, "stale": 1, "rejected": 2}
    doc = get_stock_doc(es, config, tenant.id, "S1", "SKU1")["_source"]
    assert doc["on_hand"] == 7


def test_an_identical_repeat_in_a_batch_is_unchanged_and_the_last_row_of_an_as_of_wins(es, config, tenant):
    _seed(es, config, tenant)
    apply_stock_batch(es, config, tenant.id, [StockRow("S1", "SKU1", 5, T0)])
    same = [StockRow("S1", "SKU1", 5, T0), StockRow("S1", "SKU1", 5, T0)]
    assert [o.outcome for o in apply_stock_batch(es, config, tenant.id, same)] == ["unchanged", "unchanged"]
    tie = [StockRow("S1", "SKU1", 6, T0), StockRow("S1", "SKU1", 8, T0)]
    assert [o.outcome for o in apply_stock_batch(es, config, tenant.id, tie)] == ["stale", "updated"]
    assert get_stock_doc(es, config, tenant.id, "S1", "SKU1")["_source"]["on_hand"] == 8
