"""Paired timing of ``find_table`` (one thread) against another build of cybernexus.

    python benchmarks/compare_release.py --other /path/to/other/venv/bin/python [--mb 20] [--rounds 3]
        [--call find_table|find_many]

Writes the benchmark suite's corpus (``suite.make_documents``, same seed) to a JSON file once, then, in interleaved
rounds, times ``find_table`` in a child process of each interpreter: the other one (an older release installed in
its own environment) with its default matcher, this one with its default matcher, with every context rule off and
with the software kind left out. Each figure is the best of three runs in MB/s (10**6 UTF-8 bytes); the last
column is the median over the rounds of each build's ratio to the other build in the same round, so a drift of the
machine between rounds cancels out. ``--call find_many`` times ``find_many`` instead (one ``Mention`` object per
mention, the cost of making Python objects included).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, sys, time
import cybernexus as cx
texts = json.load(open(sys.argv[1], encoding="utf-8"))
mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
kinds = ["country", "agency", "threat_actor", "region", "currency"]
for mode in sys.argv[2].split(","):
    if mode == "default":
        m = cx.Matcher()
    elif mode == "rules_off":
        m = cx.Matcher(resolve="none", variants=False, patterns=False, acronyms=False, support=False,
                       shields=False)
    elif mode == "no_software":
        m = cx.Matcher(cx.Gazetteer.builtin().filter(kind=kinds))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    call = {"find_table": lambda m: m.find_table, "find_many": lambda m: m.find_many}[sys.argv[3]]
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        result = call(m)(texts, n_threads=1)
        del result
        best = min(best, time.perf_counter() - t)
    print(mode, mb / best)
"""

MODES = ("default", "rules_off", "no_software")


def timings(
    python: str, corpus: Path, modes: tuple[str, ...], call: str = "find_table"
) -> dict[str, float]:
    """MB/s of each mode, measured by ``python`` in a child process."""
    out = subprocess.run(
        [python, "-c", CHILD, str(corpus), ",".join(modes), call],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {mode: float(speed) for mode, speed in (line.split() for line in out.splitlines())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--other", required=True, help="Python of the environment with the other build"
    )
    parser.add_argument(
        "--mb", type=float, default=20.0, help="corpus size, 10**6 bytes (default 20)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--call", choices=("find_table", "find_many"), default="find_table", help="what to time"
    )
    args = parser.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).parent))
    import suite

    sentences, _ = suite.source_sentences(suite.DEFAULT_ANNOCTR)
    docs = suite.make_documents(sentences, args.mb, 2.0, 2024)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.json"
        corpus.write_text(json.dumps(docs), encoding="utf-8")
        rows: dict[str, list[float]] = {"other, default": []}
        rows.update({f"this, {mode}": [] for mode in MODES})
        ratios: dict[str, list[float]] = {name: [] for name in rows}
        for _ in range(args.rounds):
            other = timings(args.other, corpus, ("default",), args.call)["default"]
            this = timings(sys.executable, corpus, MODES, args.call)
            rows["other, default"].append(other)
            ratios["other, default"].append(1.0)
            for mode in MODES:
                rows[f"this, {mode}"].append(this[mode])
                ratios[f"this, {mode}"].append(this[mode] / other)
    print(f"{suite.utf8_mb(docs):.2f} MB, {len(docs):,} documents, {args.call} on 1 thread (MB/s)")
    print(
        "| build | "
        + " | ".join(f"round {i + 1}" for i in range(args.rounds))
        + " | ÷ other (median) |"
    )
    print("|---|" + "---:|" * (args.rounds + 1))
    for name, speeds in rows.items():
        cells = " | ".join(f"{s:.1f}" for s in speeds)
        print(f"| {name} | {cells} | {statistics.median(ratios[name]):.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
