"""Pickle round-trips rebuild equivalent objects."""

from __future__ import annotations

import pickle

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
