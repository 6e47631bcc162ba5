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

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from cybernexus._core import Gazetteer, Matcher, _cooccurrence_counts

if TYPE_CHECKING:
    import pandas as pd
    import scipy.sparse

__all__ = ["MEASURES", "Cooccurrence", "Measure", "Scope", "cooccurrence", "measure_values"]

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

    ``a + b`` adds the counts of two disjoint corpora (counted with the same scope): the result equals the counts of
    the union, exactly. Objects pickle.
    """

    def __init__(
        self,
        n_units: int,
        labels: Sequence[str],
        names: Sequence[str],
        kinds: Sequence[str],
        indptr: npt.NDArray[np.int64],
        indices: npt.NDArray[np.int64],
        data: npt.NDArray[np.int64],
        *,
        scope: str,
        min_count: int = 1,
    ) -> None:
        if min_count < 1:
            raise ValueError(f"min_count must be at least 1, got {min_count}")
        self.n_units = int(n_units)
        self.labels = list(labels)
        self.names = list(names)
        self.kinds = list(kinds)
        self.scope = scope
        self.min_count = int(min_count)
        self._indptr = np.asarray(indptr, dtype=np.int64)
        self._indices = np.asarray(indices, dtype=np.int64)
        self._data = np.asarray(data, dtype=np.int64)
        self._row = {label: i for i, label in enumerate(self.labels)}

    def __len__(self) -> int:
        return len(self.labels)

    def __repr__(self) -> str:
        pairs = (len(self._data) - len(self.labels)) // 2
        return (
            f"<Cooccurrence: {len(self.labels)} entities, {pairs} pairs, "
            f"{self.n_units} units ({self.scope})>"
        )

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
        frame = self.edges(measure, min_count=min_count).head(k).copy()
        name = dict(zip(self.labels, self.names, strict=True))
        frame.insert(2, "source_name", frame["source"].map(name))
        frame.insert(3, "target_name", frame["target"].map(name))
        return frame

    def to_pandas(self, measure: Measure = "count") -> pd.DataFrame:
        """The labelled matrix as a pandas DataFrame with sparse columns (never densified): counts, or a measure for
        the pairs that co-occur (the diagonal of a measure is left empty)."""
        import pandas as pd
        import scipy.sparse

        if measure == "count":
            matrix = self.counts
        else:
            rows, cols, n11 = self._pairs()
            occ = self.occurrences
            values = measure_values(measure, n11, occ[rows], occ[cols], self.n_units)
            n = len(self.labels)
            upper = scipy.sparse.coo_array((values, (rows, cols)), shape=(n, n))
            matrix = (upper + upper.T).tocsr()
        frame: pd.DataFrame = pd.DataFrame.sparse.from_spmatrix(  # type: ignore[attr-defined]
            matrix, index=self.labels, columns=self.labels
        )
        return frame

    def __add__(self, other: object) -> Cooccurrence:
        if not isinstance(other, Cooccurrence):
            return NotImplemented
        if other.scope != self.scope:
            raise ValueError(
                f"cannot add counts of scope {other.scope!r} to counts of scope {self.scope!r}"
            )
        import scipy.sparse

        labels = sorted(set(self.labels) | set(other.labels))
        index = {label: i for i, label in enumerate(labels)}
        info = dict(zip(self.labels, zip(self.names, self.kinds, strict=True), strict=True))
        info.update(zip(other.labels, zip(other.names, other.kinds, strict=True), strict=True))
        total = None
        for part in (self, other):
            coo = part.counts.tocoo()
            remap = np.asarray([index[label] for label in part.labels], dtype=np.int64)
            moved = scipy.sparse.coo_array(
                (coo.data, (remap[coo.row], remap[coo.col])), shape=(len(labels), len(labels))
            ).tocsr()
            total = moved if total is None else total + moved
        assert total is not None
        total.sort_indices()
        return Cooccurrence(
            self.n_units + other.n_units,
            labels,
            [info[label][0] for label in labels],
            [info[label][1] for label in labels],
            total.indptr.astype(np.int64),
            total.indices.astype(np.int64),
            total.data.astype(np.int64),
            scope=self.scope,
            min_count=self.min_count,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Cooccurrence):
            return NotImplemented
        return (
            self.n_units == other.n_units
            and self.labels == other.labels
            and self.scope == other.scope
            and np.array_equal(self._indptr, other._indptr)
            and np.array_equal(self._indices, other._indices)
            and np.array_equal(self._data, other._data)
        )

    __hash__ = None  # type: ignore[assignment]


def cooccurrence(
    texts: Iterable[str],
    matcher: Matcher | None = None,
    *,
    scope: Scope = "sentence",
    window: int | None = None,
    kinds: str | Iterable[str] | None = None,
    min_count: int = 1,
    n_threads: int | None = None,
) -> Cooccurrence:
    """Count which entities are mentioned together in ``texts``.

    Args:
        texts: An iterable of ``str`` (one document each).
        matcher: The matcher to find entities with (default: the built-in gazetteer, ``Matcher()``).
        scope: The unit: ``"document"``, ``"paragraph"`` (blank-line separated, or one per line), ``"sentence"``,
            or ``"window"``: non-overlapping blocks of ``window`` tokens (a token is a run of letters, digits and
            ``_``; a mention belongs to the block of its first token; blocks restart in each document).
        window: Tokens per block, for ``scope="window"`` only.
        kinds: Only count entities of this kind or kinds.
        min_count: Default threshold of :meth:`Cooccurrence.edges` and :meth:`Cooccurrence.top_pairs`.
        n_threads: Threads (default: all cores); the result does not depend on it.

    Every unit counts each entity once. See the module documentation for the measures.

    Raises:
        TypeError: ``texts`` is not an iterable of ``str``, or an option has the wrong type.
        ValueError: an unknown scope, a missing or unexpected ``window``, ``min_count < 1``.
    """
    matcher = Matcher() if matcher is None else matcher
    if not isinstance(matcher, Matcher):
        raise TypeError(f"matcher must be a Matcher, got {type(matcher).__name__}")
    kind_list = [kinds] if isinstance(kinds, str) else None if kinds is None else list(kinds)
    if window is not None and (isinstance(window, bool) or not isinstance(window, int)):
        raise TypeError(f"window must be an int, got {type(window).__name__}")
    if window is not None and window < 1:
        raise ValueError(f"window must be at least 1 token, got {window}")
    if min_count < 1:
        raise ValueError(f"min_count must be at least 1, got {min_count}")
    n_units, entities, indptr, indices, data = _cooccurrence_counts(
        matcher, texts, scope=scope, window=window, kinds=kind_list, n_threads=n_threads
    )
    import scipy.sparse

    gazetteer: Gazetteer = matcher.gazetteer
    ids, all_kinds, names, _, _ = gazetteer._labels()
    # Rows in the order of their ids, so that counts of any two corpora line up (and add) the same way.
    rows = sorted(entities.tolist(), key=lambda e: ids[e])
    perm = np.argsort(np.asarray([ids[e] for e in entities.tolist()], dtype=object), kind="stable")
    n = len(rows)
    matrix = scipy.sparse.csr_array((data, indices, indptr), shape=(n, n))[perm][:, perm].tocsr()
    matrix.sort_indices()
    return Cooccurrence(
        n_units,
        [ids[e] for e in rows],
        [names[e] for e in rows],
        [all_kinds[e] for e in rows],
        matrix.indptr.astype(np.int64),
        matrix.indices.astype(np.int64),
        matrix.data.astype(np.int64),
        scope=f"window:{window}" if scope == "window" else scope,
        min_count=min_count,
    )
