"""The command line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import cybernexus as cx
from cybernexus.cli import main


def test_demo_prints_mentions_of_the_sample_texts() -> None:
    """`cybernexus demo` lists every mention of the sample texts and the total."""
    out = io.StringIO()
    assert main(["demo"], out=out) == 0
    text = out.getvalue()
    total = sum(len(ms) for ms in cx.Matcher().find_many(cx.sample_texts()))
    assert f"{total} mentions in {len(cx.sample_texts())} texts" in text
    assert "'Czech Republic'" in text and "-> country:CZ (Czechia)" in text


def test_find_writes_tsv_and_jsonl(tmp_path: Path) -> None:
    """`cybernexus find` writes one row per mention with exact offsets."""
    path = tmp_path / "doc.txt"
    path.write_text("Fancy Bear\nthe GRU\n", encoding="utf-8")
    out = io.StringIO()
    assert main(["find", str(path), "--lines"], out=out) == 0
    rows = out.getvalue().splitlines()
    assert rows[0] == "doc\tstart\tend\ttext\tentity_id\tkind\tname"
    assert rows[1:] == [
        f"{path}:1\t0\t10\tFancy Bear\tthreat_actor:apt28\tthreat_actor\tAPT28",
        f"{path}:2\t4\t7\tGRU\tagency:ru-gru\tagency\tMain Intelligence Directorate",
    ]
    out = io.StringIO()
    assert main(["find", str(path), "--format", "jsonl"], out=out) == 0
    first = json.loads(out.getvalue().splitlines()[0])
    assert (first["start"], first["end"], first["entity_id"]) == (0, 10, "threat_actor:apt28")


def test_find_reports_bad_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Invalid UTF-8 and missing files give an error message and exit status 1."""
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok\nCaf\xe9\n")
    assert main(["find", str(bad)], out=io.StringIO()) == 1
    assert f"{bad}:2: invalid UTF-8" in capsys.readouterr().err
    assert main(["find", str(tmp_path / "missing.txt")], out=io.StringIO()) == 1
    assert "missing.txt" in capsys.readouterr().err
    gaz = tmp_path / "g.json"
    gaz.write_text("[", encoding="utf-8")
    assert main(["demo", "--gazetteer", str(gaz)], out=io.StringIO()) == 1
    assert "g.json:1: invalid JSON" in capsys.readouterr().err
