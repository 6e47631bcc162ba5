"""Sharing one matcher between Python threads."""

from __future__ import annotations

import pickle
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import cybernexus as cx


def test_eight_threads_share_one_matcher() -> None:
    """8 threads calling find, find_many and find_table on one matcher get the sequential results."""
    m = cx.Matcher(cx.example_gazetteer())
    texts = [f"{t} ({i})" for i, t in enumerate(cx.sample_texts() * 25)]
    expected_find = [m.find(t) for t in texts]
    expected_many = m.find_many(texts, n_threads=1)

    def work(i: int) -> bool:
        if i % 3 == 0:
            return [m.find(t) for t in texts] == expected_find
        if i % 3 == 1:
            return m.find_many(texts, n_threads=2) == expected_many
        table = m.find_table(texts)
        return len(table) == sum(map(len, expected_many))

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(48)))
    assert all(results)


def test_builtin_matcher_gives_the_same_mentions_before_and_after_its_background_dfa() -> None:
    """The built-in set is ready with an NFA at once; the DFA built in the background changes speed, not results."""
    texts = [d["text"] for d in cx.sample_corpus()]
    fresh = cx.Matcher(cx.Gazetteer.builtin())
    before_kind = fresh.automaton
    before = fresh.find_table(texts, n_threads=1)
    deadline = time.monotonic() + 60
    while fresh.automaton != "dfa":
        assert time.monotonic() < deadline, "the background DFA was never ready"
        time.sleep(0.005)
    after = fresh.find_table(texts, n_threads=1)
    assert before_kind in {"nfa", "dfa"}
    assert len(before) > 2000
    for column in ("doc", "start", "end", "entity", "alias"):
        assert np.array_equal(getattr(before, column), getattr(after, column))


def test_automaton_choice_is_kept_through_pickling_and_gives_the_same_mentions() -> None:
    texts = [d["text"] for d in cx.sample_corpus()[:150]]
    gazetteer = cx.Gazetteer.builtin()
    nfa = cx.Matcher(gazetteer, automaton="nfa")
    dfa = cx.Matcher(gazetteer, automaton="dfa")
    assert (nfa.automaton, dfa.automaton) == ("nfa", "dfa")
    time.sleep(0.3)  # an "nfa" matcher never gets a DFA
    assert nfa.automaton == "nfa"
    copy = pickle.loads(pickle.dumps(nfa))
    assert copy.automaton == "nfa"
    a, b = nfa.find_table(texts), dfa.find_table(texts)
    for column in ("doc", "start", "end", "entity", "alias"):
        assert np.array_equal(getattr(a, column), getattr(b, column))
    with pytest.raises(ValueError, match="automaton must be 'auto', 'nfa' or 'dfa', got \"fast\""):
        cx.Matcher(gazetteer, automaton="fast")  # type: ignore[arg-type]
