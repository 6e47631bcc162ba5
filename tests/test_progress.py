"""progress=True: a bar in documents, with the total where it is known; the results do not change."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import ClassVar

import pytest

import cybernexus as cx

MATCHER = cx.Matcher(cx.example_gazetteer())
TEXTS = [f"Sofacy and NATO, part {i}." for i in range(10)]


def test_iter_find_and_cooccurrence_count_documents_out_of_the_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    found = list(cx.iter_find(TEXTS, MATCHER, batch_size=3, progress=True))
    assert found == MATCHER.find_many(TEXTS)
    assert "10/10" in capsys.readouterr().err
    with_bar = cx.cooccurrence(TEXTS, MATCHER, batch_size=4, progress=True)
    assert "10/10" in capsys.readouterr().err
    assert with_bar == cx.cooccurrence(TEXTS, MATCHER)
    # The texts are kept, so evidence still works after counting in parts.
    assert len(with_bar.evidence("threat_actor:apt28", "agency:nato")) == 10
    list(cx.iter_find(iter(TEXTS), MATCHER, batch_size=4, progress=True))
    err = capsys.readouterr().err
    assert "10doc" in err.replace(" ", "") and "/10" not in err


def test_find_file_counts_documents(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "news.txt"
    path.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    frame = cx.find_file(path, MATCHER, batch_size=3, progress=True)
    assert len(frame) == 20
    assert "10doc" in capsys.readouterr().err.replace(" ", "")


def test_without_tqdm_the_message_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match="progress=True needs tqdm: pip install tqdm"):
        list(cx.iter_find(TEXTS, MATCHER, progress=True))
    with pytest.raises(ImportError, match="pip install tqdm"):
        cx.cooccurrence(TEXTS, MATCHER, progress=True)


class Bar:
    """Stands in for tqdm: records what the matcher reports."""

    made: ClassVar[list[Bar]] = []

    def __init__(self, total: int | None) -> None:
        self.total, self.closed = total, False
        self.updates: list[int] = []
        Bar.made.append(self)

    def update(self, n: int) -> None:
        assert not self.closed
        self.updates.append(n)

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def bars(monkeypatch: pytest.MonkeyPatch) -> list[Bar]:
    Bar.made = []
    monkeypatch.setattr("cybernexus.stream._bar", Bar)
    return Bar.made


def test_find_table_and_find_many_count_documents_out_of_the_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    table = MATCHER.find_table(TEXTS, progress=True)
    assert "10/10" in capsys.readouterr().err
    assert table.to_arrow().equals(MATCHER.find_table(TEXTS).to_arrow())
    assert MATCHER.find_many(TEXTS, progress=True, n_threads=2) == MATCHER.find_many(TEXTS)
    assert "10/10" in capsys.readouterr().err
    MATCHER.find_table([], progress=True)
    assert "0doc" in capsys.readouterr().err  # tqdm shows no total of 0


def test_a_long_call_moves_the_bar_while_it_runs(bars: list[Bar]) -> None:
    # 28 MB in 41,400 documents: well over the size that is matched on a watched thread, and long enough (about
    # 0.2 s on two cores) for several of its 20 ms polls; every document is counted once.
    texts = [d["text"] for d in cx.sample_corpus()] * 60
    matcher = cx.Matcher()

    def moved(bars: list[Bar]) -> None:
        (bar,) = bars
        assert bar.total == len(texts) and bar.closed
        assert sum(bar.updates) == len(texts) and all(n > 0 for n in bar.updates)
        assert len(bar.updates) >= 2, bar.updates  # moved before the end, not only filled after it
        bars.clear()

    table = matcher.find_table(texts, progress=True)
    moved(bars)
    assert table.to_arrow().equals(matcher.find_table(texts).to_arrow())
    found = matcher.find_many(texts, progress=True)
    moved(bars)
    assert found == matcher.find_many(texts)


def test_an_error_from_the_bar_stops_the_work_and_closes_it(
    bars: list[Bar], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Bar, n: int) -> None:
        raise RuntimeError("the display went away")

    monkeypatch.setattr(Bar, "update", refuse)
    texts = [d["text"] for d in cx.sample_corpus()] * 60
    with pytest.raises(RuntimeError, match="the display went away"):
        cx.Matcher().find_table(texts, progress=True)
    assert bars[-1].closed
    with pytest.raises(RuntimeError, match="the display went away"):
        MATCHER.find_many(TEXTS, progress=True)  # small: the bar is filled after the work
    assert bars[-1].closed


def test_progress_must_be_a_bool_and_needs_tqdm(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(TypeError, match="progress"):
        MATCHER.find_table(TEXTS, progress="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="progress"):
        MATCHER.find_many(TEXTS, progress=None)  # type: ignore[arg-type]
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match="progress=True needs tqdm: pip install tqdm"):
        MATCHER.find_table(TEXTS, progress=True)
    assert len(MATCHER.find_table(TEXTS, progress=False)) == 20


def test_cooccurrence_of_a_list_moves_one_bar_from_the_core(bars: list[Bar]) -> None:
    texts = [d["text"] for d in cx.sample_corpus()] * 60
    matcher = cx.Matcher()
    counted = cx.cooccurrence(texts, matcher, scope="document", progress=True)
    (bar,) = bars
    assert bar.closed and bar.total == len(texts) == sum(bar.updates)
    assert len(bar.updates) >= 2, bar.updates
    assert counted == cx.cooccurrence(texts, matcher, scope="document")
