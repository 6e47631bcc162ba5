"""Coverage-guided fuzzing of the Python entry points with atheris (libFuzzer for Python).

    pip install atheris
    python fuzz/fuzz_python.py TARGET [libFuzzer options, e.g. -runs=1000000 -max_total_time=600]

Targets and the invariants each asserts (a failed assertion or an exception outside the allowed set is a finding):

* ``find``: a gazetteer of 1-4 entities drawn from tricky aliases and a text built from interesting characters;
  the mentions equal the plain-Python reference (``tests/reference.py``) in both overlap modes, and
  ``text[m.start:m.end] == m.text``.
* ``records``: arbitrary JSON values as ``Gazetteer.from_records`` input; success, or TypeError/ValueError only; a
  built gazetteer round-trips through ``to_records``.
* ``json``, ``csv``: arbitrary bytes as a gazetteer file; success, or GazetteerError/TypeError/OSError only.
* ``importers``: arbitrary bytes as a MISP galaxy and as a STIX bundle; success, or GazetteerError/ValueError.
* ``segment``: arbitrary text; paragraphs and sentences are in order, inside the text, trimmed, non-empty, and each
  sentence lies inside its paragraph.
* ``cooccurrence``: texts over a small gazetteer; counts are symmetric, the diagonal bounds its row, and the counts
  of two halves add up to the counts of the whole.

Run from the repository root (the reference lives in ``tests/``). FUZZING.md has the commands and the results.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import atheris

with atheris.instrument_imports():
    import cybernexus as cx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from reference import WS, ReferenceMatcher

ALLOWED = (TypeError, ValueError, KeyError, OSError, MemoryError)

ALIASES = [
    "Iran",
    "Iran Air",
    "Iranian",
    "US",
    "U.S.",
    "us",
    "APT28",
    "Fancy Bear",
    "Sofacy",
    "Türkiye",
    "TÜRKİYE",
    "İstanbul",
    "Σίσυφος",
    "straße",
    "STRASSE",
    "Côte d'Ivoire",
    "Côte d\u2019Ivoire",
    "NATO",
    "O'Brien",
    "中国",
    "Lazarus Group",
    "Lazarus",
    "SEA",
    "e-mail",
    "Kim Jong-un",
    "ǅemal",
    "Ka",
    "K",
    "the Kremlin",
    "a",
]
PIECES = [
    *ALIASES,
    " ",
    "  ",
    "\n",
    "\u00a0",
    ",",
    ".",
    "-",
    "'",
    "\u2019",
    "\u2014",
    "_",
    "(",
    ")",
    "s",
    "ian",
    "1",
    "é",
    "\u0301",
    "ǅ",
    "中",
    "😀",
    "İ",
    "\u0131",
    "ß",
    "ﬁ",
    "\u200b",
    "://",
    "/",
    ".exe",
    "www.",
    "'s",
    "\u2019s",
]
POLICIES = ["auto", "insensitive", "exact", "upper_first"]


def _text(fdp: atheris.FuzzedDataProvider, pieces: int) -> str:
    return "".join(PIECES[fdp.ConsumeIntInRange(0, len(PIECES) - 1)] for _ in range(pieces))


def _records(fdp: atheris.FuzzedDataProvider) -> list[dict[str, Any]]:
    records = []
    for e in range(fdp.ConsumeIntInRange(1, 4)):
        aliases: list[Any] = []
        for _ in range(fdp.ConsumeIntInRange(1, 4)):
            text = ALIASES[fdp.ConsumeIntInRange(0, len(ALIASES) - 1)]
            policy = POLICIES[fdp.ConsumeIntInRange(0, 3)]
            aliases.append(text if policy == "auto" else {"text": text, "case": policy})
        name = aliases[0] if isinstance(aliases[0], str) else aliases[0]["text"]
        records.append({"id": f"e{e}", "kind": "k", "name": name, "aliases": aliases})
    return records


def find(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    records = _records(fdp)
    text = _text(fdp, fdp.ConsumeIntInRange(0, 24))
    g = cx.Gazetteer.from_records(records)
    for overlaps in ("longest", "all"):
        ref = ReferenceMatcher(g.to_records(), overlaps)
        expected = [(s, e, ref.entities[a.entity].id, a.text) for s, e, a in ref.find_aliases(text)]
        got = cx.Matcher(g, overlaps=overlaps, patterns=False, acronyms=False).find(text)
        for m in got:
            assert text[m.start : m.end] == m.text, (text, m)
        keys = [(m.start, m.end, m.entity_id, m.alias) for m in got]
        assert keys == expected, (records, text, overlaps, keys, expected)


def _json_value(fdp: atheris.FuzzedDataProvider, depth: int = 0) -> Any:
    kind = fdp.ConsumeIntInRange(0, 8 if depth < 4 else 5)
    if kind == 0:
        return None
    if kind == 1:
        return fdp.ConsumeBool()
    if kind == 2:
        return fdp.ConsumeInt(4)
    if kind == 3:
        return fdp.ConsumeUnicodeNoSurrogates(8)
    if kind == 4:
        return ["id", "kind", "name", "aliases", "attrs", "text", "case", "form"][
            fdp.ConsumeIntInRange(0, 7)
        ]
    if kind == 5:
        return POLICIES[fdp.ConsumeIntInRange(0, 3)]
    if kind in (6, 7):
        keys = [
            "id",
            "kind",
            "name",
            "aliases",
            "attrs",
            "text",
            "case",
            "form",
            "needs_support",
            "x",
        ]
        return {
            keys[fdp.ConsumeIntInRange(0, len(keys) - 1)]: _json_value(fdp, depth + 1)
            for _ in range(fdp.ConsumeIntInRange(0, 6))
        }
    return [_json_value(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 4))]


def records(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    value = _json_value(fdp)
    try:
        g = cx.Gazetteer.from_records(value if isinstance(value, list) else [value])
    except ALLOWED:
        return
    again = cx.Gazetteer.from_records(g.to_records())
    assert again.to_records() == g.to_records()
    cx.Matcher(g).find("Iran and the US") if len(g) else None


def _file(data: bytes, suffix: str) -> Path:
    fd, name = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return Path(name)


def json_file(data: bytes) -> None:
    path = _file(data, ".json")
    try:
        cx.Gazetteer.from_json(path)
    except ALLOWED:
        pass
    finally:
        path.unlink()


def csv_file(data: bytes) -> None:
    path = _file(data, ".csv")
    try:
        cx.Gazetteer.from_csv(path)
    except ALLOWED:
        pass
    finally:
        path.unlink()


def importers(data: bytes) -> None:
    path = _file(data, ".json")
    try:
        for read in (cx.read_misp_galaxy, cx.read_stix):
            try:
                read(path)
            except ALLOWED:
                pass
    finally:
        path.unlink()


def segment(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    text = (
        fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 400))
        if fdp.ConsumeBool()
        else _text(fdp, 40)
    )
    spans = cx.segment(text)
    last = 0
    for start, end in spans["paragraphs"]:
        assert last <= start < end <= len(text), (text, spans)
        # White space is Unicode's White_Space (``str.strip`` also strips U+001C..U+001F).
        assert text[start] not in WS and text[end - 1] not in WS, (text, start, end)
        last = end
    last = 0
    for start, end, p in spans["sentences"]:
        assert last <= start < end <= len(text), (text, spans)
        ps, pe = spans["paragraphs"][p]
        assert ps <= start and end <= pe, (text, spans)
        last = end


MATCHER = cx.Matcher(cx.Gazetteer.from_records(_records(atheris.FuzzedDataProvider(b"\x03" * 64))))


def cooccurrence(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    texts = [_text(fdp, fdp.ConsumeIntInRange(0, 12)) for _ in range(fdp.ConsumeIntInRange(0, 8))]
    scope = ["document", "paragraph", "sentence", "window"][fdp.ConsumeIntInRange(0, 3)]
    window = fdp.ConsumeIntInRange(1, 5) if scope == "window" else None
    whole = cx.cooccurrence(texts, MATCHER, scope=scope, window=window)
    counts = whole.counts.toarray()
    assert (counts == counts.T).all()
    for i in range(len(counts)):
        assert counts[i].max(initial=0) <= counts[i, i]
    half = len(texts) // 2
    parts = cx.cooccurrence(texts[:half], MATCHER, scope=scope, window=window) + cx.cooccurrence(
        texts[half:], MATCHER, scope=scope, window=window
    )
    assert parts == whole, (texts, scope)


TARGETS = {
    "find": find,
    "records": records,
    "json": json_file,
    "csv": csv_file,
    "importers": importers,
    "segment": segment,
    "cooccurrence": cooccurrence,
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        raise SystemExit(f"usage: fuzz_python.py {{{','.join(TARGETS)}}} [libFuzzer options]")
    target = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
