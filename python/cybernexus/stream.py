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
import json
import os
import zlib
from collections.abc import Iterable, Iterator, Sized
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, TypeVar

from cybernexus._core import Matcher, Mention
from cybernexus._data import builtin_matcher
from cybernexus._typing import Texts, check_texts, is_arrow
from cybernexus.errors import CybernexusError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["batched", "find_file", "iter_find", "read_texts"]

Format = Literal["lines", "jsonl", "file"]
T = TypeVar("T")


class InputFileError(CybernexusError, ValueError):
    """A corpus file cannot be read as asked (invalid UTF-8, invalid JSON, a missing field)."""


def _check_batch_size(size: object) -> None:
    if isinstance(size, bool) or not isinstance(size, int):
        raise TypeError(f"batch_size must be an int, got {type(size).__name__}")
    if size < 1:
        raise ValueError(f"batch_size must be at least 1, got {size}")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` items (the last one shorter).

    If ``items`` fails mid-way, the items read before the failure are yielded as a last, short batch, and the error
    is raised after it: nothing that was read is lost.
    """
    _check_batch_size(size)
    iterator = iter(items)
    while True:
        batch: list[T] = []
        try:
            for item in iterator:
                batch.append(item)
                if len(batch) == size:
                    break
        except Exception:
            if batch:
                yield batch
            raise
        if not batch:
            return
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


def _lines(f: BinaryIO | gzip.GzipFile) -> Iterator[bytes]:
    """The lines of a binary file, ends removed, whether they end in LF, CRLF or a lone CR (old Mac files)."""
    for raw in f:
        line = raw[:-1] if raw.endswith(b"\n") else raw
        if line.endswith(b"\r"):
            line = line[:-1]
        yield from line.split(b"\r")


def _read_file(path: Path, fmt: Format, field: str) -> Iterator[str]:
    """Documents of one file; lines are decoded one by one, so an error names its line."""
    try:
        with _open_binary(path) as f:
            if fmt == "file":
                yield _decode(path, f.read(), 1)
                return
            for number, raw in enumerate(_lines(f), start=1):
                text = _decode(path, raw, number)
                if fmt == "lines":
                    yield text
                    continue
                if not text.strip():
                    continue
                try:
                    row = json.loads(text)
                except json.JSONDecodeError as err:
                    raise InputFileError(f"{path}:{number}: invalid JSON: {err.msg}") from None
                except RecursionError:
                    raise InputFileError(f"{path}:{number}: JSON nested too deeply") from None
                value = row.get(field) if isinstance(row, dict) else None
                if not isinstance(value, str):
                    raise InputFileError(f"{path}:{number}: no string field {field!r}")
                yield value
    except (gzip.BadGzipFile, EOFError, zlib.error) as err:
        raise InputFileError(f"{path}: cannot read: {err}") from None


def _regular(path: Path) -> Path:
    """``path`` if it is a regular file (after symlinks); a FIFO, socket or device would block or never end."""
    if not path.is_file():
        raise InputFileError(
            f"{path}: not a regular file (a FIFO, socket or device); read it yourself"
        )
    return path


def _folder_files(folder: Path, follow_symlinks: bool) -> list[Path]:
    """The files of ``folder``, recursively and sorted, without hidden ones (a name starting with ``.`` below
    ``folder``; the folder's own path may hold any). A file that is a symlink to somewhere outside ``folder`` is
    refused unless ``follow_symlinks``."""
    root = folder.resolve()
    files = []
    for p in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in p.relative_to(folder).parts) or p.is_dir():
            continue
        if not follow_symlinks and p.is_symlink() and not p.resolve().is_relative_to(root):
            raise InputFileError(
                f"{p}: a symlink to {p.resolve()}, outside {folder}; pass follow_symlinks=True to read it"
            )
        files.append(_regular(p))
    return files


def read_texts(
    source: str | os.PathLike[str],
    *,
    format: Format | None = None,
    field: str = "text",
    follow_symlinks: bool = False,
) -> Iterator[str]:
    """The documents of a file or a folder, lazily.

    Args:
        source: A file (``.txt``, ``.jsonl``, ``.ndjson``, optionally ``.gz``) or a folder (its files, sorted,
            recursively; hidden files and folders below it, whose names start with ``.``, are skipped).
        format: ``"lines"`` (a document per line; LF, CRLF and lone CR end a line), ``"jsonl"`` (a JSON object
            per line; the document is its ``field``) or ``"file"`` (a document per file). Default: ``"jsonl"`` for
            ``.jsonl``/``.ndjson`` files, ``"file"`` for the files of a folder, ``"lines"`` otherwise.
        field: The JSON field holding the text, for ``"jsonl"``.
        follow_symlinks: Read files of a folder that are symlinks to places outside it (refused by default).

    Raises:
        FileNotFoundError: ``source`` does not exist.
        ValueError: ``source`` is empty, or ``format`` is unknown.
        InputFileError: a file is not UTF-8, a JSON line is invalid or lacks ``field`` (the message names the file
            and the line), a gzip file is truncated or corrupt, a file is not a regular file (a FIFO would block),
            or a folder's file links outside it.
    """
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"source must be a path (str or os.PathLike), got {type(source).__name__}")
    if not os.fspath(source):
        raise ValueError(
            "source is empty: give a file or a folder (use '.' for the working directory)"
        )
    if format not in (None, "lines", "jsonl", "file"):
        raise ValueError(f"format must be 'lines', 'jsonl', 'file' or None, got {format!r}")
    if not isinstance(field, str):
        raise TypeError(f"field must be a str, got {type(field).__name__}")
    path = Path(source)
    if path.is_dir():
        for file in _folder_files(path, follow_symlinks):
            yield from _read_file(file, format or "file", field)
    elif path.exists():
        yield from _read_file(_regular(path), format or _format_of(path), field)
    else:
        raise FileNotFoundError(f"no such file or folder: {path}")


def _matcher(matcher: object) -> Matcher:
    """``matcher``, or the built-in one for ``None``."""
    if matcher is None:
        return builtin_matcher()
    if not isinstance(matcher, Matcher):
        raise TypeError(f"matcher must be a Matcher or None, got {type(matcher).__name__}")
    return matcher


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
    matcher = _matcher(matcher)
    for batch in _progress(_batches(texts, batch_size), progress, "batch"):
        yield from matcher.find_many(batch, n_threads=n_threads)


def _batches(texts: Texts, size: int) -> Iterator[Texts]:
    """Batches of ``size`` texts: slices of an Arrow column (pyarrow, polars, a pandas Series; read in place, no
    ``str`` per document, nulls as the column's own matching treats them), lists of anything else."""
    check_texts(texts)
    if is_arrow(texts) and isinstance(texts, Sized):
        column: Any = texts
        # pyarrow and polars slice with .slice(offset, length), pandas by position with .iloc.
        sliceable = callable(getattr(column, "slice", None))
        if sliceable or hasattr(column, "iloc"):
            _check_batch_size(size)
            for start in range(0, len(texts), size):
                yield column.slice(start, size) if sliceable else column.iloc[start : start + size]
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
    follow_symlinks: bool = False,
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
        follow_symlinks: As for :func:`read_texts`.
        batch_size: Documents per batch.
        n_threads: Threads per batch (default: all cores).
        progress: Show a tqdm progress bar (in batches).

    Raises:
        FileNotFoundError, InputFileError: as :func:`read_texts`. If documents were read before the error, their
            mentions are not lost: the exception's ``partial`` attribute holds them as the DataFrame this call
            would have returned for them.
        ValueError: ``batch_size`` is below 1.
    """
    import pandas as pd

    matcher = _matcher(matcher)
    frames: list[pd.DataFrame] = []
    first = 0
    texts = read_texts(source, format=format, field=field, follow_symlinks=follow_symlinks)

    def joined() -> pd.DataFrame:
        if not frames:
            return matcher.find_table([]).to_pandas()
        # Every part has the same categories (one gazetteer), so the categorical columns stay categorical.
        return pd.concat(frames, ignore_index=True)

    try:
        for batch in _progress(batched(texts, batch_size), progress, "batch"):
            frame = matcher.find_table(batch, n_threads=n_threads).to_pandas()
            frame["doc"] += first
            frames.append(frame)
            first += len(batch)
    except Exception as err:
        if first:
            # What was read before the failure is not lost: it travels with the error.
            err.partial = joined()  # type: ignore[attr-defined]
            if hasattr(err, "add_note"):  # Python 3.11+
                err.add_note(
                    f"the mentions of the {first} documents read before it are in .partial"
                )
        raise
    return joined()
