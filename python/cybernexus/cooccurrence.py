"""Co-occurrence: who is mentioned with whom, and how strongly.

:func:`cooccurrence` counts, in the Rust core, in how many units (documents, paragraphs, sentences or blocks of
tokens) each pair of entities is mentioned together; :class:`Cooccurrence` holds the counts as a sparse matrix and
derives the association measures analysts use.

For a pair (a, b), with ``n11`` the units mentioning both, ``n1`` the units mentioning a, ``n2`` those mentioning b
and ``N`` all units, the measures are (natural logarithms):

* ``pmi``   = log(n11 N / (n1 n2))
* ``npmi``  = pmi / -log(n11 / N), in [-1, 1] (1 when the two always occur together; -1 when never)
* ``jaccard`` = n11 / (n1 + n2 - n11)
* ``dice``  = 2 n11 / (n1 + n2)
* ``lift``  = n11 N / (n1 n2)
* ``g2``    = 2 sum O log(O / E) over the four cells of the 2x2 table (log-likelihood ratio)
* ``chi2``  = sum (O - E)^2 / E over the four cells (Pearson)

where O are the observed cells (n11, n1 - n11, n2 - n11, N - n1 - n2 + n11) and E = row total x column total / N.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence, Sized
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from cybernexus._core import MAX_UNIT_ENTITIES, Counts, Matcher, _cooccurrence
from cybernexus._data import builtin_matcher
from cybernexus._typing import Texts, check_texts, is_arrow

if TYPE_CHECKING:
    import pandas as pd
    import scipy.sparse

__all__ = [
    "MEASURES",
    "Cooccurrence",
    "Measure",
    "Scope",
    "cooccurrence",
    "cooccurrence_by_period",
    "measure_values",
    "write_gexf_timeline",
]

Scope = Literal["document", "paragraph", "sentence", "window"]
Measure = Literal["count", "pmi", "npmi", "jaccard", "dice", "lift", "g2", "chi2"]
MEASURES: tuple[str, ...] = ("count", "pmi", "npmi", "jaccard", "dice", "lift", "g2", "chi2")

Floats = npt.NDArray[np.float64]


def measure_values(
    name: str, n11: npt.ArrayLike, n1: npt.ArrayLike, n2: npt.ArrayLike, n: npt.ArrayLike
) -> Floats:
    """A measure (see the module documentation) for arrays of 2x2 tables, element-wise."""
    if name not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}, got {name!r}")
    a = np.asarray(n11, dtype=np.float64)
    r = np.asarray(n1, dtype=np.float64)
    c = np.asarray(n2, dtype=np.float64)
    total = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        if name == "count":
            return a
        if name in ("pmi", "lift", "npmi"):
            lift = a * total / (r * c)
            if name == "lift":
                return lift
            pmi = np.log(lift)
            if name == "pmi":
                return pmi
            denominator = -np.log(a / total)
            npmi = np.where(a == 0, -1.0, np.where(denominator == 0, 1.0, pmi / denominator))
            return np.asarray(np.clip(npmi, -1.0, 1.0), dtype=np.float64)
        if name == "jaccard":
            return a / (r + c - a)
        if name == "dice":
            return 2 * a / (r + c)
        observed = [a, r - a, c - a, total - r - c + a]
        expected = [r * c / total, r * (total - c) / total, (total - r) * c / total]
        expected.append((total - r) * (total - c) / total)
        if name == "g2":
            terms = [
                np.where(o > 0, o * np.log(o / e), 0.0)
                for o, e in zip(observed, expected, strict=True)
            ]
            return np.asarray(2 * sum(terms), dtype=np.float64)
        terms = [
            np.where(e > 0, (o - e) ** 2 / e, 0.0) for o, e in zip(observed, expected, strict=True)
        ]
        return np.asarray(sum(terms), dtype=np.float64)


class Cooccurrence:
    """Co-occurrence counts over the entities that occur in a corpus.

    Attributes:
        n_units: Number of units (documents, paragraphs, sentences or token blocks).
        labels: Entity ids, one per row and column of :attr:`counts`, sorted.
        names: Canonical names, in the same order.
        kinds: Kinds, in the same order.
        scope: What a unit is (``"sentence"``, ..., ``"window:50"``).
        min_count: Pairs seen in fewer units are left out of :meth:`edges` and :meth:`top_pairs` by default.

    ``a + b`` adds the counts of two disjoint corpora: the result equals the counts of the union, exactly, and
    ``sum(parts)`` adds many. Adding refuses (``ValueError``, saying which) counts made with another gazetteer,
    other matcher rules, another scope or window, other kinds or another roll-up. Objects pickle compactly (the
    counts, not the texts), so partial counts can come back from worker processes.

    The counting, the labels, the order and the sums are the Rust core's (``cybernexus._core.Counts``); this class
    adds the measures and the pandas, scipy and networkx views.
    """

    def __init__(
        self,
        counts: Counts,
        *,
        min_count: int = 1,
        sources: list[tuple[Sequence[str], Matcher]] | None = None,
    ) -> None:
        if not isinstance(counts, Counts):
            raise TypeError(
                f"counts must be cybernexus._core.Counts (make them with cooccurrence()), got {type(counts).__name__}"
            )
        _check_min_count(min_count)
        self._counts = counts
        self.n_units = counts.n_units
        ids, names, kinds = counts.labels()
        self.labels, self.names, self.kinds = ids, names, kinds
        self.scope = counts.scope
        self.min_count = int(min_count)
        self._indptr, self._indices, self._data = counts.csr()
        self._row = {label: i for i, label in enumerate(self.labels)}
        # The texts (lists or tuples) and matcher of each counted part, in order: what evidence() re-reads.
        self._sources = sources

    def __getstate__(self) -> dict[str, Any]:
        # The counts, not the corpus.
        return {"counts": self._counts, "min_count": self.min_count}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["counts"], min_count=state["min_count"])  # type: ignore[misc]

    def __len__(self) -> int:
        return len(self.labels)

    def __repr__(self) -> str:
        pairs = (len(self._data) - len(self.labels)) // 2
        return (
            f"<Cooccurrence: {len(self.labels)} entities, {pairs} pairs, "
            f"{self.n_units} units ({self.scope})>"
        )

    def plot_heatmap(
        self,
        measure: Measure = "npmi",
        *,
        top: int = 20,
        kinds: str | Iterable[str] | None = None,
        ax: Any = None,
    ) -> Any:
        """A heatmap of ``measure`` among the ``top`` most frequent entities (of ``kinds``); pairs never seen
        together are hatched, apart from "independent". Returns the matplotlib Axes; see
        :func:`cybernexus.plot.heatmap`. Needs matplotlib."""
        from cybernexus.plot import heatmap

        return heatmap(self, measure, top=top, kinds=kinds, ax=ax)

    def plot_network(
        self,
        measure: Measure = "npmi",
        *,
        top: int = 40,
        kinds: str | Iterable[str] | None = None,
        min_count: int | None = None,
        ax: Any = None,
        seed: int = 0,
    ) -> Any:
        """The network of the ``top`` most frequent entities: size by occurrences, colour by kind, labels by name.
        Returns the matplotlib Axes; see :func:`cybernexus.plot.network`. Needs matplotlib and networkx."""
        from cybernexus.plot import network

        return network(self, measure, top=top, kinds=kinds, min_count=min_count, ax=ax, seed=seed)

    def _repr_html_(self) -> str:
        from cybernexus.display import cooccurrence_html

        return cooccurrence_html(self)

    @property
    def counts(self) -> scipy.sparse.csr_array:
        """The symmetric count matrix (``scipy.sparse.csr_array``, int64): entry (i, j) is the number of units
        mentioning both, the diagonal the number of units mentioning each entity."""
        import scipy.sparse

        n = len(self.labels)
        return scipy.sparse.csr_array((self._data, self._indices, self._indptr), shape=(n, n))

    @property
    def occurrences(self) -> npt.NDArray[np.int64]:
        """The diagonal: units mentioning each entity."""
        out = np.zeros(len(self.labels), dtype=np.int64)
        rows = np.repeat(np.arange(len(self.labels)), np.diff(self._indptr))
        diagonal = rows == self._indices
        out[rows[diagonal]] = self._data[diagonal]
        return out

    def _pairs(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Upper-triangle entries (i < j): rows, columns, counts."""
        rows = np.repeat(np.arange(len(self.labels)), np.diff(self._indptr))
        upper = rows < self._indices
        return rows[upper], self._indices[upper], self._data[upper]

    def _index(self, label: str) -> int:
        try:
            return self._row[label]
        except KeyError:
            raise KeyError(
                f"{label!r} does not occur in this corpus (or is not an entity id)"
            ) from None

    def count(self, a: str, b: str) -> int:
        """Units mentioning both ``a`` and ``b`` (``count(a, a)``: units mentioning ``a``)."""
        i, j = self._index(a), self._index(b)
        row = slice(self._indptr[i], self._indptr[i + 1])
        hit = np.nonzero(self._indices[row] == j)[0]
        return int(self._data[row][hit[0]]) if len(hit) else 0

    def pair(self, a: str, b: str) -> dict[str, float]:
        """The 2x2 table of a pair and every measure: ``{"n11", "n1", "n2", "N", "count", "pmi", ...}``."""
        n11, n1, n2 = self.count(a, b), self.count(a, a), self.count(b, b)
        out: dict[str, float] = {"n11": n11, "n1": n1, "n2": n2, "N": self.n_units}
        for m in MEASURES:
            out[m] = float(measure_values(m, n11, n1, n2, self.n_units))
        return out

    def edges(self, measure: Measure = "npmi", *, min_count: int | None = None) -> pd.DataFrame:
        """Every pair that co-occurs at least ``min_count`` times, as a pandas DataFrame with the columns
        ``source, target, count, n_source, n_target, N`` and the measure (unless it is ``"count"``), sorted by the
        measure, strongest first, then by source and target.
        """
        import pandas as pd

        if min_count is not None:
            _check_min_count(min_count)
        threshold = self.min_count if min_count is None else min_count
        rows, cols, n11 = self._pairs()
        keep = n11 >= threshold
        rows, cols, n11 = rows[keep], cols[keep], n11[keep]
        occ = self.occurrences
        labels = np.asarray(self.labels, dtype=object)
        frame = pd.DataFrame(
            {
                "source": labels[rows],
                "target": labels[cols],
                "count": n11,
                "n_source": occ[rows],
                "n_target": occ[cols],
                "N": np.full(len(n11), self.n_units, dtype=np.int64),
            }
        )
        if measure != "count":
            frame[measure] = measure_values(measure, n11, occ[rows], occ[cols], self.n_units)
        else:
            measure_values(measure, n11, occ[rows], occ[cols], self.n_units)  # checks the name
        order = np.lexsort((frame["target"], frame["source"], -frame[measure].to_numpy()))
        return frame.iloc[order].reset_index(drop=True)

    def top_pairs(
        self, k: int = 10, measure: Measure = "npmi", *, min_count: int | None = None
    ) -> pd.DataFrame:
        """The ``k`` strongest pairs by ``measure`` (see :meth:`edges`), with their names."""
        if isinstance(k, bool) or not isinstance(k, int) or k < 0:
            raise ValueError(f"k must be an int >= 0, got {k!r}")
        frame = self.edges(measure, min_count=min_count).head(k).copy()
        name = dict(zip(self.labels, self.names, strict=True))
        frame.insert(2, "source_name", frame["source"].map(name))
        frame.insert(3, "target_name", frame["target"].map(name))
        return frame

    def to_pandas(self, measure: Measure = "count") -> pd.DataFrame:
        """The labelled matrix as a pandas DataFrame with sparse columns (never densified): counts, or a measure.

        Cells of pairs that never co-occur are the sparse columns' fill value: 0 for counts, lift, Jaccard and
        Dice; -1 for NPMI; -inf for PMI; NaN for G² and χ² (whose value there depends on the margins). The
        diagonal of a measure (an entity with itself) is NaN."""
        return self._frame(measure, list(range(len(self.labels))), list(range(len(self.labels))))

    def _frame(self, measure: str, r: list[int], c: list[int]) -> pd.DataFrame:
        """A sparse frame of ``measure`` over rows ``r`` and columns ``c`` (label positions)."""
        import pandas as pd

        measure_values(measure, 0, 1, 1, 1)  # checks the name
        fill = 0.0 if measure == "count" else _FILL.get(measure, float("nan"))
        sub = self.counts[r][:, c].tocsc()
        occ = self.occurrences
        r_arr, c_arr = np.asarray(r, dtype=np.int64), np.asarray(c, dtype=np.int64)
        columns = {}
        for k, label in enumerate(self.labels[i] for i in c):
            start, end = sub.indptr[k], sub.indptr[k + 1]
            at, n11 = sub.indices[start:end], sub.data[start:end]
            values: npt.NDArray[Any]
            if measure == "count":
                values = n11.astype(np.int64)
                dense_fill: float | int = 0
            else:
                values = measure_values(measure, n11, occ[r_arr[at]], occ[c_arr[k]], self.n_units)
                values = np.where(r_arr[at] == c_arr[k], np.nan, values)
                dense_fill = fill
            # The column without densifying: the stored cells and the fill everywhere else. A measure's diagonal
            # cell is stored (as NaN) even when its fill is NaN, which does no harm.
            columns[label] = _sparse_column(values, at, len(r), dense_fill)
        frame = pd.DataFrame(columns, index=[self.labels[i] for i in r])
        if not columns:
            frame = pd.DataFrame(index=[self.labels[i] for i in r])
        return frame

    def bipartite(self, rows: str, cols: str, measure: Measure = "count") -> pd.DataFrame:
        """A labelled sparse DataFrame with entities of kind ``rows`` down and of kind ``cols`` across (actors x
        countries): counts, or a measure, with the fill values of :meth:`to_pandas`."""
        for kind in (rows, cols):
            if kind not in self.kinds:
                present = ", ".join(sorted(set(self.kinds))) or "none"
                raise ValueError(f"no entity of kind {kind!r} occurs (kinds present: {present})")
        r = [i for i, k in enumerate(self.kinds) if k == rows]
        c = [i for i, k in enumerate(self.kinds) if k == cols]
        return self._frame(measure, r, c)

    def to_networkx(self, measure: Measure = "npmi", *, min_count: int | None = None) -> Any:
        """A ``networkx.Graph``: nodes are entity ids (attributes ``name``, ``kind``, ``occurrences``), edges the
        pairs seen at least ``min_count`` times (attributes ``weight`` = count and the measure). Needs networkx."""
        import networkx as nx

        graph = nx.Graph(scope=self.scope, n_units=self.n_units)
        occ = self.occurrences
        for label, name, kind, n in zip(
            self.labels, self.names, self.kinds, occ.tolist(), strict=True
        ):
            graph.add_node(label, name=name, kind=kind, occurrences=n)
        for values in self.edges(measure, min_count=min_count).to_dict("records"):
            attrs: dict[str, float] = {"weight": int(values["count"])}
            if measure != "count":
                attrs[measure] = float(values[measure])
            graph.add_edge(values["source"], values["target"], **attrs)
        return graph

    def write_gexf(
        self, path: str | Any, measure: Measure = "npmi", *, min_count: int | None = None
    ) -> None:
        """Write the graph of :meth:`to_networkx` as GEXF (Gephi): nodes labelled by name, with the entity id as
        node id and as an ``entity_id`` attribute, kinds, occurrences and weights. Needs networkx."""
        import networkx as nx

        nx.write_gexf(_labelled_by_name(self.to_networkx(measure, min_count=min_count)), path)

    def evidence(
        self,
        a: str,
        b: str,
        *,
        limit: int | None = None,
        texts: Sequence[str] | None = None,
        matcher: Matcher | None = None,
    ) -> list[dict[str, Any]]:
        """The units behind a pair, to read why two entities are linked: ``[{"doc", "start", "end", "text"}]``
        (``start``/``end`` are ``str`` offsets of the unit in its document).

        The units are those the core counted, found by the same walk over the same mentions. The counts keep a
        reference to the texts when they were a list or a tuple (never a copy), also through ``+`` (documents are
        numbered in the order of the sum); counts that come from a pickle, a stream or an Arrow column do not:
        pass the counted documents, in order, as ``texts=`` (and the matcher that counted them as ``matcher=``).

        Raises:
            TypeError: ``limit`` is not an int or None.
            ValueError: the texts are not available, ``matcher`` is not set up as the one that counted, or
                ``limit`` is below 0.
            KeyError: an id does not occur.
        """
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise TypeError(f"limit must be an int or None, got {type(limit).__name__}")
        if limit is not None and limit < 0:
            raise ValueError(f"limit must be at least 0, got {limit}")
        self._index(a), self._index(b)
        if texts is not None:
            if isinstance(texts, str) or not isinstance(texts, Sequence):
                raise TypeError(f"texts must be a list or tuple of str, got {type(texts).__name__}")
            if matcher is None and self._sources:
                matcher = self._sources[0][1]
            if matcher is None:
                raise ValueError(
                    "evidence(texts=...) also needs matcher=: counts read from a pickle do not keep their matcher"
                )
            sources = [(texts, matcher)]
        elif self._sources is None:
            raise ValueError(
                "evidence() needs the texts: these counts were made from an iterator or an Arrow column, or read "
                "from a pickle, so they hold none; pass the counted documents as evidence(a, b, texts=...)"
            )
        else:
            sources = self._sources
        out: list[dict[str, Any]] = []
        offset = 0
        for part, part_matcher in sources:
            left = None if limit is None else limit - len(out)
            if left is not None and left <= 0:
                break
            for doc, start, end in self._counts.evidence(part_matcher, part, a, b, limit=left):
                text = part[doc]
                out.append(
                    {"doc": offset + doc, "start": start, "end": end, "text": text[start:end]}
                )
            offset += len(part)
        return out

    def __add__(self, other: object) -> Cooccurrence:
        if not isinstance(other, Cooccurrence):
            return NotImplemented
        sources = (
            self._sources + other._sources
            if self._sources is not None and other._sources is not None
            else None
        )
        return Cooccurrence(self._counts + other._counts, min_count=self.min_count, sources=sources)

    def __radd__(self, other: object) -> Cooccurrence:
        # sum(parts) starts from 0.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Cooccurrence):
            return NotImplemented
        return self._counts == other._counts

    __hash__ = None  # type: ignore[assignment]


def _sparse_column(values: Any, at: Any, length: int, fill: float) -> Any:
    """A pandas SparseArray of ``length`` holding ``values`` at positions ``at`` (increasing) and ``fill``
    elsewhere, built without a dense array."""
    import pandas as pd

    sparse: Any = pd.arrays.SparseArray
    at = np.asarray(at, dtype=np.int32)
    if hasattr(sparse, "from_indices"):  # pandas >= 3.1
        return sparse.from_indices(values, at, length, fill_value=fill, dtype=values.dtype)
    # Older pandas: the sparse index its own from_spmatrix builds (the constructor's argument, deprecated in 3.1).
    from pandas._libs.sparse import IntIndex

    index: Any = IntIndex
    return sparse(values, sparse_index=index(length, at), fill_value=fill, dtype=values.dtype)


#: The value of a measure for a pair that never co-occurs, where it does not depend on the margins.
_FILL: dict[str, float] = {
    "count": 0.0,
    "lift": 0.0,
    "jaccard": 0.0,
    "dice": 0.0,
    "npmi": -1.0,
    "pmi": float("-inf"),
}

RollUp = Literal["country"] | Mapping[str, str]

#: Kinds that exist so that their longer names win over a country's ("South China Sea", "US$"), and that are not
#: counted unless ``kinds`` names them (the core's rule; listed here for the documentation).
SHIELD_KINDS = frozenset({"region", "currency"})


def _check_min_count(min_count: object) -> None:
    if isinstance(min_count, bool) or not isinstance(min_count, int):
        raise TypeError(f"min_count must be an int, got {type(min_count).__name__}")
    if min_count < 1:
        raise ValueError(f"min_count must be at least 1, got {min_count}")


def _kind_list(kinds: object) -> list[str] | None:
    """``kinds`` as a list of str (the core checks that each is a kind of the gazetteer)."""
    if kinds is None:
        return None
    kind_list = [kinds] if isinstance(kinds, str) else kinds
    if isinstance(kind_list, (bytes, Mapping)) or not isinstance(kind_list, Iterable):
        raise TypeError(f"kinds must be a str or an iterable of str, got {type(kinds).__name__}")
    kind_list = list(kind_list)
    for kind in kind_list:
        if not isinstance(kind, str):
            raise TypeError(
                f"kinds must be a str or an iterable of str, got an item of {type(kind).__name__}"
            )
    return kind_list


def _rollup(rollup: object) -> str | dict[str, str] | None:
    if rollup is None or isinstance(rollup, str):
        return rollup
    if isinstance(rollup, Mapping):
        return {str(k): str(v) for k, v in rollup.items()}
    raise TypeError(
        f"rollup must be 'country', a mapping of entity ids to group ids, or None, got {type(rollup).__name__}"
    )


def _options(
    scope: object,
    window: object,
    kinds: object,
    rollup: object,
    n_threads: object,
    max_unit_entities: object,
) -> dict[str, Any]:
    """The keyword arguments of ``_core._cooccurrence``, with ``kinds`` and ``rollup`` converted (the core checks
    every value); shared by the one-process, Dask and Spark entry points."""
    return {
        "scope": scope,
        "window": window,
        "kinds": _kind_list(kinds),
        "rollup": _rollup(rollup),
        "n_threads": n_threads,
        "max_unit_entities": max_unit_entities,
    }


def cooccurrence(
    texts: Texts,
    matcher: Matcher | None = None,
    *,
    scope: Scope = "sentence",
    window: int | None = None,
    kinds: str | Iterable[str] | None = None,
    rollup: RollUp | None = None,
    min_count: int = 1,
    n_threads: int | None = None,
    batch_size: int = 5000,
    progress: bool = False,
    max_unit_entities: int | None = MAX_UNIT_ENTITIES,
) -> Cooccurrence:
    """Count which entities are mentioned together in ``texts``.

    Args:
        texts: An iterable of ``str`` (one document each), or an Arrow string column (pyarrow, polars, pandas),
            read in place; an Arrow null counts as an empty document.
        matcher: The matcher to find entities with (default: the built-in gazetteer, ``Matcher()``).
        scope: The unit: ``"document"``, ``"paragraph"`` (blank-line separated, or one per line), ``"sentence"``,
            or ``"window"``: non-overlapping blocks of ``window`` tokens (a token is a run of letters, digits and
            ``_``; a mention belongs to the block of its first token; blocks restart in each document).
        window: Tokens per block, for ``scope="window"`` only.
        kinds: Only count entities of this kind or kinds. By default every kind but regions and currencies, which
            the built-in gazetteer has so that their names are not read as countries ("South China Sea", "US$");
            name them here to count them. A kind that no entity has is refused (a ValueError), not counted as
            nothing.
        rollup: Count entities as a group before counting: ``"country"`` counts an agency as its country and a
            threat actor as its sponsor (entities without one stay themselves), or give a mapping of entity ids to
            group ids (ids not in the mapping stay themselves; a mapping none of whose keys is an entity id, as
            one keyed by names, is refused). A unit counts a group once, however many of its members it mentions.
        min_count: Default threshold of :meth:`Cooccurrence.edges` and :meth:`Cooccurrence.top_pairs`.
        n_threads: Threads (default: all cores); the result does not depend on it.
        batch_size: When ``texts`` is an iterator (e.g. ``stream.read_texts``), it is counted ``batch_size``
            documents at a time and the parts are added, so memory holds one batch; lists are counted at once.
        progress: Show a tqdm progress bar, in documents (out of ``len(texts)`` for a list or a column, which is
            counted in one call whose bar moves as the workers finish runs of documents).
        max_unit_entities: The most distinct entities one unit may name (default 2,048; ``None``: no cap). A unit
            of n entities adds n (n + 1) / 2 pairs, so one huge unit (a whole book at ``scope="document"``) could
            fill the memory; over the cap, a ValueError names the document.

    Every unit counts each entity once. See the module documentation for the measures. :meth:`Cooccurrence.evidence`
    works when ``texts`` is a list or a tuple.

    Raises:
        TypeError: ``texts`` is not an iterable of ``str``, or an option has the wrong type.
        ValueError: an unknown scope, kind or rollup (or a rollup mapping with no entity id among its keys), a
            missing or unexpected ``window``, ``min_count < 1``, a unit over ``max_unit_entities``.
    """
    matcher = builtin_matcher() if matcher is None else matcher
    if not isinstance(matcher, Matcher):
        raise TypeError(f"matcher must be a Matcher, got {type(matcher).__name__}")
    if not is_arrow(texts):
        check_texts(texts)
    _check_min_count(min_count)
    options = _options(scope, window, kinds, rollup, n_threads, max_unit_entities)
    streamed = (
        not isinstance(texts, (list, tuple, str, bytes))
        and not is_arrow(texts)
        and isinstance(texts, Iterable)
    )
    sources: list[tuple[Sequence[str], Matcher]] | None = (
        [(texts, matcher)] if isinstance(texts, (list, tuple)) else None
    )
    if streamed:
        # An iterator or generator: count it batch by batch in bounded memory, and add the parts (exact).
        from cybernexus.stream import _known_length, _numbered_from, _progress, batched

        # Starting from the counts of no text keeps the result well defined for an empty stream.
        total = _cooccurrence(matcher, [], **options)
        first = 0
        for batch in _progress(batched(texts, batch_size), progress, _known_length(texts)):  # type: ignore[arg-type]
            with _numbered_from(first):
                total = total + _cooccurrence(matcher, batch, **options)
            first += len(batch)
        return Cooccurrence(total, min_count=min_count, sources=sources)
    # A list or an Arrow column is one call; with progress=True its bar moves as the core's workers finish runs of
    # documents.
    counts = _cooccurrence(matcher, texts, **options, progress=progress)
    return Cooccurrence(counts, min_count=min_count, sources=sources)


def _period(date: object, period: str) -> str:
    import datetime as dt

    if isinstance(date, np.datetime64):
        if np.isnat(date):
            raise ValueError("the date is missing (NaT)")
        date = date.astype("datetime64[D]").item()
    if (
        date is None
        or (isinstance(date, float) and np.isnan(date))
        or type(date).__name__ == "NaTType"
    ):
        # None, NaN (a missing value of a float column) and pandas' NaT.
        raise ValueError(f"the date is missing ({date!r})")
    if isinstance(date, str):
        date = dt.date.fromisoformat(date[:10])
    if isinstance(date, dt.datetime):
        date = date.date()
    if not isinstance(date, dt.date):
        raise TypeError(
            f"dates must be datetime.date, datetime.datetime or ISO strings, got {type(date).__name__}"
        )
    if period == "year":
        return f"{date.year:04d}"
    if period == "quarter":
        return f"{date.year:04d}-Q{(date.month - 1) // 3 + 1}"
    if period == "month":
        return f"{date.year:04d}-{date.month:02d}"
    raise ValueError(f"period must be 'month', 'quarter' or 'year', got {period!r}")


def periods_of(dates: Iterable[object], period: str) -> list[str]:
    """The period key of each date; a date that is missing or not a date is an error that names its index."""
    if period not in ("month", "quarter", "year"):
        raise ValueError(f"period must be 'month', 'quarter' or 'year', got {period!r}")
    keys = []
    for i, date in enumerate(dates):
        try:
            keys.append(_period(date, period))
        except (TypeError, ValueError) as err:
            raise type(err)(f"dates[{i}]: {err}") from None
    return keys


def check_dated(texts: object, dates: object) -> None:
    """``texts`` and ``dates`` are sequences or columns (lists, tuples, pandas Series or Index, numpy arrays) of
    one length (a date per text): sized, so that they can be read twice, unlike an iterator."""
    for x in (texts, dates):
        if (
            isinstance(x, (str, bytes))
            or not isinstance(x, Sized)
            or not isinstance(x, Iterable)
            or isinstance(x, Iterator)
        ):
            raise TypeError(
                "texts and dates must be sequences or columns (lists, tuples, pandas Series, numpy arrays), not "
                f"iterators or a single str; got {type(x).__name__}"
            )
    if len(texts) != len(dates):  # type: ignore[arg-type]
        raise ValueError(
            f"texts and dates must have the same length, got {len(texts)} and {len(dates)}"  # type: ignore[arg-type]
        )


def cooccurrence_by_period(
    texts: Collection[str],
    dates: Collection[object],
    matcher: Matcher | None = None,
    *,
    period: Literal["month", "quarter", "year"] = "month",
    **options: Any,
) -> dict[str, Cooccurrence]:
    """One :class:`Cooccurrence` per period (``"2024-03"``, ``"2024-Q1"`` or ``"2024"``), in time order.

    ``texts`` and ``dates`` are lists, tuples or columns (pandas Series or Index, numpy arrays) of one length;
    ``dates`` gives each text's date (``datetime.date``, ``datetime.datetime``, a pandas Timestamp, a numpy
    ``datetime64`` or an ISO string; a missing one is an error that names its index). Other options are those of
    :func:`cooccurrence`. Adding the slices gives the counts of the whole corpus.
    """
    check_dated(texts, dates)
    matcher = builtin_matcher() if matcher is None else matcher
    by_period: dict[str, list[str]] = {}
    for text, key in zip(texts, periods_of(dates, period), strict=True):
        by_period.setdefault(key, []).append(text)
    return {p: cooccurrence(by_period[p], matcher, **options) for p in sorted(by_period)}


def _period_bounds(period: str) -> tuple[str, str]:
    """ISO start and end dates of a period key ("2024", "2024-Q1", "2024-03")."""
    import datetime as dt

    if re.fullmatch(r"\d{4}", period):
        year = int(period)
        return f"{year:04d}-01-01", f"{year + 1:04d}-01-01"
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", period):
        year, quarter = int(m.group(1)), int(m.group(2))
        start = dt.date(year, 3 * quarter - 2, 1)
        end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
        return start.isoformat(), end.isoformat()
    if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
        year, month = int(m.group(1)), int(m.group(2))
        end = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
        return dt.date(year, month, 1).isoformat(), end.isoformat()
    raise ValueError(f"not a period of cooccurrence_by_period: {period!r}")


def write_gexf_timeline(
    slices: Mapping[str, Cooccurrence], path: Any, *, min_count: int = 1
) -> None:
    """Write time slices (from :func:`cooccurrence_by_period`) as one dynamic GEXF graph for Gephi's timeline.

    Each node and edge carries the periods in which it appears as GEXF spells (start inclusive, end exclusive, ISO
    dates); an edge's ``weight`` is its count summed over all periods and its ``count`` attribute is dynamic, the
    count of each period (what Gephi's timeline shows). Nodes are labelled by name, the entity id kept as node id
    and ``entity_id`` attribute. Needs networkx.
    """
    import networkx as nx

    graph = nx.Graph(mode="dynamic", timeformat="date")
    for period, co in slices.items():
        start, end = _period_bounds(period)
        for label, name, kind in zip(co.labels, co.names, co.kinds, strict=True):
            if label not in graph:
                graph.add_node(label, name=name, kind=kind, spells=[])
            graph.nodes[label]["spells"].append((start, end))
        for row in co.edges("count", min_count=min_count).to_dict("records"):
            a, b, n = row["source"], row["target"], int(row["count"])
            if not graph.has_edge(a, b):
                graph.add_edge(a, b, weight=0, count=[], spells=[])
            graph.edges[a, b]["weight"] += n
            # networkx writes a list of (value, start, end) as a dynamic attribute.
            graph.edges[a, b]["count"].append((n, start, end))
            graph.edges[a, b]["spells"].append((start, end))
    nx.write_gexf(_labelled_by_name(graph), path)


def _labelled_by_name(graph: Any) -> Any:
    """``graph`` with each node's name as its GEXF label (networkx writes a node's ``label`` attribute as the label
    Gephi shows, and the node itself as the id) and its id also as an ``entity_id`` attribute."""
    for node, data in graph.nodes(data=True):
        data["label"] = data.get("name", node)
        data["entity_id"] = node
    return graph
