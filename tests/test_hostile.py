"""Hostile input: objects that lie about themselves, signals at awkward moments, inputs built to blow up costs.

Each test here is a regression test for a failure a hostile user found (issue 13): it failed on the code before the
fix it names.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

import cybernexus as cx


@pytest.fixture(scope="module")
def matcher() -> cx.Matcher:
    records = [
        {"id": "ir", "kind": "country", "name": "Iran"},
        {"id": "iq", "kind": "country", "name": "Iraq"},
    ]
    return cx.Matcher(cx.Gazetteer.from_records(records))


class LyingLength:
    """An iterable whose ``__len__`` claims far more items than it yields."""

    def __init__(self, items: list[str], claimed: int) -> None:
        self.items = items
        self.claimed = claimed

    def __len__(self) -> int:
        return self.claimed

    def __iter__(self) -> Iterator[str]:
        return iter(self.items)


@pytest.mark.parametrize("claimed", [10**11, 2**62, 2**63 - 1])
def test_an_overstated_len_is_only_a_hint(matcher: cx.Matcher, claimed: int) -> None:
    """Before: a claimed length of 10**11 aborted the process (capacity trusted) and 2**62 raised PanicException.
    Now the claim only bounds a first reservation, and the answer is that of the real items."""
    texts = ["Iran", "nothing", "Iraq and Iran"]
    lying = LyingLength(texts, claimed)
    assert [[m.entity_id for m in ms] for ms in matcher.find_many(lying)] == [["ir"], [], ["iq", "ir"]]
    table = matcher.find_table(LyingLength(texts, claimed))
    assert table.doc.tolist() == [0, 2, 2]
    assert table.n_docs == 3
    counts = cx.cooccurrence(LyingLength(texts, claimed), matcher, scope="document")
    assert counts.n_units == 3


# Run in a child process: the first array a fresh process's module returns is the case that failed.
CTRL_C_CHILD = textwrap.dedent(
    """
    import os, signal, sys, threading, time
    import cybernexus as cx
    texts = [("Iran and Iraq met in Vienna. " * 40 + "\\n") for _ in range(%(docs)d)]
    m = cx.Matcher(cx.Gazetteer.from_records([{"id": "ir", "kind": "country", "name": "Iran"}]))
    threading.Timer(%(delay)f, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
    try:
        for _ in range(%(repeat)d):
            %(call)s
    except KeyboardInterrupt:
        print("interrupted")
    except BaseException as e:
        print("other", type(e).__name__, e)
    else:
        print("finished")
    """
)


@pytest.mark.parametrize(
    "call",
    [
        "m.find_table(texts, n_threads=1)",
        "cx.cooccurrence(texts, m, scope='sentence', n_threads=1)",
    ],
)
def test_ctrl_c_during_the_first_call_is_a_keyboard_interrupt(call: str) -> None:
    """Before: a Ctrl-C while the first ``find_table`` or ``cooccurrence`` of a process ran surfaced as
    ``PanicException: Failed to access NumPy array API capsule``, which ``except Exception`` does not catch."""
    code = CTRL_C_CHILD % {"docs": 40000, "delay": 0.05, "repeat": 1, "call": call}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert out.stdout.strip() == "interrupted", out.stdout + out.stderr
