"""Data files shipped inside the package."""

from __future__ import annotations

import functools
import json
from importlib import resources

from cybernexus._core import Gazetteer, Matcher

__all__ = [
    "builtin_gazetteer",
    "builtin_matcher",
    "example_gazetteer",
    "sample_corpus",
    "sample_texts",
]


def builtin_gazetteer(*, capitals: bool = False) -> Gazetteer:
    """The built-in gazetteer (see ``Gazetteer.builtin``), read once per process by the core."""
    return Gazetteer.builtin(capitals=bool(capitals))


@functools.cache
def builtin_matcher() -> Matcher:
    """A matcher over the built-in gazetteer, built once per process (in 40-80 ms).

    The conveniences (``cooccurrence``, ``iter_find``, ``highlight``) use it when no matcher is given; matchers are
    immutable and thread-safe, so sharing one is safe.
    """
    return Matcher(builtin_gazetteer())


def example_gazetteer() -> Gazetteer:
    """A small example gazetteer: a dozen countries, agencies and threat actors with their common aliases.

    It exists for examples and the ``cybernexus demo`` command; it is not a curated reference.
    """
    path = resources.files("cybernexus") / "data" / "example_gazetteer.json"
    with resources.as_file(path) as file:
        return Gazetteer.from_json(file)


def sample_texts() -> list[str]:
    """A few short news-style paragraphs (written for this package) to try the matcher on."""
    path = resources.files("cybernexus") / "data" / "sample_texts.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [str(json.loads(line)["text"]) for line in lines if line.strip()]


def sample_corpus() -> list[dict[str, str]]:
    """Real threat-intelligence prose to try things on: the descriptions of the MISP galaxy's threat-actor clusters
    that are 400 characters or longer (about 690 texts, CC0 1.0), as ``{"title", "uuid", "text"}`` dicts."""
    path = resources.files("cybernexus") / "data" / "misp_descriptions.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [{k: str(v) for k, v in json.loads(line).items()} for line in lines if line.strip()]
