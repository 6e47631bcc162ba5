"""Pickle round-trips rebuild equivalent objects."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import cybernexus as cx


def test_gazetteer_round_trip() -> None:
    """A pickled gazetteer has the same entities, in order."""
    g = cx.example_gazetteer()
    back = pickle.loads(pickle.dumps(g))
    assert isinstance(back, cx.Gazetteer)
    assert list(back) == list(g)


def test_matcher_round_trip_gives_identical_results() -> None:
    """A pickled matcher (both modes) finds exactly what the original finds."""
    texts = cx.sample_texts()
    for overlaps in ("longest", "all"):
        m = cx.Matcher(cx.example_gazetteer(), overlaps=overlaps)
        back = pickle.loads(pickle.dumps(m, protocol=pickle.HIGHEST_PROTOCOL))
        assert back.overlaps == overlaps
        assert back.find_many(texts) == m.find_many(texts)
        assert sum(len(x) for x in m.find_many(texts)) > 30


def test_entity_and_mention_round_trip() -> None:
    """Entities and mentions pickle by value."""
    g = cx.example_gazetteer()
    e = g["threat_actor:apt28"]
    assert pickle.loads(pickle.dumps(e)) == e
    mentions = cx.Matcher(g).find("the U.S. and Fancy Bear")
    assert pickle.loads(pickle.dumps(mentions)) == mentions
    assert pickle.loads(pickle.dumps(mentions))[0].form == "abbreviation"


def _frame_rows(table: cx.MentionTable) -> list[tuple[object, ...]]:
    return list(table.to_pandas().itertuples(index=False))


def test_mention_table_round_trip_keeps_every_column() -> None:
    """A pickled MentionTable has the same arrays, read-only, and labels the same rows, pattern-named threat
    actors ("UNC4321", numbered after the gazetteer's entities) included; with and without segments."""
    texts = [*cx.sample_texts(), "UNC4321 and TA4563 hit Russia.", ""]
    m = cx.Matcher()
    for segments in (False, True):
        table = m.find_table(texts, segments=segments)
        back = pickle.loads(pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL))
        assert isinstance(back, cx.MentionTable)
        assert (len(back), back.n_docs) == (len(table), table.n_docs) == (len(table), len(texts))
        for name in ("doc", "start", "end", "entity", "alias", "resolved_by", "ambiguous", "via"):
            a, b = getattr(table, name), getattr(back, name)
            assert a.dtype == b.dtype and a.tolist() == b.tolist(), name
            assert not b.flags.writeable, name
        for name in ("sentence", "paragraph"):
            a, b = getattr(table, name), getattr(back, name)
            assert (a is None) == (b is None) == (not segments)
            if a is not None:
                assert a.tolist() == b.tolist()
        assert _frame_rows(back) == _frame_rows(table)
        ids = back.to_pandas()["entity_id"].tolist()
        assert "threat_actor:unc4321" in ids and "country:RU" in ids


def test_mention_table_of_nothing_round_trips() -> None:
    """An empty table (no texts, or texts with no mention) pickles too."""
    for texts in ([], ["", "nothing here"]):
        table = cx.Matcher().find_table(texts)
        back = pickle.loads(pickle.dumps(table))
        assert (len(back), back.n_docs) == (0, len(texts))
        assert list(back.to_pandas().dtypes) == list(table.to_pandas().dtypes)


def test_a_broken_mention_table_state_is_refused() -> None:
    """A state with a wrong dtype, columns of different lengths or a number no entity has raises, naming why."""
    table = cx.Matcher().find_table(["Russia and China."])
    rebuild, (gazetteer, n_docs, columns, numbers) = table.__reduce__()
    assert rebuild(gazetteer, n_docs, columns, numbers).doc.tolist() == [0, 0]
    short = (columns[0][:1], *columns[1:])
    with pytest.raises(ValueError, match="one length"):
        rebuild(gazetteer, n_docs, short, numbers)
    floats = (columns[0].astype(np.float64), *columns[1:])
    with pytest.raises(TypeError):
        rebuild(gazetteer, n_docs, floats, numbers)
    with pytest.raises(ValueError, match="no entity is numbered 4000000000"):
        rebuild(gazetteer, n_docs, columns, [4_000_000_000])
