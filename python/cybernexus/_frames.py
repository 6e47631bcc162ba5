"""pandas conversions (pandas is imported only when one is called)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from cybernexus._typing import Texts

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from cybernexus._core import MentionTable


def _ids_of(table: MentionTable, ids: Any, *, arrow: bool = False) -> Any:
    """The document ids given for a table's texts, one per text, as a numpy array (strings as objects), or, for
    ``arrow``, a pyarrow array as given."""
    if ids is None:
        return None
    if isinstance(ids, (str, bytes)) or not hasattr(ids, "__len__"):
        raise TypeError(f"ids must be a sequence with one id per text, got {type(ids).__name__}")
    if len(ids) != table.n_docs:
        raise ValueError(
            f"ids has {len(ids)} items but the table was built from {table.n_docs} texts"
        )
    is_arrow = type(ids).__module__.startswith("pyarrow")
    if arrow and is_arrow:
        return ids
    if is_arrow:
        return np.asarray(ids.to_numpy(zero_copy_only=False))
    if hasattr(ids, "to_numpy"):  # pandas and polars columns: their values, not their index
        ids = ids.to_numpy()
    values = np.asarray(ids)
    return values.astype(object) if values.dtype.kind == "U" else values


def _string_dtype(pd: Any) -> Any:
    """The string dtype this pandas gives a column of ``str`` (``str`` on pandas 3, ``object`` before): every
    string column gets it explicitly, so that a batch without mentions has the same dtypes as one with."""
    return pd.Series(["x"]).dtype


def concat_mentions(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Mention frames of several batches as one, categorical columns kept categorical: a batch's ``entity_id``
    categories are the gazetteer's ids plus the numbered clusters that batch names (``threat_actor:storm-0866``), so
    they differ from batch to batch, and ``pd.concat`` of categoricals with different categories falls back to
    strings. Each column's categories become the union, in order of first appearance."""
    import pandas as pd

    if len(frames) > 1:
        for column in frames[0].columns:
            dtypes: list[Any] = [f[column].dtype for f in frames]
            if all(isinstance(d, pd.CategoricalDtype) for d in dtypes) and len(set(dtypes)) > 1:
                union = (
                    pd.Index(dtypes[0].categories)
                    .append([pd.Index(d.categories) for d in dtypes[1:]])
                    .unique()
                )
                frames = [f.assign(**{column: f[column].cat.set_categories(union)}) for f in frames]
    return pd.concat(frames, ignore_index=True)


def mention_table_to_pandas(
    table: MentionTable, texts: Texts | None = None, ids: Any = None
) -> pd.DataFrame:
    """Label a :class:`MentionTable`; see ``MentionTable.to_pandas``."""
    try:
        import pandas as pd
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "MentionTable.to_pandas() needs pandas: pip install 'cybernexus[pandas]'"
        ) from err
    doc_ids = _ids_of(table, ids)
    ids, kinds, names, alias_offsets, alias_texts, alias_forms = table._labels()
    entity = np.asarray(table.entity)
    alias = np.asarray(table.alias)
    strings = _string_dtype(pd)
    kind_categories = sorted(set(kinds))
    kind_code = {k: i for i, k in enumerate(kind_categories)}
    kind_codes = np.array([kind_code[k] for k in kinds], dtype=np.int32)
    alias_index = np.asarray(alias_offsets, dtype=np.int64)[entity] + alias
    frame = pd.DataFrame(
        {
            "doc": table.doc,
            "start": table.start,
            "end": table.end,
            # Categoricals built from codes: no Python string per row.
            "entity_id": pd.Categorical.from_codes(entity, categories=pd.Index(ids)),
            "kind": pd.Categorical.from_codes(
                kind_codes[entity], categories=pd.Index(kind_categories)
            ),
            "name": pd.Series(np.asarray(names, dtype=object)[entity], dtype=strings),
            "alias": pd.Series(np.asarray(alias_texts, dtype=object)[alias_index], dtype=strings),
            "form": pd.Series(np.asarray(alias_forms, dtype=object)[alias_index], dtype=strings),
        }
    )
    if doc_ids is not None:
        column = pd.Series(doc_ids[table.doc])
        if column.dtype == object:
            column = column.astype(strings)
        frame.insert(0, "id", column)
    frame["resolved_by"] = _labelled(pd, table.resolved_by, table.resolved_by_names())
    frame["ambiguous"] = table.ambiguous
    frame["via"] = _labelled(pd, table.via, table.via_names())
    # After the columns every table has, as in to_arrow(), Spark's schema and Dask's meta: a frame's first
    # columns are the same whether or not it is segmented.
    if table.sentence is not None and table.paragraph is not None:
        frame["sentence"] = table.sentence
        frame["paragraph"] = table.paragraph
    if texts is not None:
        if isinstance(texts, str):
            raise TypeError(
                "texts must be the sequence of texts that was matched, got a single str"
            )
        docs = _as_list(texts)
        if len(docs) != table.n_docs:
            raise ValueError(
                f"texts has {len(docs)} items but the table was built from {table.n_docs} texts"
            )
        frame["text"] = pd.Series(
            [
                docs[d][s:e]
                for d, s, e in zip(
                    table.doc.tolist(), table.start.tolist(), table.end.tolist(), strict=True
                )
            ],
            dtype=strings,
        )
    return frame


def _recode(
    codes: npt.NDArray[Any], labels: Sequence[str | None]
) -> tuple[npt.NDArray[np.int32], list[str]]:
    """Small integer codes into positions among the distinct labels (-1 for a ``None`` label), and those labels."""
    names = list(dict.fromkeys(label for label in labels if label is not None))
    position = {label: i for i, label in enumerate(names)}
    lookup = np.array(
        [-1 if label is None else position[label] for label in labels], dtype=np.int32
    )
    return lookup[np.asarray(codes, dtype=np.int64)], names


def _labelled(pd: Any, codes: npt.NDArray[Any], labels: Sequence[str | None]) -> Any:
    """A categorical column from small integer codes and their labels (a ``None`` label is a missing value)."""
    indices, names = _recode(codes, labels)
    return pd.Categorical.from_codes(indices, categories=names)


def _dictionary_or_null(
    codes: npt.NDArray[Any], labels: Sequence[str | None]
) -> pa.DictionaryArray[Any, Any]:
    """A dictionary-encoded string column from small integer codes; a ``None`` label is a null."""
    import pyarrow as pa

    indices, names = _recode(codes, labels)
    keys: pa.Int32Array = pa.array(indices, type=pa.int32(), mask=indices < 0)
    return pa.DictionaryArray.from_arrays(keys, pa.array(names, pa.string()))


def _form_array(column: tuple[npt.NDArray[np.int32], list[str]]) -> pa.DictionaryArray[Any, Any]:
    """The ``form`` column from the core's codes (-1: an alias without a form, a null) and distinct forms."""
    import pyarrow as pa

    codes, forms = column
    keys: pa.Int32Array = pa.array(codes, type=pa.int32(), mask=np.asarray(codes) < 0)
    return pa.DictionaryArray.from_arrays(keys, pa.array(forms, pa.string()))


def _as_list(texts: Texts) -> list[str]:
    """The matched texts as a list of ``str``: Arrow columns (pyarrow, polars) are converted, not iterated as
    scalars; a null (matched as an empty text) becomes ``""``."""
    for method in ("to_pylist", "to_list"):
        convert = getattr(texts, method, None)
        if callable(convert):
            return [t if isinstance(t, str) else "" for t in convert()]
    if not isinstance(texts, Iterable):
        raise TypeError(f"texts must be the texts that were matched, got {type(texts).__name__}")
    return list(texts)


def mention_table_to_arrow(
    table: MentionTable, dictionary: bool = True, ids: Any = None
) -> pa.Table:
    """Label a :class:`MentionTable` as a pyarrow Table; see ``MentionTable.to_arrow``."""
    try:
        import pyarrow as pa
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "MentionTable.to_arrow() needs pyarrow: pip install 'cybernexus[arrow]'"
        ) from err
    if not isinstance(dictionary, bool):
        raise TypeError(f"dictionary must be a bool, got {type(dictionary).__name__}")
    doc_ids = _ids_of(table, ids, arrow=True)
    entity_ids, kinds, names, aliases, forms = table._label_columns()

    def labelled(column: tuple[npt.NDArray[np.int32], list[str]]) -> pa.Array[Any]:
        # The core encodes over the distinct labels the rows use (pandas categories must be unique: two entities can
        # share a name, two aliases a text).
        codes, labels = column
        values = pa.array(labels, pa.string())
        return (
            values.take(codes) if not dictionary else pa.DictionaryArray.from_arrays(codes, values)
        )

    def plain(column: pa.DictionaryArray[Any, Any]) -> pa.Array[Any]:
        return column if dictionary else column.cast(pa.string())

    def or_null(codes: npt.NDArray[Any], labels: Sequence[str | None]) -> pa.Array[Any]:
        return plain(_dictionary_or_null(codes, labels))

    id_column: dict[str, Any] = {}
    if doc_ids is not None:
        values: Any = (
            doc_ids if isinstance(doc_ids, (pa.Array, pa.ChunkedArray)) else pa.array(doc_ids)
        )
        if pa.types.is_dictionary(values.type) and not dictionary:
            values = values.cast(values.type.value_type)
        id_column = {"id": values.take(np.asarray(table.doc))}
    # Numeric columns are wrapped, not copied; labels are dictionary-encoded (one string per label, not per row)
    # unless plain strings are asked for.
    return pa.table(
        id_column
        | {
            "doc": pa.array(table.doc),
            "start": pa.array(table.start),
            "end": pa.array(table.end),
            "entity_id": labelled(entity_ids),
            "kind": labelled(kinds),
            "name": labelled(names),
            "alias": labelled(aliases),
            "form": plain(_form_array(forms)),
            "resolved_by": or_null(table.resolved_by, table.resolved_by_names()),
            "ambiguous": pa.array(table.ambiguous),
            "via": or_null(table.via, table.via_names()),
        }
        | (
            {"sentence": pa.array(table.sentence), "paragraph": pa.array(table.paragraph)}
            if table.sentence is not None and table.paragraph is not None
            else {}
        )
    )


def mention_table_to_polars(table: MentionTable, dictionary: bool = True, ids: Any = None) -> Any:
    """Label a :class:`MentionTable` as a polars DataFrame; see ``MentionTable.to_polars``."""
    try:
        import polars as pl
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "MentionTable.to_polars() needs polars: pip install 'cybernexus[polars]'"
        ) from err
    return pl.from_arrow(mention_table_to_arrow(table, dictionary, ids))
