import codecs

import pytest

from indexer.sources import SourceError, open_source
from tests.indexer.conftest import SAMPLES


def records(path, kind="stores", **kwargs):
    return list(open_source(path, kind, **kwargs))


def test_bom_is_dropped_and_semicolon_detected():
    source = open_source(SAMPLES / "stores_bom_semicolon.csv", "stores")
    assert source.delimiter == ";" and source.header[0] == "store_id"
    rows = list(source)
    assert rows[0].data["store_id"] == "B01" and rows[0].data["name"] == "Café Crème"


def test_other_encodings_are_detected_and_named():
    source = open_source(SAMPLES / "stores_latin1.csv", "stores")
    assert source.encoding != "utf-8" and "not UTF-8" in source.notes[0]
    assert [r.data["city"] for r in source] == ["Orléans", "Nîmes"]


def test_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "stores.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "store_id,name\nU1,Zürich Bahnhof\n".encode("utf-16-le"))
    assert [r.data for r in records(path)] == [{"store_id": "U1", "name": "Zürich Bahnhof"}]


@pytest.mark.parametrize(("name", "message"), [("empty.csv", "empty"), ("garbage.bin", "binary")])
def test_empty_and_binary_files_are_refused(name, message):
    with pytest.raises(SourceError, match=message):
        open_source(SAMPLES / name, "stores")


def test_a_stray_bad_byte_past_the_sample_rejects_only_its_line(tmp_path):
    path = tmp_path / "stores.csv"
    path.write_bytes(("store_id,name\n" + "A,fine\n" * 40000).encode() + b"B,bad \xff byte\nC,fine\n")
    rows = records(path)
    assert len(rows) == 40002
    assert [(r.line, r.error) for r in rows if r.error] == [(40002, "bytes that are not utf-8 text")]


def test_truncated_csv_lines_are_reported_with_their_line():
    rows = records(SAMPLES / "stores_bad.csv")
    truncated = [r for r in rows if r.error]
    assert [(r.line, r.error) for r in truncated] == [(9, "expected 8 fields, found 3 (truncated line?)")]


def test_column_names_are_matched_loosely(tmp_path):
    path = tmp_path / "starbucks.csv"
    path.write_text("Brand,Store Number,store_name,Street Address,City,Country,Postcode,Phone Number,"
                    "Timezone,Longitude,Latitude\nStarbucks,1-2,Opéra,1 rue,Paris,FR,75009,,"
                    "GMT+1:00 Europe/Paris,2.33,48.87\n", encoding="utf-8")
    source = open_source(path, "stores")
    (row,) = list(source)
    assert row.data == {"store_id": "1-2", "name": "Opéra", "street": "1 rue", "postcode": "75009",
                        "city": "Paris", "country": "FR", "lat": "48.87", "lon": "2.33", "phone": "",
                        "timezone": "GMT+1:00 Europe/Paris"}
    assert source.ignored == ["Brand"]


def test_geojson_points_and_json_lines():
    geo = records(SAMPLES / "stores.geojson")
    assert geo[0].data["lat"] == 45.764 and geo[0].data["lon"] == 4.8357
    assert "lat" not in geo[2].data  # no geometry: to be geocoded
    lines = records(SAMPLES / "stores.jsonl")
    assert lines[0].data["lat"] == 52.52  # location{lat, lon} flattened
    assert lines[2].error.startswith("invalid JSON") and lines[2].line == 3


def test_google_local_inventory_feed_is_detected_for_stock():
    source = open_source(SAMPLES / "google_feed.tsv", "stock")
    assert source.format == "google" and source.delimiter == "\t"
    first = next(iter(source))
    assert first.data["store_id"] == "P01" and first.data["sku"] == "SKU-3" and first.data["on_hand"] == "4"


def test_formats_are_checked_against_the_kind():
    with pytest.raises(SourceError, match="stores only"):
        open_source(SAMPLES / "stores.geojson", "stock")
    with pytest.raises(SourceError, match="no such file"):
        open_source(SAMPLES / "missing.csv", "stock")
