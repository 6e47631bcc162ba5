"""A plain-Python reference implementation of the matcher's semantics, for tests only.

It is written for clarity, not speed: it normalises the text into a list of units, finds every
occurrence of every alias with ``str.find``, checks boundaries and case policies on the original
text, and resolves overlaps. The property tests compare ``cybernexus.Matcher`` with it.

The reference reads the gazetteer through ``Gazetteer.to_records()`` (aliases with their *resolved*
case policy) and never re-derives a policy.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

#: The Unicode ``White_Space`` property. Not ``str.isspace``, which also accepts U+001C..U+001F.
WS: frozenset[str] = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)

_DASHES = frozenset(
    [chr(c) for c in range(0x2010, 0x2016)] + ["\u2212", "\ufe58", "\ufe63", "\uff0d"]
)
_APOSTROPHES = frozenset(["\u2018", "\u2019", "\u201b", "\u02bc", "\u2032", "\uff07"])
_DOUBLE_QUOTES = frozenset([chr(c) for c in range(0x201C, 0x2020)] + ["\u2033", "\uff02"])

#: Scripts written without spaces between words; their characters are never word characters.
UNSPACED_RANGES: tuple[tuple[int, int], ...] = (
    (0x0E00, 0x0EFF),
    (0x1000, 0x109F),
    (0x1100, 0x11FF),
    (0x1780, 0x17FF),
    (0x3040, 0x30FF),
    (0x3130, 0x318F),
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0xFF66, 0xFF9F),
    (0x20000, 0x3FFFF),
)

Policy = Literal["exact", "upper_first", "insensitive"]
Overlaps = Literal["longest", "all"]
#: A mention as the tests compare it: (start, end, entity id, alias text as in the gazetteer).
MentionKey = tuple[int, int, str, str]

RANK: dict[str, int] = {"exact": 0, "upper_first": 1, "insensitive": 2}


def typography(c: str) -> str:
    """Map a typographic dash, apostrophe or double quote to its ASCII form; others unchanged."""
    if c in _DASHES:
        return "-"
    if c in _APOSTROPHES:
        return "'"
    if c in _DOUBLE_QUOTES:
        return '"'
    return c


def fold(c: str) -> str:
    """Fold one character for case-insensitive comparison (always one character)."""
    c2 = typography(c)
    if c2 == "\u0130":
        return "i"
    lower = c2.lower()
    if len(lower) != 1:
        return c2
    if lower == "\u03c2":
        return "\u03c3"
    return lower


def is_unspaced(c: str) -> bool:
    """Whether ``c`` belongs to a script written without spaces (Han, kana, Hangul, Thai, ...)."""
    cp = ord(c)
    return any(lo <= cp <= hi for lo, hi in UNSPACED_RANGES)


def is_word(c: str) -> bool:
    """Word character for the boundary rule: L*, M*, N* or Pc, outside the unspaced scripts."""
    if is_unspaced(c):
        return False
    cat = unicodedata.category(c)
    return cat[0] in "LMN" or cat == "Pc"


def compose(prev: str, c: str) -> str | None:
    """The canonical composite of ``prev`` and ``c``, or None: a letter and a combining mark written apart
    (decomposed text) read as the one composed letter.

    A composite here is a character whose canonical decomposition is exactly ``prev, c`` and that NFC keeps (so no
    composition exclusion), or a Hangul syllable made of its jamo; ``c`` must be a mark or a Hangul vowel or final
    consonant.
    """
    hangul = 0x1161 <= ord(c) <= 0x1175 or 0x11A8 <= ord(c) <= 0x11C2
    if not (hangul or unicodedata.category(c) in ("Mn", "Mc")):
        return None
    k = unicodedata.normalize("NFC", prev + c)
    if len(k) != 1:
        return None
    if 0xAC00 <= ord(k) <= 0xD7A3:
        return k
    pair = f"{ord(prev):04X} {ord(c):04X}"
    return k if unicodedata.decomposition(k) == pair else None


def normalize_text(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The normalised text and, per normalised character, the original span of its unit.

    A unit is a maximal run of white space (normalised to one space) or any other single
    character (folded). Unit spans are ``(start, end)`` pairs of Python string indices.
    """
    out: list[str] = []
    units: list[tuple[int, int]] = []
    prev: str | None = (
        None  # the last character as written (or composed), if it was not white space
    )
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in WS:
            j = i
            while j < n and text[j] in WS:
                j += 1
            out.append(" ")
            units.append((i, j))
            prev = None
            i = j
        elif prev is not None and (k := compose(prev, c)) is not None:
            out[-1] = fold(k)
            units[-1] = (units[-1][0], i + 1)
            prev = k
            i += 1
        else:
            out.append(fold(c))
            units.append((i, i + 1))
            prev = c
            i += 1
    return "".join(out), units


def _collapse(s: str, fold_case: bool) -> str:
    """Collapse white-space runs to one space; typography (and if ``fold_case``, case) per char."""
    out: list[str] = []
    pending = False
    prev: str | None = None
    for c in s:
        if c in WS:
            pending = True
            prev = None
            continue
        if pending:
            out.append(" ")
            pending = False
        if prev is not None and (k := compose(prev, c)) is not None:
            out[-1] = fold(k) if fold_case else typography(k)
            prev = k
            continue
        out.append(fold(c) if fold_case else typography(c))
        prev = c
    if pending:
        out.append(" ")
    return "".join(out)


def strip_ws(s: str) -> str:
    """``s`` without leading and trailing ``White_Space`` characters."""
    i, j = 0, len(s)
    while i < j and s[i] in WS:
        i += 1
    while j > i and s[j - 1] in WS:
        j -= 1
    return s[i:j]


def alias_folded(alias: str) -> str:
    """The form under which an alias is searched in the normalised text."""
    return _collapse(strip_ws(alias), fold_case=True)


def alias_exact(alias: str) -> str:
    """The form an ``exact`` alias must equal: white space and typography normalised, case kept."""
    return _collapse(strip_ws(alias), fold_case=False)


def exact_normalize_span(span: str) -> str:
    """Normalise an original span for the ``exact`` comparison (no trimming, no case folding)."""
    return _collapse(span, fold_case=False)


def at_boundaries(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` neither starts nor ends between two word characters."""
    if start > 0 and start < len(text) and is_word(text[start - 1]) and is_word(text[start]):
        return False
    return not (end < len(text) and end > 0 and is_word(text[end - 1]) and is_word(text[end]))


URL_CONTEXT_CHARS = 128
TRAILING_PUNCTUATION = ".,;:!?)]}\"'\u2019\u201d\u00bb"


def in_url_or_path(text: str, start: int, end: int) -> bool:
    """Whether the match is part of a URL, a file path or a file name (see the matcher's docs)."""
    a = start
    while a > 0 and start - a < URL_CONTEXT_CHARS and text[a - 1] not in WS:
        a -= 1
    b = end
    while b < len(text) and b - end < URL_CONTEXT_CHARS and text[b] not in WS:
        b += 1
    run = text[a:b]
    if "://" in run or "\\" in run or "www." in run:
        return True
    tail = text[end:b].rstrip(TRAILING_PUNCTUATION)
    if not tail.startswith("."):
        return False
    ext = tail[1:]
    return (
        2 <= len(ext) <= 4
        and all(c.isascii() and c.isalnum() for c in ext)
        and any(c.isascii() and c.isalpha() for c in ext)
    )


def strip_article(s: str) -> str:
    """``s`` without a leading "the" (any case) and the white space after it, if something follows."""
    if len(s.encode()) > 4 and s[:3].lower() == "the" and s[3] in WS:
        rest = s[3:].lstrip("".join(WS))
        if rest:
            return rest
    return s


def policy_accepts(policy: str, span: str, alias: str) -> bool:
    """Whether ``span`` (original text, folded like the alias) passes the alias's case policy.

    A leading article ("the") is not part of the policy, and an exact alias of several words with lower-case letters
    also accepts a span written without lower-case letters (headline capitals)."""
    whole = alias_exact(alias)
    if alias_folded(alias) != strip_article(alias_folded(alias)):
        span, alias = strip_article(span), strip_article(alias)
    if policy == "insensitive":
        return True
    if policy == "upper_first":
        return span != "" and unicodedata.category(span[0]) in ("Lu", "Lt")
    if policy == "exact":
        return exact_normalize_span(span) == alias_exact(alias) or (
            " " in whole
            and any(c.islower() for c in alias_exact(alias))
            and not any(c.islower() for c in span)
        )
    raise ValueError(f"unresolved case policy {policy!r}")


@dataclass(frozen=True)
class RefAlias:
    """One alias of the reference gazetteer."""

    entity: int
    index: int
    text: str
    policy: str
    folded: str
    form: str | None


@dataclass(frozen=True)
class RefEntity:
    """One entity of the reference gazetteer."""

    id: str
    aliases: tuple[RefAlias, ...]


class ReferenceMatcher:
    """The matching semantics, spelled out.

    Args:
        records: The output of ``Gazetteer.to_records()`` (case policies resolved).
        overlaps: ``"longest"`` or ``"all"``.
    """

    def __init__(
        self, records: Iterable[Mapping[str, Any]], overlaps: Overlaps = "longest"
    ) -> None:
        if overlaps not in ("longest", "all"):
            raise ValueError(f"bad overlaps {overlaps!r}")
        self.overlaps: Overlaps = overlaps
        entities: list[RefEntity] = []
        for e, record in enumerate(records):
            aliases: list[RefAlias] = []
            for a, spec in enumerate(record["aliases"]):
                text = str(spec["text"])
                policy = str(spec["case"])
                if policy not in RANK:
                    raise ValueError(f"unresolved case policy {policy!r} in to_records()")
                form = spec.get("form")
                folded = alias_folded(text)
                aliases.append(
                    RefAlias(e, a, text, policy, folded, None if form is None else str(form))
                )
            entities.append(RefEntity(str(record["id"]), tuple(aliases)))
        self.entities: tuple[RefEntity, ...] = tuple(entities)

    def _accepted(self, text: str) -> dict[tuple[int, int], list[RefAlias]]:
        """Every accepted candidate, by original span, in (rank, entity, alias) order."""
        norm, units = normalize_text(text)
        by_span: dict[tuple[int, int], list[RefAlias]] = {}
        for entity in self.entities:
            for alias in entity.aliases:
                p = alias.folded
                if not p:
                    continue
                a = norm.find(p)
                while a != -1:
                    s, e = units[a][0], units[a + len(p) - 1][1]
                    if (
                        at_boundaries(text, s, e)
                        and not in_url_or_path(text, s, e)
                        and policy_accepts(alias.policy, text[s:e], alias.text)
                    ):
                        by_span.setdefault((s, e), []).append(alias)
                    a = norm.find(p, a + 1)
        for candidates in by_span.values():
            candidates.sort(key=lambda c: (RANK[c.policy], c.entity, c.index))
        return by_span

    def find_aliases(self, text: str) -> list[tuple[int, int, RefAlias]]:
        """Mentions of ``text`` as ``(start, end, alias)``, in matcher order."""
        by_span = self._accepted(text)
        if self.overlaps == "all":
            rows: list[tuple[int, int, RefAlias]] = []
            for (s, e), candidates in by_span.items():
                seen: set[int] = set()
                for c in candidates:
                    if c.entity not in seen:
                        seen.add(c.entity)
                        rows.append((s, e, c))
            rows.sort(key=lambda r: (r[0], -r[1], r[2].entity))
            return rows
        firsts = sorted(
            ((s, e, cands[0]) for (s, e), cands in by_span.items()),
            key=lambda r: (r[0], -r[1]),
        )
        out: list[tuple[int, int, RefAlias]] = []
        next_free = 0
        for s, e, c in firsts:
            if s >= next_free:
                out.append((s, e, c))
                next_free = e
        return out

    def find(self, text: str) -> list[MentionKey]:
        """Mentions of ``text`` as ``(start, end, entity_id, alias_text)``, in matcher order."""
        return [(s, e, self.entities[a.entity].id, a.text) for s, e, a in self.find_aliases(text)]

    def find_many(self, texts: Sequence[str]) -> list[list[MentionKey]]:
        """:meth:`find` for each text."""
        return [self.find(t) for t in texts]
