"""Helpers shared by the gazetteer builders (standard library only)."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path
from typing import Any

Record = dict[str, Any]


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a tab-separated file with a header; fails loudly on a row with the wrong number of cells."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        rows = []
        for line, cells in enumerate(reader, start=2):
            if not cells or all(not c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise ValueError(f"{path}:{line}: expected {len(header)} cells, got {len(cells)}")
            rows.append({h: c.strip() for h, c in zip(header, cells, strict=True)})
        return rows


def fold(text: str) -> str:
    """The matcher's comparison key, approximately: case-folded, white space collapsed, typography unified."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def alias(text: str, form: str | None, case: str = "auto") -> dict[str, Any]:
    return {"text": text, "case": case, "form": form}


def dedupe_aliases(aliases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep the first alias of each (text, case) pair, in order."""
    seen: set[tuple[str, str]] = set()
    out = []
    for a in aliases:
        key = (a["text"], a["case"])
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out
