"""Stable schemas: a batch without mentions has the columns and types of a batch with mentions, in pandas, Arrow
and polars, with or without dictionaries, and document ids carried from the input."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import cybernexus as cx

MATCHER = cx.Matcher(cx.example_gazetteer())
WITH = ["Sofacy and the GRU hit Sweden.", "Nothing.", "Lazarus, again."]
WITHOUT = ["Nothing here.", "Nor here."]


def dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return {str(name): str(dtype) for name, dtype in frame.dtypes.items()}


@pytest.mark.parametrize("segments", [False, True])
def test_pandas_dtypes_do_not_depend_on_mentions(segments: bool) -> None:
    full = MATCHER.find_table(WITH, segments=segments).to_pandas(WITH, ids=["a", "b", "c"])
    empty = MATCHER.find_table(WITHOUT, segments=segments).to_pandas(WITHOUT, ids=["x", "y"])
    none = MATCHER.find_table([], segments=segments).to_pandas([], ids=[])
    assert len(full) == 4 and len(empty) == 0 and len(none) == 0
    assert dtypes(empty) == dtypes(full)
    assert {k: v for k, v in dtypes(none).items() if k != "id"} == {
        k: v for k, v in dtypes(full).items() if k != "id"
    }
    # Categoricals over the same categories, so that frames concatenate without turning into objects.
    for column in ("entity_id", "kind", "resolved_by", "via"):
        assert empty[column].dtype == full[column].dtype
    both = pd.concat([full, empty])
    assert dtypes(both) == dtypes(full)
    # What broke dask's to_parquet: the Arrow schema pandas gives each batch.
    assert pa.Table.from_pandas(empty, preserve_index=False).schema.equals(
        pa.Table.from_pandas(full, preserve_index=False).schema
    )


@pytest.mark.parametrize("segments", [False, True])
def test_every_output_orders_its_columns_alike(segments: bool) -> None:
    """pandas, Arrow, polars, Dask's meta and Spark's schema list the columns in one order, the segment columns
    last, so a frame's first columns do not move when segments are asked for."""
    from cybernexus.dask import mention_meta
    from cybernexus.spark import mention_schema

    table = MATCHER.find_table(WITH, segments=segments)
    places, labels = ["doc", "start", "end"], ["entity_id", "kind", "name", "alias", "form"]
    base = [*places, *labels, "resolved_by", "ambiguous", "via"]
    want = base + (["sentence", "paragraph"] if segments else [])
    assert list(table.to_pandas().columns) == want
    assert table.to_arrow().column_names == want
    assert table.to_polars().columns == want
    # The engines give each mention the input's id instead of the batch's document number.
    engine = ["id", *want[1:]]
    assert list(mention_meta(MATCHER, segments=segments).columns) == engine
    spark = [c.strip().split(" ")[0] for c in mention_schema(segments=segments).split(",")]
    assert spark == engine


@pytest.mark.parametrize("dictionary", [True, False])
def test_arrow_and_polars_schemas_do_not_depend_on_mentions(dictionary: bool) -> None:
    full = MATCHER.find_table(WITH).to_arrow(dictionary=dictionary, ids=["a", "b", "c"])
    empty = MATCHER.find_table(WITHOUT).to_arrow(dictionary=dictionary, ids=["x", "y"])
    assert full.num_rows == 4 and empty.num_rows == 0
    assert empty.schema.equals(full.schema)
    polars_full = MATCHER.find_table(WITH).to_polars(dictionary=dictionary, ids=[1, 2, 3])
    polars_empty = MATCHER.find_table(WITHOUT).to_polars(dictionary=dictionary, ids=[1, 2])
    assert polars_full.schema == polars_empty.schema
    assert polars_full["entity_id"].cast(str).to_list() == full["entity_id"].to_pylist()


def test_plain_strings_and_signed_integers_without_dictionaries() -> None:
    """What Spark's mapInArrow takes: no dictionary column, strings as ``string``, integers signed."""
    table = MATCHER.find_table(WITH, segments=True)
    plain = table.to_arrow(dictionary=False)
    coded = table.to_arrow()
    for field in plain.schema:
        assert not pa.types.is_dictionary(field.type), field
        assert (
            pa.types.is_string(field.type)
            or pa.types.is_boolean(field.type)
            or pa.types.is_signed_integer(field.type)
        ), field
    assert plain.column_names == coded.column_names
    for name in plain.column_names:
        assert plain[name].to_pylist() == coded[name].to_pylist(), name
    expected = [(m.entity_id, m.name, m.alias) for ms in MATCHER.find_many(WITH) for m in ms]
    got = list(
        zip(
            plain["entity_id"].to_pylist(),
            plain["name"].to_pylist(),
            plain["alias"].to_pylist(),
            strict=True,
        )
    )
    assert got == expected


@pytest.mark.parametrize(
    "ids",
    [
        ["a", "b", "c"],
        ("a", "b", "c"),
        np.array([10, 20, 30]),
        pd.Series([10, 20, 30], index=[7, 8, 9]),
        pa.array(["a", "b", "c"]),
        pa.chunked_array([["a"], ["b", "c"]]),
    ],
    ids=["list", "tuple", "numpy", "series-with-index", "arrow", "chunked"],
)
def test_document_ids_are_carried_to_every_mention(ids: Any) -> None:
    table = MATCHER.find_table(WITH)
    values = list(ids.to_pylist() if hasattr(ids, "to_pylist") else list(ids))
    docs = table.doc.tolist()
    expected = [values[d] for d in docs]
    assert expected == [values[0], values[0], values[0], values[2]]
    assert table.to_pandas(ids=ids)["id"].tolist() == expected
    assert table.to_pandas(ids=ids).columns[0] == "id"
    assert table.to_arrow(ids=ids)["id"].to_pylist() == expected
    assert table.to_arrow(dictionary=False, ids=ids)["id"].to_pylist() == expected
    assert table.to_polars(ids=ids)["id"].to_list() == expected


def test_bad_ids_are_refused() -> None:
    table = MATCHER.find_table(WITH)
    with pytest.raises(ValueError, match="ids has 2 items but the table was built from 3 texts"):
        table.to_pandas(ids=["a", "b"])
    with pytest.raises(ValueError, match="ids has 4 items"):
        table.to_arrow(ids=[1, 2, 3, 4])
    with pytest.raises(TypeError, match="ids must be a sequence with one id per text, got str"):
        table.to_pandas(ids="abc")
    with pytest.raises(TypeError, match="got int"):
        table.to_polars(ids=5)
    with pytest.raises(TypeError):
        table.to_arrow(dictionary="no")  # type: ignore[arg-type]


def test_form_column_is_each_mentions_form() -> None:
    """Every output's ``form`` is the form of the alias that matched, as ``Mention.form`` gives it: a form the
    gazetteer names ("adjective", "acronym"), the canonical name's "name", a scheme's "pattern" for a numbered
    cluster, and a missing value for an alias given without one."""
    records = [
        {
            "id": "country:RU",
            "kind": "country",
            "name": "Russia",
            "aliases": [{"text": "Russian", "form": "adjective"}, "Russian Federation"],
        },
    ]
    mixed = cx.Gazetteer(records).merge(cx.Gazetteer.builtin().filter(kind="threat_actor"))
    matcher = cx.Matcher(mixed)
    texts = ["The Russian Federation and Storm-0866, then APT28.", "Russian and Russia.", "none"]
    found = [(m.alias, m.form) for ms in matcher.find_many(texts) for m in ms]
    assert found == [
        ("Russian Federation", None),
        ("Storm-0866", "pattern"),
        ("APT28", "name"),
        ("Russian", "adjective"),
        ("Russia", "name"),
    ]
    forms = [f for _, f in found]
    table = matcher.find_table(texts)
    frame = table.to_pandas()
    assert [None if pd.isna(f) else f for f in frame["form"]] == forms
    assert table.to_arrow()["form"].to_pylist() == forms
    assert table.to_arrow(dictionary=False)["form"].to_pylist() == forms
    assert table.to_arrow(dictionary=False).schema.field("form").type == pa.string()
    assert table.to_polars()["form"].cast(str).to_list() == forms
    # Dask's partition frames are built from the core's codes, not through to_pandas.
    from cybernexus.dask import _frame

    part = _frame(matcher, pd.Series([7, 8, 9]), pd.Series(texts), False)
    assert [None if pd.isna(f) else f for f in part["form"]] == forms
    assert part["form"].dtype == frame["form"].dtype
