"""Finding mentions and counting co-occurrences on Dask (``pip install 'cybernexus[dask]'``).

>>> import dask.dataframe as dd
>>> import cybernexus.dask as cxd
>>> news = dd.read_parquet("news.parquet")                    # columns "id" and "text"
>>> mentions = cxd.find_mentions(news, text="text", id="id")  # a dask DataFrame, one row per mention
>>> co = cxd.cooccurrence(news, text="text", scope="sentence")  # a cybernexus.Cooccurrence

The matcher goes into the task graph once, as one key, so each worker receives it once; a worker process builds it
once and keeps it (see ``cybernexus._workers``), never once per partition. Each task matches its partition on
``n_threads=1`` thread by default, so Dask's own workers and threads are not oversubscribed.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cybernexus._core import MAX_UNIT_ENTITIES, Counts, Matcher, _cooccurrence
from cybernexus._data import builtin_matcher
from cybernexus._workers import MatcherHandle, check_threads
from cybernexus.cooccurrence import Cooccurrence, _check_min_count, _options

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["cooccurrence", "find_mentions", "mention_meta"]


def _dask() -> Any:
    try:
        import dask
        import dask.dataframe
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("cybernexus.dask needs dask: pip install 'cybernexus[dask]'") from err
    return dask


def mention_meta(
    matcher: Matcher | None = None, *, id_dtype: Any = "int64", segments: bool = False
) -> pd.DataFrame:
    """The empty frame that describes :func:`find_mentions`' output (Dask's ``meta``): ``id`` (the input's id
    dtype), ``start, end`` (int64), ``entity_id, name, alias, form`` (strings), ``kind, resolved_by, via``
    (categoricals over fixed categories), ``ambiguous`` (bool), and ``sentence, paragraph`` (int64) with
    ``segments=True``."""
    import pandas as pd

    # Only the default is resolved here: a MatcherHandle would pickle and hash the whole matcher again.
    matcher = builtin_matcher() if matcher is None else matcher
    if not isinstance(matcher, Matcher):
        raise TypeError(f"matcher must be a Matcher, got {type(matcher).__name__}")
    return _frame(matcher, pd.Series([], dtype=id_dtype), pd.Series([], dtype=object), segments)


#: The categories of each matcher that built partitions in this process (reading the gazetteer's kinds costs a few
#: milliseconds, a noticeable share of a partition's time).
_CATEGORIES: weakref.WeakKeyDictionary[Matcher, dict[str, pd.CategoricalDtype]] = (
    weakref.WeakKeyDictionary()
)


def _categories(matcher: Matcher) -> dict[str, pd.CategoricalDtype]:
    """Fixed categories of the categorical columns: the same for every partition, whatever it mentions."""
    cached = _CATEGORIES.get(matcher)
    if cached is None:
        cached = _CATEGORIES[matcher] = _read_categories(matcher)
    return cached


def _read_categories(matcher: Matcher) -> dict[str, pd.CategoricalDtype]:
    import pandas as pd

    from cybernexus._core import MentionTable

    kinds = set(matcher.gazetteer.stats()["by_kind"]) | {"threat_actor"}
    resolved = [r for r in MentionTable.resolved_by_names() if r is not None]
    return {
        "kind": pd.CategoricalDtype(sorted(kinds)),
        "resolved_by": pd.CategoricalDtype(list(dict.fromkeys(resolved))),
        "via": pd.CategoricalDtype(list(MentionTable.via_names())),
    }


def _frame(
    matcher: Matcher, ids: pd.Series, texts: Any, segments: bool, n_threads: int | None = 1
) -> pd.DataFrame:
    """The mentions of one partition, in the schema of :func:`mention_meta`.

    Built from the table's codes, not through ``MentionTable.to_pandas``: its categoricals span the whole gazetteer
    and would have to be recast here, which cost more than the matching of a partition."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from cybernexus._frames import _form_array, _labelled

    table = matcher.find_table(texts, n_threads=n_threads, segments=segments)
    entity_ids, (kind_codes, kind_labels), names, aliases, forms = table._label_columns(expand=True)

    def strings(column: tuple[Any, Any]) -> pa.Array[Any]:
        # large_string buffers spelled out in the core: wrapped, not copied; and what pandas' Arrow-backed strings
        # hold, so no cast on the way.
        offsets, data = column
        return pa.LargeStringArray.from_buffers(
            len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(data)
        )

    # Arrow to pandas gives the string dtype this pandas gives a column of str, as mention_meta does.
    labels = pa.table(
        {
            "entity_id": strings(entity_ids),
            "name": strings(names),
            "alias": strings(aliases),
            "form": _form_array(forms).cast(pa.large_string()),
        }
    ).to_pandas()
    categories = _categories(matcher)
    kind_position = np.array(
        [categories["kind"].categories.get_loc(k) for k in kind_labels], dtype=np.int32
    )
    columns: dict[str, Any] = {
        "id": ids.take(table.doc).reset_index(drop=True),
        "start": table.start,
        "end": table.end,
        "entity_id": labels["entity_id"],
        "kind": pd.Categorical.from_codes(kind_position[kind_codes], dtype=categories["kind"]),
        "name": labels["name"],
        "alias": labels["alias"],
        "form": labels["form"],
    }
    columns |= {
        "resolved_by": _labelled(pd, table.resolved_by, table.resolved_by_names()),
        "ambiguous": table.ambiguous,
        "via": _labelled(pd, table.via, table.via_names()),
    }
    if segments:  # last, as in every other output
        columns |= {"sentence": table.sentence, "paragraph": table.paragraph}
    return pd.DataFrame(columns)


def _partition_mentions(
    part: pd.DataFrame | pd.Series,
    handle: MatcherHandle,
    text: str | None,
    id: str | None,
    segments: bool,
    n_threads: int | None,
) -> pd.DataFrame:
    import pandas as pd

    if isinstance(part, pd.Series):
        texts, ids = part, pd.Series(part.index, dtype=part.index.dtype)
    else:
        texts = part[text]
        ids = pd.Series(part.index, dtype=part.index.dtype) if id is None else part[id]
    return _frame(
        handle.matcher,
        ids.reset_index(drop=True),
        texts.reset_index(drop=True),
        segments,
        n_threads,
    )


def _bag_mentions(
    items: Sequence[Any],
    partition: int,
    handle: MatcherHandle,
    text: str | None,
    id: str | None,
    segments: bool,
    n_threads: int | None,
) -> pd.DataFrame:
    """A Bag partition: ``str`` items (ids ``"<partition>:<position>"``) or dicts with the text and id fields."""
    import pandas as pd

    items = list(items)
    if all(isinstance(x, str) for x in items):
        ids = pd.Series([f"{partition}:{i}" for i in range(len(items))], dtype=object)
        texts = pd.Series(items, dtype=object)
    else:
        if text is None or id is None:
            raise ValueError("a Bag of records needs text= and id= to name their fields")
        for x in items:
            if not isinstance(x, dict):
                raise TypeError(f"a Bag must hold str or dicts, got an item of {type(x).__name__}")
        texts = pd.Series([x.get(text) for x in items], dtype=object)
        ids = pd.Series([x.get(id) for x in items])
    return _frame(handle.matcher, ids, texts, segments, n_threads)


def find_mentions(
    data: Any,
    text: str | None = "text",
    id: str | None = "id",
    matcher: Matcher | None = None,
    *,
    segments: bool = False,
    n_threads: int | None = 1,
) -> Any:
    """Every mention in a Dask collection of texts, as a dask DataFrame with a fixed schema (:func:`mention_meta`).

    Args:
        data: A dask DataFrame (with columns ``text`` and, unless ``id=None``, ``id``), a dask Series of texts
            (ids: its index), or a dask Bag of ``str`` (ids: ``"<partition>:<position>"``) or of dicts with the
            ``text`` and ``id`` fields. A missing text counts as an empty document.
        text: The column (or field) holding the texts.
        id: The column (or field) holding each document's id, carried to each of its mentions; ``None`` takes the
            DataFrame's index.
        matcher: The matcher (default: the built-in gazetteer).
        segments: Also give each mention's ``sentence`` and ``paragraph``.
        n_threads: Threads per task (default 1: Dask runs tasks in parallel already).

    Returns:
        A lazy dask DataFrame: ``id, start, end, entity_id, kind, name, alias, form, resolved_by, ambiguous,
        via``; offsets are positions in the document's ``str``.
    """
    dask = _dask()
    import dask.bag as db
    import dask.dataframe as dd

    n_threads = check_threads(n_threads)
    handle = MatcherHandle(matcher)
    # One graph key for the handle: each worker receives the matcher once, not once per task.
    shared = dask.delayed(handle, pure=True)
    if isinstance(data, db.Bag):
        meta = mention_meta(handle.matcher, id_dtype=object, segments=segments)
        parts = [
            dask.delayed(_bag_mentions)(p, i, shared, text, id, segments, n_threads)
            for i, p in enumerate(data.to_delayed())  # type: ignore[no-untyped-call]
        ]
        return dd.from_delayed(parts, meta=meta, verify_meta=False)
    if isinstance(data, dd.Series):
        id_dtype = data.index.dtype
        selected = data
    elif isinstance(data, dd.DataFrame):
        if text not in data.columns:
            raise KeyError(
                f"no column {text!r} in the DataFrame (columns: {', '.join(map(str, data.columns))})"
            )
        if id is not None and id not in data.columns:
            raise KeyError(f"no column {id!r} in the DataFrame; pass id=None to use the index")
        id_dtype = data.index.dtype if id is None else data[id].dtype
        selected = data[[text] if id is None else [text, id]]
    else:
        raise TypeError(
            f"data must be a dask DataFrame, Series or Bag, got {type(data).__name__} "
            "(for pandas or lists, use Matcher.find_table)"
        )
    meta = mention_meta(handle.matcher, id_dtype=id_dtype, segments=segments)
    return selected.map_partitions(  # type: ignore[no-untyped-call]
        _partition_mentions,
        shared,
        text,
        id,
        segments,
        n_threads,
        meta=meta,
        align_dataframes=False,
    )


def _partition_counts(texts: Any, handle: MatcherHandle, options: dict[str, Any]) -> Counts:
    import pandas as pd

    if isinstance(texts, pd.DataFrame):
        texts = texts.iloc[:, 0]
    if isinstance(texts, pd.Series):
        texts = texts.reset_index(drop=True)
    elif not isinstance(texts, list):
        texts = list(texts)
    return _cooccurrence(handle.matcher, texts, **options)


def _add(*parts: Counts) -> Counts:
    total = parts[0]
    for p in parts[1:]:
        total = total + p
    return total


def cooccurrence(
    data: Any,
    text: str | None = "text",
    matcher: Matcher | None = None,
    *,
    scope: str = "sentence",
    window: int | None = None,
    kinds: Any = None,
    rollup: Any = None,
    min_count: int = 1,
    n_threads: int | None = 1,
    max_unit_entities: int | None = MAX_UNIT_ENTITIES,
    split_every: int = 8,
) -> Cooccurrence:
    """Co-occurrence counts of a Dask collection of texts: one partial count per partition, counted in the core
    on the workers, added in a tree (``split_every`` at a time); the sum is exact, so the result equals
    :func:`cybernexus.cooccurrence` on all the texts in one process.

    ``data`` is a dask DataFrame (``text`` names the column), Series or Bag of ``str``; the other options are those
    of :func:`cybernexus.cooccurrence`. Computes at once with the current scheduler (a ``distributed.Client`` if
    one is active) and returns a :class:`cybernexus.Cooccurrence` (without texts for ``evidence()``: pass them).
    """
    dask = _dask()
    import dask.bag as db
    import dask.dataframe as dd

    _check_min_count(min_count)
    if isinstance(split_every, bool) or not isinstance(split_every, int) or split_every < 2:
        raise ValueError(f"split_every must be an int of at least 2, got {split_every!r}")
    handle = MatcherHandle(matcher)
    options = _options(scope, window, kinds, rollup, check_threads(n_threads), max_unit_entities)
    # Fail here, on the client, for bad options, not in every task.
    _cooccurrence(handle.matcher, [], **options)
    if isinstance(data, dd.DataFrame):
        if text not in data.columns:
            raise KeyError(
                f"no column {text!r} in the DataFrame (columns: {', '.join(map(str, data.columns))})"
            )
        data = data[text]
    elif not isinstance(data, (dd.Series, db.Bag)):
        raise TypeError(
            f"data must be a dask DataFrame, Series or Bag, got {type(data).__name__} "
            "(for lists or pandas, use cybernexus.cooccurrence)"
        )
    shared = dask.delayed(handle, pure=True)
    parts = [dask.delayed(_partition_counts)(p, shared, options) for p in data.to_delayed()]
    if not parts:
        parts = [dask.delayed(_partition_counts)([], shared, options)]
    while len(parts) > 1:
        parts = [
            dask.delayed(_add)(*parts[i : i + split_every])
            for i in range(0, len(parts), split_every)
        ]
    (counts,) = dask.compute(parts[0])
    return Cooccurrence(counts, min_count=min_count)
