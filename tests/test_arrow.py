"""Arrow string columns (pyarrow, polars, pandas) as input, read in place, and MentionTable.to_arrow()."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cybernexus as cx
from cybernexus.errors import TextEncodingError

MATCHER = cx.Matcher(cx.example_gazetteer())
COLUMNS = ("doc", "start", "end", "entity", "alias")
TEXTS: list[str | None] = [
    "Sofacy and the GRU, said NATO.",
    None,
    "",
    # Longer than 12 bytes and not ASCII: exercises the out-of-line views of string_view and code-point offsets.
    "Señor Ñandú: APT\u00a028 and Fancy Bear hit Sweden\u2019s grid.",
    "Nothing here at all, just words.",
    "Sofacy",
]
PLAIN = [t or "" for t in TEXTS]


def same_table(a: cx.MentionTable, b: cx.MentionTable) -> bool:
    return a.n_docs == b.n_docs and all(
        np.array_equal(getattr(a, c), getattr(b, c)) for c in COLUMNS
    )


ARROW_TYPES = [pa.string(), pa.large_string(), pa.string_view()]


@pytest.mark.parametrize("arrow_type", ARROW_TYPES, ids=str)
def test_find_table_reads_each_arrow_layout_like_a_list(arrow_type: pa.DataType) -> None:
    """string, large_string and string_view give the same mentions as the list; a null is an empty text."""
    expected = MATCHER.find_table(PLAIN)
    # Counted by hand (code points; "Señor Ñandú: " is 13 of them).
    assert list(
        zip(expected.doc.tolist(), expected.start.tolist(), expected.end.tolist(), strict=True)
    ) == [(0, 0, 6), (0, 15, 18), (0, 25, 29), (3, 13, 19), (3, 24, 34), (3, 39, 45), (5, 0, 6)]
    table = MATCHER.find_table(pa.array(TEXTS, type=arrow_type))
    assert same_table(table, expected)
    assert table.n_docs == len(TEXTS)


def test_chunked_sliced_polars_and_pandas_columns() -> None:
    """Chunks keep one document numbering; a slice starts at its own first row; polars and pandas columns work."""
    expected = MATCHER.find_table(PLAIN)
    chunked = pa.chunked_array([TEXTS[:2], [], TEXTS[2:]], type=pa.string())
    assert same_table(MATCHER.find_table(chunked), expected)
    sliced = pa.array(["Sofacy pad", "GRU pad", *TEXTS])[2:]
    assert same_table(MATCHER.find_table(sliced), expected)
    assert same_table(MATCHER.find_table(pl.Series(TEXTS)), expected)
    assert same_table(MATCHER.find_table(pd.Series(TEXTS, dtype="string[pyarrow]")), expected)
    assert same_table(MATCHER.find_table(pd.Series(PLAIN, dtype=object)), expected)


def test_find_many_and_cooccurrence_take_arrow() -> None:
    column = pa.array(TEXTS)
    assert MATCHER.find_many(column, segments=True) == MATCHER.find_many(PLAIN, segments=True)
    for scope in ("document", "sentence"):
        a = cx.cooccurrence(column, MATCHER, scope=scope)
        b = cx.cooccurrence(PLAIN, MATCHER, scope=scope)
        assert a.n_units == b.n_units
        assert a.labels == b.labels
        assert np.array_equal(a.counts.toarray(), b.counts.toarray())


def test_empty_columns() -> None:
    for column in (pa.array([], pa.string()), pa.chunked_array([], pa.large_string())):
        table = MATCHER.find_table(column)
        assert (len(table), table.n_docs) == (0, 0)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(
                alphabet=st.sampled_from(list("SofacyGRUNATO ñ\u2019\u00a0.\n-é日")), max_size=40
            ),
        ),
        max_size=12,
    ),
    st.sampled_from(ARROW_TYPES),
)
def test_arrow_path_equals_list_path(texts: list[str | None], arrow_type: pa.DataType) -> None:
    expected = MATCHER.find_table([t or "" for t in texts], segments=True)
    table = MATCHER.find_table(pa.array(texts, type=arrow_type), segments=True)
    assert same_table(table, expected)
    assert table.sentence is not None and expected.sentence is not None
    assert np.array_equal(table.sentence, expected.sentence)


@pytest.mark.parametrize(
    ("column", "error", "message"),
    [
        (pa.array([1, 2]), TypeError, 'got Arrow format "l"'),
        (pa.array([b"GRU"]), TypeError, "binary column"),
        (pa.table({"text": ["GRU"]}), TypeError, "pass one string column"),
        (pa.array(["GRU", "GRU"]).dictionary_encode(), TypeError, "dictionary-encoded"),
        (pl.Series([1, 2]), TypeError, "Arrow string column"),
    ],
    ids=["int64", "binary", "table", "dictionary", "polars-int"],
)
def test_wrong_arrow_types_are_named(column: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        MATCHER.find_table(column)


@pytest.mark.parametrize("arrow_type", ARROW_TYPES, ids=str)
def test_invalid_utf8_in_arrow_is_a_text_encoding_error(arrow_type: pa.DataType) -> None:
    """Arrow promises UTF-8, but the bytes are checked: the bad row is named, nothing is matched silently."""
    raw = pa.array([b"fine", b"x" * 20 + b"\xff GRU"], pa.binary())
    column = raw.cast(pa.string(), safe=False).cast(arrow_type, safe=False)
    with pytest.raises(TextEncodingError, match=r"texts\[1\] is not valid UTF-8 \(at byte 20\)"):
        MATCHER.find_table(column)


class BrokenExport:
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        return "not a capsule"


class NeedsPyarrow:
    """Like a pandas Series without pyarrow installed: offers Arrow, raises ImportError, iterates as str."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        raise ImportError("pyarrow is not installed")

    def __iter__(self) -> Iterator[str]:
        return iter(PLAIN)


def test_broken_exports_and_fallback_to_iteration() -> None:
    with pytest.raises(TypeError, match="did not return a PyCapsule"):
        MATCHER.find_table(BrokenExport())
    assert same_table(MATCHER.find_table(NeedsPyarrow()), MATCHER.find_table(PLAIN))


def test_an_object_column_with_a_non_string_names_the_item() -> None:
    """A pandas object column that pyarrow cannot export (an int among the texts) is read item by item, so the
    error is the usual TypeError naming the position, not pyarrow's "Expected bytes, got a 'int' object"; an
    export that fails otherwise (MemoryError here) is not swallowed."""
    import pandas as pd

    bad = pd.Series(["Russia", "APT28", 5], index=[10, 11, 12])
    for call in (MATCHER.find_many, MATCHER.find_table, lambda t: cx.cooccurrence(t, MATCHER)):
        with pytest.raises(TypeError, match=r"^texts\[2\] must be str, got int$"):
            call(bad)

    class OutOfMemory:
        def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
            raise MemoryError

        def __iter__(self) -> Iterator[str]:
            return iter(PLAIN)

    with pytest.raises(MemoryError):
        MATCHER.find_table(OutOfMemory())


def test_to_arrow_labels_the_same_rows_as_to_pandas() -> None:
    table = MATCHER.find_table(pa.array(TEXTS), segments=True)
    arrow = table.to_arrow()
    frame = table.to_pandas(pa.array(TEXTS))
    assert arrow.num_rows == len(frame) == len(table)
    for name in ("doc", "start", "end", "sentence", "paragraph"):
        assert arrow[name].to_pylist() == frame[name].tolist()
    for name in ("entity_id", "kind", "name", "alias"):
        assert arrow[name].to_pylist() == frame[name].astype(str).tolist()
    # The text column is the matched span of each (Arrow) text.
    assert frame["text"].tolist() == [
        PLAIN[d][s:e] for d, s, e in zip(frame["doc"], frame["start"], frame["end"], strict=True)
    ]
    assert "sentence" not in MATCHER.find_table(PLAIN).to_arrow().column_names


def test_to_arrow_with_the_builtin_gazetteer_converts_to_pandas() -> None:
    """Names and alias texts repeat across built-in entities; the Arrow dictionaries still convert to categoricals."""
    texts = [d["text"] for d in cx.sample_corpus()[:200]]
    table = cx.Matcher().find_table(texts)
    frame = table.to_pandas()
    from_arrow = table.to_arrow().to_pandas()
    assert len(from_arrow) == len(frame) > 100
    for name in ("entity_id", "kind", "name", "alias"):
        assert from_arrow[name].astype(str).tolist() == frame[name].astype(str).tolist()


class CachedCapsule:
    """A producer that wrongly hands out the same stream capsule twice."""

    def __init__(self, column: pa.ChunkedArray[Any]) -> None:
        self.capsule = column.__arrow_c_stream__()

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        return self.capsule


def test_a_capsule_is_consumed_once() -> None:
    exporter = CachedCapsule(pa.chunked_array([TEXTS]))
    assert same_table(MATCHER.find_table(exporter), MATCHER.find_table(PLAIN))
    with pytest.raises(ValueError, match="consumed already"):
        MATCHER.find_table(exporter)


def test_offsets_out_of_order_across_rows_are_refused() -> None:
    """Each row alone looks fine (start <= end) but row 1 ends beyond the last offset: refused, not read."""
    data = pa.py_buffer(b"Sofacy and GRU")
    offsets = pa.py_buffer(struct.pack("<4i", 0, 6, 1 << 28, 14))
    column = pa.Array.from_buffers(pa.string(), 3, [None, offsets, data])
    with pytest.raises(ValueError, match=r"malformed Arrow data at row 2: decreasing offsets"):
        MATCHER.find_table(column)


def test_unaligned_offsets_are_read() -> None:
    """Alignment is only recommended by the Arrow specification; a misaligned offsets buffer still works."""
    data = pa.py_buffer(b"Sofacy and GRU")
    offsets = pa.py_buffer(b"\x00" + struct.pack("<3i", 0, 6, 14))[1:]
    assert offsets.address % 4 != 0
    column = pa.Array.from_buffers(pa.string(), 2, [None, offsets, data])
    table = MATCHER.find_table(column)
    assert table.doc.tolist() == [0, 1]
    assert (table.start.tolist(), table.end.tolist()) == ([0, 5], [6, 8])


def test_iter_find_slices_arrow_columns() -> None:
    """iter_find over an Arrow column matches slices of it (no str per document), in order, like the list."""
    expected = list(cx.iter_find(PLAIN, MATCHER, batch_size=4))
    assert list(cx.iter_find(pa.array(TEXTS), MATCHER, batch_size=4)) == expected
    assert (
        list(cx.iter_find(pa.chunked_array([TEXTS[:3], TEXTS[3:]]), MATCHER, batch_size=2))
        == expected
    )
    assert list(cx.iter_find(pl.Series(TEXTS), MATCHER, batch_size=5)) == expected
    assert len(expected) == len(TEXTS)
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        next(cx.iter_find(pa.array(TEXTS), MATCHER, batch_size=0))


def test_a_column_of_only_nulls_is_documents_without_text() -> None:
    """pandas exports an object column of only None (or an empty one) as Arrow's null type: each row is an
    empty document, as a null string is, not a type error (a Dask partition can be all None)."""
    import pandas as pd

    for column in (pa.array([None, None, None]), pd.Series([None, None, None], dtype=object)):
        table = MATCHER.find_table(column)
        assert (table.n_docs, len(table)) == (3, 0)
        assert cx.cooccurrence(column, MATCHER, scope="document").n_units == 3
    assert MATCHER.find_table(pd.Series([], dtype=object)).n_docs == 0
    assert pa.types.is_null(pa.array([None, None]).type)
