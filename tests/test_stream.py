"""Streaming: reading corpora from files, matching and counting in batches."""

from __future__ import annotations

import gzip
import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import cybernexus as cx
from cybernexus.stream import InputFileError, batched

MATCHER = cx.Matcher(cx.example_gazetteer())
DOCS = ["Sofacy and the GRU.", "", "NATO said.\nSweden too.", "Nothing here."]


def test_read_texts_lines_jsonl_gzip_and_folders(tmp_path: Path) -> None:
    """Lines, JSON lines (a field), gzip and folders (a document per file, sorted) are read lazily."""
    (tmp_path / "a.txt").write_text("Sofacy\nGRU\n", encoding="utf-8")
    assert list(cx.read_texts(tmp_path / "a.txt")) == ["Sofacy", "GRU"]
    rows = "\n".join(json.dumps({"text": d, "id": i}) for i, d in enumerate(DOCS)) + "\n\n"
    (tmp_path / "b.jsonl").write_text(rows, encoding="utf-8")
    assert list(cx.read_texts(tmp_path / "b.jsonl")) == DOCS
    with gzip.open(tmp_path / "c.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write(rows)
    assert list(cx.read_texts(tmp_path / "c.jsonl.gz")) == DOCS
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "2.txt").write_text("second\nfile", encoding="utf-8")
    (folder / "sub" / "1.txt").write_text("in sub", encoding="utf-8")
    (folder / "1.txt").write_text("first", encoding="utf-8")
    (folder / ".hidden").write_text("skipped", encoding="utf-8")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD.txt").write_text("skipped: inside a hidden folder", encoding="utf-8")
    assert list(cx.read_texts(folder)) == ["first", "second\nfile", "in sub"]
    assert list(cx.read_texts(tmp_path / "a.txt", format="file")) == ["Sofacy\nGRU\n"]


def test_read_texts_bad_files(tmp_path: Path) -> None:
    """Missing files, invalid UTF-8, invalid JSON and missing fields name the file and line."""
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        list(cx.read_texts(tmp_path / "missing.txt"))
    (tmp_path / "bad.txt").write_bytes(b"ok\nCaf\xe9\n")
    with pytest.raises(InputFileError, match=r"bad\.txt:2: invalid UTF-8"):
        list(cx.read_texts(tmp_path / "bad.txt"))
    (tmp_path / "bad.jsonl").write_text('{"text": "a"}\n{"text": \n', encoding="utf-8")
    with pytest.raises(InputFileError, match=r"bad\.jsonl:2: invalid JSON"):
        list(cx.read_texts(tmp_path / "bad.jsonl"))
    (tmp_path / "field.jsonl").write_text('{"body": "a"}\n', encoding="utf-8")
    with pytest.raises(InputFileError, match=r"field\.jsonl:1: no string field 'text'"):
        list(cx.read_texts(tmp_path / "field.jsonl"))
    assert issubclass(InputFileError, cx.CybernexusError) and issubclass(InputFileError, ValueError)


def test_iter_find_equals_find_many_for_every_batch_size() -> None:
    """Batching changes nothing: iter_find yields find_many's result, document by document."""
    texts = (DOCS * 50)[:197]
    expected = MATCHER.find_many(texts)
    for size in (1, 7, 1000):
        assert list(cx.iter_find(iter(texts), MATCHER, batch_size=size)) == expected
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        list(cx.iter_find(texts, MATCHER, batch_size=0))
    assert [len(b) for b in batched(range(5), 2)] == [2, 2, 1]


def test_streamed_cooccurrence_equals_the_list_result() -> None:
    """An iterator is counted batch by batch; the sum equals counting the list at once."""
    texts = cx.sample_texts() * 7
    whole = cx.cooccurrence(texts, MATCHER)
    assert cx.cooccurrence(iter(texts), MATCHER, batch_size=5) == whole
    assert cx.cooccurrence(iter([]), MATCHER).n_units == 0


def test_ctrl_c_stops_a_stream_within_a_second() -> None:
    """SIGINT during an endless stream raises KeyboardInterrupt between two batches, quickly."""
    code = textwrap.dedent(
        """
        import itertools, sys, time
        import cybernexus as cx
        m = cx.Matcher(cx.example_gazetteer())
        texts = itertools.cycle(cx.sample_texts() * 100)
        print("ready", flush=True)
        try:
            for _ in cx.iter_find(texts, m, batch_size=2000):
                pass
        except KeyboardInterrupt:
            print("interrupted", time.monotonic(), flush=True)
        """
    )
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(1.0)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        line = child.stdout.readline().split()
        child.wait(timeout=30)
    assert line[0] == "interrupted"
    assert float(line[1]) - sent < 1.0


def test_find_file_equals_matching_everything_at_once(tmp_path: Path) -> None:
    """Batches number documents globally; the frame is the one of a single find_table over all documents."""
    docs = DOCS * 3  # 12 documents, batches of 5: 5 + 5 + 2
    path = tmp_path / "corpus.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps({"text": d}) + "\n")
    frame = cx.find_file(path, MATCHER, batch_size=5, n_threads=1)
    expected = MATCHER.find_table(docs).to_pandas()
    assert len(frame) == 3 * 4  # Sofacy, GRU, NATO, Sweden in each copy of DOCS
    assert (
        frame["doc"].tolist() == expected["doc"].tolist() == [0, 0, 2, 2, 4, 4, 6, 6, 8, 8, 10, 10]
    )
    for column in expected.columns:
        assert frame[column].tolist() == expected[column].tolist(), column
    assert frame["entity_id"].dtype == "category"


def test_find_file_keeps_categoricals_when_batches_name_different_numbered_clusters(
    tmp_path: Path,
) -> None:
    """Before: a batch's ``entity_id`` categories are the gazetteer's ids plus the numbered clusters it names, so
    with two batches that name different ones ``pd.concat`` fell back to strings, and ``find_file(path)`` and
    ``find_file(path, batch_size=1)`` gave different dtypes (a user review, 2026-12-07)."""
    docs = ["Storm-0866 hit Sweden.", "UNC4841 hit Norway.", "Russia said nothing."]
    path = tmp_path / "clusters.jsonl"
    path.write_text("".join(json.dumps({"text": d}) + "\n" for d in docs), encoding="utf-8")
    whole = cx.find_file(path, MATCHER, batch_size=100)
    for size in (1, 2):
        frame = cx.find_file(path, MATCHER, batch_size=size)
        for column in whole.columns:
            assert frame[column].dtype == whole[column].dtype, (size, column)
            assert frame[column].tolist() == whole[column].tolist(), (size, column)
    assert whole["entity_id"].dtype == "category"
    assert whole["entity_id"].tolist() == [
        "threat_actor:storm-0866",
        "country:SE",
        "threat_actor:unc4841",
        "country:NO",
        "country:RU",
    ]


def test_find_file_on_an_empty_file_and_bad_batch_size(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("", encoding="utf-8")
    frame = cx.find_file(path, MATCHER)
    assert len(frame) == 0
    assert list(frame.columns) == [
        "doc",
        "start",
        "end",
        "entity_id",
        "kind",
        "name",
        "alias",
        "form",
        "resolved_by",
        "ambiguous",
        "via",
    ]
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        cx.find_file(path, MATCHER, batch_size=0)
    with pytest.raises(FileNotFoundError):
        cx.find_file(tmp_path / "missing.jsonl", MATCHER)


def test_errors_of_a_streamed_batch_name_the_document_of_the_stream() -> None:
    """Before: the core numbered the texts of one batch, so a bad fifth text of a stream in batches of two was
    reported as ``texts[0]`` and a unit over the cap in the fourth document as ``document 1`` (a user review,
    2026-12-07). A list, matched in one call, says the same as the stream now."""
    texts: list[object] = ["Sweden.", "NATO.", "The GRU.", "Sofacy and NATO.", None]
    for call in (
        lambda t: list(cx.iter_find(t, MATCHER, batch_size=2)),
        lambda t: cx.cooccurrence(t, MATCHER, batch_size=2),
    ):
        with pytest.raises(TypeError, match=r"^texts\[4\] must be str, got NoneType$"):
            call(iter(texts))
        with pytest.raises(cx.TextEncodingError, match=r"^texts\[3\] contains a lone surrogate"):
            call(iter(["a", "b", "c", "x\ud800"]))
    capped = {"scope": "document", "max_unit_entities": 1}
    with pytest.raises(ValueError, match=r"^document 3 has a unit naming 2 distinct entities"):
        cx.cooccurrence(iter(texts[:4]), MATCHER, batch_size=2, **capped)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^document 3 has a unit naming 2 distinct entities"):
        cx.cooccurrence(texts[:4], MATCHER, **capped)  # type: ignore[arg-type]
