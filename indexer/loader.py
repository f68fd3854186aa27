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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch
from marshmallow import ValidationError
from tqdm import tqdm

from indexer.rejects import Reject, RejectsFile
from indexer.schemas import SCHEMAS, StockRowLoader, all_errors
from indexer.sources import Record, Source, SourceError, column_mapping, open_source
from locator import indices
from locator.config import Config

KINDS = ("stores", "products", "stock")
DEDUPE_KEY = {"stores": "store_id", "products": "sku"}


@dataclass
class LoadOptions:
    """How to load one file (the `locator index` options)."""

    tenant: str
    full: bool = False
    max_errors: int | None = None
    fmt: str = "auto"
    encoding: str | None = None
    country: str | None = None  # stores without a country column or value
    as_of: datetime | None = None  # stock rows without as_of (default: the file's modification time)
    rejects_path: Path | None = None
    demo: bool = False
    progress: bool = True


@dataclass
class Summary:
    """What a load did. `indexed` counts new documents, `updated` changed ones."""

    kind: str
    path: Path
    tenant: str
    full: bool
    read: int = 0
    indexed: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    rejected: int = 0
    duplicates: int = 0
    removed: int = 0
    stock_moved: int = 0
    stock_deleted: int = 0
    geocoded: int = 0
    elapsed: float = 0.0
    stopped_early: bool = False
    abandoned: bool = False  # a full load stopped early: its new index deleted, the live one unchanged
    notes: list[str] = field(default_factory=list)
    rejects_path: Path | None = None

    @property
    def ok(self) -> bool:
        return self.rejected == 0 and not self.stopped_early

    def lines(self) -> list[str]:
        """Return the summary as printed at the end of a load."""
        rate = self.read / self.elapsed if self.elapsed else 0.0
        mode = "full load (alias swapped)" if self.full else "incremental load"
        if self.abandoned:
            mode = "full load abandoned (its new index deleted; the live index is unchanged)"
        lines = [
            f"{self.kind} from {self.path} for tenant {self.tenant!r}: {mode}",
            f"  read {self.read}, indexed {self.indexed}, updated {self.updated}, "
            f"unchanged {self.unchanged}, stale {self.stale}, rejected {self.rejected}, "
            f"elapsed {self.elapsed:.1f} s ({rate:,.0f} rows/s)",
        ]
        extra = [f"{name} {value}" for name, value in (
            ("duplicates", self.duplicates), ("removed", self.removed), ("geocoded", self.geocoded),
            ("stock documents moved", self.stock_moved), ("stock documents deleted", self.stock_deleted),
        ) if value]
        if extra:
            lines.append("  " + ", ".join(extra))
        lines += [f"  note: {note}" for note in self.notes]
        if self.rejects_path and self.rejected:
            lines.append(f"  rejected rows written to {self.rejects_path} (fix them and load that file)")
        if self.stopped_early:
            lines.append("  stopped early: too many rejected rows (--max-errors)")
        return lines


@dataclass(slots=True)
class Row:
    """A validated row and where it came from."""

    line: int
    raw: Any
    data: dict


class TooManyRejects(Exception):
    """More rows were rejected than --max-errors allows."""


@dataclass
class LoadContext:
    """Everything a writer needs: the cluster, options, the summary and the rejects file."""

    es: Elasticsearch
    config: Config
    options: LoadOptions
    summary: Summary
    rejects: RejectsFile
    source: Source
    echo: Callable[[str], None]

    def reject(self, line: int, raw: Any, field_name: str, reason: str,
               more: list[tuple[str, str]] | None = None) -> None:
        """Report a rejected row; raise TooManyRejects past --max-errors."""
        self.summary.rejected += 1
        extra = [Reject(line, f, r) for f, r in (more or [])]
        self.rejects.add(raw, Reject(line, field_name, reason), extra)
        limit = self.options.max_errors
        if limit is not None and self.summary.rejected > limit:
            raise TooManyRejects()


class Writer:
    """Writes validated rows of one kind; `catalogue` and `stockload` implement it."""

    batch_size = 1000

    def __init__(self, ctx: LoadContext) -> None:
        self.ctx = ctx

    def begin(self) -> None:
        """Prepare (a full load creates its new index here)."""

    def write(self, batch: list[Row]) -> None:
        raise NotImplementedError

    def rejected(self, data: dict) -> None:
        """Hear about a row rejected before writing (a full load keeps its live document)."""

    def finish(self) -> None:
        """Complete the load (a full load swaps its alias here)."""

    def abort(self) -> None:
        """Undo what cannot be kept (a full load deletes its half-built index)."""


def _make_writer(kind: str, ctx: LoadContext) -> Writer:
    if kind == "stock":
        from indexer.stockload import FullStockWriter, StockWriter

        return FullStockWriter(ctx) if ctx.options.full else StockWriter(ctx)
    from indexer.catalogue import ProductsWriter, StoresWriter

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
    ctx = LoadContext(es, config, options, summary, rejects, source, echo)
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
