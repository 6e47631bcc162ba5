"""What the Dask and Spark helpers send to worker processes: a matcher that is built once per process.

A :class:`MatcherHandle` pickles as the matcher's own pickle (the gazetteer and the rules) plus a key. Unpickling
looks the key up in a per-process cache first, so however many times a task carries the handle to a worker, the
worker builds the matcher once; the engines are also asked to ship it once (a Dask graph key, a Spark broadcast).
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from typing import Any

from cybernexus._core import Matcher
from cybernexus._data import builtin_matcher

#: Matchers built in this process, by handle key.
_CACHE: dict[str, Matcher] = {}
_LOCK = threading.Lock()
#: How many matchers this process built from handles (what the tests read from each worker).
BUILDS = 0


class MatcherHandle:
    """A picklable reference to a matcher, rebuilt at most once per process."""

    __slots__ = ("_key", "_matcher", "_state")

    def __init__(self, matcher: Matcher | None) -> None:
        matcher = builtin_matcher() if matcher is None else matcher
        if not isinstance(matcher, Matcher):
            raise TypeError(f"matcher must be a Matcher, got {type(matcher).__name__}")
        self._state = pickle.dumps(matcher, protocol=pickle.HIGHEST_PROTOCOL)
        self._key = hashlib.sha256(self._state).hexdigest()
        self._matcher: Matcher | None = matcher

    @property
    def matcher(self) -> Matcher:
        """The matcher: the one given, or the one this process built (or had built) for the same key."""
        if self._matcher is None:
            self._matcher = _built(self._key, self._state)
        return self._matcher

    def __getstate__(self) -> tuple[str, bytes]:
        return self._key, self._state

    def __setstate__(self, state: tuple[str, bytes]) -> None:
        self._key, self._state = state
        self._matcher = _CACHE.get(self._key)

    def __repr__(self) -> str:
        return f"<MatcherHandle {self._key[:12]}: {len(self._state):,} bytes>"


def _built(key: str, state: bytes) -> Matcher:
    global BUILDS
    with _LOCK:
        matcher = _CACHE.get(key)
        if matcher is None:
            matcher = pickle.loads(state)
            _CACHE[key] = matcher
            BUILDS += 1
        return matcher


def builds() -> int:
    """Matchers built in this process from handles (for tests: run on each worker)."""
    return BUILDS


def check_threads(n_threads: Any) -> int | None:
    """``n_threads`` of a task: an int of at least 1, or None (all cores)."""
    if n_threads is None:
        return None
    if isinstance(n_threads, bool) or not isinstance(n_threads, int):
        raise TypeError(f"n_threads must be an int or None, got {type(n_threads).__name__}")
    if n_threads < 1:
        raise ValueError(f"n_threads must be at least 1 (or None for all cores), got {n_threads}")
    return n_threads
