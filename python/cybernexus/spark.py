"""Finding mentions and counting co-occurrences on Spark (``pip install 'cybernexus[spark]'``; Spark needs a Java
runtime, 17 or later).

>>> import cybernexus.spark as cxs
>>> news = spark.read.parquet("news.parquet")                    # columns "id" and "text"
>>> mentions = cxs.find_mentions(news, text="text", id="id")     # a Spark DataFrame, one row per mention
>>> co = cxs.cooccurrence(news, text="text", scope="sentence")   # a cybernexus.Cooccurrence

Mentions go through ``mapInArrow``: each Arrow batch of texts is matched in the core and comes back as an Arrow
batch of plain (not dictionary-encoded) columns under a declared schema. The matcher is broadcast once; each Python
worker process builds it once and keeps it (``cybernexus._workers``). Co-occurrence counts each partition in the
core, sends back its compact partial counts, and adds them on the driver: exact, so the result equals
:func:`cybernexus.cooccurrence` on all the texts in one process.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from cybernexus._core import MAX_UNIT_ENTITIES, Matcher, _cooccurrence, _counts_from_bytes
from cybernexus._workers import MatcherHandle, check_threads
from cybernexus.cooccurrence import Cooccurrence, _check_min_count, _options

__all__ = ["cooccurrence", "find_mentions", "mention_schema"]

#: The columns of the mentions after ``id``, as Spark DDL.
_COLUMNS = (
    "start BIGINT, end BIGINT, entity_id STRING, kind STRING, name STRING, alias STRING, form STRING, "
    "resolved_by STRING, ambiguous BOOLEAN, via STRING"
)


def _pyspark() -> Any:
    try:
        import pyspark.sql
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "cybernexus.spark needs pyspark: pip install 'cybernexus[spark]' (and a Java runtime)"
        ) from err
    return pyspark.sql


def mention_schema(id_type: str = "BIGINT", *, segments: bool = False) -> str:
    """The schema of :func:`find_mentions`' output as Spark DDL: ``id`` (of ``id_type``), ``start, end``,
    ``entity_id, kind, name, alias, form, resolved_by`` (strings), ``ambiguous``, ``via``, and ``sentence, paragraph``
    with ``segments=True``."""
    extra = ", sentence BIGINT, paragraph BIGINT" if segments else ""
    return f"id {id_type}, {_COLUMNS}{extra}"


def _map_mentions(
    batches: Iterator[Any], handle: Any, text: str, id: str, segments: bool, n_threads: int | None
) -> Iterator[Any]:
    """The ``mapInArrow`` function: Arrow batches of (text, id) in, Arrow batches of mentions out."""
    matcher = handle.value.matcher
    for batch in batches:
        # Read in place: the core takes string, large_string and string_view columns.
        table = matcher.find_table(
            batch.column(text), n_threads=n_threads, segments=segments
        ).to_arrow(dictionary=False, ids=batch.column(id))
        yield from table.drop_columns(["doc"]).to_batches()


def find_mentions(
    df: Any,
    text: str = "text",
    id: str = "id",
    matcher: Matcher | None = None,
    *,
    segments: bool = False,
    n_threads: int | None = 1,
) -> Any:
    """Every mention in a Spark DataFrame of texts, as a Spark DataFrame with a declared schema
    (:func:`mention_schema`; ``id`` keeps the type of the input's id column).

    Args:
        df: A Spark DataFrame with a string column ``text`` and an id column ``id`` (a null text is an empty
            document).
        text: The column holding the texts.
        id: The column holding each document's id, carried to each of its mentions.
        matcher: The matcher (default: the built-in gazetteer); broadcast once.
        segments: Also give each mention's ``sentence`` and ``paragraph``.
        n_threads: Threads per Spark task (default 1: Spark runs tasks in parallel already).
    """
    sql = _pyspark()
    if not isinstance(df, sql.DataFrame):
        raise TypeError(
            f"df must be a pyspark.sql.DataFrame, got {type(df).__name__} (for pandas or lists, use Matcher.find_table)"
        )
    fields = {f.name: f for f in df.schema.fields}
    for name, what in ((text, "text"), (id, "id")):
        if name not in fields:
            raise KeyError(
                f"no column {name!r} ({what}) in the DataFrame (columns: {', '.join(fields)})"
            )
    if fields[text].dataType.typeName() != "string":
        raise TypeError(
            f"column {text!r} must be strings, got {fields[text].dataType.simpleString()}"
        )
    n_threads = check_threads(n_threads)
    handle = df.sparkSession.sparkContext.broadcast(MatcherHandle(matcher))
    schema = mention_schema(fields[id].dataType.simpleString(), segments=segments)
    function = partial(
        _map_mentions, handle=handle, text=text, id=id, segments=segments, n_threads=n_threads
    )
    return df.select(text, id).mapInArrow(function, schema)


def _map_counts(
    batches: Iterator[Any], handle: Any, text: str, options: dict[str, Any]
) -> Iterator[Any]:
    """The ``mapInArrow`` function of :func:`cooccurrence`: one row per partition, its partial counts pickled."""
    import pyarrow as pa

    matcher = handle.value.matcher
    total = _cooccurrence(matcher, [], **options)
    for batch in batches:
        total = total + _cooccurrence(matcher, batch.column(text), **options)
    state = total.__reduce__()[1][0]
    yield pa.record_batch([pa.array([state], pa.binary())], names=["counts"])


def cooccurrence(
    df: Any,
    text: str = "text",
    matcher: Matcher | None = None,
    *,
    scope: str = "sentence",
    window: int | None = None,
    kinds: Any = None,
    rollup: Any = None,
    min_count: int = 1,
    n_threads: int | None = 1,
    max_unit_entities: int | None = MAX_UNIT_ENTITIES,
) -> Cooccurrence:
    """Co-occurrence counts of a Spark DataFrame of texts: each partition counted in the core on the executors,
    the partial counts (a few kB each) collected and added on the driver. Options are those of
    :func:`cybernexus.cooccurrence`; the result is a :class:`cybernexus.Cooccurrence` (pass the texts to
    ``evidence()``)."""
    sql = _pyspark()
    if not isinstance(df, sql.DataFrame):
        raise TypeError(f"df must be a pyspark.sql.DataFrame, got {type(df).__name__}")
    if text not in df.columns:
        raise KeyError(f"no column {text!r} in the DataFrame (columns: {', '.join(df.columns)})")
    _check_min_count(min_count)
    handle = MatcherHandle(matcher)
    options = _options(scope, window, kinds, rollup, check_threads(n_threads), max_unit_entities)
    # Bad options fail here, on the driver, not in every task.
    total = _cooccurrence(handle.matcher, [], **options)
    shared = df.sparkSession.sparkContext.broadcast(handle)
    function = partial(_map_counts, handle=shared, text=text, options=options)
    for row in df.select(text).mapInArrow(function, "counts BINARY").collect():
        total = total + _counts_from_bytes(bytes(row["counts"]))
    return Cooccurrence(total, min_count=min_count)
