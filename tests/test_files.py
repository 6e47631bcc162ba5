"""Corpus files: CSV, TSV and Parquet columns, document ids, compared with the standard library and pyarrow."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cybernexus as cx
from cybernexus import read_documents
from cybernexus.stream import InputFileError

MATCHER = cx.Matcher(cx.example_gazetteer())
ROWS = [
    {"id": "a1", "text": "Sofacy and the GRU.", "source": "x"},
    {"id": "a2", "text": 'NATO said, "Sweden too"\nand then\r\nFinland.', "source": "y"},
    {"id": "a3", "text": "", "source": "z"},
    {"id": "a4", "text": "Fancy Bear, again; Russia's GRU.", "source": "w"},
]


def write_csv(
    path: Path, rows: list[dict[str, str]], delimiter: str = ",", bom: bool = False
) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))


def reference_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    """The standard library's reading of the same file."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def test_csv_rows_with_quoted_newlines_commas_and_a_bom(tmp_path: Path) -> None:
    """A CSV document is a row's text column; quoted cells keep their commas, quotes and line breaks."""
    path = tmp_path / "news.csv"
    write_csv(path, ROWS, bom=True)
    expected = reference_csv(path)
    assert [r["text"] for r in expected] == [r["text"] for r in ROWS]
    assert list(cx.read_texts(path)) == [r["text"] for r in expected]
    assert list(read_documents(path, id="id")) == [(r["id"], r["text"]) for r in expected]
    assert list(cx.read_texts(path, field="source")) == ["x", "y", "z", "w"]
    # Without an id column, the id is where the row starts: line 2, 3, then 6 (row 2 spans three lines), 7.
    assert [i for i, _ in read_documents(path)] == [
        f"{path}:2",
        f"{path}:3",
        f"{path}:6",
        f"{path}:7",
    ]


def test_tsv_and_gzipped_csv(tmp_path: Path) -> None:
    """``.tsv`` reads tab-separated rows, ``.csv.gz`` a compressed CSV."""
    write_csv(tmp_path / "news.tsv", ROWS, delimiter="\t")
    assert list(read_documents(tmp_path / "news.tsv", id="id")) == [
        (r["id"], r["text"]) for r in reference_csv(tmp_path / "news.tsv", "\t")
    ]
    write_csv(tmp_path / "plain.csv", ROWS)
    (tmp_path / "news.csv.gz").write_bytes(gzip.compress((tmp_path / "plain.csv").read_bytes()))
    assert list(cx.read_texts(tmp_path / "news.csv.gz")) == [r["text"] for r in ROWS]
    # An explicit format wins over the suffix.
    (tmp_path / "data.txt").write_bytes((tmp_path / "plain.csv").read_bytes())
    assert list(cx.read_texts(tmp_path / "data.txt", format="csv")) == [r["text"] for r in ROWS]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id,body\n1,x\n", r"bad\.csv:1: no text column 'text' \(the header has 'id', 'body'\)"),
        (b"text,text\nx,y\n", r"bad\.csv:1: 2 columns named text column 'text'"),
        (b"id,text\n1,ok\n2,too,many\n", r"bad\.csv:3: a row of 3 cells under a header of 2"),
        (b"id,text\n1,ok\n2\n", r"bad\.csv:3: a row of 1 cells under a header of 2"),
        (
            b'id,text\n1,ok\n2,"open\nnever closed\n',
            r"bad\.csv:4: invalid CSV: unexpected end of data",
        ),
        (b"id,text\n1,ok\n2,Caf\xe9\n", r"bad\.csv:3: invalid UTF-8"),
    ],
)
def test_bad_csv_names_the_file_and_line(tmp_path: Path, content: bytes, message: str) -> None:
    """A missing or doubled column, a ragged row, an open quote or invalid UTF-8 is an error at its line; the rows
    after an open quote are never silently swallowed."""
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=message):
        list(cx.read_texts(path))


def test_missing_id_column_or_field(tmp_path: Path) -> None:
    write_csv(tmp_path / "news.csv", ROWS)
    with pytest.raises(InputFileError, match=r"news\.csv:1: no id column 'key'"):
        list(read_documents(tmp_path / "news.csv", id="key"))
    (tmp_path / "news.jsonl").write_text(
        '{"text": "a", "id": 1}\n{"text": "b"}\n', encoding="utf-8"
    )
    with pytest.raises(InputFileError, match=r"news\.jsonl:2: no id field 'id'"):
        list(read_documents(tmp_path / "news.jsonl", id="id"))
    with pytest.raises(TypeError, match="id must be a str or None, got int"):
        list(read_documents(tmp_path / "news.jsonl", id=3))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="format must be one of"):
        list(cx.read_texts(tmp_path / "news.jsonl", format="xml"))  # type: ignore[arg-type]


def test_ids_of_lines_json_lines_and_files(tmp_path: Path) -> None:
    """Ids are the id field's values, or the file and line, or the file name."""
    (tmp_path / "a.txt").write_text("Sofacy\nGRU\n", encoding="utf-8")
    assert list(read_documents(tmp_path / "a.txt")) == [
        (f"{tmp_path / 'a.txt'}:1", "Sofacy"),
        (f"{tmp_path / 'a.txt'}:2", "GRU"),
    ]
    rows = [{"text": "x", "id": 7}, {"text": "y", "id": "k"}]
    (tmp_path / "b.jsonl").write_text(
        json.dumps(rows[0]) + "\n\n" + json.dumps(rows[1]) + "\n", encoding="utf-8"
    )
    assert list(read_documents(tmp_path / "b.jsonl", id="id")) == [(7, "x"), ("k", "y")]
    assert [i for i, _ in read_documents(tmp_path / "b.jsonl")] == [
        f"{tmp_path / 'b.jsonl'}:1",
        f"{tmp_path / 'b.jsonl'}:3",
    ]
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "one.txt").write_text("NATO", encoding="utf-8")
    assert list(read_documents(folder)) == [(str(folder / "one.txt"), "NATO")]


def parquet_file(path: Path, texts: list[str | None], row_group_size: int) -> pa.Table:
    table = pa.table({"id": [f"d{i}" for i in range(len(texts))], "text": texts})
    pq.write_table(table, path, row_group_size=row_group_size)
    assert pq.ParquetFile(path).num_row_groups == -(-len(texts) // row_group_size)
    return table


TEXTS: list[str | None] = [
    "Sofacy and the GRU.",
    None,
    "NATO said.\nSweden too.",
    "",
    "Fancy Bear and Russia",
    "nothing",
    "Germany and the Czech Republic",
]


def test_parquet_in_several_row_groups(tmp_path: Path) -> None:
    """A Parquet text column reads row group by row group, nulls as empty documents; ids from a column or rows."""
    path = tmp_path / "news.parquet"
    table = parquet_file(path, TEXTS, row_group_size=3)
    texts = ["" if t is None else t for t in table.column("text").to_pylist()]
    assert list(cx.read_texts(path)) == texts
    assert list(read_documents(path, id="id")) == list(
        zip(table.column("id").to_pylist(), texts, strict=True)
    )
    assert [i for i, _ in read_documents(path)] == [f"{path}:{r}" for r in range(7)]


@pytest.mark.parametrize("batch_size", [1, 2, 3, 5, 100])
@pytest.mark.parametrize("ids", ["column", "rows", None])
def test_find_file_on_parquet_equals_find_table_on_the_whole_column(
    tmp_path: Path, batch_size: int, ids: str | None
) -> None:
    """Batches across row groups change nothing: the frame is find_table's on the whole column, ids carried."""
    path = tmp_path / "news.parquet"
    table = parquet_file(path, TEXTS, row_group_size=3)
    whole = MATCHER.find_table(table.column("text"))
    if ids == "column":
        expected = whole.to_pandas(ids=table.column("id").to_pylist())
        got = cx.find_file(path, MATCHER, id="id", batch_size=batch_size)
    elif ids == "rows":
        expected = whole.to_pandas(ids=[f"{path}:{r}" for r in range(len(TEXTS))])
        got = cx.find_file(path, MATCHER, with_ids=True, batch_size=batch_size)
    else:
        expected = whole.to_pandas()
        got = cx.find_file(path, MATCHER, batch_size=batch_size)
    assert len(expected) == 8  # Sofacy, GRU; NATO, Sweden; Fancy Bear, Russia; Germany, Czechia
    pd.testing.assert_frame_equal(got, expected)


def test_find_file_on_csv_carries_the_ids(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    write_csv(path, ROWS)
    expected = MATCHER.find_table([r["text"] for r in ROWS]).to_pandas(ids=[r["id"] for r in ROWS])
    for batch_size in (1, 3, 10):
        got = cx.find_file(path, MATCHER, id="id", batch_size=batch_size)
        pd.testing.assert_frame_equal(got, expected)
    assert list(got.columns[:2]) == ["id", "doc"]
    empty = cx.find_file(tmp_path / "news.csv", MATCHER, id="id", field="source")
    assert len(empty) == 0 and "id" in empty.columns


def test_bad_parquet_files(tmp_path: Path) -> None:
    (tmp_path / "not.parquet").write_bytes(b"PAR1 but not really")
    with pytest.raises(InputFileError, match=r"not\.parquet: not a Parquet file"):
        list(cx.read_texts(tmp_path / "not.parquet"))
    pq.write_table(pa.table({"n": [1, 2], "text": ["a", "b"]}), tmp_path / "n.parquet")
    with pytest.raises(InputFileError, match=r"n\.parquet: column 'n' holds int64, not strings"):
        list(cx.read_texts(tmp_path / "n.parquet", field="n"))
    with pytest.raises(
        InputFileError, match=r"n\.parquet: no id column 'id' \(the columns are 'n', 'text'\)"
    ):
        list(read_documents(tmp_path / "n.parquet", id="id"))
    with pytest.raises(InputFileError, match=r"n\.parquet: no text column 'body'"):
        cx.find_file(tmp_path / "n.parquet", MATCHER, field="body")


cells = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"], include_characters=',"\n\r\t'),
    max_size=30,
)


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(st.tuples(cells, cells), max_size=8), tsv=st.booleans())
def test_csv_round_trip(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str]], tsv: bool
) -> None:
    """Whatever the cells hold (quotes, separators, line breaks of every kind), the standard library's writer and
    read_texts agree, row by row."""
    path = tmp_path_factory.mktemp("csv") / ("f.tsv" if tsv else "f.csv")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel-tab" if tsv else "excel")
    writer.writerow(["id", "text"])
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    assert list(read_documents(path, id="id")) == rows


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bom.txt", "Russia first\nthen Iran\n"),
        ("bom.jsonl", '{"text": "Russia first"}\n{"text": "then Iran"}\n'),
        ("bom.csv", "text\nRussia first\nthen Iran\n"),
        ("bom.txt.gz", "Russia first\nthen Iran\n"),
    ],
)
def test_a_byte_order_mark_is_dropped_in_every_format(
    tmp_path: Path, name: str, content: str
) -> None:
    """Before: a UTF-8 byte order mark (Notepad writes one) was dropped in a CSV, kept in a .txt file, where it
    became the first character of the first document and moved every offset in it by one, and made a .jsonl file
    fail with "Unexpected UTF-8 BOM" (a user review, 2026-12-07). Decoded by the standard library's utf-8-sig, as a
    reference."""
    path = tmp_path / name
    data = content.encode("utf-8-sig")
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    expected = data.decode("utf-8-sig")
    assert not expected.startswith("\ufeff")
    texts = list(cx.read_texts(path))
    assert texts == ["Russia first", "then Iran"]
    if name.startswith("bom.txt"):
        assert texts == expected.splitlines()
    frame = cx.find_file(path)
    assert frame[["doc", "start", "end", "entity_id"]].values.tolist() == [
        [0, 0, 6, "country:RU"],
        [1, 5, 9, "country:IR"],
    ]
    whole = tmp_path / "whole.txt"
    whole.write_bytes("\ufeffRussia first".encode())
    assert list(cx.read_texts(whole, format="file")) == ["Russia first"]
