"""Co-occurrence time against matching time, and peak memory on a million short documents.

    python benchmarks/bench_cooccurrence.py [--mb 20] [--docs 1000000] [--repeat 3]

The corpus is the bundled sample corpus (MISP threat-actor descriptions, real CTI prose), repeated to ``--mb``
megabytes; the built-in gazetteer is used. Peak memory is measured in a child process (``ru_maxrss``) that builds
``--docs`` short documents (one or two sentences of the corpus each) and counts document-scope co-occurrence.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import cybernexus as cx

CHILD = """
import resource, sys, json
import cybernexus as cx
n = int(sys.argv[1])
sentences = []
for doc in cx.sample_corpus():
    seg = cx.segment(doc["text"])
    sentences += [doc["text"][s:e] for s, e, _ in seg["sentences"]]
texts = [sentences[i % len(sentences)] + " " + sentences[(7 * i + 3) % len(sentences)] for i in range(n)]
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
co = cx.cooccurrence(texts, scope="document")
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"docs": n, "mb": sum(map(len, texts)) / 1e6, "rss_before_mb": base / 1024,
                  "rss_peak_mb": peak / 1024, "entities": len(co), "units": co.n_units}))
"""


def paired_seconds(
    fn: Callable[[], object], ref: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Median time of ``fn``, and the median of its time over that of ``ref`` run just before it.

    The machine's speed drifts by 10-15% over minutes; a ratio of two runs a second apart does not drift with it.
    """
    ref()
    fn()
    times, ratios = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        ref()
        t1 = time.perf_counter()
        fn()
        t2 = time.perf_counter()
        times.append(t2 - t1)
        ratios.append((t2 - t1) / (t1 - t0))
    return statistics.median(times), statistics.median(ratios)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    base = [d["text"] for d in cx.sample_corpus()]
    size = sum(len(t.encode()) for t in base)
    texts = base * max(1, round(args.mb * 1e6 / size))
    mb = sum(len(t.encode()) for t in texts) / 1e6
    matcher = cx.Matcher()
    rows = []
    for threads in (1, 2):

        def match(threads: int = threads) -> object:
            return matcher.find_table(texts, n_threads=threads)

        cases: list[tuple[str, Callable[[], object]]] = [
            (f"find_table, {threads} thread(s)", match),
            *(
                (
                    f"cooccurrence {scope}, {threads} thread(s)",
                    functools.partial(
                        cx.cooccurrence, texts, matcher, scope=scope, n_threads=threads
                    ),
                )
                for scope in ("document", "paragraph", "sentence")
            ),
            (
                f"cooccurrence window 50, {threads} thread(s)",
                functools.partial(
                    cx.cooccurrence, texts, matcher, scope="window", window=50, n_threads=threads
                ),
            ),
        ]
        for name, fn in cases:
            seconds, ratio = paired_seconds(fn, match, args.repeat)
            rows.append((name, seconds, ratio))
    print(
        f"corpus: {len(texts)} documents, {mb:.1f} MB (sample corpus repeated); median of {args.repeat}; "
        "each run right after a find_table run on the same threads, the ratio is the median of the pairs\n"
    )
    print("| operation | seconds | MB/s | time vs matching alone (paired) |")
    print("|:---|---:|---:|---:|")
    for name, seconds, ratio in rows:
        print(f"| {name} | {seconds:.3f} | {mb / seconds:.1f} | {ratio:.2f}x |")
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(args.docs)], capture_output=True, text=True, check=True
    )
    memory = json.loads(child.stdout)
    print(
        f"\n{memory['docs']:,} documents ({memory['mb']:.0f} MB of text): peak RSS "
        f"{memory['rss_peak_mb']:.0f} MB (the texts alone: {memory['rss_before_mb']:.0f} MB); "
        f"{memory['entities']} entities, {memory['units']:,} units"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
