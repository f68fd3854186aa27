"""Stores and products into the real node: validation, geocoding, full loads, stock following."""

import csv

import pytest

from indexer import aliases
from indexer.context import EmptyLoad
from indexer.rollback import NothingToRollBack, rollback
from locator.indices import tenant_alias
from tests.conftest import make_tenant
from tests.indexer.conftest import SAMPLES, count, get_stock, get_store


def test_good_stores_load_with_search_text_time_zones_and_geocoding(es, config, tenant, load):
    summary, messages = load("stores", SAMPLES / "stores.csv", tenant.id)
    assert (summary.read, summary.indexed, summary.rejected, summary.geocoded) == (6, 6, 0, 1)
    assert summary.ok and messages == []
    opera = get_store(es, config, tenant.id, "P01")
    assert opera["timezone"] == "Europe/Paris" and opera["location_precision"] == "exact"
    assert opera["search_text"] == "boutique opera paris 75009"
    assert opera["services"] == ["click_and_collect", "parking"]
    lyon = get_store(es, config, tenant.id, "L01")  # no coordinates in the file: 69003 is Lyon 3e
    assert lyon["location_precision"] == "postcode" and abs(lyon["location"]["lat"] - 45.75) < 0.1
    assert lyon["timezone"] == "Europe/Paris"
    assert get_store(es, config, tenant.id, "M01")["search_text"] == "магазин тверская москва 125009"
    assert get_store(es, config, tenant.id, "P03")["status"] == "temporarily_closed"
    # Stores sharing coordinates are two stores.
    shared = get_store(es, config, tenant.id, "P02")["location"]
    assert get_store(es, config, tenant.id, "P03")["location"] == shared


def test_loading_the_same_file_twice_changes_nothing(es, config, tenant, load):
    load("stores", SAMPLES / "stores.csv", tenant.id)
    before = get_store(es, config, tenant.id, "P01")
    summary, _ = load("stores", SAMPLES / "stores.csv", tenant.id)
    assert (summary.indexed, summary.updated, summary.unchanged) == (0, 0, 6)
    assert get_store(es, config, tenant.id, "P01") == before


def test_bad_rows_are_reported_written_to_rejects_and_good_rows_still_load(es, config, tenant, load,
                                                                            tmp_path):
    rejects = tmp_path / "bad.rejects.csv"
    summary, messages = load("stores", SAMPLES / "stores_bad.csv", tenant.id, rejects_path=rejects)
    # Line 7's zone is no IANA zone: the one at its coordinates is used, with a warning.
    assert summary.rejected == 10 and summary.indexed == 2 and summary.duplicates == 1 and not summary.ok
    assert summary.warnings == 1
    text = "\n".join(messages)
    for expected in ("stores_bad.csv:2: lat: must be between -90 and 90",
                     "stores_bad.csv:3: lon: lat and lon go together",
                     "stores_bad.csv:4: lon: must be between -180 and 180",
                     "stores_bad.csv:5: lat: Not a valid number",
                     "stores_bad.csv:6: store_id:",
                     "stores_bad.csv:7: warning: timezone: 'Mars/Olympus' is not an IANA time zone; "
                     "Europe/Paris used, from the coordinates",
                     "stores_bad.csv:8: opening_hours: not OpenStreetMap",
                     "stores_bad.csv:9: expected 8 fields, found 3",
                     "stores_bad.csv:10: lat: 0, 0 is in the ocean",
                     "stores_bad.csv:11: lat: no coordinates, and 'Zzyzxqwv, FR' could not be geocoded",
                     "stores_bad.csv:13: store_id: duplicate store_id 'X11': the row on line 12 is kept"):
        assert expected in text
    assert get_store(es, config, tenant.id, "X11")["name"] == "Good one"
    assert get_store(es, config, tenant.id, "X10") is None  # never placed at (0, 0)
    with rejects.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 10
    assert rows[0]["store_id"] == "X01" and rows[0]["reject_reason"].startswith("line 2: lat:")
    # Fixed in the rejects file, the rows load.
    for row in rows:
        row.update(lat="48.8", lon="2.3", timezone="", opening_hours="", city="Paris", country="FR",
                   store_id=row["store_id"].strip() or "X05")
    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(r for r in rows if not r["reject_reason"].startswith("line 13"))
    summary, _ = load("stores", fixed, tenant.id)
    assert summary.ok and summary.indexed == 9


def test_other_formats_load(es, config, tenant, load):
    summary, messages = load("stores", SAMPLES / "stores.geojson", tenant.id)
    assert (summary.indexed, summary.rejected, summary.geocoded) == (2, 1, 1)
    assert "stores.geojson:2: lon: must be between -180 and 180" in messages[0]
    summary, messages = load("stores", SAMPLES / "stores.jsonl", tenant.id)
    assert (summary.indexed, summary.rejected) == (2, 1)
    hours = get_store(es, config, tenant.id, "J01")["opening_hours"]
    assert hours == "Mo-Th 10:00-20:00; Fr,Sa 10:00-21:00; Su off"
    assert get_store(es, config, tenant.id, "42")["country"] == "DE"
    summary, _ = load("stores", SAMPLES / "stores_latin1.csv", tenant.id)
    assert summary.indexed == 2 and any("not UTF-8" in n for n in summary.notes)
    assert get_store(es, config, tenant.id, "W02")["city"] == "Nîmes"
    summary, _ = load("stores", SAMPLES / "stores_bom_semicolon.csv", tenant.id)
    assert (summary.indexed, summary.rejected) == (1, 1)


def test_max_errors_stops_early(es, config, tenant, load):
    summary, _ = load("stores", SAMPLES / "stores_bad.csv", tenant.id, max_errors=2)
    assert summary.stopped_early and summary.rejected == 3 and summary.read == 3


def _stock_for(es, config, tenant, load, tmp_path, rows):
    path = tmp_path / "stock.csv"
    path.write_text("store_id,sku,on_hand,as_of\n" + "".join(f"{r},2026-11-25T09:00:00Z\n" for r in rows))
    load("products", SAMPLES / "products.csv", tenant.id)
    summary, _ = load("stock", path, tenant.id)
    assert summary.ok, summary.lines()


def test_stock_follows_a_store_that_moves_changes_or_is_removed(es, config, tenant, load, tmp_path):
    load("stores", SAMPLES / "stores.csv", tenant.id)
    _stock_for(es, config, tenant, load, tmp_path, ["P01,SKU-1,5", "P01,SKU-2,1", "P02,SKU-1,2"])
    moved = tmp_path / "moved.csv"
    moved.write_text("store_id,name,city,country,lat,lon,services,status\n"
                     "P01,Boutique Opéra,Paris,FR,48.9,2.4,click_and_collect,temporarily_closed\n"
                     "P02,Boutique Bastille,Paris,FR,48.8534,2.3710,,removed\n", encoding="utf-8")
    summary, _ = load("stores", moved, tenant.id)
    assert (summary.updated, summary.removed, summary.stock_moved, summary.stock_deleted) == (1, 1, 2, 1)
    doc = get_stock(es, config, tenant.id, "P01", "SKU-1")
    assert doc["location"] == {"lat": 48.9, "lon": 2.4} and doc["store_status"] == "temporarily_closed"
    assert doc["services"] == ["click_and_collect"] and doc["on_hand"] == 5
    assert get_store(es, config, tenant.id, "P02") is None
    assert get_stock(es, config, tenant.id, "P02", "SKU-1") is None


def test_full_load_swaps_the_alias_keeps_the_previous_index_and_other_tenants(es, config, tenant, load,
                                                                               tmp_path):
    other = make_tenant(es, config)
    load("stores", SAMPLES / "stores.csv", other.id)
    load("stores", SAMPLES / "stores.csv", tenant.id)
    _stock_for(es, config, tenant, load, tmp_path, ["P01,SKU-1,5", "T01,SKU-1,1", "M01,SKU-1,1"])
    alias = tenant_alias(config, "stores", tenant.id)
    before = aliases.live_index(es, alias)
    smaller = tmp_path / "smaller.csv"
    smaller.write_text("store_id,name,city,country,lat,lon,timezone\n"
                       "P01,Boutique Opéra,Paris,FR,48.8719,2.3316,Europe/Paris\n"
                       "M01,Магазин,Москва,RU,95,37.6,\n", encoding="utf-8")
    summary, _ = load("stores", smaller, tenant.id, full=True)
    after = aliases.live_index(es, alias)
    assert after != before and before in aliases.versions(es, alias)
    # T01 and four others are absent: removed, with their stock. M01 was rejected: kept as it was.
    assert summary.rejected == 1 and summary.removed == 4 and summary.stock_deleted == 1
    assert count(es, config, "stores", tenant.id) == 2
    assert get_store(es, config, tenant.id, "M01")["name"] == "Магазин Тверская"
    assert get_stock(es, config, tenant.id, "M01", "SKU-1") is not None
    assert get_stock(es, config, tenant.id, "T01", "SKU-1") is None
    assert count(es, config, "stores", other.id) == 6  # another tenant's stores are untouched
    settings = es.indices.get_settings(index=after)[after]["settings"]["index"]
    assert settings["number_of_replicas"] == "0" and "refresh_interval" not in settings

    done = rollback(es, config, "stores", tenant.id)
    assert (done.from_index, done.to_index) == (after, before)
    assert aliases.live_index(es, alias) == before
    assert count(es, config, "stores", tenant.id) == 6


def test_failed_full_load_deletes_its_index_and_the_live_one_keeps_serving(es, config, tenant, load):
    load("stores", SAMPLES / "stores.csv", tenant.id)
    alias = tenant_alias(config, "stores", tenant.id)
    live, kept = aliases.live_index(es, alias), aliases.versions(es, alias)
    summary, _ = load("stores", SAMPLES / "stores_bad.csv", tenant.id, full=True, max_errors=1)
    assert summary.stopped_early and summary.abandoned and not summary.ok
    assert "full load abandoned" in summary.lines()[0]
    with pytest.raises(EmptyLoad):
        load("stores", SAMPLES / "header_only.csv", tenant.id, full=True)
    assert aliases.live_index(es, alias) == live and aliases.versions(es, alias) == kept
    assert count(es, config, "stores", tenant.id) == 6


def test_rollback_without_a_previous_index_is_refused(es, config):
    fresh = config.__class__(**{**config.__dict__, "index_prefix": config.index_prefix + "-norollback"})
    from locator import indices

    indices.ensure_tenant_index(es, fresh, "products", "t1")
    try:
        with pytest.raises(NothingToRollBack):
            rollback(es, fresh, "products", "t1")
    finally:
        indices.delete_all(es, fresh)


def test_products_load_with_folded_search_text(es, config, tenant, load):
    summary, _ = load("products", SAMPLES / "products.csv", tenant.id)
    assert summary.indexed == 3
    doc = es.get(index=tenant_alias(config, "products", tenant.id), id=f"{tenant.id}\x1fSKU-3")["_source"]
    assert doc["search_text"] == "lampe a poser lumiere & co sku-3" and doc["price"] == 24.5


def test_a_full_load_that_breaks_midway_deletes_its_index(es, config, tenant, load, monkeypatch):
    from elastic_transport import ConnectionError as TransportConnectionError

    from indexer.bulk import BulkSender

    load("products", SAMPLES / "products.csv", tenant.id)
    alias = tenant_alias(config, "products", tenant.id)
    live, kept = aliases.live_index(es, alias), aliases.versions(es, alias)

    def broken(self, lines):
        raise TransportConnectionError("connection reset (simulated)")

    monkeypatch.setattr(BulkSender, "_post", broken)
    with pytest.raises(TransportConnectionError):
        load("products", SAMPLES / "products.csv", tenant.id, full=True)
    assert aliases.live_index(es, alias) == live and aliases.versions(es, alias) == kept
    assert count(es, config, "products", tenant.id) == 3


def test_a_stores_notify_email_is_loaded_and_a_bad_one_rejected(es, config, tenant, load, tmp_path):
    path = tmp_path / "stores_notify.csv"
    path.write_text("store_id,name,city,country,lat,lon,notification_email\n"
                    "N1,Boutique Nord,Lille,FR,50.63,3.06,magasin.nord@shop.example\n"
                    "N2,Boutique Sud,Nice,FR,43.70,7.26,not-an-address\n"
                    "N3,Boutique Est,Metz,FR,49.12,6.18,\n", encoding="utf-8")
    summary, messages = load("stores", path, tenant.id)
    assert (summary.indexed, summary.rejected) == (2, 1)
    assert "stores_notify.csv:3: notify_email: must be an email address" in "\n".join(messages)
    assert get_store(es, config, tenant.id, "N1")["notify_email"] == "magasin.nord@shop.example"
    assert get_store(es, config, tenant.id, "N3")["notify_email"] is None


def test_zone_names_that_are_not_iana_take_the_zone_of_the_coordinates_with_a_warning(
        es, config, tenant, load):
    # The Starbucks directory's layout with its kinds of zones (invented rows): a name cut short,
    # a bare name that is no IANA zone, and a row where neither the name nor the place gives one.
    summary, messages = load("stores", SAMPLES / "stores_starbucks_zones.csv", tenant.id)
    text = "\n".join(messages)
    assert (summary.read, summary.indexed, summary.rejected, summary.warnings) == (5, 4, 1, 2)
    assert get_store(es, config, tenant.id, "Z-001")["timezone"] == "America/Dawson_Creek"
    assert get_store(es, config, tenant.id, "Z-002")["timezone"] == "Asia/Shanghai"
    assert get_store(es, config, tenant.id, "Z-003")["timezone"] == "Asia/Shanghai"
    assert get_store(es, config, tenant.id, "Z-004")["timezone"] == "Europe/Paris"
    assert ("stores_starbucks_zones.csv:2: warning: timezone: 'GMT+000000 America/Dawson_Cree' is not "
            "an IANA time zone; did you mean America/Dawson_Creek?; America/Dawson_Creek used, from "
            "the coordinates") in text
    assert ("stores_starbucks_zones.csv:3: warning: timezone: 'Asia/Beijing' is not an IANA time zone; "
            "Asia/Shanghai used, from the coordinates") in text
    assert "stores_starbucks_zones.csv:6: " in text and get_store(es, config, tenant.id, "Z-005") is None
    assert "warnings 2" in "\n".join(summary.lines())
