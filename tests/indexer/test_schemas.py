from datetime import UTC, datetime, timedelta

import pytest
from marshmallow import ValidationError

from indexer.schemas import ProductRowSchema, StockRowLoader, StoreRowSchema, all_errors
from locator.stock.schemas import AS_OF_FUTURE_TOLERANCE, StockRowSchema


def errors(schema, data):
    with pytest.raises(ValidationError) as info:
        schema.load(data)
    return dict(all_errors(info.value.messages))


STORE = {"store_id": " S1 ", "name": "Store", "lat": "48.85", "lon": "2.35", "country": "fr"}


def test_store_rows_are_cleaned():
    row = StoreRowSchema().load({**STORE, "services": "Click & Collect|parking|", "status": "Open",
                                 "opening_hours": "Mon: 10-9; Sun: 11-7",
                                 "timezone": "GMT+1:00 Europe/Paris"})
    assert row["store_id"] == "S1" and row["country"] == "FR" and row["lat"] == 48.85
    assert row["services"] == ["click_collect", "parking"] and row["status"] == "open"
    assert row["opening_hours"] == "Mo 10:00-21:00; Su 11:00-19:00"


@pytest.mark.parametrize(("change", "field"), [
    ({"lat": "91"}, "lat"), ({"lon": "-180.5"}, "lon"), ({"lon": ""}, "lon"), ({"lat": "4,5"}, "lat"),
    ({"lat": "nan"}, "lat"), ({"store_id": "   "}, "store_id"), ({"name": None}, "name"),
    ({"country": "Atlantis"}, "country"),
    ({"opening_hours": "sometimes"}, "opening_hours"), ({"status": "closed"}, "status"),
    ({"services": 3}, "services"), ({"lat": True}, "lat"),
])
def test_bad_store_values_are_named(change, field):
    assert field in errors(StoreRowSchema(), {**STORE, **change})


def test_coordinates_both_or_neither():
    row = StoreRowSchema().load({**STORE, "lat": "", "lon": ""})
    assert row["lat"] is None and row["lon"] is None
    assert "both or neither" in errors(StoreRowSchema(), {**STORE, "lat": ""})["lat"]


STOCK = {"store_id": "S1", "sku": "K1", "on_hand": "3", "as_of": "2026-11-25T09:00:00+01:00"}


@pytest.mark.parametrize(("change", "field"), [
    ({"on_hand": "-1"}, "on_hand"), ({"on_hand": "2.5"}, "on_hand"), ({"on_hand": 2.5}, "on_hand"),
    ({"on_hand": "three"}, "on_hand"), ({"as_of": "2026-11-25T09:00:00"}, "as_of"),
    ({"as_of": "yesterday"}, "as_of"), ({"sku": ""}, "sku"), ({"store_id": [1]}, "store_id"),
])
def test_bad_stock_values_are_named(change, field):
    assert field in errors(StockRowSchema(), {**STOCK, **change})


def test_a_count_from_the_future_is_refused():
    now = datetime.now(UTC)
    for as_of in ((now + timedelta(hours=2)).isoformat(),  # a till's local time marked Z
                  "2062-11-25T09:00:00+01:00"):             # a typo in the year
        assert "in the future" in errors(StockRowSchema(), {**STOCK, "as_of": as_of})["as_of"]
    # A till clock a little ahead is within the tolerance.
    within = now + AS_OF_FUTURE_TOLERANCE - timedelta(seconds=30)
    assert StockRowSchema().load({**STOCK, "as_of": within.isoformat()})["as_of"] == within


def test_the_file_loader_refuses_future_counts_like_the_schema():
    loader = StockRowLoader()
    future = {**STOCK, "as_of": "2062-11-25T09:00:00+01:00"}
    for _ in range(2):  # the second time the value's outcome is remembered
        with pytest.raises(ValidationError) as info:
            loader.load(future)
        assert "as_of" in info.value.messages


def test_stock_quantities_and_out_of_stock_feed_rows():
    assert StockRowSchema().load({**STOCK, "on_hand": 7})["on_hand"] == 7
    row = StockRowSchema().load({**STOCK, "on_hand": "", "availability": "out_of_stock"})
    assert row["on_hand"] == 0
    assert "on_hand" in errors(StockRowSchema(), {**STOCK, "on_hand": "", "availability": "in_stock"})


def test_products_check_gtin_and_price():
    row = ProductRowSchema().load({"sku": 17, "name": "Chair", "gtin": "4006381333931", "price": "19.9"})
    assert row["sku"] == "17" and row["price"] == 19.9
    assert "gtin" in errors(ProductRowSchema(), {"sku": "1", "name": "x", "gtin": "4006381333932"})
    assert "price" in errors(ProductRowSchema(), {"sku": "1", "name": "x", "price": "-1"})
