"""Benchmark: cybernexus ``Matcher.find_many`` / ``find_table`` against Aho-Corasick peers.

The peers are pyahocorasick, ahocorasick_rs and flashtext. All of them search the same aliases
(about 2,700 threat actor names and synonyms from the MISP galaxy, plus the CLDR English territory
names) in the same generated, news-like ASCII text, with the semantics of ``cx.Matcher(g)``
(``overlaps="longest"``):

* case-insensitive (every alias is given the ``"insensitive"`` policy, so a peer only needs to
  lower-case the text; text and aliases are ASCII, so lower-casing keeps offsets),
* a match must not start or end between two word characters ``[A-Za-z0-9_]``,
* leftmost-longest among the *valid* candidates: a candidate rejected by the boundary check never
  hides a valid shorter or later one.

pyahocorasick and ahocorasick_rs report every (overlapping) alias occurrence; ``select_longest``
then applies the boundary check and the greedy leftmost-longest pass, once, in Python, for both.
flashtext has its own word-boundary and greedy-longest logic; its agreement is reported as it is.

Every peer's timing includes what a user needs to get the same answer: lower-casing (and turning
the single line breaks between paragraphs into spaces, since cybernexus matches any white-space run
where an alias has a space), the automaton, and the filter.

Usage (from the repository root)::

    python benchmarks/bench_find.py [--mb 20] [--repeat 3] [--markdown]

"MB" is 10**6 bytes (= characters, the text is ASCII).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import string
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TypeVar

import ahocorasick
import ahocorasick_rs
from flashtext import KeywordProcessor

import cybernexus as cx

T = TypeVar("T")

#: (start, end, key) of one match in one text; the key is an entity index or a pattern index.
Span = tuple[int, int, int]
#: (doc, start, end, entity index): what the agreement check compares.
Row = tuple[int, int, int, int]

DEFAULT_DATA = Path(os.environ.get("CYBERNEXUS_SHARED_DATA", "/work/shared/data"))
MIN_ALIAS_LEN = 4
WORD_CHARS = frozenset(string.ascii_letters + string.digits + "_")

# --------------------------------------------------------------------------------------------------
# Aliases
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One entity of the benchmark gazetteer; ``aliases[0]`` is its name."""

    id: str
    kind: str
    aliases: tuple[str, ...]


def load_entries(data: Path) -> list[Entry]:
    """CLDR territories (alt forms grouped with their code), then MISP threat-actor clusters.

    A cluster's aliases are its value and synonyms. Only ASCII aliases of at least
    ``MIN_ALIAS_LEN`` characters are kept, white space collapsed, deduplicated case-insensitively
    over the whole list (the first entity keeps a shared alias), so that every lower-cased pattern
    belongs to exactly one entity.
    """
    seen: set[str] = set()

    def keep(names: Iterable[str]) -> tuple[str, ...]:
        kept: list[str] = []
        for raw in names:
            alias = " ".join(raw.split())
            key = alias.lower()
            if alias.isascii() and len(alias) >= MIN_ALIAS_LEN and key not in seen:
                seen.add(key)
                kept.append(alias)
        return tuple(kept)

    entries: list[Entry] = []
    cldr = json.loads((data / "cldr" / "territories.en.json").read_text(encoding="utf-8"))
    territories: dict[str, str] = cldr["main"]["en"]["localeDisplayNames"]["territories"]
    groups: dict[str, list[str]] = {}
    for key, name in territories.items():  # "GB", "GB-alt-short", ...
        groups.setdefault(key.split("-alt-")[0], []).append(name)
    for code, names in groups.items():
        if aliases := keep(names):
            entries.append(Entry(f"territory:{code}", "territory", aliases))

    galaxy = json.loads((data / "misp-galaxy" / "threat-actor.json").read_text(encoding="utf-8"))
    for cluster in galaxy["values"]:
        meta = cluster.get("meta") or {}
        if aliases := keep([cluster["value"], *meta.get("synonyms", [])]):
            entries.append(Entry(f"threat_actor:{cluster['uuid']}", "threat_actor", aliases))
    return entries


def to_records(entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """Gazetteer records; every alias (the name included) is explicitly case-insensitive."""
    return [
        {
            "id": e.id,
            "kind": e.kind,
            "name": e.aliases[0],
            "aliases": [{"text": a, "case": "insensitive"} for a in e.aliases],
            "attrs": {},
        }
        for e in entries
    ]


# --------------------------------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------------------------------

_VOCAB_TEXT = """
the the the the a a a an of of of to to to and and and in in in on on for for with with by by at
from as is was were be been has have had will would could should may might not that this these those
which who what when where while after before since during over under about into than then also but
or if because however although said says told added according officials official government
governments ministry minister president prime agency agencies spokesman spokeswoman analysts analyst
researchers researcher experts expert company companies firm firms security cyber cyberattack
cyberattacks attack attacks attacked attackers hackers hacker hacking group groups campaign
campaigns operation operations espionage intelligence military defense defence energy sector sectors
bank banks banking financial finance network networks system systems server servers data malware
ransomware phishing email emails credentials password passwords software vulnerability
vulnerabilities exploit exploited exploits patch patched update updates breach breaches leak leaked
stolen theft access infrastructure critical power grid water telecom telecommunications healthcare
hospital hospitals university universities election elections voters vote campaigners media news
report reports reported reporting statement investigation investigators police court charges
indictment sanctions sanctioned state sponsored backed linked suspected alleged allegedly believed
likely targeted targets targeting victims victim organizations organization network's company's week
weeks month months year years day days today yesterday recently earlier later last next first second
third new old large small major minor several many few some most more less least other another same
different public private national international foreign domestic global regional local western
eastern northern southern central north south east west new united islamic people's republic federal
democratic kingdom states island islands city capital border borders region regions country
countries nation nations world's economy economic trade trading market markets price prices oil gas
pipeline pipelines shipping port ports airline airlines aviation defense contractors contractor
manufacturing technology technologies tech cloud service services provider providers customers users
accounts account devices device mobile phones phone apps app website websites domain domains
infected infection infections backdoor backdoors tool tools toolkit implant implants loader payload
payloads command control botnet botnets worm wiper wipers trojan spyware surveillance dissidents
journalists activists diplomats embassy embassies officials' talks meeting summit agreement treaty
tensions conflict war peace troops forces army navy border allies ally partner partners
"""
VOCAB = tuple(_VOCAB_TEXT.split())

#: Real words that contain a territory name ("Iranian" contains "Iran"): one word in 50.
_DEMONYM_TEXT = """
Iranian Iranians Russian Russians Israeli Israelis Japanese Chinese Indian Indians Syrian Syrians
Libyan Iraqi Iraqis Yemeni Qatari Bahraini Omani Kenyan Nigerian Nigerians Malian Cuban Cubans
Chilean Peruvian Koreans Europeans Africans Asians Australians Canadians Mexicans Brazilians
Colombians Venezuelans Pakistanis Afghans Turks Germans Ukrainians Belarusians Georgians Armenians
Azerbaijanis Kazakhs Vietnamese Taiwanese
"""
DEMONYMS = tuple(_DEMONYM_TEXT.split())
P_DEMONYM = 0.02

#: Glue an alias into a longer word, so that the boundary check must reject it ("Iranian"-style).
GLUE_PREFIXES = ("anti", "pro", "non", "pre", "re", "x")
GLUE_SUFFIXES = ("ian", "ians", "ese", "s", "ish", "ware", "ed", "ing", "2", "_team", "0day")
#: Punctuation around planted aliases (none most of the time).
BEFORE = ("", "", "", "", "", "(", '"')
AFTER = ("", "", "", "", "", "", "'s", ",", ".", ":", "-linked", "-backed", ")", '"')
ENDS = (".", ".", ".", ".", ".", ".", "?", "!", ";")


@dataclass
class Corpus:
    """Generated documents and what went into them."""

    texts: list[str]
    planted: int
    glued: int

    @property
    def n_bytes(self) -> int:
        return sum(len(t) for t in self.texts)


def make_corpus(
    aliases: Sequence[str],
    mb: float,
    seed: int = 2024,
    doc_bytes: int = 2000,
    bytes_per_alias: int = 200,
) -> Corpus:
    """Deterministic news-like ASCII documents of about ``doc_bytes`` each, ``mb`` MB in all.

    Sentences of 8-24 vocabulary words (2% demonyms); paragraphs of 2-5 sentences, separated by
    one line break. About one alias occurrence per ``bytes_per_alias`` bytes is planted (as
    written, upper- or lower-cased, sometimes with punctuation around it), and about one glued
    form (``"Sofacyware"``, ``"antiturla"``) per two planted aliases.
    """
    rng = random.Random(seed)
    glue_bases = [a for a in aliases if a[0] in WORD_CHARS and a[-1] in WORD_CHARS]
    mean_word = (sum(len(w) for w in VOCAB) / len(VOCAB)) + 1
    p_alias = mean_word / bytes_per_alias
    p_glued = p_alias / 2
    planted = glued = 0

    def styled(alias: str) -> str:
        r = rng.random()
        if r < 0.7:
            return alias
        return alias.upper() if r < 0.85 else alias.lower()

    def sentence() -> str:
        nonlocal planted, glued
        words = rng.choices(VOCAB, k=rng.randint(8, 24))
        for i in range(len(words)):
            r = rng.random()
            if r < p_alias:
                words[i] = rng.choice(BEFORE) + styled(rng.choice(aliases)) + rng.choice(AFTER)
                planted += 1
            elif r < p_alias + p_glued:
                base = rng.choice(glue_bases)
                if rng.random() < 0.5:
                    words[i] = styled(base) + rng.choice(GLUE_SUFFIXES)
                else:
                    words[i] = rng.choice(GLUE_PREFIXES) + styled(base).lower()
                glued += 1
            elif r < p_alias + p_glued + P_DEMONYM:
                words[i] = rng.choice(DEMONYMS)
        words[0] = words[0][:1].upper() + words[0][1:]
        return " ".join(words) + rng.choice(ENDS)

    texts: list[str] = []
    target = int(mb * 1_000_000)
    total = 0
    while total < target:
        paragraphs: list[str] = []
        size = 0
        while size < doc_bytes:
            paragraph = " ".join(sentence() for _ in range(rng.randint(2, 5)))
            paragraphs.append(paragraph)
            size += len(paragraph) + 1
        text = "\n".join(paragraphs)
        texts.append(text)
        total += len(text)
    return Corpus(texts, planted, glued)


# --------------------------------------------------------------------------------------------------
# Shared semantics for the peers: boundary filter + greedy leftmost-longest
# --------------------------------------------------------------------------------------------------


def select_longest(text: str, candidates: Iterable[Span]) -> list[Span]:
    """Drop candidates that start or end between two word characters, then pick leftmost-longest.

    ``candidates`` are (start, end, key) in any order, every overlapping occurrence included. Each
    (start, end) span carries one key here (aliases are unique after lower-casing), so ties need no
    rule. The picks do not overlap.
    """
    word = WORD_CHARS
    n = len(text)
    valid = [
        (s, -e, k)
        for s, e, k in candidates
        if not (s > 0 and text[s - 1] in word and text[s] in word)
        and not (e < n and text[e] in word and text[e - 1] in word)
    ]
    return greedy_longest(valid)


def greedy_longest(valid: list[tuple[int, int, int]]) -> list[Span]:
    """Leftmost-longest picks among valid candidates given as (start, -end, key): sorted, each pick skips
    whatever overlaps it."""
    valid.sort()
    out: list[Span] = []
    free = 0
    for s, neg_e, k in valid:
        if s >= free:
            out.append((s, -neg_e, k))
            free = -neg_e
    return out


def prepare(text: str) -> str:
    """Lower-case (ASCII, offsets kept); line breaks become spaces (as cybernexus folds them)."""
    return text.lower().replace("\n", " ")


Patterns = list[tuple[str, int]]  # (alias, entity index in gazetteer order)
Runner = Callable[[Sequence[str]], list[list[Span]]]


def build_pyahocorasick(patterns: Patterns) -> Runner:
    automaton = ahocorasick.Automaton()
    for alias, entity in patterns:
        key = alias.lower()
        automaton.add_word(key, (len(key), entity))
    automaton.make_automaton()

    def run(texts: Sequence[str]) -> list[list[Span]]:
        out: list[list[Span]] = []
        for text in texts:
            low = prepare(text)
            hits = ((end + 1 - n, end + 1, entity) for end, (n, entity) in automaton.iter(low))
            out.append(select_longest(low, hits))
        return out

    return run


def build_ahocorasick_rs(patterns: Patterns, dfa: bool = False) -> Runner:
    """``AhoCorasick(patterns, matchkind=MatchKind.Standard)``; the library picks the automaton
    (a contiguous NFA for this many patterns) unless ``dfa``."""
    automaton = ahocorasick_rs.AhoCorasick(
        [alias.lower() for alias, _ in patterns],
        matchkind=ahocorasick_rs.MatchKind.Standard,
        implementation=ahocorasick_rs.Implementation.DFA if dfa else None,
    )
    entity_of = [entity for _, entity in patterns]

    def run(texts: Sequence[str]) -> list[list[Span]]:
        out: list[list[Span]] = []
        for text in texts:
            low = prepare(text)
            hits = (
                (s, e, p) for p, s, e in automaton.find_matches_as_indexes(low, overlapping=True)
            )
            out.append([(s, e, entity_of[p]) for s, e, p in select_longest(low, hits)])
        return out

    return run


def build_ahocorasick_rs_dfa(patterns: Patterns) -> Runner:
    return build_ahocorasick_rs(patterns, dfa=True)


def build_flashtext(patterns: Patterns) -> Runner:
    processor = KeywordProcessor(case_sensitive=False)
    for alias, entity in patterns:
        # flashtext drops falsy clean names (entity 0), so store the index as a string.
        processor.add_keyword(alias, str(entity))

    def run(texts: Sequence[str]) -> list[list[Span]]:
        out: list[list[Span]] = []
        for text in texts:
            found = processor.extract_keywords(text.replace("\n", " "), span_info=True)
            out.append([(s, e, int(name)) for name, s, e in found])
        return out

    return run


PEERS: dict[str, Callable[[Patterns], Runner]] = {
    "pyahocorasick `iter` + filter": build_pyahocorasick,
    "ahocorasick_rs overlapping + filter": build_ahocorasick_rs,
    "ahocorasick_rs DFA, overlapping + filter": build_ahocorasick_rs_dfa,
    "flashtext `extract_keywords`": build_flashtext,
}

# --------------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------------


def timed(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Median wall time of ``repeat`` calls after one untimed warm-up call, and the last result.

    The previous result is freed after the clock stops, so deallocation is not timed.
    """
    times: list[float] = []
    result: T | None = fn()
    for _ in range(max(1, repeat)):
        gc.collect()
        t0 = time.perf_counter()
        r = fn()
        times.append(time.perf_counter() - t0)
        result = r
        del r
    assert result is not None
    return statistics.median(times), result


def once(fn: Callable[[], T]) -> tuple[float, T]:
    t0 = time.perf_counter()
    r = fn()
    return time.perf_counter() - t0, r


def rows_of_spans(per_doc: Sequence[Sequence[Span]]) -> set[Row]:
    return {(d, s, e, k) for d, spans in enumerate(per_doc) for s, e, k in spans}


def rows_of_table(table: cx.MentionTable) -> set[Row]:
    return set(
        zip(
            table.doc.tolist(),
            table.start.tolist(),
            table.end.tolist(),
            table.entity.tolist(),
            strict=True,
        )
    )


def rows_of_mentions(per_doc: Sequence[Sequence[cx.Mention]], index: dict[str, int]) -> set[Row]:
    return {(d, m.start, m.end, index[m.entity_id]) for d, ms in enumerate(per_doc) for m in ms}


@dataclass
class Result:
    name: str
    build_s: float | None
    seconds: float
    rows: set[Row]


@dataclass
class Agreement:
    name: str
    matches: int
    only_peer: list[Row]
    only_cx: list[Row]

    @property
    def identical(self) -> bool:
        return not self.only_peer and not self.only_cx


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}"


def versions() -> str:
    parts = [f"Python {platform.python_version()}", f"cybernexus {cx.__version__}"]
    for dist in ("pyahocorasick", "ahocorasick-rs", "flashtext", "numpy"):
        try:
            parts.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{dist} ?")
    return ", ".join(parts)


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------


def table(
    header: Sequence[str], body: Sequence[Sequence[str]], markdown: bool, right: Sequence[bool]
) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |"]
        lines.append("|" + "|".join("---:" if r else ":---" for r in right) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]

    def fmt(row: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(row, widths, right, strict=True)
        )

    return "\n".join([fmt(header), "  ".join("-" * w for w in widths), *(fmt(row) for row in body)])


def describe(row: Row, texts: Sequence[str], ids: Sequence[str], width: int = 24) -> str:
    d, s, e, k = row
    text = texts[d]
    context = text[max(0, s - width) : s] + "[" + text[s:e] + "]" + text[e : e + width]
    return f"doc {d} {s}:{e} {ids[k]} {context!r}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--mb", type=float, default=20.0, help="corpus size in 10**6 bytes (default 20)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs per implementation; median (default 3)"
    )
    parser.add_argument("--markdown", action="store_true", help="print the tables in Markdown")
    parser.add_argument("--seed", type=int, default=2024, help="corpus seed (default 2024)")
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help=f"shared data dir (default {DEFAULT_DATA})"
    )
    parser.add_argument(
        "--examples", type=int, default=5, help="differences to show per peer (default 5)"
    )
    args = parser.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    entries = load_entries(args.data)
    records = to_records(entries)
    all_aliases = [a for e in entries for a in e.aliases]

    t_gaz, gazetteer = once(lambda: cx.Gazetteer.from_records(records))
    t_matcher, matcher = once(lambda: cx.Matcher(gazetteer))
    ids = gazetteer.ids
    index = {id_: i for i, id_ in enumerate(ids)}
    patterns: Patterns = [(a, index[e.id]) for e in entries for a in e.aliases]
    log(f"{len(entries)} entities, {len(patterns)} aliases")

    t_corpus, corpus = once(lambda: make_corpus(all_aliases, args.mb, seed=args.seed))
    texts = corpus.texts
    flat = [t.replace("\n", " ") for t in texts]  # same offsets, searchable in place by cybernexus
    mb = corpus.n_bytes / 1e6
    log(
        f"corpus: {len(texts)} docs, {mb:.1f} MB, {corpus.planted} planted aliases, "
        f"{corpus.glued} glued forms ({t_corpus:.1f} s)"
    )

    results: list[Result] = []
    build_cx = t_gaz + t_matcher

    # The set conversion happens outside the timing: time the call, then convert the last result.
    def cx_case(name: str, call: Callable[[], Any], convert: Callable[[Any], set[Row]]) -> None:
        log(f"timing {name} ...")
        seconds, raw = timed(call, args.repeat)
        results.append(Result(name, build_cx, seconds, convert(raw)))

    as_table: Callable[[Any], set[Row]] = rows_of_table

    def as_mentions(raw: Any) -> set[Row]:
        return rows_of_mentions(raw, index)

    cx_case(
        "cybernexus `find_table`, 1 thread",
        lambda: matcher.find_table(texts, n_threads=1),
        as_table,
    )
    cx_case(
        "cybernexus `find_many`, 1 thread",
        lambda: matcher.find_many(texts, n_threads=1),
        as_mentions,
    )
    cx_case(
        "cybernexus `find_table`, 2 threads",
        lambda: matcher.find_table(texts, n_threads=2),
        as_table,
    )
    cx_case(
        "cybernexus `find_many`, 2 threads",
        lambda: matcher.find_many(texts, n_threads=2),
        as_mentions,
    )
    # The same text with each line break turned into a space: ASCII with single spaces, which
    # cybernexus searches in place, without the folded copy.
    cx_case(
        "cybernexus `find_table`, 1 thread, no line breaks",
        lambda: matcher.find_table(flat, n_threads=1),
        as_table,
    )
    reference = results[0].rows
    cx_consistent = all(r.rows == reference for r in results)

    def measure_peer(name: str, build: Callable[[Patterns], Runner]) -> Result:
        log(f"building {name} ...")
        t_build, runner = once(lambda: build(patterns))
        log(f"timing {name} ...")
        seconds, per_doc = timed(lambda: runner(texts), args.repeat)
        return Result(name, t_build, seconds, rows_of_spans(per_doc))

    peer_results = [measure_peer(name, build) for name, build in PEERS.items()]

    # Where the peers' time goes: lower-casing alone, the automaton alone (all overlapping hits, no
    # filter), automaton + filter on text already lower-cased.
    log("timing breakdown ...")
    auto = ahocorasick.Automaton()
    for alias, entity in patterns:
        auto.add_word(alias.lower(), (len(alias), entity))
    auto.make_automaton()
    rs = ahocorasick_rs.AhoCorasick(
        [a.lower() for a, _ in patterns], matchkind=ahocorasick_rs.MatchKind.Standard
    )
    rs_dfa = ahocorasick_rs.AhoCorasick(
        [a.lower() for a, _ in patterns],
        matchkind=ahocorasick_rs.MatchKind.Standard,
        implementation=ahocorasick_rs.Implementation.DFA,
    )
    lowered = [prepare(t) for t in texts]
    t_lower, _ = timed(lambda: [prepare(t) for t in texts], args.repeat)
    t_pyac, pyac_hits = timed(lambda: [list(auto.iter(t)) for t in lowered], args.repeat)
    t_rs, _ = timed(
        lambda: [rs.find_matches_as_indexes(t, overlapping=True) for t in lowered], args.repeat
    )
    t_rs_dfa, _ = timed(
        lambda: [rs_dfa.find_matches_as_indexes(t, overlapping=True) for t in lowered],
        args.repeat,
    )
    n_candidates = sum(len(h) for h in pyac_hits)
    del pyac_hits
    t_select, _ = timed(
        lambda: [
            select_longest(t, [(end + 1 - n, end + 1, k) for end, (n, k) in auto.iter(t)])
            for t in lowered
        ],
        args.repeat,
    )

    agreements = [
        Agreement(r.name, len(r.rows), sorted(r.rows - reference), sorted(reference - r.rows))
        for r in peer_results
    ]

    # ---- print ----
    md = args.markdown
    base = results[0].seconds

    def mbps(seconds: float) -> str:
        return f"{mb / seconds:,.1f}"

    body: list[list[str]] = []
    for r in [*results, *peer_results]:
        same = r.rows == reference
        body.append(
            [
                r.name,
                f"{r.build_s * 1000:,.0f}" if r.build_s is not None else "",
                mbps(r.seconds),
                f"{r.seconds / base:.2f}x" if r is not results[0] else "1.00x",
                f"{len(r.rows):,}",
                "identical" if same else f"{len(r.rows ^ reference):,} differ",
            ]
        )
    header = [
        "implementation",
        "build (ms)",
        "MB/s",
        "time (cx find_table 1 thread = 1)",
        "matches",
        "vs cybernexus",
    ]
    bullet = "- " if md else ""
    print(f"{bullet}Machine: {machine()}")
    print(f"{bullet}Versions: {versions()}")
    print(
        f"{bullet}Aliases: {len(patterns):,} ({len(entries):,} entities); "
        f"corpus: {len(texts):,} docs, "
        f"{mb:.2f} MB, {corpus.planted:,} planted alias occurrences "
        f"(one per {corpus.n_bytes / max(1, corpus.planted):.0f} bytes), "
        f"{corpus.glued:,} glued forms; median of {args.repeat} runs"
    )
    print(
        f"{bullet}cybernexus build: Gazetteer.from_records {t_gaz * 1000:.0f} ms "
        f"+ Matcher {t_matcher * 1000:.0f} ms"
    )
    print()
    print(table(header, body, md, [False, True, True, True, True, False]))
    print()
    breakdown = [
        ["`str.lower` + line breaks → spaces", mbps(t_lower)],
        ["pyahocorasick `iter`, hits collected, no filter", mbps(t_pyac)],
        ["ahocorasick_rs `find_matches_as_indexes(overlapping=True)`, no filter", mbps(t_rs)],
        ["ahocorasick_rs, DFA, same call, no filter", mbps(t_rs_dfa)],
        ["pyahocorasick `iter` + `select_longest` (text already lower-cased)", mbps(t_select)],
    ]
    print(f"Peer cost breakdown ({n_candidates:,} raw overlapping hits, {len(reference):,} kept):")
    print()
    print(table(["step (peers)", "MB/s"], breakdown, md, [False, True]))
    print()
    print(
        f"cybernexus internal consistency (find_table = find_many, 1 = 2 threads, line breaks): "
        f"{'identical' if cx_consistent else 'DIFFERENT'}"
    )
    bullet = "- " if md else "  "
    for a in agreements:
        verdict = (
            "identical"
            if a.identical
            else f"{len(a.only_peer):,} only in peer, {len(a.only_cx):,} only in cybernexus"
        )
        print(f"{bullet}{a.name}: {a.matches:,} matches vs {len(reference):,}: {verdict}")
        for label, rows in (("only peer", a.only_peer), ("only cybernexus", a.only_cx)):
            for row in rows[: args.examples]:
                print(f"    {label}: {describe(row, texts, ids)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
