"""The bad-input matrix: every public entry point, one argument at a time, against values of every wrong kind.

A call may succeed (many values are valid somewhere) or raise, but only one of the exceptions a caller can be
expected to handle: ``TypeError``, ``ValueError`` (the package's errors are subclasses), ``KeyError``, ``OSError``,
``MemoryError`` or ``KeyboardInterrupt``. Anything else (``AttributeError``, ``OverflowError``, ``RecursionError``,
a ``PanicException``, a crash) fails the case. Where a value is plainly not a valid choice for an option (an unknown
mode, a thread count of 0), the call must raise: accepting it silently is a failure too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import cybernexus as cx
from cybernexus.display import Mentions

ALLOWED = (TypeError, ValueError, KeyError, OSError, MemoryError, KeyboardInterrupt)

GAZETTEER = cx.Gazetteer.from_records(
    [
        {"id": "country:IR", "kind": "country", "name": "Iran", "attrs": {"iso2": "IR"}},
        {"id": "country:IQ", "kind": "country", "name": "Iraq", "attrs": {"iso2": "IQ"}},
        {
            "id": "threat_actor:x",
            "kind": "threat_actor",
            "name": "Fancy Bear",
            "attrs": {"sponsor": "IR"},
        },
    ]
)
MATCHER = cx.Matcher(GAZETTEER)
TEXTS = ["Iran and Iraq.", "Fancy Bear hit Iran."]
COUNTS = cx.cooccurrence(TEXTS, MATCHER, scope="document")


class Weird:
    """An object no entry point expects."""


def bad_iterable() -> Any:
    yield "Iran"
    raise RuntimeError("the source broke")


# name -> value; each is tried in every argument position below.
VALUES: dict[str, Any] = {
    "None": None,
    "int": 5,
    "zero": 0,
    "negative": -1,
    "huge_int": 10**30,
    "float": 2.5,
    "nan": float("nan"),
    "bool": True,
    "empty_str": "",
    "nonsense_str": "nonsense",
    "surrogate_str": "Iran \ud800",
    "bytes": b"Iran",
    "empty_list": [],
    "list_of_none": [None],
    "list_of_int": [5],
    "dict": {"a": 1},
    "object": Weird(),
}

# Entry points: name -> (call with the bad value in one position, values that must raise because they are never a
# valid choice there). A failing source (a generator that raises RuntimeError) is its own case below.
Call = Callable[[Any], object]


def closed(draw: Callable[[], object]) -> None:
    """Draw off screen, then close the figures (the matrix would otherwise keep dozens open)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    try:
        draw()
    finally:
        plt.close("all")


ENTRIES: dict[str, tuple[Call, set[str]]] = {
    "Matcher(gazetteer)": (lambda v: cx.Matcher(v), set(VALUES) - {"None"}),
    "Matcher(overlaps)": (lambda v: cx.Matcher(GAZETTEER, overlaps=v), set(VALUES)),
    "Matcher(resolve)": (lambda v: cx.Matcher(GAZETTEER, resolve=v), set(VALUES)),
    "Matcher(variants)": (lambda v: cx.Matcher(GAZETTEER, variants=v), set(VALUES) - {"bool"}),
    "find(text)": (lambda v: MATCHER.find(v), set(VALUES) - {"empty_str", "nonsense_str"}),
    "find(segments)": (lambda v: MATCHER.find("Iran", segments=v), set(VALUES) - {"bool"}),
    "find_many(texts)": (
        lambda v: MATCHER.find_many(v),
        set(VALUES) - {"empty_list"},
    ),
    "find_many(n_threads)": (
        lambda v: MATCHER.find_many(TEXTS, n_threads=v),
        set(VALUES) - {"None", "int"},
    ),
    "find_table(texts)": (lambda v: MATCHER.find_table(v), set(VALUES) - {"empty_list"}),
    "find_table(n_threads)": (
        lambda v: MATCHER.find_table(TEXTS, n_threads=v),
        set(VALUES) - {"None", "int"},
    ),
    "find_table(segments)": (
        lambda v: MATCHER.find_table(TEXTS, segments=v),
        set(VALUES) - {"bool"},
    ),
    "segment(text)": (lambda v: cx.segment(v), set(VALUES) - {"empty_str", "nonsense_str"}),
    "cooccurrence(texts)": (lambda v: cx.cooccurrence(v, MATCHER), set(VALUES) - {"empty_list"}),
    "cooccurrence(matcher)": (lambda v: cx.cooccurrence(TEXTS, v), set(VALUES) - {"None"}),
    "cooccurrence(scope)": (lambda v: cx.cooccurrence(TEXTS, MATCHER, scope=v), set(VALUES)),
    "cooccurrence(window)": (
        lambda v: cx.cooccurrence(TEXTS, MATCHER, scope="window", window=v),
        set(VALUES) - {"int", "huge_int"},
    ),
    "cooccurrence(kinds)": (
        lambda v: cx.cooccurrence(TEXTS, MATCHER, kinds=v),
        set(VALUES) - {"None", "empty_list"},
    ),
    "cooccurrence(rollup)": (
        lambda v: cx.cooccurrence(TEXTS, MATCHER, rollup=v),
        set(VALUES) - {"None", "dict"},
    ),
    "cooccurrence(min_count)": (
        lambda v: cx.cooccurrence(TEXTS, MATCHER, min_count=v),
        set(VALUES) - {"int", "huge_int", "bool"},
    ),
    "cooccurrence(n_threads)": (
        lambda v: cx.cooccurrence(TEXTS, MATCHER, n_threads=v),
        set(VALUES) - {"None", "int"},
    ),
    "cooccurrence(batch_size)": (
        lambda v: cx.cooccurrence(iter(TEXTS), MATCHER, batch_size=v),
        set(VALUES) - {"int", "huge_int"},
    ),
    "cooccurrence(max_unit_entities)": (
        lambda v: cx.cooccurrence(TEXTS, MATCHER, max_unit_entities=v),
        set(VALUES) - {"None", "int", "huge_int", "zero"},
    ),
    "Gazetteer.from_records": (
        lambda v: cx.Gazetteer.from_records(v),
        set(VALUES) - {"empty_list"},
    ),
    "Gazetteer(records)": (lambda v: cx.Gazetteer(v), set(VALUES) - {"None", "empty_list"}),
    "Gazetteer.from_json": (lambda v: cx.Gazetteer.from_json(v), set(VALUES)),
    "Gazetteer.from_csv": (lambda v: cx.Gazetteer.from_csv(v), set(VALUES)),
    "Gazetteer.builtin(capitals)": (
        lambda v: cx.Gazetteer.builtin(capitals=v),
        set(VALUES) - {"bool"},
    ),
    "Gazetteer.entity": (lambda v: GAZETTEER.entity(v), set(VALUES)),
    "Gazetteer[]": (lambda v: GAZETTEER[v], set(VALUES)),
    "Gazetteer.lookup": (
        lambda v: GAZETTEER.lookup(v),
        set(VALUES) - {"empty_str", "nonsense_str"},
    ),
    "Gazetteer.merge(other)": (lambda v: GAZETTEER.merge(v), set(VALUES)),
    "Gazetteer.merge(on_conflict)": (
        lambda v: GAZETTEER.merge(GAZETTEER, on_conflict=v),
        set(VALUES),
    ),
    # A kind no entity has gives an empty gazetteer (that is how filter is defined), so strings may pass.
    "Gazetteer.filter(kind)": (
        lambda v: GAZETTEER.filter(kind=v),
        set(VALUES) - {"None", "empty_list", "empty_str", "nonsense_str"},
    ),
    "Gazetteer.filter(country)": (
        lambda v: GAZETTEER.filter(country=v),
        {"int", "zero", "negative", "huge_int", "float", "nan", "bool", "bytes", "list_of_none"}
        | {"list_of_int", "object", "surrogate_str"},
    ),
    "Gazetteer.without": (
        lambda v: GAZETTEER.without(v),
        set(VALUES) - {"empty_list", "empty_str"} | {"empty_str"},
    ),
    "Gazetteer.without_aliases(aliases)": (
        lambda v: GAZETTEER.without_aliases(v),
        {
            "int",
            "zero",
            "negative",
            "huge_int",
            "float",
            "nan",
            "bool",
            "bytes",
            "list_of_none",
            "list_of_int",
        }
        | {"object", "surrogate_str"},
    ),
    "Gazetteer.without_aliases(forms)": (
        lambda v: GAZETTEER.without_aliases(forms=v),
        {
            "int",
            "zero",
            "negative",
            "huge_int",
            "float",
            "nan",
            "bool",
            "bytes",
            "list_of_none",
            "list_of_int",
        }
        | {"object", "surrogate_str"},
    ),
    "Gazetteer.search(query)": (
        lambda v: GAZETTEER.search(v),
        set(VALUES) - {"empty_str", "nonsense_str"},
    ),
    "Gazetteer.search(limit)": (
        lambda v: GAZETTEER.search("ir", limit=v),
        set(VALUES) - {"None", "int", "zero", "huge_int"},
    ),
    "Entity(id)": (lambda v: cx.Entity(v, "k", "X"), set(VALUES) - {"nonsense_str"}),
    "Entity(aliases)": (
        lambda v: cx.Entity("x", "k", "X", v),
        set(VALUES) - {"None", "empty_list"},
    ),
    "Entity(attrs)": (
        lambda v: cx.Entity("x", "k", "X", None, v),
        set(VALUES) - {"None", "empty_list"},
    ),
    "read_texts(source)": (lambda v: list(cx.read_texts(v)), set(VALUES)),
    "read_texts(format)": (
        lambda v: list(cx.read_texts(__file__, format=v)),
        set(VALUES) - {"None"},
    ),
    "iter_find(texts)": (lambda v: list(cx.iter_find(v, MATCHER)), set(VALUES) - {"empty_list"}),
    "iter_find(matcher)": (lambda v: list(cx.iter_find(TEXTS, v)), set(VALUES) - {"None"}),
    "iter_find(batch_size)": (
        lambda v: list(cx.iter_find(TEXTS, MATCHER, batch_size=v)),
        set(VALUES) - {"int", "huge_int"},
    ),
    "find_file(source)": (lambda v: cx.find_file(v, MATCHER), set(VALUES)),
    "find_file(id)": (
        lambda v: cx.find_file(__file__, MATCHER, format="lines", id=v),
        set(VALUES) - {"None"},
    ),
    "read_documents(source)": (lambda v: list(cx.read_documents(v)), set(VALUES)),
    "read_documents(id)": (
        lambda v: list(cx.read_documents(__file__, format="lines", id=v)),
        set(VALUES) - {"None"},
    ),
    "Gazetteer.search(with_alias)": (
        lambda v: GAZETTEER.search("ir", with_alias=v),
        set(VALUES) - {"bool"},
    ),
    "highlight(mentions)": (
        lambda v: cx.highlight("Iran", MATCHER, mentions=v),
        set(VALUES) - {"None", "empty_list"},
    ),
    "Mentions.find(text)": (
        lambda v: Mentions.find(v, MATCHER),
        set(VALUES) - {"empty_str", "nonsense_str"},
    ),
    "Cooccurrence.plot_heatmap(top)": (
        lambda v: closed(lambda: COUNTS.plot_heatmap(top=v)),
        set(VALUES) - {"int", "huge_int"},
    ),
    "Cooccurrence.plot_heatmap(measure)": (
        lambda v: closed(lambda: COUNTS.plot_heatmap(v)),
        set(VALUES),
    ),
    "read_misp_galaxy(path)": (lambda v: cx.read_misp_galaxy(v), set(VALUES)),
    "read_stix(path)": (lambda v: cx.read_stix(v), set(VALUES)),
    "highlight(text)": (
        lambda v: cx.highlight(v, MATCHER),
        set(VALUES) - {"empty_str", "nonsense_str"},
    ),
    "Cooccurrence.edges(measure)": (lambda v: COUNTS.edges(v), set(VALUES)),
    "Cooccurrence.edges(min_count)": (
        lambda v: COUNTS.edges("count", min_count=v),
        set(VALUES) - {"None", "int", "huge_int", "bool"},
    ),
    "Cooccurrence.top_pairs(n)": (
        lambda v: COUNTS.top_pairs(v),
        set(VALUES) - {"int", "zero", "huge_int", "bool"},
    ),
    "Cooccurrence.count(a)": (lambda v: COUNTS.count(v, "country:IR"), set(VALUES)),
    "Cooccurrence.to_pandas(measure)": (lambda v: COUNTS.to_pandas(v), set(VALUES)),
}

CASES = [(entry, value) for entry in ENTRIES for value in VALUES]


@pytest.mark.parametrize(("entry", "value"), CASES, ids=[f"{e}-{v}" for e, v in CASES])
def test_bad_input_matrix(entry: str, value: str) -> None:
    call, must_raise = ENTRIES[entry]
    try:
        call(VALUES[value])
    except ALLOWED:
        return
    except BaseException as err:  # noqa: BLE001 (whatever else came is the failure)
        pytest.fail(f"{entry} with {value}: {type(err).__name__}: {err}")
    if value in must_raise:
        pytest.fail(f"{entry} accepted {value} ({VALUES[value]!r}) silently")


def test_the_matrix_is_large() -> None:
    assert len(CASES) >= 400


@pytest.mark.parametrize(
    "entry",
    ["find_many(texts)", "find_table(texts)", "cooccurrence(texts)", "iter_find(texts)"],
)
def test_a_source_that_fails_passes_its_error_on(entry: str) -> None:
    """A generator that raises mid-way: its own exception reaches the caller, unchanged."""
    call, _ = ENTRIES[entry]
    with pytest.raises(RuntimeError, match="the source broke"):
        call(bad_iterable())


def test_a_record_source_that_fails_passes_its_error_on() -> None:
    def records() -> Any:
        yield {"id": "x", "kind": "k", "name": "X"}
        raise RuntimeError("the source broke")

    with pytest.raises(RuntimeError, match="the source broke"):
        cx.Gazetteer.from_records(records())


def test_paths_that_are_folders_or_missing(tmp_path: Path) -> None:
    """File entry points on a folder or a missing file: OSError or the package's ValueError, naming the path."""
    for call in (cx.Gazetteer.from_json, cx.Gazetteer.from_csv, cx.read_misp_galaxy, cx.read_stix):
        for path in (tmp_path, tmp_path / "missing.json"):
            with pytest.raises((OSError, ValueError), match=str(path.name)):
                call(path)
