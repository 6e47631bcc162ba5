"""Sharing one matcher between Python threads."""

from __future__ import annotations

import pickle
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


def test_matcher_memory_is_reported_and_a_pickled_copy_finds_the_same() -> None:
    texts = [d["text"] for d in cx.sample_corpus()[:150]]
    matcher = cx.Matcher(cx.Gazetteer.builtin())
    small = cx.Matcher(cx.example_gazetteer())
    # The built-in set's trie takes a few MB; a handful of entities some KB.
    assert 1_000_000 < matcher.nbytes < 20_000_000
    assert 0 < small.nbytes < matcher.nbytes // 20
    copy = pickle.loads(pickle.dumps(matcher))
    assert copy.nbytes == matcher.nbytes
    a, b = matcher.find_table(texts), copy.find_table(texts)
    assert len(a) > 500
    for column in ("doc", "start", "end", "entity", "alias"):
        assert np.array_equal(getattr(a, column), getattr(b, column))
    with pytest.raises(TypeError):
        cx.Matcher(cx.Gazetteer.builtin(), automaton="dfa")  # type: ignore[call-arg]
    # Pickles written when matchers had an automaton option carry it as a third argument: still loadable.
    from cybernexus._core import _matcher_from_state

    old = _matcher_from_state(matcher.gazetteer, "longest", "nfa")
    assert np.array_equal(old.find_table(texts).start, a.start)


def test_bulk_mentions_leave_the_garbage_collector_as_they_found_it() -> None:
    """find_many untracks its Mention objects and pauses the collector only while building them."""
    import gc

    matcher = cx.Matcher(cx.Gazetteer.builtin())
    # Four names three times in each of 3,000 texts: 36,000 mentions.
    texts = ["Fancy Bear and Russia and the GRU attacked Germany. " * 3] * 3000
    assert gc.isenabled()
    found = matcher.find_many(texts, n_threads=1)
    assert gc.isenabled()
    assert sum(map(len, found)) == len(matcher.find_table(texts)) == 36_000
    assert not gc.is_tracked(found[0][0])
    assert found[0][0].entity_id == "threat_actor:apt28"
    gc.disable()
    try:
        matcher.find_many(texts, n_threads=1)
        assert not gc.isenabled()  # a collector the caller disabled stays disabled
    finally:
        gc.enable()


def test_concurrent_bulk_mentions_restore_the_collector_once_all_are_done() -> None:
    """The collector's pause is counted across threads: whichever finishes first, it is on again at the end
    (on a free-threaded interpreter the list building of several threads overlaps)."""
    import gc

    matcher = cx.Matcher(cx.Gazetteer.builtin())
    texts = [
        "Fancy Bear and Russia and the GRU attacked Germany. " * 3
    ] * 1000  # 12,000 mentions a call
    expected = matcher.find_many(texts, n_threads=1)

    def work(i: int) -> bool:
        return matcher.find_many(texts[: 1000 - i], n_threads=1) == expected[: 1000 - i]

    assert gc.isenabled()
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(work, range(12)))
    assert gc.isenabled()
    gc.disable()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            assert all(pool.map(work, range(4)))
        assert not gc.isenabled()
    finally:
        gc.enable()
