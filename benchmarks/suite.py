"""Benchmark suite: cybernexus with its built-in gazetteer on real CTI prose, against peers.

One run measures:

* **Corpus**: the MISP threat-actor descriptions shipped with the package plus the AnnoCTR
  threat-report texts (``--annoctr``, train and dev), split into sentences, then shuffled with a
  seed and laid out into documents until ``--mb`` MB (10**6 UTF-8 bytes) are reached, in two
  shapes: ``--doc-kb`` (default 2 KB) articles and 200 KB reports. Nothing is written to the
  repository; the Rust ceiling reads a copy under ``--workdir`` (default /tmp).
* **Aliases**: every alias of ``cx.Gazetteer.builtin()``, with its case policy. The peers get the
  same strings (white space collapsed, typography folded, lower-cased: what cybernexus puts in its
  automaton).
* **cybernexus**: ``Matcher.find_table`` on 1 and 2 threads for both document shapes,
  ``find_many`` on 1 thread, ``find_table(segments=True)``, ``cx.cooccurrence`` by document and
  by sentence, Arrow/polars input when the build accepts it, the build time of
  ``cx.Matcher(g)``, the load time of ``cx.Gazetteer.builtin()`` in a fresh interpreter, and the
  memory of each implementation (in a subprocess each).
* **Peers** (same answer as far as each can give it; each peer's time covers lower-casing, the
  automaton, the boundary filter, the case-policy filter and leftmost-longest selection):
  pyahocorasick, ahocorasick_rs (default automaton and DFA), flashtext, a Python ``re`` trie
  alternation, and spaCy's ``PhraseMatcher`` (on a ``--spacy-mb`` subset: it is slow).
* **Native ceiling**: ``examples/ceiling.rs``, the ``aho-corasick`` crate alone (count only),
  run with ``cargo run --release --example ceiling``.
* **Agreement**: each peer's (doc, start, end, entity) set against that of ``find_table`` with the
  context rules off (``NO_RULES``: no peer has them; the timings use the default rules), with every
  difference attributed to a named rule of cybernexus (or listed as unexplained).

Usage (from the repository root)::

    python benchmarks/suite.py [--mb 50] [--repeat 3] [--markdown] [--json PATH] [--plot PATH]
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

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
    PEERS,
    SPACY,
    AliasSet,
    accept,
    alias_set,
    fold,
    is_word,
    lower_same_length,
    pyahocorasick_automaton,
    pyahocorasick_hits,
)
from reference import in_url_or_path, typography  # tests/reference.py, on the path by peers

import cybernexus as cx

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
MISP_DESCRIPTIONS = ROOT / "python" / "cybernexus" / "data" / "misp_descriptions.jsonl"
DEFAULT_ANNOCTR = Path(os.environ.get("CYBERNEXUS_ANNOCTR", "/work/shared/eval/annoctr/text"))
REPORT_KB = 200
#: The distributions whose versions the report gives, besides Python and cybernexus.
DISTS = ("pyahocorasick", "ahocorasick-rs", "flashtext", "spacy", "numpy", "pyarrow", "polars")
#: Matcher options that turn off every context rule (cues, variants, scheme names, defined acronyms, support,
#: shields): what the agreement check compares the peers with, since none of them has those rules.
NO_RULES = {
    "resolve": "none",
    "variants": False,
    "patterns": False,
    "acronyms": False,
    "support": False,
    "shields": False,
}

# --------------------------------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[\u2018\u201c])")


def source_sentences(annoctr: Path) -> tuple[list[str], dict[str, int]]:
    """Sentences of the MISP descriptions and of the AnnoCTR texts, in file order.

    A line is a paragraph; a paragraph is split after ``.``, ``!`` or ``?`` followed by white
    space and an upper-case letter, a digit, a quote or a bracket. Good enough to shuffle prose.
    White space inside a sentence stays as written (no-break spaces, double spaces).
    """
    paragraphs: list[str] = []
    counts: dict[str, int] = {}
    with MISP_DESCRIPTIONS.open(encoding="utf-8") as f:
        misp = [json.loads(line)["text"] for line in f if line.strip()]
    paragraphs += [p for text in misp for p in text.splitlines()]
    counts["misp_descriptions"] = len(misp)
    n_files = 0
    for split in ("train", "dev"):
        folder = annoctr / split
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.txt")):
            paragraphs += path.read_text(encoding="utf-8").splitlines()
            n_files += 1
    counts["annoctr_files"] = n_files
    sentences = [
        s for p in paragraphs if p.strip() for s in _SENTENCE_END.split(p.strip()) if s.strip()
    ]
    counts["sentences"] = len(sentences)
    counts["source_bytes"] = sum(len(s.encode("utf-8")) + 1 for s in sentences)
    return sentences, counts


def make_documents(sentences: Sequence[str], mb: float, doc_kb: float, seed: int) -> list[str]:
    """Documents of about ``doc_kb`` KB (10**3 UTF-8 bytes), ``mb`` MB in all.

    The sentences are used in a seeded random order, all of them before any is repeated (then a
    new order). Paragraphs of 1-6 sentences are separated by one line break. The same seed gives
    the same sentence stream whatever ``doc_kb``, so the two document shapes hold the same text.
    """
    order_rng = random.Random(seed)
    para_rng = random.Random(seed + 1)
    sizes = [len(s.encode("utf-8")) for s in sentences]
    order: list[int] = []
    target = int(mb * 1_000_000)
    doc_bytes = int(doc_kb * 1000)
    docs: list[str] = []
    total = 0
    while total < target:
        paragraphs: list[str] = []
        size = 0
        while size < doc_bytes and total + size < target:
            parts: list[str] = []
            for _ in range(para_rng.randint(1, 6)):
                if not order:
                    order = list(range(len(sentences)))
                    order_rng.shuffle(order)
                i = order.pop()
                parts.append(sentences[i])
                size += sizes[i] + 1
            paragraphs.append(" ".join(parts))
        docs.append("\n".join(paragraphs))
        total += size
    return docs


def utf8_mb(texts: Iterable[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def subset(texts: Sequence[str], mb: float) -> list[str]:
    """The first documents of ``texts`` that hold about ``mb`` MB."""
    out: list[str] = []
    size = 0
    for t in texts:
        if size >= mb * 1e6:
            break
        out.append(t)
        size += len(t.encode("utf-8"))
    return out


# --------------------------------------------------------------------------------------------------
# Agreement: every difference is attributed to a rule
# --------------------------------------------------------------------------------------------------

REASONS = {
    "url": "URL/path rule: cybernexus skips names inside URLs, paths and file names",
    "whitespace": "white-space normalisation: the alias spans a line break, a run of spaces or a "
    "no-break space",
    "typography": "typography folding: curly quotes and dashes equal their ASCII forms",
    "unicode": "Unicode case folding inside the span (non-ASCII letters)",
    "boundary": "Unicode word boundary: a non-ASCII neighbour decides whether the span is a word",
    "tokens": "spaCy tokenisation: the span is not the same tokens as the pattern",
    "flashtext_boundary": "flashtext needs a non-word character after a keyword even when the "
    'keyword ends in punctuation ("US$" before a digit)',
    "longest_first": "the peer picks the longest candidate before the case rule; when that fails, "
    "cybernexus falls back to a shorter or later alias",
    "tie": "same span, other entity (entities sharing an alias)",
    "article": 'leading article: "the" before a name is not part of its case policy ("the Dukes" for '
    '"The Dukes")',
    "knock_on": "knock-on: overlaps a difference explained above, so leftmost-longest picks "
    "another span",
}


@dataclass
class Agreement:
    name: str
    scope: str
    agree: int
    only_peer: list[Row]
    only_cx: list[Row]
    reasons: dict[str, Counter[str]] = field(default_factory=dict)
    examples: dict[str, list[Row]] = field(default_factory=dict)

    @property
    def unexplained(self) -> int:
        return sum(c["unexplained"] for c in self.reasons.values())


def compare(
    name: str,
    peer: set[Row],
    reference: set[Row],
    texts: Sequence[str],
    aliases: AliasSet,
    automaton: Any,
    scope: str,
) -> Agreement:
    """Attribute every row that only one side has to a rule (see ``REASONS``)."""
    only_peer = sorted(peer - reference)
    only_cx = sorted(reference - peer)
    result = Agreement(name, scope, len(peer & reference), only_peer, only_cx)
    by_doc: dict[str, dict[int, list[Row]]] = {"peer": defaultdict(list), "cx": defaultdict(list)}
    for r in only_peer:
        by_doc["peer"][r[0]].append(r)
    for r in only_cx:
        by_doc["cx"][r[0]].append(r)
    token_edges: dict[int, tuple[set[int], set[int], Any]] = {}
    nlp: Any = None
    if name == SPACY:
        import spacy

        nlp = spacy.blank("en")

    def edges(d: int) -> tuple[set[int], set[int], Any]:
        if d not in token_edges:
            doc = nlp.make_doc(texts[d])
            token_edges[d] = ({t.idx for t in doc}, {t.idx + len(t.text) for t in doc}, doc)
        return token_edges[d]

    def longer_rejected(row: Row) -> bool:
        d, s, e, _ = row
        text = texts[d]
        lo, hi = max(0, s - 64), min(len(text), e + 64)
        window = lower_same_length(text[lo:hi])
        for ws, we, key in pyahocorasick_hits(automaton, window):
            cs, ce = lo + ws, lo + we
            if (
                cs <= s < ce
                and ce - cs > e - s
                and accept(aliases.candidates[key], text[cs:ce]) is None
            ):
                return True
        return False

    def direct(row: Row, side: str) -> str:
        d, s, e, _ = row
        text = texts[d]
        span = text[s:e]
        other = by_doc["cx" if side == "peer" else "peer"][d]
        if any(o[1] == s and o[2] == e for o in other):
            return "tie"
        if side == "peer" and in_url_or_path(text, s, e):
            return "url"
        if any(c.isspace() and c != " " for c in span) or "  " in span:
            return "whitespace"
        if any(typography(c) != c for c in span):
            return "typography"
        if side == "cx" and span[:4] == "the " and len(span) > 4:
            return "article"
        if not span.isascii():
            return "unicode"
        if (s > 0 and not text[s - 1].isascii() and is_word(text[s - 1])) or (
            e < len(text) and not text[e].isascii() and is_word(text[e])
        ):
            return "boundary"
        if nlp is not None and side == "cx":
            starts, ends, doc = edges(d)
            if s not in starts or e not in ends:
                return "tokens"
            in_text = [t.lower_ for t in doc.char_span(s, e)]
            in_pattern = [t.lower_ for t in nlp.make_doc(fold(span))]
            if in_text != in_pattern:
                return "tokens"
        if (
            name.startswith("flashtext")
            and side == "cx"
            and not is_word(span[-1])
            and e < len(text)
            and is_word(text[e])
        ):
            return "flashtext_boundary"
        if side == "cx" and longer_rejected(row):
            return "longest_first"
        return "unexplained"

    labels: dict[tuple[str, Row], str] = {}
    for side in ("peer", "cx"):
        for rows in by_doc[side].values():
            for r in rows:
                labels[(side, r)] = direct(r, side)
    # Second pass: an unexplained row that overlaps an explained difference on the other side.
    for (side, r), label in list(labels.items()):
        if label != "unexplained":
            continue
        other_side = "cx" if side == "peer" else "peer"
        for o in by_doc[other_side][r[0]]:
            if o[1] < r[2] and r[1] < o[2] and labels[(other_side, o)] != "unexplained":
                labels[(side, r)] = "knock_on"
                break
    for (side, r), label in labels.items():
        bucket = "only-in-peer" if side == "peer" else "only-in-cybernexus"
        result.reasons.setdefault(bucket, Counter())[label] += 1
        result.examples.setdefault(f"{bucket}/{label}", []).append(r)
    return result


# --------------------------------------------------------------------------------------------------
# Measuring helpers
# --------------------------------------------------------------------------------------------------


def busy_cpu_seconds() -> tuple[float, float]:
    """(CPU seconds used by the whole machine, by this process and its children) so far.

    The difference over a measurement is what other processes took: on a 2-core machine, a
    compiler running next to a timing run shows up there. ``(0, 0)`` where ``/proc`` is absent.
    """
    try:
        fields = Path("/proc/stat").read_text(encoding="utf-8").split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0, 0.0
    ticks = [int(x) for x in fields]
    # user, nice, system, (idle, iowait), irq, softirq, steal
    busy = sum(ticks[0:3]) + sum(ticks[5:8])
    t = os.times()
    own = t.user + t.system + t.children_user + t.children_system
    return busy / os.sysconf("SC_CLK_TCK"), own


def timed_quiet(fn: Callable[[], T], repeat: int) -> tuple[float, T, float]:
    """:func:`harness.timed`, plus the mean number of cores other processes kept busy."""
    wall0, (all0, own0) = time.perf_counter(), busy_cpu_seconds()
    seconds, result = timed(fn, repeat)
    wall1, (all1, own1) = time.perf_counter(), busy_cpu_seconds()
    others = max(0.0, (all1 - all0) - (own1 - own0)) / max(wall1 - wall0, 1e-9)
    if others > 0.15:
        log(f"  warning: other processes kept {others:.2f} cores busy during this measurement")
    return seconds, result, others


def timed_paired(
    fn: Callable[[], T], ref: Callable[[], Any], repeat: int
) -> tuple[float, T, float, float]:
    """:func:`timed_quiet`, with ``ref`` (cybernexus on the same texts) timed right before each run of ``fn``.

    Returns the median time of ``fn``, its last result, the median over the runs of ``fn``'s time divided by the
    time of the ``ref`` run next to it, and the cores other processes kept busy. The speed of this machine drifts by
    10-15% over minutes; a ratio of two runs a second apart does not drift with it, where a ratio of two medians
    taken minutes apart does.
    """
    ref()
    times: list[float] = []
    ratios: list[float] = []

    def pair() -> T:
        gc.collect()
        t0 = time.perf_counter()
        ref()
        t1 = time.perf_counter()
        result = fn()
        t2 = time.perf_counter()
        times.append(t2 - t1)
        ratios.append((t2 - t1) / (t1 - t0))
        return result

    fn()
    wall0, (all0, own0) = time.perf_counter(), busy_cpu_seconds()
    result = pair()
    for _ in range(max(1, repeat) - 1):
        result = pair()
    wall1, (all1, own1) = time.perf_counter(), busy_cpu_seconds()
    others = max(0.0, (all1 - all0) - (own1 - own0)) / max(wall1 - wall0, 1e-9)
    if others > 0.15:
        log(f"  warning: other processes kept {others:.2f} cores busy during this measurement")
    return statistics.median(times), result, statistics.median(ratios), others


@dataclass
class Measure:
    """One row of the table."""

    name: str
    group: str  # "cybernexus", "peer", "native"
    mb_per_s: float
    build_ms: float | None = None
    peak_mb: float | None = None
    build_rss_mb: float | None = None
    matches: int | None = None
    note: str = ""
    others: float = 0.0  # cores kept busy by other processes while this was timed
    # Median of (this run's time / the time of cybernexus `find_table`, 1 thread, on the same texts, timed just
    # before): the ratio with the machine's drift taken out. None for the reference row itself.
    paired: float | None = None


def rss_bytes() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss)


def memprobe(name: str, mb: float, annoctr: Path, seed: int) -> dict[str, float]:
    """In this (fresh) process: RSS growth of building ``name`` and peak RSS growth while it
    builds and searches ``mb`` MB of 2 KB documents (sampled every 2 ms)."""
    sentences, _ = source_sentences(annoctr)
    texts = make_documents(sentences, mb, 2, seed)
    del sentences
    gc.collect()
    base = rss_bytes()
    peak = base
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, rss_bytes())
            time.sleep(0.002)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    if name == "cybernexus":
        matcher = cx.Matcher(cx.Gazetteer.builtin())
        after_build = rss_bytes()
        matcher.find_table(texts, n_threads=1)
    else:
        aliases = alias_set(cx.Gazetteer.builtin())
        runner = PEERS[name](aliases)
        after_build = rss_bytes()
        runner(texts)
    stop.set()
    sampler.join()
    peak = max(peak, rss_bytes())
    return {"build_rss_mb": (after_build - base) / 1e6, "peak_mb": (peak - base) / 1e6}


def run_memprobes(names: Sequence[str], args: argparse.Namespace) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for name in names:
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--memprobe",
            name,
            "--memprobe-mb",
            str(args.memprobe_mb),
            "--annoctr",
            str(args.annoctr),
            "--seed",
            str(args.seed),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode == 0:
            out[name] = json.loads(proc.stdout.strip().splitlines()[-1])
        else:
            log(f"memory probe {name} failed: {proc.stderr.strip()[-300:]}")
    return out


def builtin_load_seconds(repeat: int) -> tuple[float, float]:
    """Median over fresh interpreters of (import + ``Gazetteer.builtin()``, ``builtin()`` alone)."""
    code = (
        "import time; t = time.perf_counter(); import cybernexus as cx; t1 = time.perf_counter(); "
        "cx.Gazetteer.builtin(); t2 = time.perf_counter(); print(t2 - t, t2 - t1)"
    )
    both: list[float] = []
    alone: list[float] = []
    for _ in range(max(3, repeat)):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
        both.append(float(out[0]))
        alone.append(float(out[1]))
    return statistics.median(both), statistics.median(alone)


def run_ceiling(
    texts: Sequence[str], aliases: AliasSet, args: argparse.Namespace
) -> dict[str, Any]:
    """Write the patterns and the corpus under ``--workdir`` and run ``examples/ceiling.rs``."""
    cargo = shutil.which("cargo")
    if cargo is None:
        return {"skipped": "cargo not found: native ceiling skipped"}
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    patterns = work / "patterns.txt"
    corpus = work / "corpus.txt"
    patterns.write_text("\n".join(aliases.keys) + "\n", encoding="utf-8")
    corpus.write_text("\n".join(texts), encoding="utf-8")
    cmd = [cargo, "run", "--quiet", "--release", "--example", "ceiling", "--"]
    cmd += [str(patterns), str(corpus), str(args.repeat)]
    log("building and running the native ceiling (cargo run --release --example ceiling) ...")
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"skipped": f"cargo run failed: {proc.stderr.strip()[-500:]}"}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------


def plot(measures: Sequence[Measure], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    colours = {"cybernexus": "#1f77b4", "peer": "#ff7f0e", "native": "#2ca02c"}
    rows = sorted(measures, key=lambda m: m.mb_per_s)
    fig, ax = plt.subplots(figsize=(9, 0.32 * len(rows) + 1.2), dpi=90)
    ax.barh(
        [m.name.replace("`", "") for m in rows],
        [m.mb_per_s for m in rows],
        color=[colours[m.group] for m in rows],
    )
    ax.set_xscale("log")
    ax.set_xlabel("MB/s (log scale, higher is better)")
    for i, m in enumerate(rows):
        ax.text(m.mb_per_s * 1.05, i, f"{m.mb_per_s:,.1f}", va="center", fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_title("Built-in gazetteer on real CTI prose", fontsize=10)
    handles = [Rectangle((0, 0), 1, 1, color=c) for c in colours.values()]
    ax.legend(handles, list(colours), fontsize=7, loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mb", type=float, default=50.0, help="corpus size, 10**6 bytes")
    parser.add_argument("--doc-kb", type=float, default=2.0, help="article size (default 2 KB)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; median (default 3)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--annoctr", type=Path, default=DEFAULT_ANNOCTR)
    parser.add_argument("--spacy-mb", type=float, default=2.0, help="spaCy subset (default 2)")
    parser.add_argument("--memprobe-mb", type=float, default=5.0, help="memory probe corpus size")
    parser.add_argument("--workdir", default="/tmp/cybernexus-suite")
    parser.add_argument("--examples", type=int, default=3, help="examples per difference bucket")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--plot", type=Path, help="write a PNG bar chart here")
    parser.add_argument("--skip", action="append", default=[], help="skip a peer (substring)")
    parser.add_argument("--memprobe", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.memprobe:
        print(json.dumps(memprobe(args.memprobe, args.memprobe_mb, args.annoctr, args.seed)))
        return 0

    # ---- data ----
    sentences, sources = source_sentences(args.annoctr)
    log(f"sources: {sources}")
    articles = make_documents(sentences, args.mb, args.doc_kb, args.seed)
    reports = make_documents(sentences, args.mb, REPORT_KB, args.seed)
    mb = utf8_mb(articles)
    mb_reports = utf8_mb(reports)
    n_chars = sum(len(t) for t in articles)
    log(f"corpus: {len(articles)} articles ({mb:.2f} MB), {len(reports)} reports")

    gazetteer = cx.Gazetteer.builtin()
    aliases = alias_set(gazetteer)
    build_times = []
    matcher = cx.Matcher(gazetteer)
    for _ in range(max(5, args.repeat)):
        t, matcher = once(lambda: cx.Matcher(gazetteer))
        build_times.append(t)
    build_cx_ms = statistics.median(build_times) * 1000
    ids = matcher.gazetteer.ids
    index = {id_: i for i, id_ in enumerate(ids)}
    load_both, load_alone = builtin_load_seconds(args.repeat)
    log(f"{len(ids)} entities, {aliases.n_aliases} aliases, {len(aliases.keys)} folded keys")

    measures: list[Measure] = []
    extras: dict[str, Any] = {}

    def cx_case(
        name: str, call: Callable[[], Any], size: float, ref: Sequence[str] | None = None
    ) -> Any:
        """Time ``call``; with ``ref``, also its time over that of `find_table` (1 thread) on ``ref``."""
        log(f"timing {name} ...")
        if ref is None:
            seconds, raw, others = timed_quiet(call, args.repeat)
            paired = None
        else:
            reference_call = functools.partial(matcher.find_table, ref, n_threads=1)
            seconds, raw, paired, others = timed_paired(call, reference_call, args.repeat)
        measures.append(
            Measure(name, "cybernexus", size / seconds, build_cx_ms, others=others, paired=paired)
        )
        return raw

    table_1 = cx_case(
        "cybernexus `find_table`, 1 thread, 2 KB docs",
        lambda: matcher.find_table(articles, n_threads=1),
        mb,
    )
    reference = rows_of_table(table_1)
    measures[-1].matches = len(reference)
    # Positions of the table's entity column: the gazetteer's entities, then the threat actors that numbering
    # schemes name ("UNC4841"), which no gazetteer lists.
    index = {id_: i for i, id_ in enumerate(table_1._labels()[0])}
    del table_1
    # The peers are compared with the matcher as they work: aliases only, none of the context rules.
    plain = cx.Matcher(gazetteer, **NO_RULES)  # type: ignore[arg-type]
    agreement_reference = rows_of_table(plain.find_table(articles, n_threads=1))
    checks: dict[str, bool] = {}
    raw = cx_case(
        "cybernexus `find_table`, 2 threads, 2 KB docs",
        lambda: matcher.find_table(articles, n_threads=2),
        mb,
        articles,
    )
    checks["2 threads"] = rows_of_table(raw) == reference
    measures[-1].matches = len(raw)
    for n in (1, 2):
        raw = cx_case(
            f"cybernexus `find_table`, {n} thread{'s' if n > 1 else ''}, 200 KB docs",
            functools.partial(matcher.find_table, reports, n_threads=n),
            mb_reports,
            reports if n > 1 else articles,
        )
        measures[-1].matches = len(raw)
    raw = cx_case(
        "cybernexus `find_many` (Mention objects), 1 thread",
        lambda: matcher.find_many(articles, n_threads=1),
        mb,
        articles,
    )
    checks["find_many"] = rows_of_mentions(raw, index) == reference
    measures[-1].matches = sum(len(ms) for ms in raw)
    del raw
    cx_case(
        "cybernexus `find_table(segments=True)`, 1 thread",
        lambda: matcher.find_table(articles, n_threads=1, segments=True),
        mb,
        articles,
    )
    for scope in ("document", "sentence"):
        cx_case(
            f"cybernexus `cooccurrence(scope={scope!r})`, 1 thread",
            functools.partial(cx.cooccurrence, articles, matcher, scope=scope, n_threads=1),
            mb,
            articles,
        )

    # Arrow / polars input, if this build takes it.
    arrow_notes: list[str] = []
    try:
        import pyarrow as pa

        arrow_inputs: list[tuple[str, Any]] = [
            ("pyarrow `pa.array`", pa.array(articles)),
            ("pyarrow `pa.chunked_array`", pa.chunked_array([pa.array(articles)])),
        ]
    except ImportError:
        arrow_inputs = []
        arrow_notes.append("pyarrow not installed")
    try:
        import polars as pl

        arrow_inputs.append(("polars `Series`", pl.Series(articles)))
    except ImportError:
        arrow_notes.append("polars not installed")
    for label, data in arrow_inputs:
        try:
            matcher.find_table(data[:1] if label.startswith("polars") else data.slice(0, 1))
        except TypeError as exc:
            arrow_notes.append(f"{label}: not supported by this build ({exc})")
            continue
        name = f"cybernexus `find_table` on {label}, 1 thread"
        raw = cx_case(name, functools.partial(matcher.find_table, data, n_threads=1), mb, articles)
        checks[label] = rows_of_table(raw) == reference
        measures[-1].matches = len(raw)
    if arrow_notes:
        for note in arrow_notes:
            log(f"arrow input: {note}")
    if not any(m.name.startswith("cybernexus `find_table` on") for m in measures):
        print("arrow input: not supported by this build")
    extras["arrow"] = arrow_notes
    extras["consistency"] = checks

    # ---- peers ----
    automaton = pyahocorasick_automaton(aliases.keys)
    spacy_texts = subset(articles, args.spacy_mb)
    spacy_mb = utf8_mb(spacy_texts)
    agreements: list[Agreement] = []
    peer_names = [p for p in PEERS if not any(s.lower() in p.lower() for s in args.skip)]
    for name in peer_names:
        texts = spacy_texts if name == SPACY else articles
        size = spacy_mb if name == SPACY else mb
        log(f"building {name} ...")
        try:
            t_build, runner = once(functools.partial(PEERS[name], aliases))
        except ImportError as exc:
            log(f"{name}: skipped ({exc})")
            continue
        log(f"timing {name} on {size:.1f} MB ...")
        seconds, per_doc, paired, others = timed_paired(
            functools.partial(runner, texts),
            functools.partial(matcher.find_table, texts, n_threads=1),
            args.repeat,
        )
        rows = rows_of_spans(per_doc)
        del per_doc
        note = f"on the first {size:.1f} MB" if name == SPACY else ""
        measures.append(
            Measure(name, "peer", size / seconds, t_build * 1000, None, None, len(rows), note)
        )
        measures[-1].others = others
        measures[-1].paired = paired
        ref = (
            agreement_reference
            if name != SPACY
            else rows_of_table(plain.find_table(spacy_texts, n_threads=1))
        )
        scope = f"first {spacy_mb:.1f} MB" if name == SPACY else f"{mb:.1f} MB"
        agreements.append(compare(name, rows, ref, texts, aliases, automaton, scope))

    # ---- native ceiling ----
    all0, own0 = busy_cpu_seconds()
    wall0 = time.perf_counter()
    ceiling = run_ceiling(articles, aliases, args)
    all1, own1 = busy_cpu_seconds()
    ceiling_others = max(0.0, (all1 - all0) - (own1 - own0)) / (time.perf_counter() - wall0)
    ceiling_mbps: float | None = None
    if "skipped" in ceiling:
        print(f"note: {ceiling['skipped']}")
    else:
        for run in ceiling["runs"]:
            label = "DFA" if run["automaton"] == "DFA" else "contiguous NFA"
            kind = "overlapping" if run["match_kind"] == "Standard" else "leftmost-longest"
            measures.append(
                Measure(
                    f"native `aho-corasick` {label}, {kind}, count only",
                    "native",
                    run["mb_per_s"],
                    run["build_ms"],
                    matches=run["matches"],
                    note=f"heap {run['heap_bytes'] / 1e6:.1f} MB",
                    others=ceiling_others,
                )
            )
            if run["automaton"] == "DFA" and run["match_kind"] == "Standard":
                ceiling_mbps = run["mb_per_s"]

    # ---- memory ----
    log("memory probes ...")
    probes = run_memprobes(["cybernexus", *peer_names], args)
    for m in measures:
        probe = probes.get("cybernexus" if m.group == "cybernexus" else m.name)
        if probe and (m.group == "peer" or m.name == measures[0].name):
            m.peak_mb = probe["peak_mb"]
            m.build_rss_mb = probe["build_rss_mb"]

    # ---- print ----
    md = args.markdown
    base = measures[0].mb_per_s
    bullet = "- " if md else "  "
    print(f"{bullet}Machine: {machine()}")
    installed = versions(DISTS)
    print(f"{bullet}Versions: " + ", ".join(f"{k} {v}" for k, v in installed.items()))
    print(
        f"{bullet}Corpus: {sources['misp_descriptions']} MISP descriptions + "
        f"{sources['annoctr_files']} AnnoCTR texts = {sources['sentences']:,} sentences "
        f"({sources['source_bytes'] / 1e6:.2f} MB), shuffled (seed {args.seed}) into "
        f"{len(articles):,} documents of ~{args.doc_kb:g} KB and {len(reports):,} of "
        f"~{REPORT_KB} KB; {mb:.2f} MB ({n_chars / 1e6:.2f} M characters); "
        f"{len(reference):,} mentions"
    )
    print(
        f"{bullet}Aliases: {aliases.n_aliases:,} aliases of {len(ids):,} entities "
        f"({', '.join(f'{k} {v:,}' for k, v in aliases.policies.most_common())}), "
        f"{len(aliases.keys):,} distinct folded patterns"
    )
    print(
        f"{bullet}cybernexus build: `cx.Matcher(g)` ready in {build_cx_ms:.0f} ms (median of "
        f"{len(build_times)}), {matcher.nbytes / 1e6:.1f} MB; fresh interpreter: import + `Gazetteer.builtin()` "
        f"{load_both * 1000:.0f} ms, `builtin()` alone {load_alone * 1000:.0f} ms"
    )
    print(f"{bullet}Median of {args.repeat} timed runs after one untimed warm-up")
    print(
        f"{bullet}Paired: each timed run comes right after a run of cybernexus `find_table` (1 thread) on the "
        "same texts; the column is the median of the per-pair ratios (for a peer, how many times slower it is "
        "than cybernexus), free of the machine's drift between measurements"
    )
    print()
    header = [
        "implementation",
        "MB/s",
        "cx find_table (1 thread) ÷ this",
        "paired: this ÷ cx find_table",
        "this ÷ native ceiling",
        "build (ms)",
        "RSS after build (MB)",
        "peak RSS (MB)",
        "matches",
        "note",
    ]
    body = []
    for m in measures:
        body.append(
            [
                m.name,
                f"{m.mb_per_s:,.1f}",
                f"{base / m.mb_per_s:.2f}x",
                f"{m.paired:.2f}x" if m.paired is not None else "",
                f"{m.mb_per_s / ceiling_mbps:.3f}" if ceiling_mbps else "",
                f"{m.build_ms:,.0f}" if m.build_ms is not None else "",
                f"{m.build_rss_mb:,.1f}" if m.build_rss_mb is not None else "",
                f"{m.peak_mb:,.1f}" if m.peak_mb is not None else "",
                f"{m.matches:,}" if m.matches is not None else "",
                m.note,
            ]
        )
    print(table(header, body, md, [False, True, True, True, True, True, True, True, True, False]))
    print()
    noisiest = max(measures, key=lambda m: m.others)
    print(
        f"Other processes on the machine: at most {noisiest.others:.2f} cores busy on average "
        f"during one measurement ({noisiest.name})."
    )
    print()
    print(
        "Consistency of cybernexus (same rows as find_table on 1 thread): "
        + ", ".join(f"{k}: {'identical' if v else 'DIFFERENT'}" for k, v in checks.items())
    )
    print()
    print("Agreement with `find_table` ((doc, start, end, entity) sets):")
    print()
    for a in agreements:
        print(
            f"{bullet}{a.name} ({a.scope}): agree {a.agree:,}, only in peer {len(a.only_peer):,}, "
            f"only in cybernexus {len(a.only_cx):,}, unexplained {a.unexplained:,}"
        )
        texts = spacy_texts if a.name == SPACY else articles
        for bucket, counts in a.reasons.items():
            for reason, count in counts.most_common():
                print(f"    {bucket}, {count:,}: {REASONS.get(reason, reason)}")
                for row in sorted(a.examples[f"{bucket}/{reason}"])[: args.examples]:
                    print(f"        {describe(row, texts, ids)}")

    if args.json:
        payload = {
            "machine": machine(),
            "versions": installed,
            "args": {k: str(v) for k, v in vars(args).items()},
            "sources": sources,
            "corpus": {"mb": mb, "documents": len(articles), "reports": len(reports)},
            "aliases": {"aliases": aliases.n_aliases, "patterns": len(aliases.keys)},
            "build": {
                "matcher_ms": build_cx_ms,
                "matcher_bytes": matcher.nbytes,
                "import_and_builtin_ms": load_both * 1000,
                "builtin_ms": load_alone * 1000,
            },
            "measures": [vars(m) for m in measures],
            "ceiling": ceiling,
            "memory": probes,
            "extras": extras,
            "agreement": [
                {
                    "name": a.name,
                    "scope": a.scope,
                    "agree": a.agree,
                    "only_peer": len(a.only_peer),
                    "only_cx": len(a.only_cx),
                    "reasons": {b: dict(c) for b, c in a.reasons.items()},
                }
                for a in agreements
            ],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    if args.plot:
        plot(measures, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
