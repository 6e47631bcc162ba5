"""cybernexus.spark on a real local[2] SparkSession (needs Java): mentions and counts equal the single-process
results exactly, with empty partitions, partitions of one document and documents without a mention."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from test_dask import corpus, rows

import cybernexus as cx

pyspark_sql = pytest.importorskip("pyspark.sql")
cxs = pytest.importorskip("cybernexus.spark")

pytestmark = [
    pytest.mark.filterwarnings(
        "ignore::FutureWarning", "ignore::DeprecationWarning", "ignore::ResourceWarning"
    ),
]
MATCHER = cx.Matcher()


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None:
        pytest.fail("Spark needs a Java runtime: install one (.ci/run does it with apt)")
    # The workers must run this interpreter, which has cybernexus installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("cybernexus-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    yield session
    session.stop()


def texts_frame(spark: Any, texts: list[str | None], partitions: int) -> Any:
    data = [(i, t) for i, t in enumerate(texts)]
    return spark.createDataFrame(data, "id BIGINT, text STRING").repartition(partitions, "id")


def expected(texts: list[str | None], ids: list[int]) -> pd.DataFrame:
    return MATCHER.find_table([t or "" for t in texts]).to_pandas(ids=ids).drop(columns="doc")


@pytest.mark.parametrize("partitions", [1, 3])
def test_mentions_equal_one_process(spark: Any, partitions: int) -> None:
    texts = corpus()
    df = texts_frame(spark, texts, partitions)
    out = cxs.find_mentions(df)
    assert (
        out.schema.simpleString()
        == pyspark_sql.types._parse_datatype_string(cxs.mention_schema()).simpleString()
    )
    got = out.toPandas()
    assert rows(got) == rows(expected(texts, list(range(len(texts)))))


def test_empty_and_single_document_partitions(spark: Any) -> None:
    texts = corpus()[:6]
    # 12 partitions for 6 documents: some empty; a filter leaves documents alone in theirs.
    df = texts_frame(spark, texts, 12).where("id % 2 = 0")
    kept = [t for i, t in enumerate(texts) if i % 2 == 0]
    assert rows(cxs.find_mentions(df).toPandas()) == rows(expected(kept, [0, 2, 4]))
    assert cxs.cooccurrence(df, scope="document") == cx.cooccurrence(
        [t or "" for t in kept], scope="document"
    )


@pytest.mark.parametrize(("scope", "rollup"), [("sentence", None), ("paragraph", "country")])
def test_counts_equal_one_process(spark: Any, scope: str, rollup: str | None) -> None:
    texts = corpus()
    whole = cx.cooccurrence([t or "" for t in texts], scope=scope, rollup=rollup)  # type: ignore[arg-type]
    got = cxs.cooccurrence(texts_frame(spark, texts, 3), scope=scope, rollup=rollup)
    assert got == whole


def test_string_ids_and_segments(spark: Any) -> None:
    texts = ["Sofacy hit Sweden. The GRU denied it.", "Nothing."]
    df = spark.createDataFrame([("a", texts[0]), ("b", texts[1])], "key STRING, body STRING")
    got = cxs.find_mentions(df, text="body", id="key", segments=True).toPandas()
    ref = MATCHER.find_table(texts, segments=True).to_pandas(ids=["a", "b"])
    assert got["id"].tolist() == ref["id"].tolist() == ["a", "a", "a"]
    assert got["sentence"].tolist() == ref["sentence"].tolist() == [0, 0, 1]


def test_bad_input(spark: Any) -> None:
    df = texts_frame(spark, ["x"], 1)
    with pytest.raises(TypeError, match=r"pyspark\.sql\.DataFrame"):
        cxs.find_mentions(pd.DataFrame({"text": ["x"]}))
    with pytest.raises(KeyError, match="no column 'body'"):
        cxs.find_mentions(df, text="body")
    with pytest.raises(TypeError, match="must be strings"):
        cxs.find_mentions(df, text="id", id="text")
    with pytest.raises(ValueError, match="no entity has kind"):
        cxs.cooccurrence(df, kinds="threat-actor")
