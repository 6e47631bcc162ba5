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


# --- extract, cooc and gazetteer --------------------------------------------------------------------------------

NEWS = [
    {"id": "n1", "text": "Germany and the Czech Republic linked it to APT28, funded by the GRU."},
    {"id": "n2", "text": "Nothing to see."},
    {"id": "n3", "text": "NATO said Sweden and Finland\nwatched Sandworm."},
]


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    status = main(argv, out=out)
    return status, out.getvalue()


def reference(path: Path, **options: object) -> list[tuple[object, ...]]:
    """The library's own mentions of the file: (id, start, end, text, entity_id, kind, name, alias)."""
    docs = list(cx.read_documents(path, **options))  # type: ignore[arg-type]
    texts = {doc_id: text for doc_id, text in docs}
    frame = cx.find_file(path, with_ids=True, **options)  # type: ignore[arg-type]
    rows: list[tuple[object, ...]] = []
    for r in frame.to_dict("records"):
        text = texts[r["id"]][r["start"] : r["end"]]
        rows.append(
            (r["id"], r["start"], r["end"], text, r["entity_id"], r["kind"], r["name"], r["alias"])
        )
    assert rows, "the example must have mentions"
    return rows


@pytest.fixture
def news(tmp_path: Path) -> Path:
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in NEWS), encoding="utf-8")
    return path


def test_extract_writes_every_format_the_library_finds(news: Path, tmp_path: Path) -> None:
    """TSV, CSV, JSON lines and Parquet hold the same rows as the library's find_file, ids included."""
    import pandas as pd

    expected = reference(news, id="id")
    status, tsv = run(["extract", str(news), "--id", "id"])
    assert status == 0
    lines = tsv.splitlines()
    assert lines[0].split("\t") == [
        "id",
        "start",
        "end",
        "text",
        "entity_id",
        "kind",
        "name",
        "alias",
    ]
    parsed = [tuple(line.split("\t")) for line in lines[1:]]
    assert parsed == [tuple(str(v) for v in row) for row in expected]
    for fmt, read in (
        ("csv", lambda p: pd.read_csv(p, keep_default_na=False)),
        ("jsonl", lambda p: pd.read_json(p, lines=True)),
        ("parquet", pd.read_parquet),
    ):
        out = tmp_path / f"mentions.{fmt}"
        assert run(["extract", str(news), "--id", "id", "-o", str(out)]) == (0, "")
        frame = read(out)
        assert [tuple(r) for r in frame.itertuples(index=False, name=None)] == expected, fmt


def test_extract_reads_csv_parquet_folders_and_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CSV column with ids, a Parquet column, a folder and standard input all go through one command."""
    import csv

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = tmp_path / "news.csv"
    with table.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["url", "body"])
        writer.writerows([(r["id"], r["text"]) for r in NEWS])
    status, out = run(["extract", str(table), "--field", "body", "--id", "url", "-t", "jsonl"])
    rows = [json.loads(line) for line in out.splitlines()]
    assert status == 0
    assert [(r["id"], r["entity_id"]) for r in rows] == [
        (r[0], r[4]) for r in reference(table, field="body", id="url")
    ]
    parquet = tmp_path / "news.parquet"
    pq.write_table(pa.table({"text": [r["text"] for r in NEWS]}), parquet, row_group_size=2)
    status, out = run(["extract", str(parquet), "-t", "jsonl"])
    assert [json.loads(line)["id"] for line in out.splitlines()][:2] == [f"{parquet}:0"] * 2
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(NEWS[0]["text"], encoding="utf-8")
    status, out = run(["extract", str(folder), "-t", "jsonl"])
    assert {json.loads(line)["id"] for line in out.splitlines()} == {str(folder / "a.txt")}
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"Sofacy\nthe GRU\n")))
    status, out = run(["extract", "-", "--gazetteer", "example"])
    assert status == 0
    assert [line.split("\t")[:5] for line in out.splitlines()[1:]] == [
        ["<stdin>:1", "0", "6", "Sofacy", "threat_actor:apt28"],
        ["<stdin>:2", "4", "7", "GRU", "agency:ru-gru"],
    ]


def test_bad_input_exits_1_with_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad line anywhere in the input leaves the output file as it was (or absent) and names file and line."""
    good = tmp_path / "good.txt"
    good.write_text("Fancy Bear\n" * 50, encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Fancy Bear\nthe GRU\nCaf\xe9\n")
    out = tmp_path / "out.csv"
    status, printed = run(["extract", str(good), str(bad), "-o", str(out), "--batch-size", "2"])
    err = capsys.readouterr().err
    assert (status, printed, out.exists()) == (1, "", False)
    assert err == f"cybernexus: error: {bad}:3: invalid UTF-8 (unexpected end of data)\n"
    out.write_text("kept", encoding="utf-8")
    assert run(["extract", str(bad), "-o", str(out)])[0] == 1
    assert out.read_text(encoding="utf-8") == "kept"
    assert run(["extract", str(bad)]) == (1, "")  # to stdout: nothing either
    assert run(["extract", str(tmp_path / "missing.txt")])[0] == 1
    assert "missing.txt" in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cybernexus-")]


@pytest.mark.parametrize(
    "argv",
    [
        ["extract"],
        ["extract", "x.txt", "--to", "xml"],
        ["extract", "x.txt", "-t", "parquet"],
        ["cooc", "x.txt", "--scope", "window"],
        ["cooc", "x.txt", "--window", "5"],
        ["gazetteer"],
        ["nonsense"],
        # Before: out-of-range numbers were "bad input" (exit 1), against the README (an API review, 2026-12-07).
        ["extract", "x.txt", "--threads", "0"],
        ["extract", "x.txt", "--batch-size", "0"],
        ["cooc", "x.txt", "--min-count", "0"],
        ["cooc", "x.txt", "--top", "0"],
        ["cooc", "x.txt", "--top", "-1"],
        ["cooc", "x.txt", "--scope", "window", "--window", "0"],
        ["gazetteer", "search", "bear", "--limit", "-1"],
        ["find", "x.txt", "--threads", "zero"],
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.txt").write_text("NATO", encoding="utf-8")
    assert main(argv, out=io.StringIO()) == 2


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"cybernexus {cx.__version__}\n"
    for command in (["extract"], ["cooc"], ["gazetteer"], ["gazetteer", "search"]):
        assert main([*command, "--help"]) == 0
        assert "usage: cybernexus" in capsys.readouterr().out


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """``cybernexus extract big.txt | head -1``: exit status 0 and nothing on stderr (before: 'Broken pipe', 1)."""
    import subprocess
    import sys

    big = tmp_path / "big.txt"
    big.write_text("Fancy Bear and the GRU met NATO.\n" * 20_000, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cybernexus", "extract", str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0
    assert first.startswith(b"id\tstart") and err == b""


def test_cooc_top_list_edges_and_gexf(news: Path, tmp_path: Path) -> None:
    """The printed list, the edge CSV and the GEXF graph hold the library's pairs."""
    import networkx as nx
    import pandas as pd

    co = cx.cooccurrence(cx.read_texts(news), scope="document")
    status, out = run(
        ["cooc", str(news), "--scope", "document", "--measure", "count", "--top", "3"]
    )
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == repr(co) and len(lines) == 4
    top = co.top_pairs(3, "count")
    for line, row in zip(lines[1:], top.to_dict("records"), strict=True):
        assert line.split()[0] == str(row["count"]) and f"({row['source']})" in line
    edges = tmp_path / "edges.csv"
    assert run(["cooc", str(news), "--scope", "document", "-o", str(edges)]) == (0, "")
    frame = pd.read_csv(edges)
    expected = co.top_pairs(10**6, "npmi")
    assert list(zip(frame["source"], frame["target"], frame["count"], strict=True)) == list(
        zip(expected["source"], expected["target"], expected["count"], strict=True)
    )
    graph = tmp_path / "g.gexf"
    assert run(["cooc", str(news), "--scope", "document", "-o", str(graph)]) == (0, "")
    back = nx.read_gexf(graph)
    assert set(back.nodes) == set(co.labels)
    assert back.nodes["agency:ru-gru"]["label"] == co.names[co.labels.index("agency:ru-gru")]


def test_gazetteer_search_show_stats_export(tmp_path: Path) -> None:
    g = cx.Gazetteer.builtin()
    status, out = run(["gazetteer", "search", "bear", "--limit", "8"])
    rows = [line.split("\t") for line in out.splitlines()]
    assert status == 0 and rows[0] == ["id", "kind", "name", "matched alias"]
    assert [r[0] for r in rows[1:]] == [e.id for e in g.search("bear", limit=8)]
    assert ["threat_actor:apt28", "threat_actor", "APT28", "Fancy Bear"] in rows
    status, out = run(["gazetteer", "show", "threat_actor:apt28"])
    assert status == 0 and out.startswith("APT28  (threat_actor:apt28, threat_actor)\n")
    assert "  crowdstrike: Fancy Bear\n" in out
    assert "ATT&CK G0007: https://attack.mitre.org/groups/G0007/" in out
    assert run(["gazetteer", "show", "apt28"])[0] == 1
    status, out = run(["gazetteer", "stats"])
    stats = g.stats()
    assert out.splitlines()[0] == f"{stats['entities']} entities, {stats['aliases']} aliases"
    assert f"  threat_actor: {stats['by_kind']['threat_actor']}" in out.splitlines()
    exported = tmp_path / "g.json"
    assert run(["gazetteer", "export", "-o", str(exported)]) == (0, "")
    assert cx.Gazetteer.from_json(exported).to_records() == g.to_records()
    example = tmp_path / "example.csv"
    # The example's "Turkey", "Snake" and "Elfin" are upper_first, which a CSV cannot hold: refused unless --lossy.
    assert run(["gazetteer", "export", "--gazetteer", "example", "-o", str(example)]) == (1, "")
    assert run(
        ["gazetteer", "export", "--gazetteer", "example", "--lossy", "-o", str(example)]
    ) == (
        0,
        "",
    )
    back = cx.Gazetteer.from_csv(example)
    original = cx.example_gazetteer()
    assert [(e.id, e.kind, e.name, e.aliases, e.attrs) for e in back] == [
        (e.id, e.kind, e.name, e.aliases, e.attrs) for e in original
    ]


def test_find_lines_reads_json_lines_by_their_text_field(news: Path) -> None:
    """Before: ``find --lines news.jsonl`` matched the raw JSON (ids and field names included)."""
    status, out = run(["find", str(news), "--lines", "--format", "jsonl"])
    rows = [json.loads(line) for line in out.splitlines()]
    assert status == 0
    assert [(r["doc"], r["start"], r["end"]) for r in rows] == [
        (doc, m.start, m.end)
        for doc, text in cx.read_documents(news)
        for m in cx.Matcher().find(text)
    ]


def test_a_csv_export_that_would_lose_case_policies_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: ``gazetteer export -o full.csv`` wrote the built-in gazetteer without its case policies and support
    rules, and read back it found "turkey", "china", "the MSS to 1460" and "august" (a user review, 2026-12-07).
    Now the export refuses, naming the count and the first alias; ``--lossy`` writes it anyway."""
    path = tmp_path / "full.csv"
    capsys.readouterr()
    status, _ = run(["gazetteer", "export", "-o", str(path)])
    error = capsys.readouterr().err
    assert status == 1 and not path.exists()
    records = cx.Gazetteer.builtin().to_records()
    plain = cx.Gazetteer.from_records(
        [{**r, "aliases": [a["text"] for a in r["aliases"]]} for r in records]
    ).to_records()
    read_back = {r["id"]: {a["text"]: a for a in r["aliases"]} for r in plain}
    expected = 0
    for r in records:
        for a in r["aliases"]:
            b = read_back[r["id"]].get(a["text"], {"case": None})
            expected += (a["case"], bool(a.get("needs_support"))) != (
                b["case"],
                bool(b.get("needs_support")),
            )
    assert expected > 1000
    assert f"{expected} aliases would match differently" in error, error
    assert "export as JSON, or pass --lossy" in error
    assert run(["gazetteer", "export", "--lossy", "-o", str(path)]) == (0, "")
    text = "We had turkey in china. Set the MSS to 1460."
    assert [m.text for m in cx.Matcher(cx.Gazetteer.from_csv(path)).find(text)] == [
        "turkey",
        "china",
        "MSS",
    ]
    assert cx.Matcher().find(text) == []


def test_cooc_kinds_may_have_spaces_after_commas(tmp_path: Path) -> None:
    """Before: ``--kinds "country, threat_actor"`` failed on the space before threat_actor (an API review)."""
    path = tmp_path / "news.txt"
    path.write_text("Sofacy hit Germany.\nNATO met in Sweden.\n", encoding="utf-8")
    spaced = run(["cooc", str(path), "--kinds", "country, threat_actor", "--measure", "count"])
    plain = run(["cooc", str(path), "--kinds", "country,threat_actor", "--measure", "count"])
    assert spaced == plain and spaced[0] == 0
    assert "Germany" in spaced[1] and "NATO" not in spaced[1]
