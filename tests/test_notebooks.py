"""The shipped notebooks, executed, then rendered to HTML and opened in a real headless browser.

Each notebook is executed once here (nbclient, the engine nbmake also drives): a cell that raises fails the run.
Then what the reader sees is checked twice:

- in the executed notebook: the quickstart's highlight holds marks and a legend, its plots are PNG outputs (before,
  a cell called ``matplotlib.use("Agg")`` and the executed notebook held no figure at all);
- in the page that nbconvert renders and Chromium lays out: every mark is visible with its badge, the text under the
  marks is the text the matcher reads (so escaping lost nothing), every figure decodes to a visible image and every
  table in the outputs is shown. A screenshot is saved in the test's temporary folder.

Chromium is Debian's package; ``.ci/run`` installs it and sets ``CYBERNEXUS_REQUIRE_BROWSER=1``, so that CI fails if
the browser is missing. Elsewhere, without a browser, the browser test says it was skipped and why.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest

import cybernexus as cx

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = {
    p.name: p
    for p in sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
}
WIDTH, HEIGHT = 1280, 6000

#: Runs in the page once everything has loaded; writes what the reader would see into <pre id="cx-check">.
CHECK_JS = """
window.addEventListener("load", () => {
  const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const outputs = ".jp-OutputArea-output";
  const docs = [...document.querySelectorAll(".cx-doc")].map((doc) => {
    const plain = doc.cloneNode(true);
    plain.querySelectorAll(".cx-badge, div").forEach((e) => e.remove());
    return {
      text: plain.textContent,
      marks: [...doc.querySelectorAll("mark.cx-mention")].map((m) => ({
        entity: m.dataset.entityId,
        visible: visible(m),
        badges: [...m.querySelectorAll(".cx-badge")].map((b) => b.textContent),
        surface: m.firstChild.textContent,
      })),
    };
  });
  const report = {
    docs,
    legends: [...document.querySelectorAll(".cx-legend")].filter(visible).length,
    images: [...document.querySelectorAll(outputs + " img")].map((i) => [i.naturalWidth, visible(i)]),
    tables: [...document.querySelectorAll(outputs + " table")].filter(visible).length,
  };
  const pre = document.createElement("pre");
  pre.id = "cx-check";
  pre.textContent = JSON.stringify(report);
  document.body.appendChild(pre);
});
"""


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``executed(name)``: that notebook with its outputs, executed once per module in a fresh folder."""
    done: dict[str, Any] = {}

    def run(name: str) -> Any:
        if name not in done:
            folder = tmp_path_factory.mktemp(Path(name).stem)
            nb = nbformat.read(str(NOTEBOOKS[name]), as_version=4)
            client = nbclient.NotebookClient(
                nb, timeout=600, resources={"metadata": {"path": str(folder)}}
            )
            client.execute()  # a cell that raises fails the test that asked for this notebook
            nbformat.write(nb, str(folder / "executed.ipynb"))
            done[name] = nb
        return done[name]

    return run


def outputs(nb: Any, marker: str) -> list[dict[str, str]]:
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
    return [o.get("data", {}) for o in cell.outputs]


def every_output(nb: Any) -> list[dict[str, str]]:
    return [o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_cells_ran(executed: Any, name: str) -> None:
    code = [c for c in executed(name).cells if c.cell_type == "code"]
    assert code and all(c.execution_count is not None for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]


def test_quickstart_outputs_hold_highlights_and_figures(executed: Any) -> None:
    nb = executed("01_quickstart.ipynb")
    (html,) = [d["text/html"] for d in outputs(nb, "cx.highlight(") if "text/html" in d]
    assert html.count('class="cx-mention"') >= 3 and 'class="cx-legend"' in html
    for marker in ("plot_heatmap(", "plot_network("):
        images = [d for d in outputs(nb, marker) if "image/png" in d]
        assert len(images) == 1, marker
    (table,) = [d["text/html"] for d in outputs(nb, "co = cx.cooccurrence(") if "text/html" in d]
    assert "<b>Cooccurrence</b>" in table


def browser() -> str:
    found = next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
    )
    if found is None:
        message = "no headless browser: install Debian's chromium (.ci/run does it with apt)"
        if os.environ.get("CYBERNEXUS_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def chromium(exe: str, page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            exe,
            "--headless",
            # The page is the test's own file; a container often has no user namespaces for the sandbox.
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={profile}",
            # nbconvert's template links MathJax and require.js from a CDN: fail those at once, offline or not.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--virtual-time-budget=15000",
            f"--window-size={WIDTH},{HEIGHT}",
            *args,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_rendered_notebook_in_a_headless_browser(executed: Any, name: str, tmp_path: Path) -> None:
    from nbconvert import HTMLExporter

    exe = browser()
    nb = executed(name)
    body, _ = HTMLExporter().from_notebook_node(nb)  # type: ignore[no-untyped-call]
    assert body.count("</body>") == 1
    page = tmp_path / "notebook.html"
    page.write_text(
        body.replace("</body>", f"<script>{CHECK_JS}</script></body>"), encoding="utf-8"
    )

    dom = chromium(exe, page, tmp_path / "profile", "--dump-dom").stdout
    (report,) = re.findall(r'<pre id="cx-check">(.*?)</pre>', dom, flags=re.DOTALL)
    seen = json.loads(html.unescape(report))

    shot = tmp_path / "screenshot.png"
    chromium(exe, page, tmp_path / "profile", f"--screenshot={shot}")
    head = shot.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", head[16:24]) == (WIDTH, HEIGHT)

    # Figures: every PNG output decodes and is laid out with a size.
    pngs = sum("image/png" in d for d in every_output(nb))
    assert len(seen["images"]) == pngs
    assert all(width > 0 and shown for width, shown in seen["images"])
    # Tables (DataFrames, the Cooccurrence and MentionTable views) are shown, none dropped by the exporter.
    tables = sum(d.get("text/html", "").count("<table") for d in every_output(nb))
    assert seen["tables"] == tables

    # Highlights: as many in the page as in the outputs, each mark visible with its badges, and the text under the
    # marks is what the matcher reads: its mentions there are the marks, in order (the outermost of nested ones; a
    # badge for each mention of the same span).
    highlights = sum(d.get("text/html", "").count('class="cx-doc"') for d in every_output(nb))
    assert len(seen["docs"]) == highlights
    matcher = cx.Matcher()
    for doc in seen["docs"]:
        assert doc["marks"] and all(m["visible"] for m in doc["marks"])
        expected: list[tuple[str, str, list[str]]] = []
        end = 0
        for m in sorted(matcher.find(doc["text"]), key=lambda m: (m.start, -m.end)):
            badge = f"{m.kind} · {m.name}"
            if m.start >= end:
                expected.append((m.text, m.entity_id, [badge]))
                end, span = m.end, (m.start, m.end)
            elif (m.start, m.end) == span:
                expected[-1][2].append(badge)
        assert [(m["surface"], m["entity"], m["badges"]) for m in doc["marks"]] == expected
    legends = sum(d.get("text/html", "").count('class="cx-legend"') for d in every_output(nb))
    assert seen["legends"] == legends
