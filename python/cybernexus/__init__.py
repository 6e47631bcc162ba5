"""cybernexus: find countries, government agencies and cyber threat actors in text.

Every alias resolves to one entity ("Fancy Bear", "Sofacy" and "APT28" are one threat actor), with exact offsets
into your Python strings. The matching runs in a Rust core, in parallel, with the interpreter released.

>>> import cybernexus as cx
>>> matcher = cx.Matcher(cx.example_gazetteer())
>>> [(m.text, m.entity_id) for m in matcher.find("Sofacy, a GRU unit, hit Czech targets.")]
[('Sofacy', 'threat_actor:apt28'), ('GRU', 'agency:ru-gru'), ('Czech', 'country:CZ')]
"""

from __future__ import annotations

from cybernexus._core import Entity, Gazetteer, Matcher, Mention, MentionTable, __version__
from cybernexus._data import example_gazetteer, sample_corpus, sample_texts
from cybernexus._segment import segment
from cybernexus.cooccurrence import (
    Cooccurrence,
    cooccurrence,
    cooccurrence_by_period,
    write_gexf_timeline,
)
from cybernexus.display import highlight
from cybernexus.errors import CybernexusError, GazetteerError, TextEncodingError
from cybernexus.importers import read_misp_galaxy, read_stix
from cybernexus.stream import find_file, iter_find, read_documents, read_texts

__all__ = [
    "Cooccurrence",
    "CybernexusError",
    "Entity",
    "Gazetteer",
    "GazetteerError",
    "Matcher",
    "Mention",
    "MentionTable",
    "TextEncodingError",
    "__version__",
    "cooccurrence",
    "cooccurrence_by_period",
    "example_gazetteer",
    "find_file",
    "highlight",
    "iter_find",
    "read_documents",
    "read_misp_galaxy",
    "read_stix",
    "read_texts",
    "sample_corpus",
    "sample_texts",
    "segment",
    "write_gexf_timeline",
]
