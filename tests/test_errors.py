"""Bad input gets a clear exception of the right type, naming what is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import cybernexus as cx


@pytest.fixture(scope="module")
def matcher() -> cx.Matcher:
    return cx.Matcher(cx.Gazetteer.from_records([{"id": "ir", "kind": "country", "name": "Iran"}]))


RECORD: dict[str, Any] = {"id": "x", "kind": "k", "name": "X"}


def test_exception_hierarchy() -> None:
    """Package errors derive from CybernexusError and from ValueError."""
    assert issubclass(cx.GazetteerError, cx.CybernexusError)
    assert issubclass(cx.GazetteerError, ValueError)
    assert issubclass(cx.TextEncodingError, cx.CybernexusError)
    assert issubclass(cx.TextEncodingError, ValueError)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "text must be str, got NoneType"),
        (123, "text must be str, got int"),
        (b"Iran", "text must be str, got bytes: decode it first"),
        (["Iran"], "text must be str, got list"),
    ],
)
def test_find_rejects_non_str(matcher: cx.Matcher, value: object, message: str) -> None:
    """find() takes one str."""
    with pytest.raises(TypeError, match=message):
        matcher.find(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Iran", "texts must be an iterable of str, got a single str"),
        (None, "texts must be an iterable of str, got NoneType"),
        (5, "texts must be an iterable of str, got int"),
        (b"Iran", "texts must be an iterable of str, got bytes"),
        (["ok", 3], r"texts\[1\] must be str, got int"),
        (["ok", None], r"texts\[1\] must be str, got NoneType"),
        (["ok", "fine", b"x"], r"texts\[2\] must be str, got bytes"),
        ([float("nan")], r"texts\[0\] must be str, got float"),
    ],
)
def test_find_many_rejects_bad_texts(matcher: cx.Matcher, value: object, message: str) -> None:
    """find_many and find_table take an iterable of str and name the bad item's index."""
    with pytest.raises(TypeError, match=message):
        matcher.find_many(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=message):
        matcher.find_table(value)  # type: ignore[arg-type]


def test_lone_surrogates_raise_text_encoding_error(matcher: cx.Matcher) -> None:
    """A str with a lone surrogate has no UTF-8 form: TextEncodingError gives the position."""
    with pytest.raises(cx.TextEncodingError, match="text contains a lone surrogate at index 5"):
        matcher.find("Iran \ud800")
    with pytest.raises(
        cx.TextEncodingError, match=r"texts\[1\] contains a lone surrogate at index 0"
    ):
        matcher.find_many(["Iran", "\udcff Iran"])
    with pytest.raises(ValueError):
        matcher.find_table(["\udcff"])


@pytest.mark.parametrize(
    ("n_threads", "error", "message"),
    [
        (0, ValueError, "n_threads must be at least 1"),
        (-2, ValueError, "n_threads must be at least 1"),
        (100_000, ValueError, "n_threads must be at most 1024"),
        ("2", TypeError, "n_threads must be an int or None, got str"),
        (2.0, TypeError, "n_threads must be an int or None, got float"),
        (True, TypeError, "n_threads must be an int or None, got bool"),
    ],
)
def test_bad_thread_counts(
    matcher: cx.Matcher, n_threads: object, error: type[Exception], message: str
) -> None:
    """n_threads is None or an int >= 1."""
    with pytest.raises(error, match=message):
        matcher.find_many(["Iran"], n_threads=n_threads)  # type: ignore[arg-type]


def test_matcher_arguments() -> None:
    """Matcher needs a Gazetteer with entities and a known overlap mode."""
    g = cx.Gazetteer.from_records([RECORD])
    with pytest.raises(TypeError, match="gazetteer must be a Gazetteer, got list"):
        cx.Matcher([RECORD])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="overlaps must be 'longest' or 'all', got \"nested\""):
        cx.Matcher(g, overlaps="nested")  # type: ignore[arg-type]
    with pytest.raises(cx.GazetteerError, match="no entities"):
        cx.Matcher(cx.Gazetteer())


@pytest.mark.parametrize(
    ("records", "error", "message"),
    [
        (None, TypeError, "records must be an iterable of dicts, got NoneType"),
        ("abc", TypeError, "records must be an iterable of dicts, got str"),
        (RECORD, TypeError, "records must be an iterable of dicts, got dict"),
        ([RECORD, 5], TypeError, "record 1 must be a dict, got int"),
        ([{"kind": "k", "name": "X"}], cx.GazetteerError, 'record 0: missing "id"'),
        (
            [{**RECORD, "alias": ["a"]}],
            cx.GazetteerError,
            'record 0 \\(id "x"\\): unknown key "alias"',
        ),
        ([{**RECORD, "id": 7}], TypeError, "record 0: 'id' must be str, got int"),
        ([{**RECORD, "id": ""}], cx.GazetteerError, "record 0: 'id' is empty"),
        ([{**RECORD, "id": " x"}], cx.GazetteerError, "has leading or trailing white space"),
        (
            [{**RECORD, "kind": None}],
            TypeError,
            "record 0 \\(id \"x\"\\): 'kind' must be str, got NoneType",
        ),
        ([{**RECORD, "name": "  "}], cx.GazetteerError, "'name' is empty"),
        (
            [{**RECORD, "aliases": "Fancy Bear"}],
            TypeError,
            "'aliases' must be a list of str or dict, got str",
        ),
        (
            [{**RECORD, "aliases": ["ok", 3]}],
            TypeError,
            "alias 1: an alias must be a str or a dict, got int",
        ),
        (
            [{**RECORD, "aliases": ["ok", ""]}],
            cx.GazetteerError,
            'record 0 \\(id "x"\\): alias 1 is empty',
        ),
        ([{**RECORD, "aliases": ["\u00a0\n"]}], cx.GazetteerError, "alias 0 is empty"),
        ([{**RECORD, "aliases": [{"txt": "a"}]}], cx.GazetteerError, 'alias 0: unknown key "txt"'),
        (
            [{**RECORD, "aliases": [{"case": "exact"}]}],
            cx.GazetteerError,
            'alias 0: missing "text"',
        ),
        (
            [{**RECORD, "aliases": [{"text": "a", "case": "loose"}]}],
            cx.GazetteerError,
            'alias "a" has unknown case policy "loose" \\(expected one of auto, insensitive, exact',
        ),
        ([{**RECORD, "attrs": {"year": 1949}}], TypeError, 'attribute "year" must be str, got int'),
        ([{**RECORD, "attrs": ["a"]}], TypeError, "'attrs' must be a dict of str to str, got list"),
        (
            [RECORD, {**RECORD, "name": "Y"}],
            cx.GazetteerError,
            'duplicate entity id "x" \\(records 0 and 1\\)',
        ),
        ([{**RECORD, "name": "Bad \ud800"}], cx.TextEncodingError, "lone surrogate"),
    ],
)
def test_bad_records(records: object, error: type[Exception], message: str) -> None:
    """from_records names the record, its id and the problem."""
    with pytest.raises(error, match=message):
        cx.Gazetteer.from_records(records)  # type: ignore[arg-type]


def test_bad_entity_constructor() -> None:
    """Entity(...) validates like a record, naming the entity."""
    with pytest.raises(cx.GazetteerError, match='entity \\(id "x"\\): alias 0 is empty'):
        cx.Entity("x", "k", "X", [" "])
    with pytest.raises(TypeError, match="'name' must be str, got int"):
        cx.Entity("x", "k", 5)  # type: ignore[arg-type]


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_missing_files() -> None:
    """A missing file raises FileNotFoundError naming it."""
    with pytest.raises(FileNotFoundError, match=r"nowhere\.json"):
        cx.Gazetteer.from_json("/nowhere/nowhere.json")
    with pytest.raises(FileNotFoundError, match=r"nowhere\.csv"):
        cx.Gazetteer.from_csv(Path("/nowhere/nowhere.csv"))
    with pytest.raises(TypeError):
        cx.Gazetteer.from_json(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'[\n{"id": "x",\n}\n]', r"bad\.json:3: invalid JSON"),
        (
            b'{"id": "x"}',
            r"bad\.json: expected a list of records or an object with an \"entities\" list",
        ),
        (b"42", r"bad\.json: expected a list of records, got a number"),
        (b'[{"id": "x", "kind": "k", "name": "Caf\xe9"}]', r"bad\.json:1: invalid UTF-8"),
        (
            b'[{"id": "x", "kind": "k", "name": "X", "attrs": {"n": 1}}]',
            r"record 0 \(id \"x\"\): attribute \"n\"",
        ),
        (
            b'[{"id": "x", "kind": "k", "name": "X"}, {"id": "x", "kind": "k", "name": "Y"}]',
            "duplicate entity id",
        ),
        (
            b'[{"id": "x", "kind": "k", "name": "X", "aliases": [""]}]',
            r"bad\.json: record 0 \(id \"x\"\): alias 0",
        ),
        (b"", r"bad\.json:1: invalid JSON"),
    ],
)
def test_malformed_json(tmp_path: Path, content: bytes, message: str) -> None:
    """A malformed JSON gazetteer names the file and the line or record."""
    with pytest.raises(cx.GazetteerError, match=message):
        cx.Gazetteer.from_json(write(tmp_path, "bad.json", content))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id,name\nx,X\n", r"bad\.csv:1: the header must name the columns id, kind and name"),
        (b"id,kind,name\nx,k,X\ny,k\n", r"bad\.csv:3: invalid CSV"),
        (b"id,kind,name\nx,k,X\ny,k,Caf\xe9\n", r"bad\.csv:3: invalid UTF-8"),
        (b"id,kind,name\nx,k,X\n,k,Y\n", r"bad\.csv:3: record 1: 'id' is empty"),
        (b"id,kind,name\nx,k,X\nx,k,Y\n", r"duplicate entity id \"x\""),
        (b"", r"bad\.csv:1: the header must name"),
    ],
)
def test_malformed_csv(tmp_path: Path, content: bytes, message: str) -> None:
    """A malformed CSV gazetteer names the file and the line."""
    with pytest.raises(cx.GazetteerError, match=message):
        cx.Gazetteer.from_csv(write(tmp_path, "bad.csv", content))


def test_gazetteer_lookups_and_merge_arguments() -> None:
    """Unknown ids raise KeyError; wrong types raise TypeError; bad merge rules raise ValueError."""
    g = cx.Gazetteer.from_records([RECORD])
    with pytest.raises(KeyError, match='no entity with id "nope"'):
        g.entity("nope")
    with pytest.raises(KeyError):
        g["nope"]
    with pytest.raises(TypeError, match="id must be str, got NoneType"):
        g.entity(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="alias must be str, got int"):
        g.lookup(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="other must be a Gazetteer, got list"):
        g.merge([RECORD])  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match="on_conflict must be one of 'union', 'replace', 'keep', 'error'"
    ):
        g.merge(g, on_conflict="overwrite")  # type: ignore[arg-type]
    with pytest.raises(
        cx.GazetteerError, match='cannot merge entity "x": both gazetteers define it'
    ):
        g.merge(g, on_conflict="error")
    other = cx.Gazetteer.from_records([{**RECORD, "kind": "other"}])
    with pytest.raises(cx.GazetteerError, match="its kinds differ"):
        g.merge(other)
    assert 5 not in g
    assert None not in g


def test_mention_constructor_checks_span() -> None:
    """A Mention cannot end before it starts."""
    with pytest.raises(ValueError, match="end \\(1\\) is before start \\(2\\)"):
        cx.Mention(2, 1, "x", "id", "kind", "name", "alias")


def test_ints_beyond_64_bits_are_out_of_range_not_of_the_wrong_type(matcher: cx.Matcher) -> None:
    """A huge int is an int: a thread count or window out of range (ValueError), not a TypeError."""
    with pytest.raises(ValueError, match="n_threads must be at most 1024"):
        matcher.find_many(["Iran"], n_threads=10**30)
    with pytest.raises(ValueError, match="n_threads must be at least 1"):
        matcher.find_many(["Iran"], n_threads=-(10**30))
    with pytest.raises(ValueError, match="window must be at least 1 token"):
        cx.cooccurrence(["Iran"], matcher, scope="window", window=-(10**30))
    # A window longer than any text: each document is one block.
    counts = cx.cooccurrence(["Iran and Iraq.", "Iran."], matcher, scope="window", window=10**30)
    assert counts.n_units == 2


# Python's and JSON's names for the same types, to compare a record's errors from both sources.
PY_TO_JSON_TYPES = [
    ("a list of str or dict", "a list of strings or objects"),
    ("a str or a dict", "a string or an object"),
    ("a dict of str to str", "an object of strings"),
    ("must be str", "must be a string"),
    ("must be a bool", "must be a boolean"),
    ("must be a dict", "must be an object"),
    ("got NoneType", "got null"),
    ("got int", "got a number"),
    ("got str", "got a string"),
    ("got list", "got a list"),
    ("got dict", "got an object"),
    ("got bool", "got a boolean"),
    ("(convert numbers with str())", "(write numbers as strings, in quotes)"),
]

BAD_RECORDS = [
    5,
    {"kind": "k", "name": "X"},
    {**RECORD, "alias": []},
    {**RECORD, "id": 7},
    {**RECORD, "kind": None},
    {**RECORD, "name": ["X"]},
    {**RECORD, "aliases": "X1"},
    {**RECORD, "aliases": {"text": "X1"}},
    {**RECORD, "aliases": 3},
    {**RECORD, "aliases": ["ok", 3]},
    {**RECORD, "aliases": [{"text": 3}]},
    {**RECORD, "aliases": [{"text": "a", "needs_support": "yes"}]},
    {**RECORD, "aliases": [{"text": "a", "size": 1}]},
    {**RECORD, "aliases": [{"case": "exact"}]},
    {**RECORD, "attrs": {"year": 1949}},
    {**RECORD, "attrs": {"flag": True}},
    {**RECORD, "attrs": ["a"]},
    {**RECORD, "aliases": [""]},
]


@pytest.mark.parametrize("record", BAD_RECORDS)
def test_python_and_json_records_fail_for_the_same_reason(tmp_path: Path, record: Any) -> None:
    """One record reader: the same bad record, from Python or from a JSON file, gets the same message in the
    source's own names for types (a TypeError from Python, the file's GazetteerError from JSON)."""
    import json

    with pytest.raises((TypeError, cx.GazetteerError)) as from_python:
        cx.Gazetteer.from_records([record])
    path = write(tmp_path, "r.json", json.dumps([record]).encode())
    with pytest.raises(cx.GazetteerError) as from_json:
        cx.Gazetteer.from_json(path)
    message = str(from_python.value)
    for python_name, json_name in PY_TO_JSON_TYPES:
        message = message.replace(python_name, json_name)
    assert str(from_json.value) == f"{path}: {message}"
    is_type_error = "must be" in message
    assert isinstance(from_python.value, TypeError) == is_type_error


def test_a_failing_alias_iterator_propagates_its_own_error() -> None:
    """An exception raised while iterating a record's aliases reaches the caller unchanged."""

    def aliases() -> Any:
        yield "ok"
        raise RuntimeError("broken source")

    with pytest.raises(RuntimeError, match="broken source"):
        cx.Gazetteer.from_records([{**RECORD, "aliases": aliases()}])


def test_mention_constructor_refuses_the_lowest_int64_place() -> None:
    """-2**63 stands for "no place" inside a Mention, so it is refused rather than read back as None."""
    with pytest.raises(ValueError, match="must be above"):
        cx.Mention(0, 1, "x", "id", "kind", "name", "alias", sentence=-(2**63))
    with pytest.raises(ValueError, match="must be above"):
        cx.Mention(0, 1, "x", "id", "kind", "name", "alias", paragraph=-(2**63))
