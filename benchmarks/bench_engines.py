"""Mentions and co-occurrence on Dask and Spark against one process, on a Parquet file of news-like text.

    python benchmarks/bench_engines.py --mb 200

Writes the bundled sample corpus, repeated to ``--mb`` MB, as a Parquet file (columns ``id``, ``text``; row groups of
``--rows`` rows), then times, each after a warm-up run:

* one process: ``pyarrow.parquet.read_table`` and ``Matcher.find_table`` on 1 thread (and on all cores);
* Dask, ``LocalCluster(n_workers=N, processes=True, threads_per_worker=1)``: ``cybernexus.dask.find_mentions``
  (mentions counted per partition, so that they are made on the workers and not gathered) and
  ``cybernexus.dask.cooccurrence``; each worker's own peak RSS (``VmHWM``, reset before each run);
* Spark ``local[N]``: ``cybernexus.spark.find_mentions(...).count()`` and ``cybernexus.spark.cooccurrence``; the
  peak RSS of Spark's Python workers and of the JVM, sampled from outside every 20 ms.

Each engine also gets a floor: the same job with the matching left out (Dask reads its partitions; Spark sends its
Arrow batches to Python and back), which is what the engine costs before cybernexus does anything. Each engine runs
with every worker count of ``--workers`` (Dask worker processes, Spark ``local[N]``; default 1 and 2).

Prints a Markdown table with the speed-ups against one process on one thread, and one of each engine's speed-up
from the first worker count to the last. The counts are checked equal.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cybernexus as cx


def corpus_file(path: Path, mb: float, rows_per_group: int) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = Path(cx.__file__).parent / "data"
    lines = [
        *(data / "sample_texts.jsonl").open(encoding="utf-8"),
        *(data / "misp_descriptions.jsonl").open(),
    ]
    sample = [json.loads(line)["text"] for line in lines]
    texts: list[str] = []
    size = 0
    while size < mb * 1e6:
        for t in sample:
            texts.append(t)
            size += len(t.encode())
    table = pa.table(
        {"id": pa.array(range(len(texts)), pa.int64()), "text": pa.array(texts, pa.string())}
    )
    # No dictionary encoding: the corpus repeats a sample, which a dictionary would store once (200 MB of text in a
    # 6 MB file), so that Spark, which splits a file by its bytes, would put nearly every row group in one task.
    pq.write_table(table, path, row_group_size=rows_per_group, use_dictionary=False)
    return size


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    fn()
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def reset_peak_rss() -> None:
    """Reset this process's peak RSS (Linux): a Dask worker's ``ru_maxrss`` starts at its parent's peak, since it is
    inherited through fork, so it would report the driver's Parquet read, not the worker's own work."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def peak_rss_mb() -> float:
    """This process's peak RSS since :func:`reset_peak_rss` (``VmHWM``), in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class TreeRss:
    """Samples, every 20 ms, the RSS of this process's descendants and keeps each kind's peak.

    Spark's Python workers are forked by its daemon under the JVM and come and go, so their peak cannot be read from
    inside them as a Dask worker's can; sampling from outside is what remains. A forked worker's RSS counts the pages
    it shares with the daemon, so the figure errs high.
    """

    def __init__(self) -> None:
        import threading

        self.python = 0.0
        self.jvm = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.wait(0.02):
            for child in me.children(recursive=True):
                try:
                    rss = child.memory_info().rss / 2**20
                    name = child.name()
                except psutil.Error:
                    continue
                if name.startswith("python"):
                    self.python = max(self.python, rss)
                elif name == "java":
                    self.jvm = max(self.jvm, rss)

    def __enter__(self) -> TreeRss:  # noqa: PYI034 (Self needs Python 3.11)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _workers(n: int) -> str:
    return f"{n} worker" if n == 1 else f"{n} workers"


def _rows(batches: Any) -> Any:
    """A ``mapInArrow`` function that only counts rows: what Spark costs before any matching."""
    import pyarrow as pa

    n = sum(b.num_rows for b in batches)
    yield pa.record_batch([pa.array([n], pa.int64())], names=["n"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mb", type=float, default=200)
    parser.add_argument("--rows", type=int, default=20_000, help="rows per Parquet row group")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[1, 2],
        help="Dask worker processes and Spark local[N] cores to run each engine with",
    )
    args = parser.parse_args()

    import pyarrow.parquet as pq

    work = Path(tempfile.mkdtemp(prefix="cx-engines-"))
    path = work / "news.parquet"
    size = corpus_file(path, args.mb, args.rows)
    matcher = cx.Matcher()
    rows: list[tuple[str, float, str]] = []

    def one(n_threads: int | None) -> tuple[int, Any]:
        column = pq.read_table(path, columns=["text"])["text"]
        return len(matcher.find_table(column, n_threads=n_threads)), None

    base, (n_mentions, _) = best(lambda: one(1), args.repeat)
    rows.append(("one process, find_table, 1 thread", base, ""))
    t, _ = best(lambda: one(None), args.repeat)
    rows.append(("one process, find_table, all cores", t, ""))
    t, whole = best(
        lambda: cx.cooccurrence(
            pq.read_table(path, columns=["text"])["text"], matcher, n_threads=1
        ),
        1,
    )
    rows.append(("one process, cooccurrence, 1 thread", t, ""))

    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import cybernexus.dask as cxd

    # Each engine on one worker and on two: the second figure over the first is the engine's own scaling, which
    # the one-process rows above do not show (they have no engine to pay for).
    def dask_rows(workers: int) -> None:
        with (
            LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers, processes=True, threads_per_worker=1, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,  # type: ignore[no-untyped-call]
        ):
            ddf = dd.read_parquet(path, split_row_groups=True)
            # The text's length, not len(): Dask answers len() from the Parquet footers without reading a page.
            floor = lambda: ddf["text"].map_partitions(lambda s: s.str.len().sum()).compute()
            t, _ = best(floor, args.repeat)
            rows.append((f"Dask, read the partitions only (the floor), {_workers(workers)}", t, ""))
            count = lambda: int(cxd.find_mentions(ddf).map_partitions(len).compute().sum())
            client.run(reset_peak_rss)
            t, n = best(count, args.repeat)
            assert n == n_mentions, (n, n_mentions)
            rss = max(client.run(peak_rss_mb).values())
            rows.append(
                (f"Dask, find_mentions, {_workers(workers)}", t, f"worker peak RSS {rss:.0f} MB")
            )
            client.run(reset_peak_rss)
            t, co = best(lambda: cxd.cooccurrence(ddf, matcher=matcher), args.repeat)
            assert co == whole
            rss = max(client.run(peak_rss_mb).values())
            rows.append(
                (f"Dask, cooccurrence, {_workers(workers)}", t, f"worker peak RSS {rss:.0f} MB")
            )

    for workers in args.workers:
        dask_rows(workers)

    if not args.no_spark:
        os.environ["PYSPARK_PYTHON"] = sys.executable
        from pyspark.sql import SparkSession

        import cybernexus.spark as cxs

        def spark_rows(workers: int) -> None:
            spark = (
                SparkSession.builder.master(f"local[{workers}]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.memory", "2g")
                .getOrCreate()
            )
            sdf = spark.read.parquet(str(path))
            t, _ = best(lambda: sdf.mapInArrow(_rows, "n BIGINT").collect(), args.repeat)
            rows.append((f"Spark local[{workers}], batches to Python only (the floor)", t, ""))
            with TreeRss() as rss_tree:
                t, n = best(lambda: cxs.find_mentions(sdf).count(), args.repeat)
            assert n == n_mentions, (n, n_mentions)
            notes = f"Python worker peak RSS {rss_tree.python:.0f} MB (JVM {rss_tree.jvm:.0f} MB)"
            rows.append((f"Spark local[{workers}], find_mentions", t, notes))
            with TreeRss() as rss_tree:
                t, co = best(lambda: cxs.cooccurrence(sdf, matcher=matcher), args.repeat)
            assert co == whole
            notes = f"Python worker peak RSS {rss_tree.python:.0f} MB (JVM {rss_tree.jvm:.0f} MB)"
            rows.append((f"Spark local[{workers}], cooccurrence", t, notes))
            spark.stop()

        for workers in args.workers:
            spark_rows(workers)

    print(
        f"\n{size / 1e6:.0f} MB of text, {n_mentions:,} mentions, {os.cpu_count()} logical CPUs\n"
    )
    print("| run | seconds | MB/s | speed-up vs one process, 1 thread | notes |")
    print("|:---|---:|---:|---:|:---|")
    for name, seconds, notes in rows:
        print(
            f"| {name} | {seconds:.2f} | {size / 1e6 / seconds:.1f} | {base / seconds:.2f}x | {notes} |"
        )
    timed = {name: t for name, t, _ in rows}
    if len(args.workers) > 1:
        fewest, most = args.workers[0], args.workers[-1]
        print(f"\n| engine, job | {_workers(fewest)}, s | {_workers(most)}, s | speed-up |")
        print("|:---|---:|---:|---:|")
        labels: list[tuple[str, Callable[[int], str]]] = [
            ("Dask, find_mentions", lambda n: f"Dask, find_mentions, {_workers(n)}"),
            ("Dask, cooccurrence", lambda n: f"Dask, cooccurrence, {_workers(n)}"),
            ("Spark, find_mentions", lambda n: f"Spark local[{n}], find_mentions"),
            ("Spark, cooccurrence", lambda n: f"Spark local[{n}], cooccurrence"),
        ]
        for engine, label in labels:
            if label(fewest) in timed:
                a, b = timed[label(fewest)], timed[label(most)]
                print(f"| {engine} | {a:.2f} | {b:.2f} | {a / b:.2f}x |")


if __name__ == "__main__":
    main()
