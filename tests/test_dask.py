"""cybernexus.dask on a real two-process LocalCluster: mentions and counts equal the single-process results
exactly, with empty partitions, partitions of one document and documents without a mention."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import cybernexus as cx

dd = pytest.importorskip("dask.dataframe")
db = pytest.importorskip("dask.bag")
distributed = pytest.importorskip("distributed")
cxd = pytest.importorskip("cybernexus.dask")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::ResourceWarning")

DATA = Path(cx.__file__).parent / "data"
MATCHER = cx.Matcher()


def corpus() -> list[str | None]:
    """The bundled sample texts and generated ones: no mention, empty, missing, one word."""
    lines = [
        *(DATA / "sample_texts.jsonl").open(encoding="utf-8"),
        *(DATA / "misp_descriptions.jsonl").open(),
    ][:300]
    sample = [json.loads(line)["text"] for line in lines]
    generated = [
        "Nothing to see.",
        "",
        None,
        "GRU",
        "Sofacy and Lazarus; Sweden and Finland. NATO.",
    ]
    return [*sample, *generated] * 3


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


def frame(texts: list[str | None], npartitions: int) -> object:
    pdf = pd.DataFrame({"id": [f"doc{i}" for i in range(len(texts))], "text": texts})
    return dd.from_pandas(pdf, npartitions=npartitions)


def reference(texts: list[str | None]) -> pd.DataFrame:
    plain = [t or "" for t in texts]
    out = MATCHER.find_table(plain).to_pandas(ids=[f"doc{i}" for i in range(len(texts))])
    return out.drop(columns="doc")


def rows(f: pd.DataFrame) -> list[tuple[object, ...]]:
    # The engines' columns (those of mention_meta), compared as plain values.
    cols = [c for c in ("id", *MATCHER.find_table([]).to_pandas().columns) if c != "doc" and c in f]
    return sorted(
        tuple(None if pd.isna(v) else str(v) if not isinstance(v, (int, bool)) else v for v in r)
        for r in f[cols].astype(object).itertuples(index=False)
    )


@pytest.mark.parametrize("npartitions", [1, 3, 40])
def test_mentions_equal_one_process(client: object, npartitions: int) -> None:
    texts = corpus()
    got = cxd.find_mentions(frame(texts, npartitions)).compute()
    expected = reference(texts)
    assert len(got) == len(expected) > 100
    assert rows(got) == rows(expected)
    meta = cxd.mention_meta(MATCHER, id_dtype=got["id"].dtype)
    assert {c: str(t) for c, t in got.dtypes.items()} == {c: str(t) for c, t in meta.dtypes.items()}


def test_empty_and_single_document_partitions(client: object) -> None:
    texts = corpus()[:5]
    pdf = pd.DataFrame({"id": range(5), "text": texts})
    # Five partitions of one document each, and a filter that leaves some partitions empty.
    ddf = dd.from_pandas(pdf, npartitions=5)
    ddf = ddf[ddf["id"] % 2 == 0]
    got = cxd.find_mentions(ddf).compute()
    kept = [t or "" for i, t in enumerate(texts) if i % 2 == 0]
    expected = MATCHER.find_table(kept).to_pandas(ids=[0, 2, 4]).drop(columns="doc")
    assert rows(got) == rows(expected)
    assert str(got["id"].dtype) == "int64"
    co = cxd.cooccurrence(ddf, scope="document")
    assert co == cx.cooccurrence(kept, scope="document")


@pytest.mark.parametrize(
    ("scope", "window", "rollup"),
    [("sentence", None, None), ("document", None, "country"), ("window", 20, None)],
)
def test_counts_equal_one_process(
    client: object, scope: str, window: int | None, rollup: str | None
) -> None:
    texts = corpus()
    whole = cx.cooccurrence([t or "" for t in texts], scope=scope, window=window, rollup=rollup)  # type: ignore[arg-type]
    for npartitions in (1, 7):
        got = cxd.cooccurrence(
            frame(texts, npartitions), scope=scope, window=window, rollup=rollup, split_every=2
        )
        assert got == whole
        assert got.counts.toarray().tolist() == whole.counts.toarray().tolist()


def test_series_and_bags(client: object) -> None:
    texts = [t or "" for t in corpus()]
    series = dd.from_pandas(pd.Series(texts, name="text"), npartitions=4)
    got = cxd.find_mentions(series).compute()
    expected = MATCHER.find_table(texts).to_pandas(ids=list(range(len(texts)))).drop(columns="doc")
    assert rows(got) == rows(expected)
    bag = db.from_sequence(texts, npartitions=3)
    assert len(cxd.find_mentions(bag).compute()) == len(expected)
    assert cxd.cooccurrence(bag) == cx.cooccurrence(texts)
    records = db.from_sequence([{"k": i, "t": t} for i, t in enumerate(texts)], npartitions=2)
    assert rows(cxd.find_mentions(records, text="t", id="k").compute()) == rows(expected)


def test_the_matcher_is_built_once_per_worker(client: object) -> None:
    from cybernexus import _workers

    before = client.run(_workers.builds)  # type: ignore[attr-defined]
    cxd.find_mentions(frame(corpus(), 30)).compute()
    after = client.run(_workers.builds)  # type: ignore[attr-defined]
    # 30 partitions over 2 workers: the built-in matcher is built at most once in each (the module's earlier tests
    # may have built it already).
    assert all(after[w] - before.get(w, 0) <= 1 and after[w] <= 1 for w in after)
    assert len(after) == 2


def test_bad_input() -> None:
    with pytest.raises(TypeError, match="dask DataFrame, Series or Bag"):
        cxd.find_mentions(["a list"])
    with pytest.raises(KeyError, match="no column 'body'"):
        cxd.find_mentions(frame(["x"], 1), text="body")
    with pytest.raises(KeyError, match="id=None"):
        cxd.find_mentions(frame(["x"], 1), id="key")
    with pytest.raises(ValueError, match="n_threads must be at least 1"):
        cxd.find_mentions(frame(["x"], 1), n_threads=0)
    with pytest.raises(ValueError, match="no entity has kind"):
        cxd.cooccurrence(frame(["x"], 1), kinds="threat-actor")
    with pytest.raises(ValueError, match="split_every"):
        cxd.cooccurrence(frame(["x"], 1), split_every=1)


def test_kind_categories_follow_each_matchers_gazetteer() -> None:
    """The categories are cached per matcher: two matchers never share them, and a dropped matcher leaves the
    cache."""
    import gc

    example = cx.Matcher(cx.example_gazetteer())
    kinds = sorted({e.kind for e in cx.example_gazetteer()} | {"threat_actor"})
    assert list(cxd.mention_meta(example)["kind"].cat.categories) == kinds
    builtin = sorted(set(MATCHER.gazetteer.stats()["by_kind"]) | {"threat_actor"})
    assert builtin != kinds
    assert list(cxd.mention_meta(MATCHER)["kind"].cat.categories) == builtin
    assert list(cxd.mention_meta(example)["kind"].cat.categories) == kinds
    assert example in cxd._CATEGORIES
    n = len(cxd._CATEGORIES)
    del example
    gc.collect()
    assert len(cxd._CATEGORIES) == n - 1
