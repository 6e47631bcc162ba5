"""The quickstart notebook, executed: its highlight renders marks and its plots reach the page as images.

nbmake (in the test command) checks that every notebook runs; this checks what the reader sees. Before, the
heatmap cell called ``matplotlib.use("Agg")``, so the executed notebook held no figure at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "01_quickstart.ipynb"


def test_quickstart_outputs_hold_highlights_and_figures(tmp_path: Path) -> None:
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    nbclient.NotebookClient(
        nb, timeout=600, resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    nbformat.write(nb, str(tmp_path / "executed.ipynb"))

    def outputs(marker: str) -> list[dict[str, str]]:
        (cell,) = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
        return [o.get("data", {}) for o in cell.outputs]

    (html,) = [d["text/html"] for d in outputs("cx.highlight(") if "text/html" in d]
    assert html.count('class="cx-mention"') >= 3 and 'class="cx-legend"' in html
    for marker in ("plot_heatmap(", "plot_network("):
        images = [d for d in outputs(marker) if "image/png" in d]
        assert len(images) == 1, marker
    (table,) = [d["text/html"] for d in outputs("co = cx.cooccurrence(") if "text/html" in d]
    assert "<b>Cooccurrence</b>" in table
