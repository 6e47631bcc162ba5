"""Sharing one matcher between Python threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

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
