"""Text folding shared by the indexer and the search API.

The stripped Elasticsearch node has no `asciifolding` filter, so accents are folded here, in
Python, into the `search_text` fields; queries are folded with the same function, so "Évry" finds
"evry" and the other way round on any cluster.
"""

from __future__ import annotations

import unicodedata

# Letters that carry no combining mark, so NFKD does not split them, but that people type
# without the accent all the same.
_EXTRA = str.maketrans({
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ı": "i",
})
# Only Latin and Greek accents are optional in practice; in other scripts the mark makes another
# letter (Cyrillic Й is not И, Japanese ガ is not カ), so those are left alone.
_FOLDABLE_SCRIPTS = ("LATIN", "GREEK")


def _foldable(base: str) -> bool:
    return bool(base) and unicodedata.name(base, "").startswith(_FOLDABLE_SCRIPTS)


def fold(text: str) -> str:
    """Return `text` lowercased, without Latin/Greek accents, whitespace runs collapsed."""
    if not text:
        return ""
    kept: list[str] = []
    base = ""
    for ch in unicodedata.normalize("NFKD", text.casefold()):
        if unicodedata.combining(ch):
            if not _foldable(base):
                kept.append(ch)
            continue
        base = ch
        kept.append(ch)
    folded = unicodedata.normalize("NFKC", "".join(kept)).translate(_EXTRA)
    return " ".join(folded.split())
