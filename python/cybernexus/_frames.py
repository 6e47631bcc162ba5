"""pandas conversions (pandas is imported only when one is called)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from cybernexus._core import MentionTable


def mention_table_to_pandas(
    table: MentionTable, texts: Sequence[str] | None = None
) -> pd.DataFrame:
    """Label a :class:`MentionTable`; see ``MentionTable.to_pandas``."""
    try:
        import pandas as pd
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "MentionTable.to_pandas() needs pandas: pip install 'cybernexus[pandas]'"
        ) from err
    ids, kinds, names, alias_offsets, alias_texts = table.gazetteer._labels()
    entity = np.asarray(table.entity)
    alias = np.asarray(table.alias)
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
            "name": np.asarray(names, dtype=object)[entity],
            "alias": np.asarray(alias_texts, dtype=object)[alias_index],
        }
    )
    if table.sentence is not None and table.paragraph is not None:
        frame["sentence"] = table.sentence
        frame["paragraph"] = table.paragraph
    if texts is not None:
        if isinstance(texts, str):
            raise TypeError(
                "texts must be the sequence of texts that was matched, got a single str"
            )
        docs = list(texts)
        if len(docs) != table.n_docs:
            raise ValueError(
                f"texts has {len(docs)} items but the table was built from {table.n_docs} texts"
            )
        frame["text"] = [
            docs[d][s:e]
            for d, s, e in zip(
                table.doc.tolist(), table.start.tolist(), table.end.tolist(), strict=True
            )
        ]
    return frame
