"""progress=True: a bar in documents, with the total where it is known; the results do not change."""

from __future__ import annotations

import sys
from pathlib import Path

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
