"""The peers that the benchmarks time against cybernexus, and the rules they reproduce.

``suite.py`` and ``bench_find.py`` both use these runners, so that a peer's figures in either
mean the same code. Each runner returns what ``cx.Matcher(g)`` would, as far as the peer can:
the peer finds candidate spans, then ``resolve`` applies, in the peer's timed code, the rules a
user of that library would have to add: the word boundary, the case policy of each alias and
leftmost-longest selection. A candidate that fails a rule never hides a shorter or later one.

The rules are those of ``tests/reference.py``, the plain-Python statement of the matcher that
the tests hold cybernexus to. Where it fits, they are imported from it: the case policy ranks
(``RANK``) and the typographic folding (``typography``). The rest are the peer-side forms of the
same rules, which differ from the reference on purpose, because a peer works on ``str.lower()``
of the text rather than on cybernexus's folding, and must stay as fast as its library allows:

* ``fold`` lower-cases one character at a time as ``str.lower`` does; the reference also folds
  "İ" (U+0130) to "i" and the final sigma (U+03C2) to the plain one, which ``str.lower`` of the
  text does not, so keys folded that way would miss the text (Greek and Turkish names in the
  built-in gazetteer have such letters).
* White space is ``str.split``'s (which also splits at U+001C..U+001F), not the reference's
  ``WS``.
* ``is_word`` is the reference's word character without its rule for scripts written without
  spaces (Han, kana, Hangul, Thai): to a peer, as to a regex ``\\w``, those are letters.
* ``accept`` has the three case policies without the reference's two refinements (a leading
  "the" outside the policy, headline capitals for ``exact`` aliases), and ``upper_first`` asks
  ``str.isupper`` rather than for the categories Lu and Lt; the suite's agreement check reports
  what these change.
* ``greedy_longest`` is the selection the reference spells out inline in ``find_aliases``.

No peer skips names inside URLs and paths; the suite's agreement check takes that rule from the
reference (``in_url_or_path``) to name the differences it makes.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ahocorasick
import ahocorasick_rs
from flashtext import KeywordProcessor

import cybernexus as cx

# The benchmarks run as scripts from the repository, where the reference is a test helper, not
# an installed module.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from reference import RANK, typography

#: (start, end, key) of one match in one text: an entity index once resolved.
Span = tuple[int, int, int]
#: One peer, built: documents in, the resolved spans of each out.
Runner = Callable[[Sequence[str]], list[list[Span]]]

ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


class _TypographyTable(dict[int, str]):
    """``typography`` as a ``str.translate`` table, filled as characters are first seen.

    The rule stays written once, in the reference, while the peers' timed code keeps the speed of
    ``str.translate`` with a table.
    """

    def __missing__(self, code: int) -> str:
        self[code] = folded = typography(chr(code))
        return folded


TYPOGRAPHY = _TypographyTable()


def normalize(text: str) -> str:
    """``text`` with white-space runs collapsed to one space and typography folded, case kept:
    the form an ``exact`` alias and a span are compared in."""
    return " ".join(text.split()).translate(TYPOGRAPHY)


def fold(alias: str) -> str:
    """An alias as cybernexus puts it in the automaton, lower-cased as ``str.lower`` lower-cases
    the text (a character whose lower case is longer stays as written)."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in normalize(alias))


@functools.lru_cache(maxsize=4096)
def _unicode_word(c: str) -> bool:
    return unicodedata.category(c)[0] in "LMN" or unicodedata.category(c) == "Pc"


def is_word(c: str) -> bool:
    """Word character for the boundary rule (letters, marks, numbers, ``_``; unspaced scripts
    such as CJK are not special-cased here)."""
    return c in ASCII_WORD or (c > "\x7f" and _unicode_word(c))


def lower_same_length(text: str) -> str:
    """``text.lower()`` with line breaks as spaces, keeping every offset (a character whose
    lower case is longer, such as ``İ``, stays as written)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.replace("\n", " ")


#: One alias behind a folded key: (policy rank, entity index, exact text).
Candidate = tuple[int, int, str]


@dataclass
class AliasSet:
    """A gazetteer's aliases, as the peers see them."""

    keys: list[str]  # folded, unique, in first-seen order
    candidates: list[tuple[Candidate, ...]]  # per key, sorted by (rank, entity)
    index: dict[str, int]  # folded key -> key index
    n_aliases: int
    policies: Counter[str]


def alias_set(gazetteer: cx.Gazetteer) -> AliasSet:
    """Every alias of ``gazetteer`` under its folded key; ``to_records`` gives each alias its
    resolved case policy, so that the peers apply the policy cybernexus applies."""
    records = gazetteer.to_records()
    assert [r["id"] for r in records] == gazetteer.ids
    by_key: dict[str, list[Candidate]] = {}
    policies: Counter[str] = Counter()
    n = 0
    for entity, record in enumerate(records):
        for alias in record["aliases"]:
            policy = str(alias["case"])
            policies[policy] += 1
            n += 1
            exact = normalize(str(alias["text"]))
            by_key.setdefault(fold(exact), []).append((RANK[policy], entity, exact))
    keys = list(by_key)
    cands = [tuple(sorted(set(by_key[k]))) for k in keys]
    return AliasSet(keys, cands, {k: i for i, k in enumerate(keys)}, n, policies)


_INSENSITIVE, _UPPER_FIRST = RANK["insensitive"], RANK["upper_first"]


def accept(cands: Sequence[Candidate], span: str) -> int | None:
    """The entity that wins ``span`` (original text): the first candidate whose case policy
    accepts it, stricter policies first, then gazetteer order (as cybernexus)."""
    for rank, entity, exact in cands:
        if rank == _INSENSITIVE:
            return entity
        if rank == _UPPER_FIRST:
            if span[0].isupper():
                return entity
        elif span == exact or normalize(span) == exact:
            return entity
    return None


def greedy_longest(valid: list[tuple[int, int, int]]) -> list[Span]:
    """Leftmost-longest picks among valid candidates given as (start, -end, key): sorted, each
    pick skips whatever overlaps it."""
    valid.sort()
    out: list[Span] = []
    free = 0
    for s, neg_e, k in valid:
        if s >= free:
            out.append((s, -neg_e, k))
            free = -neg_e
    return out


def resolve(text: str, hits: Iterable[Span], aliases: AliasSet) -> list[Span]:
    """Boundary filter, case policy, then greedy leftmost-longest, on ``text`` as written.

    ``hits`` are (start, end, key index), every overlapping occurrence, in any order. A candidate
    rejected by the boundary or the case rule never hides a valid shorter or later one.
    """
    n = len(text)
    cands = aliases.candidates
    valid: list[tuple[int, int, int]] = []
    for s, e, key in hits:
        if s > 0 and is_word(text[s - 1]) and is_word(text[s]):
            continue
        if e < n and is_word(text[e]) and is_word(text[e - 1]):
            continue
        entity = accept(cands[key], text[s:e])
        if entity is not None:
            valid.append((s, -e, entity))
    return greedy_longest(valid)


# --------------------------------------------------------------------------------------------------
# Aho-Corasick automata, also used on their own (the cost breakdown, the agreement check)
# --------------------------------------------------------------------------------------------------


def pyahocorasick_automaton(keys: Sequence[str]) -> Any:
    """A pyahocorasick automaton of ``keys``, each stored with (length, key index)."""
    automaton = ahocorasick.Automaton()
    for i, key in enumerate(keys):
        automaton.add_word(key, (len(key), i))
    automaton.make_automaton()
    return automaton


def pyahocorasick_hits(automaton: Any, low: str) -> Iterator[Span]:
    """Every (overlapping) occurrence of a key in ``low`` as (start, end, key index)."""
    return ((end + 1 - n, end + 1, k) for end, (n, k) in automaton.iter(low))


def ahocorasick_rs_automaton(keys: list[str], dfa: bool = False) -> ahocorasick_rs.AhoCorasick:
    """``AhoCorasick(keys, matchkind=MatchKind.Standard)``; the library picks the automaton
    (a contiguous NFA for this many patterns) unless ``dfa``."""
    return ahocorasick_rs.AhoCorasick(
        keys,
        matchkind=ahocorasick_rs.MatchKind.Standard,
        implementation=ahocorasick_rs.Implementation.DFA if dfa else None,
    )


# --------------------------------------------------------------------------------------------------
# Peers
# --------------------------------------------------------------------------------------------------


def build_pyahocorasick(aliases: AliasSet) -> Runner:
    automaton = pyahocorasick_automaton(aliases.keys)

    def run(texts: Sequence[str]) -> list[list[Span]]:
        return [
            resolve(text, pyahocorasick_hits(automaton, lower_same_length(text)), aliases)
            for text in texts
        ]

    return run


def build_ahocorasick_rs(aliases: AliasSet, dfa: bool = False) -> Runner:
    automaton = ahocorasick_rs_automaton(aliases.keys, dfa)

    def run(texts: Sequence[str]) -> list[list[Span]]:
        out: list[list[Span]] = []
        for text in texts:
            found = automaton.find_matches_as_indexes(lower_same_length(text), overlapping=True)
            out.append(resolve(text, ((s, e, k) for k, s, e in found), aliases))
        return out

    return run


def build_ahocorasick_rs_dfa(aliases: AliasSet) -> Runner:
    return build_ahocorasick_rs(aliases, dfa=True)


def build_flashtext(aliases: AliasSet) -> Runner:
    """flashtext picks the longest keyword itself (before any case rule); the case policy is
    applied to its picks afterwards."""
    processor = KeywordProcessor(case_sensitive=False)
    for i, key in enumerate(aliases.keys):
        processor.add_keyword(key, str(i))  # a falsy clean name (0) would be dropped

    def run(texts: Sequence[str]) -> list[list[Span]]:
        out: list[list[Span]] = []
        for text in texts:
            found = processor.extract_keywords(text.replace("\n", " "), span_info=True)
            out.append(resolve(text, ((s, e, int(k)) for k, s, e in found), aliases))
        return out

    return run


_REGEX_CHAR = {
    " ": r"\s+",
    "-": "[-\u2010-\u2015\u2212]",
    "'": "['\u2018\u2019\u201b\u02bc]",
    '"': '["\u201c-\u201f]',
}


def trie_regex(keys: Iterable[str]) -> str:
    """One alternation of every key, as a character trie, so that the regex engine tries one
    branch per character instead of every alias; an alias that ends inside a longer one is an
    optional tail, so the longest alias is tried first. A space matches any white-space run;
    a dash or a quote matches its typographic variants."""
    root: dict[str, Any] = {}
    for key in keys:
        node = root
        for c in key:
            node = node.setdefault(c, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [
            _REGEX_CHAR.get(c, re.escape(c)) + emit(child) for c, child in sorted(node.items()) if c
        ]
        if not branches:
            return ""
        if "" in node:
            return "(?:" + "|".join(branches) + ")?"
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(root)


def build_regex(aliases: AliasSet) -> Runner:
    """Python ``re``: the trie alternation between word-boundary lookarounds, case-insensitive;
    the case policy filters the matches (a rejected match does not fall back to a shorter one)."""
    # Not between two word characters, at either end: "US$" may be followed by a digit.
    start, end = r"(?:(?<!\w)|(?!\w))", r"(?:(?!\w)|(?<!\w))"
    pattern = re.compile(start + "(?:" + trie_regex(aliases.keys) + ")" + end, re.IGNORECASE)
    index = aliases.index
    cands = aliases.candidates

    def run(texts: Sequence[str]) -> list[list[Span]]:
        out: list[list[Span]] = []
        for text in texts:
            spans: list[Span] = []
            for m in pattern.finditer(text):
                s, e = m.span()
                key = index.get(fold(m.group()))
                if key is not None and (entity := accept(cands[key], text[s:e])) is not None:
                    spans.append((s, e, entity))
            out.append(spans)
        return out

    return run


def build_spacy(aliases: AliasSet) -> Runner:
    """``PhraseMatcher(attr="LOWER")`` over ``spacy.blank("en")`` tokens; token spans become
    character spans, then the same boundary, case and leftmost-longest filter."""
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    key_of: dict[int, int] = {}
    tokenizer: Any = nlp.tokenizer  # a Tokenizer; its stubs type the attribute as a plain callable
    for i, doc in enumerate(tokenizer.pipe(aliases.keys)):
        label = str(i)
        key_of[nlp.vocab.strings.add(label)] = i
        matcher.add(label, [doc])

    def run(texts: Sequence[str]) -> list[list[Span]]:
        out: list[list[Span]] = []
        for text in texts:
            doc = nlp.make_doc(text)
            hits = []
            for match_id, start, end in matcher(doc):
                last = doc[end - 1]
                hits.append((doc[start].idx, last.idx + len(last.text), key_of[match_id]))
            out.append(resolve(text, hits, aliases))
        return out

    return run


REGEX = "Python `re` trie alternation + case filter"
SPACY = "spaCy `PhraseMatcher(attr=LOWER)` + filter"
PEERS: dict[str, Callable[[AliasSet], Runner]] = {
    "pyahocorasick `iter` + filter": build_pyahocorasick,
    "ahocorasick_rs overlapping + filter": build_ahocorasick_rs,
    "ahocorasick_rs DFA, overlapping + filter": build_ahocorasick_rs_dfa,
    "flashtext `extract_keywords` + case filter": build_flashtext,
    REGEX: build_regex,
    SPACY: build_spacy,
}
