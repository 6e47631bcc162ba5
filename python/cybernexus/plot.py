"""Plots of co-occurrence counts and mentions (matplotlib; networkx for the network).

Each function draws on the ``ax`` it is given (or a new figure's) and returns the Axes, so a notebook cell shows
the figure and a script can go on styling or saving it. ``pip install 'cybernexus[plot]'`` installs both.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from cybernexus._core import Matcher
    from cybernexus.cooccurrence import Cooccurrence, Measure

__all__ = ["heatmap", "mentions_over_time", "network"]

#: Line and node colours per kind (stronger than the highlight backgrounds of ``cybernexus.display``).
KIND_COLOURS: dict[str, str] = {
    "country": "#1f77b4",
    "agency": "#ff7f0e",
    "threat_actor": "#d62728",
    "software": "#9467bd",
    "region": "#2ca02c",
    "currency": "#7f7f7f",
}


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise ImportError("plots need matplotlib: pip install 'cybernexus[plot]'") from err
    return plt


def _axes(ax: Any, size: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    _, ax = _pyplot().subplots(figsize=size)
    return ax


def _top(co: Cooccurrence, top: int, kinds: str | Iterable[str] | None) -> list[int]:
    """Positions of the ``top`` entities (of ``kinds``) that occur in most units, most first, then by id."""
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"top must be an int >= 1, got {top!r}")
    wanted = {kinds} if isinstance(kinds, str) else None if kinds is None else set(kinds)
    if wanted is not None:
        unknown = wanted - set(co.kinds)
        if unknown:
            present = ", ".join(sorted(set(co.kinds))) or "none"
            raise ValueError(
                f"no entity of kind {min(unknown)!r} occurs (kinds present: {present})"
            )
    occurrences = co.occurrences
    chosen = [i for i, k in enumerate(co.kinds) if wanted is None or k in wanted]
    chosen.sort(key=lambda i: (-int(occurrences[i]), co.labels[i]))
    return chosen[:top]


def heatmap(
    co: Cooccurrence,
    measure: Measure = "npmi",
    *,
    top: int = 20,
    kinds: str | Iterable[str] | None = None,
    ax: Any = None,
    cmap: str = "RdBu_r",
) -> Any:
    """The ``top`` most frequent entities (of ``kinds``) against each other, coloured by ``measure``.

    Pairs that never co-occur are hatched grey, apart from the colour scale: for NPMI that keeps "never together"
    (-1 by definition) distinct from "independent" (0, white). The diagonal is left blank. NPMI is drawn on its
    whole range, -1 to 1; other measures from their smallest to largest value. Returns the Axes.
    """
    from cybernexus.cooccurrence import measure_values

    chosen = _top(co, top, kinds)
    if not chosen:
        raise ValueError("no entity to draw")
    counts = co.counts[chosen][:, chosen].toarray()
    occurrences = np.asarray(co.occurrences)[chosen]
    values = measure_values(measure, counts, occurrences[:, None], occurrences[None, :], co.n_units)
    never = counts == 0
    np.fill_diagonal(never, False)
    diagonal = np.eye(len(chosen), dtype=bool)
    shown = np.ma.masked_array(values, mask=never | diagonal)
    ax = _axes(ax, (1.2 + 0.42 * len(chosen), 0.8 + 0.4 * len(chosen)))
    for y, x in zip(*np.nonzero(never), strict=True):
        ax.add_patch(
            _pyplot().Rectangle(
                (x - 0.5, y - 0.5),
                1,
                1,
                facecolor="#eeeeee",
                hatch="///",
                edgecolor="#999999",
                linewidth=0,
                label="never together",
            )
        )
    limits = (-1.0, 1.0) if measure == "npmi" else (float(shown.min()), float(shown.max()))
    image = ax.imshow(shown, cmap=cmap, vmin=limits[0], vmax=limits[1], interpolation="nearest")
    names = [co.names[i] for i in chosen]
    ax.set_xticks(range(len(names)), names, rotation=90)
    ax.set_yticks(range(len(names)), names)
    ax.figure.colorbar(image, ax=ax, label=f"{measure} ({co.scope}); hatched: never together")
    ax.set_title(f"{measure} of the {len(names)} most frequent entities")
    return ax


def _layout(nx: Any, graph: Any, seed: int) -> dict[Any, Any]:
    """Node positions: Kamada-Kawai places nodes at their graph distance, which keeps a dense hub readable where
    a spring layout (pulled by weights that may be negative npmi) packed it into a blot; it is run on each connected
    part alone, because unconnected nodes would be pushed to the edges and squeeze the rest."""
    parts = sorted(nx.connected_components(graph), key=lambda p: (-len(p), sorted(map(str, p))))
    position: dict[Any, Any] = {}

    def place(part: set[Any], center: tuple[float, float], scale: float) -> None:
        sub = graph.subgraph(part)
        if len(sub) == 1:
            position.update({n: np.array(center) for n in sub})
            return
        start = nx.random_layout(sub, seed=seed)
        position.update(
            nx.kamada_kawai_layout(sub, pos=start, weight=None, center=center, scale=scale)
        )

    if parts:
        below = parts[1:]
        place(parts[0], (0.0, 0.2 if below else 0.0), 0.8 if below else 1.0)
        for i, part in enumerate(below):
            place(part, (-1.0 + (2 * i + 1) / len(below), -0.85), min(0.1, 0.8 / len(below)))
    return position


def network(
    co: Cooccurrence,
    measure: Measure = "npmi",
    *,
    top: int = 40,
    kinds: str | Iterable[str] | None = None,
    min_count: int | None = None,
    ax: Any = None,
    seed: int = 0,
) -> Any:
    """The co-occurrence network of the ``top`` most frequent entities: node size by the units an entity occurs
    in, colour by kind, labels by name, edges (pairs seen at least ``min_count`` times) wider for larger counts.
    The layout is networkx's Kamada-Kawai layout of each connected part, started from positions drawn with
    ``seed``: the largest part fills the plot, smaller ones (pairs, lone entities) stand in a row under it.
    Returns the Axes."""
    try:
        import networkx as nx
    except ImportError as err:
        raise ImportError("plot_network needs networkx: pip install 'cybernexus[plot]'") from err
    chosen = {co.labels[i] for i in _top(co, top, kinds)}
    graph = co.to_networkx(measure, min_count=min_count).subgraph(chosen).copy()
    ax = _axes(ax, (9, 7))
    position = _layout(nx, graph, seed)
    nodes = list(graph.nodes)
    occurrences = np.array([graph.nodes[n]["occurrences"] for n in nodes], dtype=float)
    size = 80 + 1200 * occurrences / max(float(occurrences.max(initial=1.0)), 1.0)
    kinds_of = [graph.nodes[n]["kind"] for n in nodes]
    weights = np.array([graph.edges[e]["weight"] for e in graph.edges], dtype=float)
    nx.draw_networkx_edges(
        graph,
        position,
        ax=ax,
        width=0.5 + 3 * weights / max(float(weights.max(initial=1.0)), 1.0),
        edge_color="#bbb",
    )
    nx.draw_networkx_nodes(
        graph,
        position,
        nodelist=nodes,
        ax=ax,
        node_size=size,
        node_color=[KIND_COLOURS.get(k, "#8c564b") for k in kinds_of],
    )
    nx.draw_networkx_labels(
        graph, position, labels={n: graph.nodes[n]["name"] for n in nodes}, ax=ax, font_size=8
    )
    handles = [
        _pyplot().Line2D(
            [], [], marker="o", linestyle="", color=KIND_COLOURS.get(k, "#8c564b"), label=k
        )
        for k in sorted(set(kinds_of))
    ]
    if handles:
        ax.legend(handles=handles, loc="best", fontsize=8)
    ax.set_title(
        f"{graph.number_of_nodes()} entities, {graph.number_of_edges()} pairs ({co.scope})"
    )
    ax.set_axis_off()
    return ax


def mentions_over_time(
    texts: Collection[str],
    dates: Collection[object],
    matcher: Matcher | None = None,
    *,
    entities: Sequence[str] | None = None,
    top: int = 5,
    period: str = "month",
    ax: Any = None,
) -> Any:
    """Documents per period that mention each entity: one line per entity id of ``entities`` (default: the ``top``
    entities mentioned in most documents). ``dates`` gives each text's date (``datetime.date``, ``datetime`` or ISO
    string); ``period`` is ``"month"``, ``"quarter"`` or ``"year"``. Returns the Axes."""
    from cybernexus._data import builtin_matcher
    from cybernexus.cooccurrence import check_dated, periods_of

    check_dated(texts, dates)
    matcher = builtin_matcher() if matcher is None else matcher
    periods = periods_of(dates, period)
    found = matcher.find_many(list(texts))
    per_doc = [{m.entity_id for m in ms} for ms in found]
    names = {m.entity_id: (m.name, m.kind) for ms in found for m in ms}
    if entities is None:
        docs = {e: sum(e in ids for ids in per_doc) for e in names}
        entities = sorted(docs, key=lambda e: (-docs[e], e))[:top]
    unknown = [e for e in entities if e not in names]
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not mentioned in these texts")
    axis = sorted(set(periods))
    ax = _axes(ax, (9, 4))
    for e in entities:
        counts = [
            sum(e in ids for ids, p in zip(per_doc, periods, strict=True) if p == q) for q in axis
        ]
        name, kind = names[e]
        ax.plot(axis, counts, marker="o", label=f"{name} ({kind})")
    ax.set_ylabel("documents")
    ax.set_xlabel(period)
    ax.legend(fontsize=8)
    ax.tick_params(axis="x", rotation=45)
    return ax
