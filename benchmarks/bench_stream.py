"""Streaming a large JSONL file: throughput and peak memory.

    python benchmarks/bench_stream.py [--gb 2] [--path /tmp/cybernexus-stream.jsonl] [--keep]

Writes a JSONL file of ``--gb`` gigabytes from the bundled sample corpus (if it does not exist yet), then, in a child
process, streams it through ``read_texts`` and ``iter_find`` (built-in gazetteer) and through a streamed
``cooccurrence``, reporting MB/s and the child's peak RSS (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import cybernexus as cx

CHILD = """
import json, resource, sys, time
import cybernexus as cx
path, what = sys.argv[1], sys.argv[2]
size = __import__("os").path.getsize(path)
t = time.perf_counter()
if what == "find":
    n = sum(len(m) for m in cx.iter_find(cx.read_texts(path), batch_size=2000))
else:
    n = cx.cooccurrence(cx.read_texts(path), scope="sentence", batch_size=2000).n_units
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"what": what, "mb": size / 1e6, "seconds": seconds, "peak_mb": peak, "n": n}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gb", type=float, default=2.0)
    parser.add_argument("--path", type=Path, default=Path("/tmp/cybernexus-stream.jsonl"))
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    args = parser.parse_args()
    target = int(args.gb * 1e9)
    if not args.path.exists() or args.path.stat().st_size < target:
        lines = [
            json.dumps({"text": d["text"]}, ensure_ascii=False) + "\n" for d in cx.sample_corpus()
        ]
        block = "".join(lines).encode("utf-8")
        with args.path.open("wb") as f:
            written = 0
            while written < target:
                f.write(block)
                written += len(block)
    try:
        for what in ("find", "cooccurrence"):
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(args.path), what],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(out.stdout)
            print(
                f"{r['what']}: {r['mb']:,.0f} MB in {r['seconds']:.1f} s = {r['mb'] / r['seconds']:.1f} MB/s "
                f"(JSON decoding included), peak RSS {r['peak_mb']:.0f} MB, result {r['n']:,}"
            )
    finally:
        if not args.keep:
            os.remove(args.path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
