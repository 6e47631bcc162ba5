"""Co-occurrence counts and measures, against a plain-Python reference and hand-computed examples."""

from __future__ import annotations

import itertools
import math
import pickle
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cybernexus as cx
from cybernexus.cooccurrence import MEASURES, measure_values

MATCHER = cx.Matcher(cx.example_gazetteer())
ALIASES = [
    "Fancy Bear",
    "Sofacy",
    "GRU",
    "Russia",
    "Swedish",
    "NATO",
    "the U.S.",
    "Lazarus",
    "Sandworm",
]
SEPARATORS = [
    " ",
    ", ",
    " and ",
    ". ",
    ".\n\n",
    "\n",
    " a.k.a. ",
    " U.S. officials ",
    " Gen. Smith ",
]
PARAGRAPH = (
    "Finland and Norway reported the intrusions to NATO. Dutch and British agencies later tied them "
    "to Sandworm, a unit of the GRU."
)


def reference(
    texts: list[str], scope: str, window: int | None = None
) -> tuple[int, Counter[tuple[str, str]]]:
    """Units and pair counts (both orders and the diagonal), computed in plain Python from mentions and spans."""
    n_units = 0
    pairs: Counter[tuple[str, str]] = Counter()
    for text in texts:
        mentions = MATCHER.find(text)
        if scope == "document":
            units = [{m.entity_id for m in mentions}]
        elif scope in ("paragraph", "sentence"):
            seg = cx.segment(text)
            spans = seg["paragraphs"] if scope == "paragraph" else seg["sentences"]
            units = [{m.entity_id for m in mentions if s[0] <= m.start < s[1]} for s in spans]
        else:
            assert window is not None
            # tokens: runs of word characters; a mention belongs to the block of the first token it touches
            tokens = [t.start() for t in re.finditer(r"\w+", text)]
            units = [set() for _ in range(math.ceil(len(tokens) / window))]
            for m in mentions:
                before = [i for i, start in enumerate(tokens) if start <= m.start]
                t = before[-1] if before else 0
                if before and not re.fullmatch(r"\w*", text[tokens[t] : m.start]):
                    t += 1
                if t // window < len(units):
                    units[t // window].add(m.entity_id)
        for unit in units:
            n_units += 1
            for a, b in itertools.product(unit, unit):
                pairs[(a, b)] += 1
    return n_units, pairs


def as_counter(co: cx.Cooccurrence) -> Counter[tuple[str, str]]:
    coo = co.counts.tocoo()
    return Counter(
        {
            (co.labels[r], co.labels[c]): int(v)
            for r, c, v in zip(coo.row, coo.col, coo.data, strict=True)
        }
    )


corpora = st.lists(
    st.lists(st.sampled_from(ALIASES + SEPARATORS), max_size=25).map("".join), max_size=12
)


@settings(max_examples=150, deadline=None)
@given(texts=corpora, scope=st.sampled_from(["document", "paragraph", "sentence", "window"]))
def test_counts_equal_the_reference(texts: list[str], scope: str) -> None:
    """For every scope, the Rust counts equal a plain-Python count over mentions and segment spans."""
    window = 3 if scope == "window" else None
    co = cx.cooccurrence(texts, MATCHER, scope=scope, window=window)  # type: ignore[arg-type]
    n_units, pairs = reference(texts, scope, window)
    assert co.n_units == n_units
    assert as_counter(co) == pairs
    dense = co.counts.toarray()
    assert np.array_equal(dense, dense.T)


@settings(max_examples=60, deadline=None)
@given(texts=corpora)
def test_document_scope_equals_binarised_xt_x(texts: list[str]) -> None:
    """At document scope the matrix is X.T @ X of the binarised document x entity matrix."""
    co = cx.cooccurrence(texts, MATCHER, scope="document")
    ids = co.labels
    x = np.zeros((len(texts), len(ids)), dtype=np.int64)
    for d, mentions in enumerate(MATCHER.find_many(texts)):
        for m in mentions:
            x[d, ids.index(m.entity_id)] = 1
    assert np.array_equal(co.counts.toarray(), x.T @ x)
    assert co.n_units == len(texts)


@settings(max_examples=40, deadline=None)
@given(a=corpora, b=corpora, c=corpora)
def test_merging_is_exact_and_associative(a: list[str], b: list[str], c: list[str]) -> None:
    """Counts of disjoint parts add up to the counts of the whole, in any grouping, for any thread count."""
    parts = [cx.cooccurrence(p, MATCHER, n_threads=n) for p, n in ((a, 1), (b, 2), (c, 4))]
    whole = cx.cooccurrence(a + b + c, MATCHER)
    assert (parts[0] + parts[1]) + parts[2] == whole
    assert parts[0] + (parts[1] + parts[2]) == whole


def test_sentence_and_document_scope_on_the_issue_paragraph() -> None:
    """Sentence scope links Sandworm with the Netherlands, the UK and the GRU but not Finland or NATO."""
    co = cx.cooccurrence([PARAGRAPH], MATCHER, scope="sentence")
    sandworm = "threat_actor:sandworm"
    linked = {label for label in co.labels if label != sandworm and co.count(sandworm, label) > 0}
    assert linked == {"country:NL", "country:GB", "agency:ru-gru"}
    assert co.count(sandworm, "country:FI") == 0 and co.count(sandworm, "agency:nato") == 0
    doc = cx.cooccurrence([PARAGRAPH], MATCHER, scope="document")
    assert {label for label in doc.labels if doc.count(sandworm, label)} == set(doc.labels)
    assert len(doc.labels) == 7 and doc.n_units == 1


def test_measures_on_a_hand_computed_table() -> None:
    """N=10, n1=4, n2=5, n11=3: every measure by hand."""
    texts = ["Sofacy and NATO."] * 3 + ["Sofacy."] + ["NATO."] * 2 + ["nothing"] * 4
    co = cx.cooccurrence(texts, MATCHER, scope="document")
    p = co.pair("threat_actor:apt28", "agency:nato")
    assert (p["n11"], p["n1"], p["n2"], p["N"]) == (3, 4, 5, 10)
    assert p["pmi"] == pytest.approx(math.log(3 * 10 / (4 * 5)))
    assert p["npmi"] == pytest.approx(math.log(1.5) / -math.log(0.3))
    assert p["jaccard"] == pytest.approx(3 / 6)
    assert p["dice"] == pytest.approx(6 / 9)
    assert p["lift"] == pytest.approx(1.5)
    observed = [3, 1, 2, 4]
    expected = [2.0, 2.0, 3.0, 3.0]
    assert p["g2"] == pytest.approx(
        2 * sum(o * math.log(o / e) for o, e in zip(observed, expected, strict=True))
    )
    assert p["chi2"] == pytest.approx(
        sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))
    )


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(1, 10_000),
    data=st.data(),
)
def test_measures_follow_their_formulas_on_random_tables(n: int, data: st.DataObject) -> None:
    """Vectorised measures equal a scalar evaluation of the formulas; NPMI stays in [-1, 1]."""
    n1 = data.draw(st.integers(1, n))
    n2 = data.draw(st.integers(1, n))
    n11 = data.draw(st.integers(max(0, n1 + n2 - n), min(n1, n2)))
    get = {m: float(measure_values(m, n11, n1, n2, n)) for m in MEASURES}
    if n11 > 0:
        assert get["pmi"] == pytest.approx(math.log(n11 * n / (n1 * n2)))
        assert get["jaccard"] == pytest.approx(n11 / (n1 + n2 - n11))
    assert -1.0 <= get["npmi"] <= 1.0
    assert get["dice"] == pytest.approx(2 * n11 / (n1 + n2))
    cells = [n11, n1 - n11, n2 - n11, n - n1 - n2 + n11]
    exp = [n1 * n2 / n, n1 * (n - n2) / n, (n - n1) * n2 / n, (n - n1) * (n - n2) / n]
    chi2 = sum((o - e) ** 2 / e for o, e in zip(cells, exp, strict=True) if e > 0)
    g2 = 2 * sum(o * math.log(o / e) for o, e in zip(cells, exp, strict=True) if o > 0)
    assert get["chi2"] == pytest.approx(chi2, rel=1e-9, abs=1e-9)
    assert get["g2"] == pytest.approx(g2, rel=1e-9, abs=1e-7)


def test_edges_top_pairs_and_labelled_frames() -> None:
    """edges() is a long table, top_pairs() the strongest, to_pandas() a labelled sparse matrix."""
    texts = [PARAGRAPH, "Sandworm and the GRU again.", "NATO and Sweden."]
    co = cx.cooccurrence(texts, MATCHER, scope="sentence", min_count=2)
    edges = co.edges("count")
    assert edges.to_dict("records") == [
        {
            "source": "agency:ru-gru",
            "target": "threat_actor:sandworm",
            "count": 2,
            "n_source": 2,
            "n_target": 2,
            "N": 4,
        }
    ]
    all_edges = co.edges("npmi", min_count=1)
    assert len(all_edges) == 10 and all_edges["npmi"].is_monotonic_decreasing
    top = co.top_pairs(1, "npmi")
    assert top[["source", "target"]].values.tolist() == [["agency:ru-gru", "threat_actor:sandworm"]]
    assert top["source_name"].tolist() == ["GRU"]
    frame = co.to_pandas()
    assert frame.loc["agency:ru-gru", "threat_actor:sandworm"] == 2
    assert frame.loc["country:SE", "country:SE"] == 1
    assert co.to_pandas("npmi").loc["agency:ru-gru", "threat_actor:sandworm"] == pytest.approx(
        co.pair("agency:ru-gru", "threat_actor:sandworm")["npmi"]
    )


def test_kinds_filter_and_pickle() -> None:
    """kinds= keeps only those kinds; a Cooccurrence pickles to an equal object."""
    co = cx.cooccurrence([PARAGRAPH], MATCHER, kinds=["country", "threat_actor"])
    assert set(co.kinds) == {"country", "threat_actor"}
    assert pickle.loads(pickle.dumps(co)) == co
    assert repr(co) == "<Cooccurrence: 5 entities, 4 pairs, 2 units (sentence)>"


def test_thread_counts_give_identical_results() -> None:
    """The counts are the same for 1, 2 and 4 threads."""
    texts = cx.sample_texts() * 30
    results = [
        cx.cooccurrence(texts, MATCHER, scope="sentence", n_threads=n) for n in (1, 2, 4, None)
    ]
    assert all(r == results[0] for r in results)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"scope": "chapter"},
            ValueError,
            "scope must be 'document', 'paragraph', 'sentence' or 'window'",
        ),
        ({"scope": "window"}, ValueError, "scope='window' needs window="),
        ({"scope": "sentence", "window": 5}, ValueError, "window is only for scope='window'"),
        ({"scope": "window", "window": 0}, ValueError, "window must be at least 1 token"),
        ({"scope": "window", "window": 2.5}, TypeError, "window must be an int"),
        ({"min_count": 0}, ValueError, "min_count must be at least 1"),
        ({"n_threads": 0}, ValueError, "n_threads must be at least 1"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    """Bad options raise clear errors."""
    with pytest.raises(error, match=re.escape(message)):
        cx.cooccurrence(["NATO"], MATCHER, **kwargs)  # type: ignore[arg-type]


def test_bad_inputs() -> None:
    """A single str, non-str items and a wrong matcher are TypeErrors; unknown ids KeyErrors."""
    with pytest.raises(TypeError, match="got a single str"):
        cx.cooccurrence("NATO and GRU", MATCHER)
    with pytest.raises(TypeError, match=r"texts\[1\] must be str, got NoneType"):
        cx.cooccurrence(["NATO", None], MATCHER)  # type: ignore[list-item]
    with pytest.raises(TypeError, match="matcher must be a Matcher, got str"):
        cx.cooccurrence(["NATO"], "matcher")  # type: ignore[arg-type]
    co = cx.cooccurrence(["NATO"], MATCHER)
    with pytest.raises(KeyError, match="does not occur"):
        co.count("agency:nato", "country:XX")
    with pytest.raises(ValueError, match="measure must be one of"):
        co.edges("cosine")  # type: ignore[arg-type]
    empty = cx.cooccurrence([], MATCHER)
    assert (empty.n_units, len(empty)) == (0, 0)


def test_segment_is_public() -> None:
    """segment() gives paragraph and sentence spans as str offsets."""
    text = "Ünïcödé U.S. officials met. Next one.\n\nSecond paragraph."
    seg = cx.segment(text)
    assert [text[s:e] for s, e in seg["paragraphs"]] == [
        "Ünïcödé U.S. officials met. Next one.",
        "Second paragraph.",
    ]
    assert [(text[s:e], p) for s, e, p in seg["sentences"]] == [
        ("Ünïcödé U.S. officials met.", 0),
        ("Next one.", 0),
        ("Second paragraph.", 1),
    ]
    with pytest.raises(TypeError, match="text must be str"):
        cx.segment(None)  # type: ignore[arg-type]


def test_paragraphs_end_at_every_line_end_and_at_the_paragraph_separator() -> None:
    """Lone CRs and U+2028 end lines like \\n; U+2029 always separates paragraphs, so paragraph scope
    counts Russia and APT28 apart there (they share a sentence-free document only)."""
    text = "Russia denied it.\u2029APT28 was named.\nNATO agreed."
    seg = cx.segment(text)
    assert [text[s:e] for s, e in seg["paragraphs"]] == [
        "Russia denied it.",
        "APT28 was named.\nNATO agreed.",
    ]
    for sep in ["\r", "\u2028", "\r\n"]:
        lines = f"Russia denied it.{sep}APT28 was named."
        assert [lines[s:e] for s, e in cx.segment(lines)["paragraphs"]] == [
            "Russia denied it.",
            "APT28 was named.",
        ]
    co = cx.cooccurrence([text], MATCHER, scope="paragraph")
    assert co.n_units == 2
    assert co.count("country:RU", "threat_actor:apt28") == 0
    assert co.count("threat_actor:apt28", "agency:nato") == 1


def test_rollup_counts_agencies_and_actors_as_their_country() -> None:
    """rollup="country": the GRU and Sandworm count as Russia, once per unit; NATO stays itself."""
    texts = ["Sandworm, a unit of the GRU, hit Ukraine.", "NATO and Russia.", "Sofacy and Russia."]
    co = cx.cooccurrence(texts, MATCHER, scope="document", rollup="country")
    assert co.labels == ["agency:nato", "country:RU", "country:UA"]
    assert co.count("country:RU", "country:RU") == 3
    assert co.count("country:RU", "country:UA") == 1
    assert co.count("agency:nato", "country:RU") == 1
    custom = cx.cooccurrence(
        texts, MATCHER, scope="document", rollup={"agency:ru-gru": "gru-family"}
    )
    assert (
        "gru-family" in custom.labels and custom.kinds[custom.labels.index("gru-family")] == "group"
    )
    with pytest.raises(ValueError, match="rollup must be 'country'"):
        cx.cooccurrence(texts, MATCHER, rollup="continent")  # type: ignore[arg-type]


def test_a_rollup_keyed_by_names_is_refused() -> None:
    """A mapping keyed by names changes nothing, so it is refused with the id to use; one unknown key among known
    ones is allowed (one mapping for a gazetteer and its filtered parts) and counts nothing different."""
    texts = ["Sandworm, a unit of the GRU, hit Ukraine.", "Sofacy and Russia."]
    with pytest.raises(
        ValueError,
        match=r"none of the mapping's 2 keys .*'Sandworm' is a name; its entity's id is 'threat_actor:sandworm'",
    ):
        cx.cooccurrence(texts, MATCHER, rollup={"Sofacy": "Russia", "Sandworm": "Russia"})
    mixed = {"threat_actor:sandworm": "gru-family", "threat_actor:no-such-actor": "gru-family"}
    one = {"threat_actor:sandworm": "gru-family"}
    co = cx.cooccurrence(texts, MATCHER, rollup=mixed)
    assert co.labels == cx.cooccurrence(texts, MATCHER, rollup=one).labels
    assert "gru-family" in co.labels and "threat_actor:sandworm" not in co.labels


def test_bipartite_actors_by_countries() -> None:
    """bipartite() gives rows of one kind and columns of another."""
    co = cx.cooccurrence([PARAGRAPH, "Sofacy hit Germany."], MATCHER)
    frame = co.bipartite("threat_actor", "country")
    assert list(frame.index) == ["threat_actor:apt28", "threat_actor:sandworm"]
    assert frame.loc["threat_actor:sandworm", "country:NL"] == 1
    assert frame.loc["threat_actor:apt28", "country:DE"] == 1
    assert frame.loc["threat_actor:sandworm", "country:FI"] == 0
    with pytest.raises(ValueError, match="no entity of kind 'threat_actors' occurs"):
        co.bipartite("threat_actors", "country")
    with pytest.raises(ValueError, match="k must be an int >= 0"):
        co.top_pairs(-1)


def test_time_slices_add_up_to_the_whole() -> None:
    """One matrix per period; their sum is the whole corpus."""
    texts = ["Sofacy and NATO.", "Sandworm and the GRU.", "Sofacy again and NATO."]
    dates = ["2024-01-15", "2024-02-01", "2024-03-31"]
    by_month = cx.cooccurrence_by_period(texts, dates, MATCHER, period="month", scope="document")
    assert list(by_month) == ["2024-01", "2024-02", "2024-03"]
    by_quarter = cx.cooccurrence_by_period(
        texts, dates, MATCHER, period="quarter", scope="document"
    )
    assert list(by_quarter) == ["2024-Q1"]
    total = by_month["2024-01"] + by_month["2024-02"] + by_month["2024-03"]
    assert total == by_quarter["2024-Q1"] == cx.cooccurrence(texts, MATCHER, scope="document")
    with pytest.raises(ValueError, match="same length, got 3 and 2"):
        cx.cooccurrence_by_period(texts, dates[:2], MATCHER)
    with pytest.raises(TypeError, match="not iterators"):
        cx.cooccurrence_by_period(iter(texts), dates, MATCHER)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="dates must be"):
        cx.cooccurrence_by_period(texts, [1, 2, 3], MATCHER)


def test_networkx_and_gexf(tmp_path: Path) -> None:
    """The graph has kinds, occurrences, weights and the measure; GEXF round-trips through networkx."""
    import networkx as nx

    co = cx.cooccurrence([PARAGRAPH, "Sandworm and the GRU again."], MATCHER)
    graph = co.to_networkx("npmi")
    assert graph.nodes["threat_actor:sandworm"] == {
        "name": "Sandworm",
        "kind": "threat_actor",
        "occurrences": 2,
    }
    edge = graph.edges["agency:ru-gru", "threat_actor:sandworm"]
    assert edge["weight"] == 2 and edge["npmi"] == pytest.approx(1.0)
    assert graph.number_of_edges() == 9  # 3 pairs in the first sentence, 6 in the second
    path = tmp_path / "graph.gexf"
    co.write_gexf(path)
    back = nx.read_gexf(path)
    assert back.nodes["agency:ru-gru"]["kind"] == "agency"
    assert back.edges["agency:ru-gru", "threat_actor:sandworm"]["weight"] == 2


def test_evidence_refuses_a_negative_or_boolean_limit() -> None:
    """Before: ``evidence(limit=-1)`` returned ``[]`` and ``limit=True`` was taken as 1 (a user review,
    2026-12-07); other calls with a ``limit`` refuse both."""
    co = cx.cooccurrence([PARAGRAPH], MATCHER)
    pair = ("threat_actor:sandworm", "agency:ru-gru")
    with pytest.raises(ValueError, match=r"^limit must be at least 0, got -1$"):
        co.evidence(*pair, limit=-1)
    with pytest.raises(TypeError, match=r"^limit must be an int or None, got bool$"):
        co.evidence(*pair, limit=True)
    with pytest.raises(TypeError, match=r"^limit must be an int or None, got float$"):
        co.evidence(*pair, limit=1.0)  # type: ignore[arg-type]
    assert co.evidence(*pair, limit=0) == []
    assert len(co.evidence(*pair, limit=None)) == 1


def test_evidence_lists_the_units_behind_a_pair() -> None:
    """evidence() returns the sentences where both entities occur, with offsets into their document."""
    texts = [PARAGRAPH, "Nothing. Sandworm and the GRU again."]
    co = cx.cooccurrence(texts, MATCHER)
    rows = co.evidence("threat_actor:sandworm", "agency:ru-gru")
    assert [(r["doc"], r["text"]) for r in rows] == [
        (0, "Dutch and British agencies later tied them to Sandworm, a unit of the GRU."),
        (1, "Sandworm and the GRU again."),
    ]
    assert all(texts[r["doc"]][r["start"] : r["end"]] == r["text"] for r in rows)
    assert co.evidence("threat_actor:sandworm", "country:FI") == []
    assert len(co.evidence("threat_actor:sandworm", "agency:ru-gru", limit=1)) == 1
    restored = pickle.loads(pickle.dumps(co))
    with pytest.raises(ValueError, match="needs the texts"):
        restored.evidence("threat_actor:sandworm", "agency:ru-gru")


def test_time_slices_as_dynamic_gexf(tmp_path: Path) -> None:
    """Periods become GEXF spells on nodes and edges; weights add up over periods."""
    from cybernexus.cooccurrence import write_gexf_timeline

    texts = ["Sofacy and NATO.", "Sandworm and the GRU.", "Sofacy again and NATO."]
    slices = cx.cooccurrence_by_period(
        texts, ["2024-01-15", "2024-04-01", "2024-12-31"], MATCHER, period="quarter"
    )
    path = tmp_path / "timeline.gexf"
    write_gexf_timeline(slices, path)
    xml = path.read_text(encoding="utf-8")
    assert 'mode="dynamic"' in xml and 'timeformat="date"' in xml
    assert '<spell start="2024-01-01" end="2024-04-01"' in xml
    assert '<spell start="2024-10-01" end="2025-01-01"' in xml
    import networkx as nx

    graph = nx.read_gexf(path)
    assert graph.edges["agency:nato", "threat_actor:apt28"]["weight"] == 2


@settings(max_examples=40, deadline=None)
@given(texts=corpora)
def test_document_scope_equals_scikit_learn(texts: list[str]) -> None:
    """Document scope equals scikit-learn's binarised document-term matrix X, as X.T @ X."""
    from sklearn.feature_extraction.text import CountVectorizer

    co = cx.cooccurrence(texts, MATCHER, scope="document")
    if not co.labels:
        return
    vectorizer = CountVectorizer(
        analyzer=lambda text: [m.entity_id for m in MATCHER.find(text)],
        binary=True,
        lowercase=False,
        vocabulary=co.labels,
    )
    x = vectorizer.fit_transform(texts)
    assert np.array_equal((x.T @ x).toarray(), co.counts.toarray())


def test_gexf_nodes_are_labelled_by_name_with_ids_kept(tmp_path: Path) -> None:
    """Gephi shows a node's label: the entity's name; the id stays the node id and an ``entity_id`` attribute."""
    import xml.etree.ElementTree as ET

    co = cx.cooccurrence([PARAGRAPH, "Sandworm and the GRU again."], MATCHER)
    path = tmp_path / "graph.gexf"
    co.write_gexf(path)
    ns = {"g": "http://www.gexf.net/1.2draft"}
    nodes = ET.parse(path).getroot().findall(".//g:node", ns)
    assert {n.get("id"): n.get("label") for n in nodes} == dict(
        zip(co.labels, co.names, strict=True)
    )
    import networkx as nx

    back = nx.read_gexf(path)
    assert back.nodes["agency:ru-gru"]["label"] == co.names[co.labels.index("agency:ru-gru")]
    assert back.nodes["agency:ru-gru"]["entity_id"] == "agency:ru-gru"


def test_cooccurrence_by_period_takes_pandas_and_numpy_columns_and_names_a_bad_date() -> None:
    """Before: ``cooccurrence_by_period(df["text"], df["date"])`` and a DatetimeIndex were refused as "not
    sequences", a NaT date failed with "Unknown format code 'd'", and "2024-13-01" without saying which date (a
    user review, 2026-12-07)."""
    import datetime as dt

    import pandas as pd

    texts = ["Sofacy and NATO.", "Sandworm and the GRU.", "Sofacy again and NATO.", "NATO, Sofacy."]
    days = ["2024-01-15", "2024-04-01", "2024-12-31", "2024-11-02"]
    # By hand: Q1 has NATO and Sofacy once, Q2 Sandworm and the GRU once, Q4 NATO and Sofacy twice.
    as_lists = cx.cooccurrence_by_period(texts, days, MATCHER, period="quarter")

    def edges(co: cx.Cooccurrence) -> list[tuple[str, str, int]]:
        return [
            (r["source"], r["target"], int(r["count"]))
            for r in co.edges("count").to_dict("records")
        ]

    assert {k: edges(v) for k, v in as_lists.items()} == {
        "2024-Q1": [("agency:nato", "threat_actor:apt28", 1)],
        "2024-Q2": [("agency:ru-gru", "threat_actor:sandworm", 1)],
        "2024-Q4": [("agency:nato", "threat_actor:apt28", 2)],
    }
    frame = pd.DataFrame({"text": texts, "date": pd.to_datetime(days)})
    for dates in (
        frame["date"],
        pd.DatetimeIndex(frame["date"]),
        frame["date"].to_numpy(),
        [dt.date.fromisoformat(d) for d in days],
    ):
        got = cx.cooccurrence_by_period(frame["text"], dates, MATCHER, period="quarter")
        assert {k: edges(v) for k, v in got.items()} == {
            k: edges(v) for k, v in as_lists.items()
        }, type(dates)
    with pytest.raises(ValueError, match=r"^dates\[2\]: the date is missing \(NaT\)$"):
        cx.cooccurrence_by_period(texts, [*frame["date"][:2], pd.NaT, frame["date"][3]], MATCHER)
    with pytest.raises(ValueError, match=r"^dates\[1\]: the date is missing \(None\)$"):
        cx.cooccurrence_by_period(texts[:2], ["2024-01-01", None], MATCHER)
    with pytest.raises(ValueError, match=r"^dates\[1\]: month must be in 1\.\.12"):
        cx.cooccurrence_by_period(texts[:2], ["2024-01-01", "2024-13-01"], MATCHER)
    with pytest.raises(TypeError, match="not iterators"):
        cx.cooccurrence_by_period(iter(texts), days, MATCHER)  # type: ignore[arg-type]


def test_timeline_gexf_has_per_period_edge_counts(tmp_path: Path) -> None:
    """The timeline's edges carry each period's count as a dynamic attribute beside the summed weight."""
    import xml.etree.ElementTree as ET

    texts = ["Sofacy and NATO.", "Sandworm and the GRU.", "Sofacy again and NATO.", "NATO, Sofacy."]
    dates = ["2024-01-15", "2024-04-01", "2024-12-31", "2024-11-02"]
    slices = cx.cooccurrence_by_period(texts, dates, MATCHER, period="quarter")
    path = tmp_path / "timeline.gexf"
    cx.write_gexf_timeline(slices, path)
    root = ET.parse(path).getroot()
    ns = {"g": "http://www.gexf.net/1.2draft"}
    count_id = next(
        a.get("id")
        for a in root.findall(".//g:attributes[@class='edge']/g:attribute", ns)
        if a.get("title") == "count"
    )
    by_edge: dict[frozenset[str | None], tuple[float, list[tuple[str | None, ...]]]] = {}
    for edge in root.findall(".//g:edge", ns):
        values = edge.findall(f".//g:attvalue[@for='{count_id}']", ns)
        by_edge[frozenset((edge.get("source"), edge.get("target")))] = (
            float(edge.get("weight", "nan")),
            sorted((v.get("start"), v.get("end"), v.get("value")) for v in values),
        )
    assert by_edge[frozenset(("agency:nato", "threat_actor:apt28"))] == (
        3.0,
        [("2024-01-01", "2024-04-01", "1"), ("2024-10-01", "2025-01-01", "2")],
    )
    labels = {n.get("id"): n.get("label") for n in root.findall(".//g:node", ns)}
    assert labels["threat_actor:apt28"] == "APT28"
