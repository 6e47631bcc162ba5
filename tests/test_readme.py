"""The README's example runs and prints what the README says."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_readme_example_prints_what_it_claims() -> None:
    """Every '# ...' line right after the print loop is exactly the printed output."""
    example = python_blocks()[0]
    expected = [line[2:] for line in example.splitlines() if re.match(r"# \d+ \d+ ", line)]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, "README.md", "exec"), {})  # noqa: S102 - running our own README
    assert out.getvalue().splitlines() == expected
    assert len(expected) == 5


def test_readme_context_example_prints_what_it_claims() -> None:
    """The "Names in context" example prints exactly the lines under it."""
    (block,) = [b for b in python_blocks() if "m.resolved_by" in b]
    expected = [line[2:] for line in block.splitlines() if re.match(r"# \S.* -> ", line)]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile("import cybernexus as cx\n" + block, "README.md", "exec"), {})  # noqa: S102
    assert out.getvalue().splitlines() == expected
    assert len(expected) == 7


def test_readme_builtin_example_runs() -> None:
    """The built-in gazetteer example runs and its search finds the bears it names."""
    (block,) = [b for b in python_blocks() if "Gazetteer.builtin()" in b]
    namespace: dict[str, object] = {}
    code = "import cybernexus as cx\n" + block + "\nbears = [e.name for e in g.search('bear')]"
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - running our own README
    assert {"Fancy Bear", "Cozy Bear"} & set().union(
        *(e.aliases for e in namespace["g"].search("bear"))  # type: ignore[attr-defined]
    ) == {"Fancy Bear", "Cozy Bear"}


def test_readme_gazetteer_example_builds() -> None:
    """The custom-gazetteer example is valid."""
    namespace: dict[str, object] = {}
    (block,) = [b for b in python_blocks() if "Gazetteer.from_records" in b]
    code = "import cybernexus as cx\n" + block
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - running our own README
    assert len(namespace["g"]) == 1  # type: ignore[arg-type]


def test_readme_cooccurrence_example_runs() -> None:
    """The co-occurrence example runs on the sample texts."""
    (block,) = [b for b in python_blocks() if "co.top_pairs(" in b]
    namespace: dict[str, object] = {}
    code = "import cybernexus as cx\n" + block
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - running our own README
    co = namespace["co"]
    assert isinstance(co, __import__("cybernexus").Cooccurrence)
    assert co.count("threat_actor:apt28", "agency:ru-gru") >= 1


def test_readme_command_line_examples_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every command of "On the command line" runs, on the bundled sample corpus, and writes what it says."""
    import json
    import shlex

    import cybernexus as cx
    from cybernexus.cli import main

    section = README.read_text(encoding="utf-8").split("## On the command line", 1)[1]
    (block,) = re.findall(r"```sh\n(.*?)```", section.split("\n## ", 1)[0], flags=re.DOTALL)
    commands = [shlex.split(line.split("#", 1)[0]) for line in block.splitlines() if line.strip()]
    assert len(commands) == 6 and all(c[0] == "cybernexus" for c in commands)
    monkeypatch.chdir(tmp_path)
    corpus = cx.sample_corpus()
    Path("news.jsonl").write_text("".join(json.dumps(r) + "\n" for r in corpus), encoding="utf-8")
    Path("reports").mkdir()
    for i, record in enumerate(corpus[:5]):
        Path("reports", f"{i}.txt").write_text(record["text"], encoding="utf-8")
    for argv in commands:
        assert main(argv[1:]) == 0, argv
        printed = capsys.readouterr().out
        if "-o" in argv:
            assert Path(argv[argv.index("-o") + 1]).stat().st_size > 0 and printed == ""
        else:
            assert printed.strip(), argv
        if argv[1:3] == ["gazetteer", "search"]:
            assert "threat_actor:apt28\tthreat_actor\tAPT28\tFancy Bear\n" in printed
    import csv

    with open("mentions.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) - 1 == len(cx.find_file("news.jsonl", id="uuid")) > 1000


def test_readme_jupyter_example_runs_and_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The "In Jupyter" block runs; each object it shows has HTML, and its heatmap is drawn."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import cybernexus as cx
    from cybernexus.display import Mentions

    (block,) = [b for b in python_blocks() if "from cybernexus.display import Mentions" in b]
    namespace: dict[str, object] = {}
    monkeypatch.chdir(tmp_path)
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - running our own README
    page = (tmp_path / "actors.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert set(re.findall(r'data-kind="([^"]+)"', page)) == {"threat_actor"}
    texts = namespace["texts"]
    assert isinstance(texts, list) and len(texts) == 3
    matcher = namespace["matcher"]
    assert isinstance(matcher, cx.Matcher)
    assert cx.highlight(texts, matcher).html.count('class="cx-mention"') >= 2
    assert "cx-mention" in Mentions.find(texts[0], matcher)._repr_html_()
    assert (
        "attack.mitre.org/groups/G0007"
        in cx.Gazetteer.builtin()["threat_actor:apt28"]._repr_html_()
    )
    ax = namespace["ax"]
    assert ax.images[-1].get_array().shape == (15, 15)  # type: ignore[attr-defined]
    plt.close("all")
