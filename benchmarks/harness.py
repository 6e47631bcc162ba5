"""How the benchmarks measure and report, shared by ``suite.py`` and ``bench_find.py``.

Both scripts time cybernexus and the peers of ``peers.py`` the same way and compare them as sets
of (doc, start, end, entity) rows; keeping the clock, the row conversions and the table printer
here means that the two scripts' figures are taken and shown alike.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TypeVar

from peers import Span

import cybernexus as cx

T = TypeVar("T")

#: (doc, start, end, entity index): what the agreement checks compare.
Row = tuple[int, int, int, int]


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
    """Wall time of one call (a build, which is not repeated), and its result."""
    t0 = time.perf_counter()
    r = fn()
    return time.perf_counter() - t0, r


def rows_of_spans(per_doc: Sequence[Sequence[Span]]) -> set[Row]:
    """A peer's answer (spans per document) as agreement rows."""
    return {(d, s, e, k) for d, spans in enumerate(per_doc) for s, e, k in spans}


def rows_of_table(table: cx.MentionTable) -> set[Row]:
    """``find_table``'s answer as agreement rows."""
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
    """``find_many``'s answer as agreement rows; ``index`` numbers the entity ids as the table does."""
    return {(d, m.start, m.end, index[m.entity_id]) for d, ms in enumerate(per_doc) for m in ms}


def describe(row: Row, texts: Sequence[str], ids: Sequence[str], width: int = 30) -> str:
    """One agreement row with ``width`` characters of context either side, the match in brackets."""
    d, s, e, k = row
    text = texts[d]
    context = text[max(0, s - width) : s] + "[" + text[s:e] + "]" + text[e : e + width]
    return f"doc {d} {s}:{e} {ids[k]} {context!r}"


def machine() -> str:
    """The CPU model (from ``/proc/cpuinfo`` where there is one), its logical CPUs and the OS."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}"


def versions(dists: Iterable[str]) -> dict[str, str]:
    """Python, cybernexus and each of ``dists`` with its installed version (``"absent"`` if none)."""
    out = {"python": sys.version.split()[0], "cybernexus": cx.__version__}
    for dist in dists:
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "absent"
    return out


def table(
    header: Sequence[str], body: Sequence[Sequence[str]], markdown: bool, right: Sequence[bool]
) -> str:
    """The rows as a Markdown table, or as aligned plain text; ``right`` right-aligns a column."""
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


def log(msg: str) -> None:
    """Progress on stderr, so that stdout holds the report alone."""
    print(msg, file=sys.stderr, flush=True)
