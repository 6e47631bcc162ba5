"""Benchmark: cybernexus ``Matcher.find_many`` / ``find_table`` against Aho-Corasick peers.

The peers are the Aho-Corasick ones of ``peers.py`` (pyahocorasick, ahocorasick_rs with its
default automaton and its DFA, flashtext), the same runners as in ``suite.py``. All of them search
the same aliases (about 2,700 threat actor names and synonyms from the MISP galaxy, plus the CLDR
English territory names) in the same generated, news-like ASCII text, with the semantics of
``cx.Matcher(g)`` (``overlaps="longest"``):

* case-insensitive (every alias is given the ``"insensitive"`` policy, so a peer only needs to
  lower-case the text; text and aliases are ASCII, so lower-casing keeps offsets),
* a match must not start or end between two word characters ``[A-Za-z0-9_]``,
* leftmost-longest among the *valid* candidates: a candidate rejected by the boundary check never
  hides a valid shorter or later one.

pyahocorasick and ahocorasick_rs report every (overlapping) alias occurrence; ``peers.resolve``
then applies the boundary check and the greedy leftmost-longest pass, in Python. flashtext has its
own word-boundary and greedy-longest logic, which ``resolve`` then checks.

Every peer's timing includes what a user needs to get the same answer: lower-casing (and turning
the single line breaks between paragraphs into spaces, since cybernexus matches any white-space run
where an alias has a space), the automaton, and the filter.

Usage (from the repository root)::

    python benchmarks/bench_find.py [--mb 20] [--repeat 3] [--markdown]

"MB" is 10**6 bytes (= characters, the text is ASCII).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import (
    Row,
    describe,
    log,
    machine,
    once,
    rows_of_mentions,
    rows_of_spans,
    rows_of_table,
    table,
    timed,
    versions,
)
from peers import (
    ASCII_WORD,
    PEERS,
    REGEX,
    SPACY,
    AliasSet,
    Runner,
    ahocorasick_rs_automaton,
    alias_set,
    lower_same_length,
    pyahocorasick_automaton,
    pyahocorasick_hits,
    resolve,
)

import cybernexus as cx

DEFAULT_DATA = Path(os.environ.get("CYBERNEXUS_SHARED_DATA", "/work/shared/data"))
MIN_ALIAS_LEN = 4
#: The peers timed here: the regex trie and spaCy would take minutes on this corpus; the suite
#: times them on a subset.
AHO_CORASICK_PEERS = {name: build for name, build in PEERS.items() if name not in (REGEX, SPACY)}

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
    glue_bases = [a for a in aliases if a[0] in ASCII_WORD and a[-1] in ASCII_WORD]
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
# Results
# --------------------------------------------------------------------------------------------------


@dataclass
class Result:
    """One implementation's timing and answer."""

    name: str
    build_s: float | None
    seconds: float
    rows: set[Row]


@dataclass
class Agreement:
    """One peer's answer against that of ``find_table`` on 1 thread."""

    name: str
    matches: int
    only_peer: list[Row]
    only_cx: list[Row]

    @property
    def identical(self) -> bool:
        return not self.only_peer and not self.only_cx


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------


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

    entries = load_entries(args.data)
    records = to_records(entries)
    all_aliases = [a for e in entries for a in e.aliases]

    t_gaz, gazetteer = once(lambda: cx.Gazetteer.from_records(records))
    t_matcher, matcher = once(lambda: cx.Matcher(gazetteer))
    ids = gazetteer.ids
    index = {id_: i for i, id_ in enumerate(ids)}
    aliases = alias_set(gazetteer)
    log(f"{len(entries)} entities, {aliases.n_aliases} aliases")

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

    def measure_peer(name: str, build: Callable[[AliasSet], Runner]) -> Result:
        log(f"building {name} ...")
        t_build, runner = once(lambda: build(aliases))
        log(f"timing {name} ...")
        seconds, per_doc = timed(lambda: runner(texts), args.repeat)
        return Result(name, t_build, seconds, rows_of_spans(per_doc))

    peer_results = [measure_peer(name, build) for name, build in AHO_CORASICK_PEERS.items()]

    # Where the peers' time goes: lower-casing alone, the automaton alone (all overlapping hits, no
    # filter), automaton + filter on text already lower-cased.
    log("timing breakdown ...")
    auto = pyahocorasick_automaton(aliases.keys)
    rs = ahocorasick_rs_automaton(aliases.keys)
    rs_dfa = ahocorasick_rs_automaton(aliases.keys, dfa=True)
    lowered = [lower_same_length(t) for t in texts]
    t_lower, _ = timed(lambda: [lower_same_length(t) for t in texts], args.repeat)
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
        lambda: [resolve(t, pyahocorasick_hits(auto, t), aliases) for t in lowered], args.repeat
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
    installed = versions(("pyahocorasick", "ahocorasick-rs", "flashtext", "numpy"))
    print(f"{bullet}Versions: " + ", ".join(f"{k} {v}" for k, v in installed.items()))
    print(
        f"{bullet}Aliases: {aliases.n_aliases:,} ({len(entries):,} entities); "
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
        ["pyahocorasick `iter` + `resolve` (text already lower-cased)", mbps(t_select)],
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
                print(f"    {label}: {describe(row, texts, ids, width=24)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
