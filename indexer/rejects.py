"""Rejected rows: reported on screen with file, line, field and reason, and written to a rejects file.

The rejects file sits beside the input (`stores.csv` -> `stores.rejects.csv`), in the input's own
format with one more column, `reject_reason`, that the readers ignore: fix the rows in it and
load it again. JSON arrays and GeoJSON give a JSON Lines rejects file (one record per line), which
the readers accept too. When the input's folder is read-only, the file goes to the current folder.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from indexer.sources import REJECT_REASON, Source

SHOWN_ON_SCREEN = 20


@dataclass(frozen=True)
class Reject:
    """One rejected row."""

    line: int
    field: str
    reason: str

    def describe(self, path: Path) -> str:
        where = f"{path}:{self.line}"
        return f"{where}: {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


def default_rejects_path(source: Source) -> Path:
    """Return where the rejects file of `source` goes."""
    name = f"{source.path.stem}.rejects{source.rejects_suffix}"
    folder = source.path.parent
    # Root may write anywhere: a folder without write bits is treated as read-only all the same.
    if os.access(folder, os.W_OK) and folder.stat().st_mode & 0o222:
        return folder / name
    return Path.cwd() / name


class RejectsFile:
    """Collect rejects: print the first ones, write every one (with its raw row) to the file."""

    def __init__(self, source: Source, path: Path | None, echo) -> None:
        self.source = source
        self.path = path or default_rejects_path(source)
        self.count = 0
        self._echo = echo
        self._handle: IO[str] | None = None
        self._csv: Any = None

    def add(self, raw: Any, reject: Reject, extra: list[Reject] | None = None) -> None:
        """Report one rejected row (all its reasons) and write it to the rejects file."""
        self.count += 1
        reasons = [reject, *(extra or [])]
        if self.count <= SHOWN_ON_SCREEN:
            for item in reasons:
                self._echo(item.describe(self.source.path))
        elif self.count == SHOWN_ON_SCREEN + 1:
            self._echo(f"… more rejected rows: see {self.path}")
        self._write(raw, "; ".join(f"line {r.line}: {r.field + ': ' if r.field else ''}{r.reason}"
                                   for r in reasons))

    def _open(self) -> None:
        self._handle = self.path.open("w", encoding="utf-8", newline="")
        if self.source.format in ("csv", "google"):
            self._csv = csv.writer(self._handle, delimiter=self.source.delimiter, lineterminator="\n")
            self._csv.writerow([*self.source.header, REJECT_REASON])

    def _write(self, raw: Any, reason: str) -> None:
        if self._handle is None:
            self._open()
        assert self._handle is not None
        if self._csv is not None:
            cells = list(raw) if isinstance(raw, list) else [str(raw)]
            # A short (truncated) row is padded so that the reason stays in its own column.
            cells += [""] * (len(self.source.header) - len(cells))
            self._csv.writerow([*cells, reason])
        elif isinstance(raw, dict):
            self._handle.write(json.dumps({**raw, REJECT_REASON: reason}, ensure_ascii=False) + "\n")
        elif isinstance(raw, str):
            self._handle.write(raw + "\n")  # a line that is not JSON: kept as is, to be fixed
        else:
            self._handle.write(json.dumps(raw, ensure_ascii=False) + "\n")

    def close(self) -> None:
        """Close the rejects file (when there is one)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
