"""Helpers shared by the gazetteer builders (standard library only)."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Record = dict[str, Any]


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a tab-separated file with a header; blank and `#` comment lines are skipped.

    Fails loudly on a row with the wrong number of cells.
    """
    with path.open(encoding="utf-8", newline="") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader)
    rows = []
    for number, cells in enumerate(reader, start=2):
        if len(cells) != len(header):
            raise ValueError(
                f"{path.name}: row {number}: expected {len(header)} cells, got {len(cells)}: "
                f"{cells}"
            )
        rows.append({h: c.strip() for h, c in zip(header, cells, strict=True)})
    return rows


def fold(text: str) -> str:
    """The matcher's comparison key, approximately: case-folded, white space collapsed, typography unified."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def merge_key(text: str) -> str:
    """The key two names must share to count as the same name: case-folded letters and digits only.

    "APT 28", "APT-28" and "apt28" share a key, as do "Lapsus$" and "LAPSUS", "Cobalt Strike" and
    "CobaltStrike".
    """
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


def resolve_case(text: str, case: str) -> str:
    """The loader's policy: `auto` is exact for one all-caps token ("APT28"), else insensitive."""
    if case != "auto":
        return case
    stripped = text.strip()
    one_token = not any(c.isspace() for c in stripped)
    has_upper = any(c.isupper() for c in stripped)
    has_lower = any(c.islower() for c in stripped)
    return "exact" if one_token and has_upper and not has_lower else "insensitive"


def slugify(text: str) -> str:
    """Lower-case ASCII, other characters collapsed to `-` ("Lazarus Group" -> "lazarus-group")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def clean_space(text: str) -> str:
    """White space collapsed to single spaces, ends stripped."""
    return " ".join(text.split())


def as_list(value: Any) -> list[str]:
    """A MISP meta value (missing, a string or a list) as a list of strings."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


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


class UnionFind:
    """Union-find over indices that keeps each component's member list (the smaller root wins)."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if ra > rb:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))


# --------------------------------------------------------------------------------------------------
# Ordinary words
#
# The rule, shared by the threat-actor and software builders: a single-token alias whose lower-case
# form is a lower-case entry of the vendored English word list (SCOWL size 50, Debian's wamerican,
# data/sources/scowl/american-english) is an ordinary word. Capitalised entries of the list (proper
# names: "Zeus", "Lazarus") do not count: only words that are written in lower case in ordinary
# prose. `data/curated/ordinary-words.tsv` overrides the rule for single words (keep: not an
# ordinary word here; drop: never an alias, even restricted), with a reason.

WORD_LIST = Path("scowl") / "american-english"
WORD_ACTIONS = ("keep", "drop")


@dataclass(frozen=True)
class OrdinaryWords:
    """The English word list (lower-case entries) and the curated overrides."""

    words: frozenset[str]
    overrides: dict[str, tuple[str, str]]

    def check(self, text: str) -> tuple[str, str]:
        """("", "") when `text` is not an ordinary word; else ("word" or "drop", reason).

        Only a single token counts (no white space); its lower-case form must be a lower-case entry
        of the word list, or an override row must say `drop`.
        """
        stripped = text.strip()
        if not stripped or any(c.isspace() for c in stripped):
            return "", ""
        lower = stripped.lower()
        override = self.overrides.get(lower)
        if override is not None:
            action, reason = override
            if action == "keep":
                return "", ""
            return "drop", f"ordinary word (ordinary-words.tsv): {reason}"
        if lower in self.words:
            return "word", "ordinary word: a lower-case entry of the English word list (SCOWL)"
        return "", ""


def load_ordinary_words(sources: Path, curated: Path) -> OrdinaryWords:
    """Read the vendored word list and data/curated/ordinary-words.tsv."""
    text = (sources / WORD_LIST).read_text(encoding="utf-8")
    words = frozenset(w for w in text.split("\n") if w and w == w.lower() and "'" not in w)
    overrides: dict[str, tuple[str, str]] = {}
    for row in read_tsv(curated / "ordinary-words.tsv"):
        if row["action"] not in WORD_ACTIONS:
            raise ValueError(
                f"ordinary-words.tsv: {row['word']!r}: unknown action {row['action']!r}"
            )
        if not row["reason"]:
            raise ValueError(f"ordinary-words.tsv: {row['word']!r}: no reason")
        key = row["word"].lower()
        if key in overrides or " " in key:
            raise ValueError(f"ordinary-words.tsv: {row['word']!r}: listed twice or not one word")
        overrides[key] = (row["action"], row["reason"])
    return OrdinaryWords(words, overrides)
