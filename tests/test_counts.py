"""Partial co-occurrence counts: adding, refusing, pickling, evidence and the values of pairs that never co-occur.

The references here are independent of the core: evidence is recomputed in plain Python from ``segment()`` spans,
``Matcher.find`` mentions and the word rule of ``tests/reference.py``; sums are compared with counting the whole.
"""

from __future__ import annotations

import itertools
import math
import pickle
import re
from functools import reduce
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import is_word
from test_cooccurrence import MATCHER, PARAGRAPH, corpora

import cybernexus as cx
from cybernexus._core import _counts_from_bytes

SCOPES = [("document", None), ("paragraph", None), ("sentence", None), ("window", 3)]


def token_starts(text: str) -> list[int]:
    """Starts of maximal runs of word characters, by the reference word rule."""
    return [i for i, c in enumerate(text) if is_word(c) and (i == 0 or not is_word(text[i - 1]))]


def reference_units(text: str, scope: str, window: int | None) -> list[tuple[int, int, set[str]]]:
    """Every unit of ``text`` with its span (code points) and the ids it mentions, in plain Python."""
    mentions = MATCHER.find(text)
    if scope == "document":
        return [(0, len(text), {m.entity_id for m in mentions})]
    if scope in ("paragraph", "sentence"):
        seg = cx.segment(text)
        spans = seg["paragraphs"] if scope == "paragraph" else [s[:2] for s in seg["sentences"]]
        return [(s, e, {m.entity_id for m in mentions if s <= m.start < e}) for s, e in spans]
    assert window is not None
    tokens = token_starts(text)
    n_blocks = math.ceil(len(tokens) / window)
    units: list[tuple[int, int, set[str]]] = []
    for b in range(n_blocks):
        start = 0 if b == 0 else tokens[b * window]
        end = tokens[(b + 1) * window] if (b + 1) * window < len(tokens) else len(text)
        units.append((start, end, set()))
    for m in mentions:
        # The block of the first token the mention touches: the token it starts in or right after, else the next.
        touching = [i for i, t in enumerate(tokens) if t <= m.start]
        t = touching[-1] if touching else 0
        if touching and not all(is_word(c) for c in text[tokens[t] : m.start]):
            t += 1
        if t // window < n_blocks:
            units[t // window][2].add(m.entity_id)
    return units


def reference_evidence(
    texts: list[str], scope: str, window: int | None, a: str, b: str
) -> list[tuple[int, int, int]]:
    return [
        (doc, start, end)
        for doc, text in enumerate(texts)
        for start, end, ids in reference_units(text, scope, window)
        if a in ids and b in ids
    ]


def count(
    texts: list[str], scope: str = "sentence", window: int | None = None, **options: object
) -> cx.Cooccurrence:
    return cx.cooccurrence(texts, MATCHER, scope=scope, window=window, **options)  # type: ignore[arg-type]


@settings(max_examples=120, deadline=None)
@given(texts=corpora, which=st.sampled_from(SCOPES))
def test_evidence_is_the_units_that_were_counted(
    texts: list[str], which: tuple[str, int | None]
) -> None:
    """For every pair (an entity with itself included), evidence() lists exactly the reference units holding both,
    and their number is the pair's count."""
    scope, window = which
    co = count(texts, scope, window)
    for a in co.labels:
        for b in co.labels:
            rows = co.evidence(a, b)
            found = [(r["doc"], r["start"], r["end"]) for r in rows]
            assert found == reference_evidence(texts, scope, window, a, b)
            assert len(found) == co.count(a, b)
            assert all(texts[r["doc"]][r["start"] : r["end"]] == r["text"] for r in rows)


def test_evidence_reads_units_by_the_core_word_rule_not_pythons() -> None:
    """A combining mark continues a token for the core (and the reference) but not for Python's ``\\w``: the
    window units of evidence() follow the core, so they are the units that were counted."""
    text = "Sofacy e\u0301te\u0301 GRU xx Russia"
    co = count([text], "window", 2)
    # Tokens: Sofacy | e+mark te+mark | GRU | xx | Russia: blocks [Sofacy, été], [GRU, xx], [Russia].
    assert token_starts(text) == [0, 7, 13, 17, 20]
    assert (
        co.evidence("threat_actor:apt28", "threat_actor:apt28")[0]["text"]
        == "Sofacy e\u0301te\u0301 "
    )
    assert co.count("threat_actor:apt28", "agency:ru-gru") == 0
    assert co.evidence("threat_actor:apt28", "agency:ru-gru") == []
    assert [r["start"] for r in co.evidence("agency:ru-gru", "agency:ru-gru")] == [13]


def test_evidence_after_adding_numbers_documents_in_the_order_of_the_sum() -> None:
    first = [PARAGRAPH, "Nothing here."]
    second = ["Sandworm and the GRU again.", PARAGRAPH]
    total = count(first) + count(second)
    whole = count(first + second)
    pair = ("threat_actor:sandworm", "agency:ru-gru")
    assert total.evidence(*pair) == whole.evidence(*pair)
    assert [r["doc"] for r in total.evidence(*pair)] == [0, 2, 3]
    assert [r["doc"] for r in total.evidence(*pair, limit=2)] == [0, 2]
    summed: Any = sum([count(first), count(second)])
    assert summed.evidence(*pair) == whole.evidence(*pair)


def test_evidence_after_pickling_takes_the_texts_or_says_what_it_needs() -> None:
    texts = [PARAGRAPH, "Sandworm and the GRU again."]
    co = count(texts)
    pair = ("threat_actor:sandworm", "agency:ru-gru")
    restored = pickle.loads(pickle.dumps(co))
    with pytest.raises(
        ValueError, match=r"pass the counted documents as evidence\(a, b, texts=\.\.\.\)"
    ):
        restored.evidence(*pair)
    with pytest.raises(ValueError, match="also needs matcher="):
        restored.evidence(*pair, texts=texts)
    assert restored.evidence(*pair, texts=texts, matcher=MATCHER) == co.evidence(*pair)
    # A matcher of another gazetteer, or with other rules, would not find the units that were counted.
    for other in (cx.Matcher(), cx.Matcher(cx.example_gazetteer(), overlaps="all")):
        with pytest.raises(ValueError, match="needs the matcher that made the counts"):
            restored.evidence(*pair, texts=texts, matcher=other)
    with pytest.raises(TypeError, match="texts must be a list or tuple of str"):
        co.evidence(*pair, texts="one text")
    with pytest.raises(KeyError, match="does not occur"):
        co.evidence("threat_actor:sandworm", "country:XX")


def test_streamed_counts_have_no_texts_but_take_them() -> None:
    texts = [PARAGRAPH, "Sandworm and the GRU again."]
    streamed = cx.cooccurrence(iter(texts), MATCHER, batch_size=1)
    assert streamed == count(texts)
    pair = ("threat_actor:sandworm", "agency:ru-gru")
    with pytest.raises(ValueError, match="made from an iterator"):
        streamed.evidence(*pair)
    assert streamed.evidence(*pair, texts=texts, matcher=MATCHER) == count(texts).evidence(*pair)


EXAMPLE = cx.example_gazetteer()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"scope": "document"},
            "cannot add counts of scope 'document' to counts of scope 'sentence'",
        ),
        (
            {"scope": "window", "window": 5},
            "cannot add counts of scope 'window:5' to counts of scope 'sentence'",
        ),
        (
            {"rollup": "country"},
            "cannot add counts made with kinds=None, rollup='country' to counts made with kinds=None, rollup=None",
        ),
        (
            {"kinds": ["country", "agency"]},
            (
                "cannot add counts made with kinds=['agency', 'country'], rollup=None to counts made with "
                "kinds=None, rollup=None"
            ),
        ),
        ({"matcher": cx.Matcher()}, "cannot add counts made with another gazetteer"),
        (
            {
                "matcher": cx.Matcher(
                    EXAMPLE.merge(cx.Gazetteer([{"id": "x:y", "kind": "country", "name": "Y"}]))
                )
            },
            "cannot add counts made with another gazetteer",
        ),
        (
            {"matcher": cx.Matcher(EXAMPLE, overlaps="all")},
            "cannot add counts of a matcher with overlaps='all'",
        ),
        (
            {"matcher": cx.Matcher(EXAMPLE, acronyms=False)},
            "acronyms=False",
        ),
    ],
)
def test_adding_refuses_counts_made_differently(options: dict[str, object], message: str) -> None:
    texts = [PARAGRAPH]
    base = cx.cooccurrence(texts, MATCHER)
    matcher = options.pop("matcher", MATCHER)
    other = cx.cooccurrence(texts, matcher, **options)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=re.escape(message)):
        base + other
    # A matcher rebuilt from the same gazetteer (a pickle, a worker process) is the same.
    same = pickle.loads(pickle.dumps(MATCHER))
    assert base + cx.cooccurrence(texts, same) == cx.cooccurrence(texts + texts, MATCHER)


def test_adding_something_else_is_a_type_error() -> None:
    co = count([PARAGRAPH])
    with pytest.raises(TypeError):
        co + 1
    with pytest.raises(TypeError):
        co + co.counts
    assert 0 + co is co


@settings(max_examples=60, deadline=None)
@given(
    texts=corpora,
    cuts=st.lists(st.integers(0, 12), max_size=4),
    which=st.sampled_from(SCOPES),
    rollup=st.sampled_from([None, "country"]),
    order=st.randoms(use_true_random=False),
)
def test_parts_add_up_exactly_in_any_bracketing_and_through_pickles(
    texts: list[str],
    cuts: list[int],
    which: tuple[str, int | None],
    rollup: str | None,
    order: object,
) -> None:
    """Split a corpus anywhere, count the parts (each through a pickle, as from a worker), add them in any
    bracketing: the result equals the counts of the whole."""
    scope, window = which
    bounds = sorted({0, len(texts), *(min(c, len(texts)) for c in cuts)})
    parts = [
        pickle.loads(pickle.dumps(count(texts[a:b], scope, window, rollup=rollup)))
        for a, b in itertools.pairwise(bounds)
    ] or [count([], scope, window, rollup=rollup)]
    whole = count(texts, scope, window, rollup=rollup)
    assert reduce(lambda x, y: x + y, parts) == whole
    assert reduce(lambda x, y: y + x, reversed(parts)) == whole
    assert sum(parts) == whole
    # Any binary tree over the parts: pair neighbours at random until one is left.
    pool = list(parts)
    while len(pool) > 1:
        i = order.randrange(len(pool) - 1)  # type: ignore[attr-defined]
        pool[i : i + 2] = [pool[i] + pool[i + 1]]
    assert pool[0] == whole
    assert pool[0].counts.toarray().tolist() == whole.counts.toarray().tolist()
    assert pool[0].labels == sorted(pool[0].labels)


def test_pickles_are_compact_and_damaged_ones_are_refused() -> None:
    texts = [PARAGRAPH] * 50 + ["Sofacy, Lazarus and Russia.", "NATO and Sweden."]
    co = count(texts, "document")
    state = pickle.dumps(co)
    upper = (len(co._data) + len(co.labels)) // 2
    # 16 bytes per stored pair, plus the labels and the key: no scipy matrix, no Python objects per pair.
    labels = sum(len(x) for x in (*co.labels, *co.names, *co.kinds))
    assert len(state) < 16 * upper + 2 * labels + 1200
    raw = co._counts.__reduce__()[1][0]
    for bad in (b"", b"junk", raw[:-1], raw[:20], raw[:-16]):
        with pytest.raises(ValueError, match="cannot read co-occurrence counts"):
            _counts_from_bytes(bad)


def test_pairs_that_never_cooccur_read_as_never_in_every_frame() -> None:
    """NPMI is -1 for a pair that never co-occurs (0 would read as "independent"); PMI is -inf; G² and χ², which
    depend on the margins there, are NaN; an entity with itself is NaN for every measure."""
    texts = ["Sofacy and the GRU.", "Russia.", "Sofacy and Russia.", "Lazarus."]
    co = count(texts)
    a, b, c = "threat_actor:apt28", "country:RU", "threat_actor:lazarus"
    npmi: Any = co.to_pandas("npmi")
    assert npmi.loc[a, c] == -1.0
    assert npmi.loc[a, b] == pytest.approx(co.pair(a, b)["npmi"])
    assert math.isnan(npmi.loc[a, a])
    assert npmi[c].sparse.fill_value == -1.0
    assert co.pair(a, c)["npmi"] == -1.0
    assert co.to_pandas("pmi").loc[a, c] == -math.inf
    g2: Any = co.to_pandas("g2")
    assert math.isnan(g2.loc[a, c])
    counts: Any = co.to_pandas("count")
    assert counts.loc[a, c] == 0 and counts.loc[a, a] == 2
    assert str(counts[a].dtype) == "Sparse[int64, 0]"
    jaccard: Any = co.to_pandas("jaccard")
    dense = jaccard.sparse.to_dense()
    assert dense.loc[a, c] == 0.0
    # Never densified: the stored cells are the pairs that co-occur and the diagonal.
    assert sum(col.sparse.npoints for _, col in npmi.items()) == len(co._data)
    frame = co.bipartite("threat_actor", "country", "npmi")
    assert frame.loc[c, b] == -1.0 and frame.loc[a, b] == pytest.approx(co.pair(a, b)["npmi"])


def test_unknown_kinds_are_refused_everywhere() -> None:
    g = cx.example_gazetteer()
    with pytest.raises(ValueError, match="no entity has kind 'threat-actor' \\(the kinds are: "):
        g.filter(kind="threat-actor")
    with pytest.raises(ValueError, match="no entity has kind 'threat-actor'"):
        g.filter(kind=["country", "threat-actor"])
    with pytest.raises(ValueError, match="no entity has kind 'threat-actor'"):
        count([PARAGRAPH], kinds="threat-actor")
    assert len(g.filter(kind=[])) == 0


def test_rollup_and_kinds_label_groups_in_the_core() -> None:
    texts = ["The GRU and Sofacy hit Sweden.", "Russia."]
    co = count(texts, "document", rollup="country")
    assert co.labels == ["country:RU", "country:SE"]
    assert co.names[0] == "Russia" and co.count("country:RU", "country:SE") == 1
    mapped = count(
        texts,
        "document",
        rollup={"agency:ru-gru": "russia-state", "threat_actor:apt28": "russia-state"},
    )
    assert "russia-state" in mapped.labels
    i = mapped.labels.index("russia-state")
    assert (mapped.names[i], mapped.kinds[i]) == ("russia-state", "group")
    assert mapped.count("russia-state", "russia-state") == 1
    with pytest.raises(ValueError, match="rollup must be"):
        count(texts, rollup="continent")
    with pytest.raises(TypeError, match="rollup must be"):
        count(texts, rollup=5)
    assert np.array_equal(co.occurrences, [2, 1])
