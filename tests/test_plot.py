"""Plots: heatmap cells, network nodes and time lines, checked against the counts they draw."""

from __future__ import annotations

from collections.abc import Iterator

import matplotlib

matplotlib.use("Agg")  # tests draw off screen; notebooks keep their inline backend

import matplotlib.pyplot as plt
import numpy as np
import pytest

import cybernexus as cx
from cybernexus.plot import mentions_over_time

MATCHER = cx.Matcher(cx.example_gazetteer())
TEXTS = [
    "Sofacy and the GRU hit Germany.",
    "NATO and Sweden. Sofacy again.",
    "Germany and Sweden talked.",
    "Sandworm struck Ukraine.",
]


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def test_heatmap_draws_top_entities_and_hatches_pairs_never_together() -> None:
    co = cx.cooccurrence(TEXTS, MATCHER, scope="document")
    ax = co.plot_heatmap(top=4)
    image = ax.images[-1].get_array()
    # The four entities in most documents (ties by id), as co.occurrences says.
    order = sorted(range(len(co.labels)), key=lambda i: (-co.occurrences[i], co.labels[i]))[:4]
    assert [t.get_text() for t in ax.get_yticklabels()] == [co.names[i] for i in order]
    assert image.shape == (4, 4)
    counts = co.counts.toarray()[np.ix_(order, order)]
    never = (counts == 0) & ~np.eye(4, dtype=bool)
    assert len(ax.patches) == int(never.sum()) > 0
    assert np.array_equal(np.ma.getmaskarray(image), never | np.eye(4, dtype=bool))
    for i, j in zip(*np.nonzero(~np.ma.getmaskarray(image)), strict=True):
        assert image[i, j] == pytest.approx(
            co.pair(co.labels[order[i]], co.labels[order[j]])["npmi"]
        )
    only = co.plot_heatmap(kinds="country", top=10)
    assert only.images[-1].get_array().shape == (3, 3)  # Germany, Sweden, Ukraine
    with pytest.raises(ValueError, match="no entity of kind 'planet'"):
        co.plot_heatmap(kinds="planet")
    with pytest.raises(ValueError, match="top must be an int >= 1"):
        co.plot_heatmap(top=0)


def test_network_nodes_sizes_and_labels() -> None:
    co = cx.cooccurrence(TEXTS, MATCHER, scope="document")
    ax = co.plot_network(top=5)
    nodes = ax.collections[-1]
    assert len(nodes.get_offsets()) == 5
    labels = {t.get_text() for t in ax.texts}
    order = sorted(range(len(co.labels)), key=lambda i: (-co.occurrences[i], co.labels[i]))[:5]
    assert labels == {co.names[i] for i in order}
    sizes = nodes.get_sizes()
    assert sizes.max() > sizes.min()  # occurrences 2 and 1 differ


def test_network_lays_out_each_connected_part_apart() -> None:
    # Document 4 (Sandworm, Ukraine) shares no document with the rest: its pair stands under the main part.
    co = cx.cooccurrence(TEXTS, MATCHER, scope="document")
    ax = co.plot_network(top=len(co.labels))
    where = dict(
        zip([t.get_text() for t in ax.texts], [t.get_position() for t in ax.texts], strict=True)
    )
    graph = co.to_networkx("npmi")
    name = {n: graph.nodes[n]["name"] for n in graph}
    lone = {name[n] for n in ("threat_actor:sandworm", "country:UA")}
    assert lone <= set(where) and len(where) == len(co.labels)
    assert max(where[n][1] for n in lone) < min(y for n, (x, y) in where.items() if n not in lone)
    points = np.array(list(where.values()))
    gaps = np.linalg.norm(points[:, None] - points[None, :], axis=-1)[
        np.triu_indices(len(points), 1)
    ]
    assert gaps.min() > 0.05  # no two nodes drawn on top of each other
    assert np.all(np.abs(points) <= 1.0 + 1e-9)


def test_mentions_over_time_counts_documents_per_period() -> None:
    dates = ["2024-01-03", "2024-01-20", "2024-02-01", "2024-03-09"]
    ax = mentions_over_time(TEXTS, dates, MATCHER, entities=["threat_actor:apt28", "country:DE"])
    lines = {line.get_label(): list(line.get_ydata()) for line in ax.get_lines()}
    assert lines == {"APT28 (threat_actor)": [2, 0, 0], "Germany (country)": [1, 1, 0]}
    with pytest.raises(ValueError, match="not mentioned"):
        mentions_over_time(TEXTS, dates, MATCHER, entities=["country:FR"])
    with pytest.raises(ValueError, match="same length"):
        mentions_over_time(TEXTS, dates[:2], MATCHER)
