"""How the formerly super-linear cases of issue 13 grow: time at each size and the ratio per doubling.

    python benchmarks/scaling.py [--case NAME ...] [--start N] [--steps K] [--repeat R] [--runs K]

Each case is timed at ``start``, ``2 * start``, ... (``steps`` sizes), best of ``repeat`` (3)
runs taken in turns with the garbage collector off (see :func:`best_times`); a linear cost doubles per
doubling (ratio 2.0), a quadratic one quadruples. With ``--runs K`` the whole measurement is made K times (each
with its own inputs) and the table gives the median time at each size, the ratios of those medians, and the
lowest and highest ratio of any single run: at a few milliseconds a size, one run's ratio moves by 10% or more
from run to run (the machine, the allocator's reuse of memory, where a table falls in the caches). The cases:

* ``one_entity_aliases``: one entity with N distinct aliases (``Gazetteer.from_records``).
* ``shared_alias_all``: N entities sharing one alias, the text naming it once, ``overlaps="all"``.
* ``shared_alias_all_table``: the same through ``find_table``: the core's selection and columns without a Python
  object per mention (``find`` also pays for N new ``Mention`` objects, which CPython places in fresh memory).
* ``without``: ``without()`` of half the ids of an N-entity gazetteer.
* ``without_aliases``: ``without_aliases()`` of half the alias texts of an N-entity gazetteer.
* ``nested_aliases``: 63 nested aliases "a", "a a", ..., plus a 1,001-word alias that sends the search to the
  automaton, and a text of N words "a a a ..." (N = 2**19 is 1 MB), leftmost-longest.
* ``pairs_per_unit``: one document naming N distinct entities (``cooccurrence``, document scope, the cap lifted:
  its N²/2 pairs are the output itself; by default a unit over ``MAX_UNIT_ENTITIES`` is refused).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import statistics
import time
from collections.abc import Callable

import cybernexus as cx


def best_times(fns: list[Callable[[], object]], repeat: int = 3) -> list[float]:
    """Best of ``repeat`` runs of each function, the runs taken in turns (one of each per round, so that a slow spell
    of the machine touches every size alike) and with Python's cyclic garbage collector off while a run is timed, as
    ``timeit`` does (a collection that happens to fall inside one size's runs is not that size's cost)."""
    best = [float("inf")] * len(fns)
    was_enabled = gc.isenabled()
    try:
        for _ in range(repeat):
            for i, fn in enumerate(fns):
                gc.collect()
                gc.disable()
                t0 = time.perf_counter()
                result = fn()
                elapsed = time.perf_counter() - t0
                gc.enable()
                del result
                best[i] = min(best[i], elapsed)
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()
    return best


def names(n: int) -> list[str]:
    """N distinct multi-letter names (no digits, so no numbering scheme claims them)."""
    letters = "bcdfghjklmnpqrstvwxz"
    out = []
    for i in range(n):
        word, k = "", i
        for _ in range(5):
            word += letters[k % 20]
            k //= 20
        out.append("Q" + word)
    return out


def one_entity_aliases(n: int) -> Callable[[], object]:
    record = {"id": "x", "kind": "k", "name": "X", "aliases": names(n)}
    return lambda: cx.Gazetteer.from_records([record])


def _shared_alias_matcher(n: int) -> cx.Matcher:
    g = cx.Gazetteer.from_records(
        [
            {"id": f"e{i}", "kind": "k", "name": f"Name {nm}", "aliases": ["Shared"]}
            for i, nm in enumerate(names(n))
        ]
    )
    return cx.Matcher(g, overlaps="all")


def shared_alias_all(n: int) -> Callable[[], object]:
    m = _shared_alias_matcher(n)
    return lambda: m.find("the Shared one")


def shared_alias_all_table(n: int) -> Callable[[], object]:
    m = _shared_alias_matcher(n)
    return lambda: m.find_table(["the Shared one"])


def _gazetteer(n: int) -> cx.Gazetteer:
    return cx.Gazetteer.from_records(
        [{"id": f"e{i}", "kind": "k", "name": nm} for i, nm in enumerate(names(n))]
    )


def without(n: int) -> Callable[[], object]:
    g = _gazetteer(n)
    drop = [f"e{i}" for i in range(0, n, 2)]
    return lambda: g.without(drop)


def without_aliases(n: int) -> Callable[[], object]:
    g = _gazetteer(n)
    drop = names(n)[::2]
    return lambda: g.without_aliases(drop)


def nested_aliases(n: int) -> Callable[[], object]:
    records = [{"id": f"a{k}", "kind": "k", "name": " ".join(["a"] * k)} for k in range(1, 64)]
    records.append({"id": "tail", "kind": "k", "name": "a " * 1000 + "b"})
    m = cx.Matcher(cx.Gazetteer.from_records(records), variants=False)
    text = "a " * n
    return lambda: m.find_table([text], n_threads=1)


def pairs_per_unit(n: int) -> Callable[[], object]:
    g = _gazetteer(n)
    m = cx.Matcher(g)
    text = ". ".join(names(n))
    return lambda: cx.cooccurrence([text], m, scope="document", n_threads=1, max_unit_entities=None)


CASES: dict[str, tuple[Callable[[int], Callable[[], object]], int]] = {
    "one_entity_aliases": (one_entity_aliases, 10_000),
    "shared_alias_all": (shared_alias_all, 10_000),
    "shared_alias_all_table": (shared_alias_all_table, 10_000),
    "without": (without, 10_000),
    "without_aliases": (without_aliases, 10_000),
    "nested_aliases": (nested_aliases, 2**19),
    "pairs_per_unit": (pairs_per_unit, 500),
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--case", action="append", choices=sorted(CASES), help="cases to run (default: all)"
    )
    parser.add_argument("--start", type=int, help="first size (default: each case's own)")
    parser.add_argument("--steps", type=int, default=4, help="number of sizes (default: 4)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (default: 3)")
    parser.add_argument(
        "--runs", type=int, default=1, help="medians over this many measurements (default: 1)"
    )
    args = parser.parse_args()
    if args.runs == 1:
        print("| case | sizes | seconds | ratio per doubling |")
        print("|---|---|---|---|")
    else:
        print(
            f"| case | sizes | median seconds of {args.runs} runs | ratio per doubling | range of runs |"
        )
        print("|---|---|---|---|---|")
    for name in args.case or list(CASES):
        make, default_start = CASES[name]
        start = args.start or default_start
        sizes = [start * 2**k for k in range(args.steps)]
        runs = [best_times([make(n) for n in sizes], args.repeat) for _ in range(args.runs)]
        times = [statistics.median(at) for at in zip(*runs, strict=True)]
        row = (
            f"| {name} | {', '.join(f'{n:,}' for n in sizes)} | {', '.join(f'{t:.4f}' for t in times)} | "
            f"{', '.join(f'{r:.2f}' for r in doublings(times))} |"
        )
        if args.runs > 1:
            each = [doublings(run) for run in runs]
            row += (
                " "
                + ", ".join(f"{min(r):.2f}-{max(r):.2f}" for r in zip(*each, strict=True))
                + " |"
            )
        print(row, flush=True)


def doublings(times: list[float]) -> list[float]:
    """The ratio of each time to the one before."""
    return [b / a if a > 0 else float("nan") for a, b in itertools.pairwise(times)]


if __name__ == "__main__":
    main()
