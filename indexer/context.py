"""What a load shares between its pipeline (`loader`) and its writers (`catalogue`, `stockload`).

The options a load runs with, the summary it reports, the rows it hands over, the context a writer
is given and the `Writer` steps (begin, write, rejected, finish, abort).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from indexer.rejects import SHOWN_ON_SCREEN, Reject, RejectsFile
from indexer.sources import Source
from locator.config import Config


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
    warnings: int = 0  # rows loaded with a value replaced (e.g. a time zone from the coordinates)
    alerts_sent: int = 0  # back-in-stock alerts ended by rows that made a product available again
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
            ("warnings", self.warnings),
            ("stock documents moved", self.stock_moved), ("stock documents deleted", self.stock_deleted),
            ("back-in-stock alerts sent", self.alerts_sent),
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


    def warn(self, line: int, field_name: str, message: str) -> None:
        """Report a row loaded with one of its values replaced (the first ones on screen)."""
        self.summary.warnings += 1
        if self.summary.warnings <= SHOWN_ON_SCREEN:
            self.echo(f"{self.source.path}:{line}: warning: {field_name}: {message}")
        elif self.summary.warnings == SHOWN_ON_SCREEN + 1:
            self.echo("… more warnings are not shown")


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


class EmptyLoad(Exception):
    """A full load without a single valid row: the live index is kept."""
