"""Co-occurrence time against matching time, and peak memory on a million short documents.

    python benchmarks/bench_cooccurrence.py [--mb 20] [--docs 1000000] [--repeat 3]

The corpus is the bundled sample corpus (MISP threat-actor descriptions, real CTI prose), repeated to ``--mb``
megabytes; the built-in gazetteer is used. Peak memory is measured in a child process (``ru_maxrss``) that builds
``--docs`` short documents (one or two sentences of the corpus each) and counts document-scope co-occurrence.
"""

from __future__ import annotations

import argparse
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


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


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
        match = median_seconds(
            lambda threads=threads: matcher.find_table(texts, n_threads=threads),  # type: ignore[misc]
            args.repeat,
        )
        rows.append((f"find_table, {threads} thread(s)", match, 1.0))
        for scope in ("document", "paragraph", "sentence"):
            t = median_seconds(
                lambda scope=scope, threads=threads: cx.cooccurrence(  # type: ignore[misc]
                    texts, matcher, scope=scope, n_threads=threads
                ),
                args.repeat,
            )
            rows.append((f"cooccurrence {scope}, {threads} thread(s)", t, t / match))
        t = median_seconds(
            lambda threads=threads: cx.cooccurrence(  # type: ignore[misc]
                texts, matcher, scope="window", window=50, n_threads=threads
            ),
            args.repeat,
        )
        rows.append((f"cooccurrence window 50, {threads} thread(s)", t, t / match))
    print(
        f"corpus: {len(texts)} documents, {mb:.1f} MB (sample corpus repeated); median of {args.repeat}\n"
    )
    print("| operation | seconds | MB/s | time vs matching alone |")
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
