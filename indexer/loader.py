"""The load pipeline: read a file, validate every row, hand good rows to a writer, report the rest.

One pipeline for the three kinds: records come from `sources`, are validated by the kind's
marshmallow schema, de-duplicated (stores and products: the first row of an id is kept, a later
different row with the same id is rejected and reported, an identical one is counted as a
duplicate), and written in batches by the kind's writer (`catalogue`, `stockload`). Bad rows go to
the rejects file; `--max-errors N` stops once more than N rows were rejected (a full load then
deletes its half-built index and the live one keeps serving).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch
from marshmallow import ValidationError
from tqdm import tqdm

from indexer.catalogue import ProductsWriter, StoresWriter
from indexer.context import LoadContext, LoadOptions, Row, Summary, TooManyRejects, Writer
from indexer.rejects import RejectsFile
from indexer.schemas import SCHEMAS, StockRowLoader, all_errors
from indexer.sources import Record, Source, SourceError, column_mapping, open_source
from indexer.stockload import FullStockWriter, StockWriter
from locator import indices
from locator.config import Config

KINDS = ("stores", "products", "stock")
DEDUPE_KEY = {"stores": "store_id", "products": "sku"}


def _make_writer(kind: str, ctx: LoadContext) -> Writer:
    if kind == "stock":
        return FullStockWriter(ctx) if ctx.options.full else StockWriter(ctx)
    return StoresWriter(ctx) if kind == "stores" else ProductsWriter(ctx)


def load_file(es: Elasticsearch, config: Config, kind: str, path: Path | str, options: LoadOptions,
              echo: Callable[[str], None] = print) -> Summary:
    """Load one file of `kind` for a tenant; return the summary (raises SourceError on unreadable files)."""
    started = time.monotonic()
    source = open_source(path, kind, options.fmt, options.encoding)
    summary = Summary(kind, source.path, options.tenant, options.full, notes=list(source.notes))
    summary.notes.append(f"format {source.format}" + (
        f", delimiter {source.delimiter!r}" if source.format in ("csv", "google") else ""))
    rejects = RejectsFile(source, options.rejects_path, _above_progress_bar(echo))
    summary.rejects_path = rejects.path
    _check_columns(kind, source, options)
    ctx = LoadContext(es, config, options, summary, rejects, source, _above_progress_bar(echo))
    indices.ensure_all(es, config)
    defaults = _defaults(kind, options, source, summary)
    writer = _make_writer(kind, ctx)
    writer.begin()
    try:
        try:
            _pipeline(kind, ctx, writer, defaults)
        except TooManyRejects:
            summary.stopped_early = True
        if summary.stopped_early and options.full:
            writer.abort()
            summary.abandoned = True
        else:
            writer.finish()
    except BaseException:
        writer.abort()
        raise
    finally:
        rejects.close()
        summary.elapsed = time.monotonic() - started
    if source.ignored:
        summary.notes.append("ignored columns: " + ", ".join(map(str, source.ignored)))
    return summary


def _above_progress_bar(echo: Callable[[str], None]) -> Callable[[str], None]:
    def write(message: str) -> None:
        with tqdm.external_write_mode(file=sys.stderr):
            echo(message)

    return write


REQUIRED_COLUMNS = {"stores": ("store_id", "name"), "products": ("sku", "name"),
                    "stock": ("store_id", "sku", "on_hand", "as_of")}


def _check_columns(kind: str, source: Source, options: LoadOptions) -> None:
    """Refuse a CSV whose header lacks a required column (every row would be rejected)."""
    if source.format not in ("csv", "google"):
        return
    found = set(column_mapping(kind, source.header).values())
    required = set(REQUIRED_COLUMNS[kind])
    if kind == "stock" and (source.format == "google" or options.as_of):
        required.discard("as_of")
    if kind == "stock" and "availability" in found:
        required.discard("on_hand")
    missing = sorted(required - found)
    if missing:
        raise SourceError(f"{source.path}: missing column(s) {', '.join(missing)} "
                          f"(found: {', '.join(map(str, source.header)) or 'no header'})")


def _defaults(kind: str, options: LoadOptions, source: Source, summary: Summary) -> dict[str, Any]:
    if kind == "stores" and options.country:
        return {"country": options.country}
    if kind == "stock" and (options.as_of or source.format == "google"):
        as_of = options.as_of or datetime.fromtimestamp(source.path.stat().st_mtime, UTC)
        # Used only by rows without as_of (a Google feed has none): the file's time keeps a
        # second load of the same file unchanged.
        return {"as_of": as_of.isoformat()}
    return {}


def _pipeline(kind: str, ctx: LoadContext, writer: Writer, defaults: dict[str, Any]) -> None:
    schema = StockRowLoader() if kind == "stock" else SCHEMAS[kind]()
    key_name = DEDUPE_KEY.get(kind)
    seen: dict[str, tuple[int, dict]] = {}
    batch: list[Row] = []
    summary = ctx.summary
    default_items = list(defaults.items())
    bar = tqdm(desc=f"{kind}", unit=" rows", unit_scale=False, mininterval=0.5, file=sys.stderr,
               disable=not ctx.options.progress, leave=True)
    try:
        for record in ctx.source:
            summary.read += 1
            if not summary.read % 500:
                bar.update(500)
            row = _validate(record, schema, default_items, ctx, writer)
            if row is None:
                continue
            if key_name is not None:
                key = row.data[key_name]
                first = seen.get(key)
                if first is not None:
                    if first[1] == row.data:
                        summary.duplicates += 1
                    else:
                        ctx.reject(row.line, row.raw, key_name,
                                   f"duplicate {key_name} {key!r}: the row on line {first[0]} is kept")
                    continue
                seen[key] = (row.line, row.data)
            batch.append(row)
            if len(batch) >= writer.batch_size:
                writer.write(batch)
                batch = []
    except TooManyRejects:
        if batch and not ctx.options.full:
            writer.write(batch)
        raise
    finally:
        bar.update(summary.read % 500)
        bar.close()
    if batch:
        writer.write(batch)


def _validate(record: Record, schema, default_items, ctx: LoadContext, writer: Writer) -> Row | None:
    if record.error:
        ctx.reject(record.line, record.raw, "", record.error)
        return None
    data = record.data
    for name, value in default_items:
        if data.get(name) in (None, ""):
            data[name] = value
    try:
        clean = schema.load(data)
    except ValidationError as exc:
        errors = all_errors(exc.messages)
        writer.rejected(data)
        ctx.reject(record.line, record.raw, errors[0][0], errors[0][1], errors[1:])
        return None
    return Row(record.line, record.raw, clean)
