"""Streaming: read corpora from files and match or count them in bounded memory.

* :func:`read_texts` yields the documents of a file or a folder: one per line, one per JSON line (a field of
  each object), or one per file; ``.gz`` files are decompressed on the fly.
* :func:`iter_find` matches an iterable of texts batch by batch and yields each document's mentions.
* :func:`find_file` matches a file or a folder batch by batch into one pandas DataFrame of mentions.
* :func:`cooccurrence` (in :mod:`cybernexus.cooccurrence`) streams an iterator the same way.

Memory stays bounded by one batch (``batch_size`` documents), whatever the corpus size; Ctrl-C stops between two
batches, which take a few milliseconds each; ``progress=True`` shows a tqdm bar (``pip install tqdm``).
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
from collections.abc import Iterable, Iterator, Sized
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, TypeVar

from cybernexus._core import Matcher, Mention
from cybernexus._data import builtin_matcher
from cybernexus._typing import Texts, is_arrow
from cybernexus.errors import CybernexusError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["batched", "find_file", "iter_find", "read_texts"]

Format = Literal["lines", "jsonl", "file"]
T = TypeVar("T")


class InputFileError(CybernexusError, ValueError):
    """A corpus file cannot be read as asked (invalid UTF-8, invalid JSON, a missing field)."""


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` items (the last one shorter)."""
    if size < 1:
        raise ValueError(f"batch_size must be at least 1, got {size}")
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _open_binary(path: Path) -> BinaryIO | gzip.GzipFile:
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    return path.open("rb")


def _decode(path: Path, data: bytes, line: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line += data[: err.start].count(b"\n")
        raise InputFileError(f"{path}:{line}: invalid UTF-8 ({err.reason})") from None


def _format_of(path: Path) -> Format:
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    return "jsonl" if suffixes and suffixes[-1] in (".jsonl", ".ndjson") else "lines"


def _read_file(path: Path, fmt: Format, field: str) -> Iterator[str]:
    """Documents of one file; lines are decoded one by one, so an error names its line."""
    try:
        with _open_binary(path) as f:
            if fmt == "file":
                yield _decode(path, f.read(), 1)
                return
            for number, raw in enumerate(f, start=1):
                text = _decode(path, raw, number).rstrip("\r\n")
                if fmt == "lines":
                    yield text
                    continue
                if not text.strip():
                    continue
                try:
                    row = json.loads(text)
                except json.JSONDecodeError as err:
                    raise InputFileError(f"{path}:{number}: invalid JSON: {err.msg}") from None
                value = row.get(field) if isinstance(row, dict) else None
                if not isinstance(value, str):
                    raise InputFileError(f"{path}:{number}: no string field {field!r}")
                yield value
    except (gzip.BadGzipFile, EOFError) as err:
        raise InputFileError(f"{path}: cannot read: {err}") from None


def read_texts(
    source: str | os.PathLike[str], *, format: Format | None = None, field: str = "text"
) -> Iterator[str]:
    """The documents of a file or a folder, lazily.

    Args:
        source: A file (``.txt``, ``.jsonl``, ``.ndjson``, optionally ``.gz``) or a folder (its files, sorted,
            recursively; hidden files are skipped).
        format: ``"lines"`` (a document per line), ``"jsonl"`` (a JSON object per line; the document is its
            ``field``) or ``"file"`` (a document per file). Default: ``"jsonl"`` for ``.jsonl``/``.ndjson`` files,
            ``"file"`` for the files of a folder, ``"lines"`` otherwise.
        field: The JSON field holding the text, for ``"jsonl"``.

    Raises:
        FileNotFoundError: ``source`` does not exist.
        InputFileError: a file is not UTF-8, a JSON line is invalid or lacks ``field`` (the message names the file
            and the line).
    """
    path = Path(source)
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.parts)
        )
        for file in files:
            yield from _read_file(file, format or "file", field)
    elif path.exists():
        yield from _read_file(path, format or _format_of(path), field)
    else:
        raise FileNotFoundError(f"no such file or folder: {path}")


def _progress(items: Iterable[T], enabled: bool, unit: str) -> Iterable[T]:
    if not enabled:
        return items
    try:
        from tqdm.auto import tqdm
    except ImportError as err:
        raise ImportError("progress=True needs tqdm: pip install tqdm") from err
    bar: Iterable[T] = tqdm(items, unit=unit)
    return bar


def iter_find(
    texts: Texts,
    matcher: Matcher | None = None,
    *,
    batch_size: int = 1000,
    n_threads: int | None = None,
    progress: bool = False,
) -> Iterator[list[Mention]]:
    """The mentions of each text, in order, matched ``batch_size`` texts at a time (in parallel within a batch).

    Args:
        texts: Any iterable of ``str``, e.g. :func:`read_texts`, or an Arrow string column (pyarrow, polars),
            matched in slices without one ``str`` per document.
        matcher: Default: the built-in gazetteer.
        batch_size: Texts per batch; memory holds one batch.
        n_threads: Threads per batch (default: all cores).
        progress: Show a tqdm progress bar (in batches).
    """
    matcher = builtin_matcher() if matcher is None else matcher
    for batch in _progress(_batches(texts, batch_size), progress, "batch"):
        yield from matcher.find_many(batch, n_threads=n_threads)


def _batches(texts: Texts, size: int) -> Iterator[Texts]:
    """Batches of ``size`` texts: slices of an Arrow column (pyarrow, polars; read in place, no ``str`` per
    document), lists of anything else."""
    if is_arrow(texts) and callable(getattr(texts, "slice", None)) and isinstance(texts, Sized):
        if size < 1:
            raise ValueError(f"batch_size must be at least 1, got {size}")
        column: Any = texts
        for start in range(0, len(texts), size):
            yield column.slice(start, size)
        return
    if not isinstance(texts, Iterable):
        raise TypeError(f"texts must be an iterable of str, got {type(texts).__name__}")
    yield from batched(texts, size)


def find_file(
    source: str | os.PathLike[str],
    matcher: Matcher | None = None,
    *,
    format: Format | None = None,
    field: str = "text",
    batch_size: int = 5000,
    n_threads: int | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Every mention in a file or a folder, as one pandas DataFrame, in bounded memory.

    The documents are read (see :func:`read_texts`) and matched ``batch_size`` at a time, so memory holds one batch
    of text plus the mentions found so far (no text). Columns as :meth:`MentionTable.to_pandas`: ``doc`` (the
    document's position in the file or folder, from 0), ``start``, ``end`` (code points), ``entity_id``, ``kind``,
    ``name``, ``alias``. Needs pandas.

    Args:
        source: A file or a folder, as for :func:`read_texts`.
        matcher: Default: the built-in gazetteer.
        format: As for :func:`read_texts`.
        field: As for :func:`read_texts`.
        batch_size: Documents per batch.
        n_threads: Threads per batch (default: all cores).
        progress: Show a tqdm progress bar (in batches).

    Raises:
        FileNotFoundError, InputFileError: as :func:`read_texts`.
        ValueError: ``batch_size`` is below 1.
    """
    import pandas as pd

    matcher = builtin_matcher() if matcher is None else matcher
    frames = []
    first = 0
    texts = read_texts(source, format=format, field=field)
    for batch in _progress(batched(texts, batch_size), progress, "batch"):
        frame = matcher.find_table(batch, n_threads=n_threads).to_pandas()
        frame["doc"] += first
        frames.append(frame)
        first += len(batch)
    if not frames:
        return matcher.find_table([]).to_pandas()
    # Every part has the same categories (one gazetteer), so the categorical columns stay categorical.
    return pd.concat(frames, ignore_index=True)
