"""Read input files into records (line number, fields by their canonical name, the raw row).

Formats: CSV (delimiter detected among `, ; TAB |`; a Google local inventory feed is a tab-separated
CSV with its own column names), JSON Lines, a JSON array, and a GeoJSON FeatureCollection (stores).
Column names are matched loosely (`Store Number`, `store_code`, `Latitude`, `zip` …, see
`ALIASES`); unknown columns are ignored and listed. Encoding: UTF-8 with or without a byte-order
mark, UTF-16 with one; anything else is detected (charset-normalizer) and named in the summary, or
the file is refused when it is binary or undecidable. Nothing here validates values: a record that
cannot even be read (a truncated line, broken JSON, bytes that are not text) carries an `error`.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from locator.text import fold

SAMPLE_BYTES = 256 * 1024
# Marks a line whose bytes did not decode (a noncharacter: never in real text).
_BAD_BYTES = "\ufdd0"
REJECT_REASON = "reject_reason"  # column added to rejects files, ignored when they are reloaded
FORMATS = ("auto", "csv", "jsonl", "json", "geojson", "google")

# Canonical field <- accepted column names (folded, non-alphanumerics as "_"). The canonical name
# itself always wins over an alias when a file has both.
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "stores": {
        "store_id": ("store_number", "store_code", "storeid", "store", "bucode", "id", "code"),
        "name": ("store_name", "title"),
        "street": ("street_address", "address", "address1", "address_line_1", "addr"),
        "postcode": ("postal_code", "zip", "zip_code", "zipcode", "post_code"),
        "city": ("town", "locality"),
        "country": ("country_code", "countrycode", "country_iso"),
        "lat": ("latitude",),
        "lon": ("lng", "long", "longitude"),
        "phone": ("phone_number", "telephone", "tel"),
        "notify_email": ("notification_email", "notify", "store_email"),
        "timezone": ("time_zone", "tz"),
        "opening_hours": ("hours", "opening_times"),
        "services": ("service",),
        "status": ("store_status",),
    },
    "products": {
        "sku": ("product_id", "item_id", "itemid", "id"),
        "name": ("product_name", "title"),
        "brand": ("manufacturer",),
        "category": ("product_type",),
        "gtin": ("ean", "upc", "barcode", "ean13"),
        "price": ("unit_price",),
    },
    "stock": {
        "store_id": ("store_code", "store", "storeid", "store_number"),
        "sku": ("id", "itemid", "item_id", "product_id"),
        "on_hand": ("quantity", "qty", "stock", "on_hand_qty"),
        "as_of": ("updated_at", "timestamp", "counted_at"),
        "availability": (),
        "price": (),
    },
}


class SourceError(Exception):
    """The file as a whole cannot be read (not found, empty, binary, unknown format)."""


@dataclass(slots=True)
class Record:
    """One input row: where it is, its fields under canonical names, and the row as read."""

    line: int
    data: dict[str, Any]
    raw: Any
    error: str | None = None


@dataclass
class Source:
    """An opened input file: detected format, encoding and columns, iterable as records."""

    path: Path
    kind: str
    format: str
    encoding: str
    delimiter: str = ","
    header: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _bad_bytes_seen: bool = False  # set by _lines: only then are rows searched for the marker

    def __iter__(self) -> Iterator[Record]:
        if self.format in ("csv", "google"):
            return self._csv_records()
        if self.format == "jsonl":
            return self._jsonl_records()
        return self._json_records()

    @property
    def rejects_suffix(self) -> str:
        return ".csv" if self.format in ("csv", "google") else ".jsonl"

    def _lines(self) -> Iterator[str]:
        # Decoded line by line so that one bad byte rejects one row, not the file.
        decoder_name = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        with self.path.open("rb") as handle:
            first = True
            if self.encoding.startswith("utf-16"):
                text = handle.read().decode(self.encoding)
                yield from text.splitlines(keepends=True)
                return
            for raw in handle:
                if first and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8):]
                first = False
                try:
                    yield raw.decode(decoder_name)
                except UnicodeDecodeError:
                    self._bad_bytes_seen = True
                    yield _BAD_BYTES + raw.decode(decoder_name, errors="replace")

    def _csv_records(self) -> Iterator[Record]:
        reader = csv.reader(self._lines(), delimiter=self.delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        mapping = column_mapping(self.kind, header)
        width = len(header)
        previous_end = reader.line_num
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                line = previous_end + 1
                previous_end = reader.line_num
                yield Record(line, {}, [], f"unreadable CSV: {exc}")
                continue
            line = previous_end + 1
            previous_end = reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # blank line
            if self._bad_bytes_seen and any(_BAD_BYTES in c for c in cells):
                cells = [c.replace(_BAD_BYTES, "") for c in cells]
                yield Record(line, {}, cells, f"bytes that are not {self.encoding} text")
                continue
            if len(cells) != width:
                what = "truncated line?" if len(cells) < width else "unquoted delimiter in a value?"
                yield Record(line, {}, cells, f"expected {width} fields, found {len(cells)} ({what})")
                continue
            yield Record(line, {mapping[i]: cells[i] for i in mapping}, cells)

    def _jsonl_records(self) -> Iterator[Record]:
        mappings: dict[tuple[str, ...], dict[str, str]] = {}
        for line, text in enumerate(self._lines(), start=1):
            if not text.strip():
                continue
            if text.startswith(_BAD_BYTES):
                yield Record(line, {}, text[len(_BAD_BYTES):].rstrip("\r\n"),
                             f"bytes that are not {self.encoding} text")
                continue
            try:
                obj = json.loads(text)
            except ValueError as exc:
                yield Record(line, {}, text.rstrip("\r\n"), f"invalid JSON ({exc.msg}; truncated line?)")
                continue
            yield self._object_record(line, obj, mappings)

    def _json_records(self) -> Iterator[Record]:
        text = "".join(self._lines())
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise SourceError(f"{self.path}: invalid JSON at line {exc.lineno} ({exc.msg})") from exc
        items = _json_items(document)
        if items is None:
            raise SourceError(f"{self.path}: expected a JSON array of objects or a GeoJSON FeatureCollection")
        mappings: dict[tuple[str, ...], dict[str, str]] = {}
        for number, obj in enumerate(items, start=1):
            yield self._object_record(number, obj, mappings)

    def _object_record(self, line: int, obj: Any, mappings: dict) -> Record:
        if not isinstance(obj, dict):
            return Record(line, {}, obj, f"expected a JSON object, found {type(obj).__name__}")
        flat = flatten(obj)
        keys = tuple(flat)
        mapping = mappings.get(keys)
        if mapping is None:
            mapping = mappings[keys] = column_mapping(self.kind, list(keys))
            ignored = sorted({k for i, k in enumerate(keys) if i not in mapping and k != REJECT_REASON})
            for name in ignored:
                if name not in self.ignored:
                    self.ignored.append(name)
        return Record(line, {mapping[i]: flat[k] for i, k in enumerate(keys) if i in mapping}, obj)


def _json_items(document: Any) -> list | None:
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        features = document.get("features")
        return features if isinstance(features, list) else None
    return None


def flatten(obj: dict) -> dict[str, Any]:
    """Return a JSON record as flat fields: GeoJSON features, `location{lat,lon}`, `coordinates`."""
    if obj.get("type") == "Feature":
        flat = dict(obj.get("properties") or {})
        geometry = obj.get("geometry") or {}
        if geometry.get("type") == "Point":
            flat.update(_lon_lat(geometry.get("coordinates")))
        elif geometry:
            flat["lat"] = flat["lon"] = f"unsupported geometry {geometry.get('type')!r} (need a Point)"
        return flat
    flat = {}
    for key, value in obj.items():
        if key in ("location", "geo", "position") and isinstance(value, dict):
            flat["lat"] = value.get("lat", value.get("latitude"))
            flat["lon"] = value.get("lon", value.get("lng", value.get("longitude")))
        elif key == "coordinates" and isinstance(value, list):
            flat.update(_lon_lat(value))
        else:
            flat[key] = value
    return flat


def _lon_lat(coordinates: Any) -> dict[str, Any]:
    # GeoJSON order: [longitude, latitude].
    if isinstance(coordinates, list) and len(coordinates) >= 2:
        return {"lon": coordinates[0], "lat": coordinates[1]}
    return {"lat": "invalid coordinates", "lon": "invalid coordinates"}


def normalize_column(name: str) -> str:
    """Return a column name folded to `snake_case` (`Store Number` -> `store_number`)."""
    return re.sub(r"[^0-9a-z]+", "_", fold(str(name))).strip("_")


def column_mapping(kind: str, header: list[str]) -> dict[int, str]:
    """Map column positions to canonical field names for `kind` (unknown columns left out)."""
    aliases = ALIASES[kind]
    normalized = [normalize_column(h) for h in header]
    mapping: dict[int, str] = {}
    for canonical, others in aliases.items():
        for candidate in (canonical, *others):
            if candidate in normalized:
                position = normalized.index(candidate)
                if position not in mapping:
                    mapping[position] = canonical
                    break
    return mapping


def _detect_encoding(path: Path, sample: bytes) -> tuple[str, str | None]:
    """Return (encoding, note) for a file; raise SourceError when it is not text."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", None
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "decoded as UTF-16 (byte-order mark)"
    if b"\x00" in sample:
        raise SourceError(f"{path}: binary data (NUL bytes), not a text file")
    try:
        sample.decode("utf-8")
        return "utf-8", None
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4 and exc.reason == "unexpected end of data":
            return "utf-8", None  # the sample cut a character in two
    best = from_bytes(sample).best()
    if best is None or best.chaos > 0.1:
        raise SourceError(f"{path}: not UTF-8 and no text encoding fits; save it as UTF-8 "
                          "(or give --encoding)")
    return best.encoding, f"not UTF-8: decoded as {best.encoding} (detected; check the accents)"


def _detect_format(path: Path, sample: str, kind: str) -> str:
    suffix = path.suffix.lower()
    stripped = sample.lstrip()
    if suffix == ".geojson":
        return "geojson"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if stripped.startswith("["):
        return "json"
    if stripped.startswith("{"):
        first = stripped.splitlines()[0] if stripped else ""
        try:
            json.loads(first)
            return "jsonl"
        except ValueError:
            return "geojson" if '"FeatureCollection"' in sample else "json"
    if kind == "stock" and "store_code" in sample.splitlines()[0].lower() and "\t" in sample:
        return "google"
    return "csv"


def _detect_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def open_source(path: Path | str, kind: str, fmt: str = "auto", encoding: str | None = None) -> Source:
    """Open `path` as input for `kind` (stores, products, stock); raise SourceError if it cannot be."""
    path = Path(path)
    if kind not in ALIASES:
        raise SourceError(f"unknown kind {kind!r}")
    if fmt not in FORMATS:
        raise SourceError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if not sample.strip():
        raise SourceError(f"{path}: the file is empty")
    notes: list[str] = []
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise SourceError(f"unknown encoding {encoding!r}") from exc
    else:
        encoding, note = _detect_encoding(path, sample)
        if note:
            notes.append(note)
    text = sample.decode(encoding, errors="replace").lstrip("\ufeff")
    fmt = _detect_format(path, text, kind) if fmt == "auto" else fmt
    if fmt == "geojson" and kind != "stores":
        raise SourceError(f"{path}: GeoJSON is accepted for stores only")
    if fmt == "google" and kind != "stock":
        raise SourceError(f"{path}: a Google local inventory feed is accepted for stock only")
    source = Source(path, kind, fmt, encoding, notes=notes)
    if fmt in ("csv", "google"):
        first_line = text.splitlines()[0] if text.splitlines() else ""
        source.delimiter = "\t" if fmt == "google" else _detect_delimiter(first_line)
        source.header = next(csv.reader([first_line], delimiter=source.delimiter), [])
        mapping = column_mapping(kind, source.header)
        source.ignored = [h for i, h in enumerate(source.header)
                          if i not in mapping and normalize_column(h) != REJECT_REASON]
    return source
