"""Streaming: read corpora from files and match or count them in bounded memory.

* :func:`read_texts` yields the documents of a file or a folder: one per line, one per JSON line (a field of
  each object), one per CSV/TSV row (a named column), one per Parquet row (a named column, read a row group at a
  time), or one per file; ``.gz`` files are decompressed on the fly. :func:`read_documents` gives each one's id
  too: an id field or column, or where it was read (``"file:line"``, ``"file:row"``, the file name).
* :func:`iter_find` matches an iterable of texts batch by batch and yields each document's mentions.
* :func:`find_file` matches a file or a folder batch by batch into one pandas DataFrame of mentions.
* :func:`cooccurrence` (in :mod:`cybernexus.cooccurrence`) streams an iterator the same way.

Memory stays bounded by one batch (``batch_size`` documents), whatever the corpus size; Ctrl-C stops between two
batches, which take a few milliseconds each; ``progress=True`` shows a tqdm bar (``pip install tqdm``).
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import json
import os
import re
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

__all__ = ["batched", "find_file", "iter_find", "read_documents", "read_texts"]

Format = Literal["lines", "jsonl", "csv", "tsv", "parquet", "file"]
FORMATS: tuple[str, ...] = ("lines", "jsonl", "csv", "tsv", "parquet", "file")
#: The format a file's last suffix (``.gz`` aside) implies; any other suffix reads as ``"lines"``.
SUFFIXES: dict[str, Format] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
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


def _decode(path: Path | str, data: bytes, line: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line += data[: err.start].count(b"\n")
        raise InputFileError(f"{path}:{line}: invalid UTF-8 ({err.reason})") from None


def _format_of(path: Path) -> Format:
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    return SUFFIXES.get(suffixes[-1], "lines") if suffixes else "lines"


def _lines(f: BinaryIO | gzip.GzipFile) -> Iterator[bytes]:
    """The lines of a binary file, ends removed, whether they end in LF, CRLF or a lone CR (old Mac files)."""
    for raw in f:
        line = raw[:-1] if raw.endswith(b"\n") else raw
        if line.endswith(b"\r"):
            line = line[:-1]
        yield from line.split(b"\r")


#: A document as the readers yield it: its id (the id field's value, or where it was read; ``None`` when no id was
#: asked for) and its text.
Record = tuple[Any, str]


def _read_file(path: Path, fmt: Format, field: str, id: str | None, ids: bool) -> Iterator[Record]:
    """Documents of one file; lines are decoded one by one, so an error names its line."""
    if fmt == "parquet":
        yield from _read_parquet(path, path, field, id, ids)
        return
    try:
        with _open_binary(path) as f:
            yield from _read_stream(path, f, fmt, field, id, ids)
    except (gzip.BadGzipFile, EOFError, zlib.error) as err:
        raise InputFileError(f"{path}: cannot read: {err}") from None


def _read_stream(
    name: Path | str,
    f: BinaryIO | gzip.GzipFile,
    fmt: Format,
    field: str,
    id: str | None,
    ids: bool,
) -> Iterator[Record]:
    """Documents of an open binary stream (a file, or standard input); ``name`` stands for it in ids and errors."""
    if id is not None and fmt in ("lines", "file"):
        raise ValueError(
            f"{name}: id={id!r} names a field or column, and format {fmt!r} has none "
            "(ids are then where each document was read: leave id out)"
        )
    if fmt == "parquet":
        import io

        yield from _read_parquet(io.BytesIO(f.read()), name, field, id, ids)
        return
    if fmt == "file":
        yield (str(name) if ids else None), _decode(name, _without_bom(f.read()), 1)
        return
    if fmt in ("csv", "tsv"):
        yield from _read_csv(name, f, fmt, field, id, ids)
        return
    for number, raw in enumerate(_lines(f), start=1):
        text = _decode(name, _without_bom(raw) if number == 1 else raw, number)
        if fmt == "lines":
            yield (f"{name}:{number}" if ids else None), text
            continue
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputFileError(f"{name}:{number}: invalid JSON: {err.msg}") from None
        except RecursionError:
            raise InputFileError(f"{name}:{number}: JSON nested too deeply") from None
        value = row.get(field) if isinstance(row, dict) else None
        if not isinstance(value, str):
            raise InputFileError(f"{name}:{number}: no string field {field!r}")
        if id is not None and (not isinstance(row, dict) or row.get(id) is None):
            raise InputFileError(f"{name}:{number}: no id field {id!r}")
        yield (row[id] if id is not None else f"{name}:{number}" if ids else None), value


def _without_bom(data: bytes) -> bytes:
    """``data`` without a UTF-8 byte order mark at its start. Notepad and spreadsheets write one; kept, it would be
    the first character of the first document (every offset in it one further) or break its JSON."""
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def _decoded_lines(path: Path | str, f: BinaryIO | gzip.GzipFile) -> Iterator[str]:
    """The lines of a file as ``str``, line ends kept (a quoted CSV field may hold them), a UTF-8 byte order mark
    at the start dropped."""
    for number, raw in enumerate(f, start=1):
        yield _decode(path, _without_bom(raw) if number == 1 else raw, number)


def _column(path: Path | str, header: list[str], name: str, what: str) -> int:
    """The position of column ``name`` in a header, which must hold it once."""
    found = [i for i, h in enumerate(header) if h == name]
    if len(found) != 1:
        problem = "no" if not found else f"{len(found)} columns named"
        raise InputFileError(
            f"{path}:1: {problem} {what} column {name!r} (the header has {', '.join(map(repr, header))})"
        )
    return found[0]


def _read_csv(
    path: Path | str,
    f: BinaryIO | gzip.GzipFile,
    fmt: Format,
    field: str,
    id: str | None,
    ids: bool,
) -> Iterator[Record]:
    """Rows of a CSV or TSV file with a header; the document is the ``field`` column. Quoted fields may span
    lines; a row with more or fewer cells than the header, or a quote left open, is an error naming its line."""
    reader = csv.reader(
        _decoded_lines(path, f), dialect="excel-tab" if fmt == "tsv" else "excel", strict=True
    )
    line = 0
    try:
        header = next(reader, None)
        if header is None:
            return
        text_at = _column(path, header, field, "text")
        id_at = None if id is None else _column(path, header, id, "id")
        line = reader.line_num
        for row in reader:
            first, line = line + 1, reader.line_num
            if not row:
                continue
            if len(row) != len(header):
                raise InputFileError(
                    f"{path}:{first}: a row of {len(row)} cells under a header of {len(header)}"
                )
            doc_id = row[id_at] if id_at is not None else f"{path}:{first}" if ids else None
            yield doc_id, row[text_at]
    except csv.Error as err:
        raise InputFileError(
            f"{path}:{reader.line_num or line}: invalid {fmt.upper()}: {err}"
        ) from None


def _parquet_batches(
    source: Path | BinaryIO,
    path: Path | str,
    field: str,
    id: str | None,
    batch_size: int | None = None,
) -> Iterator[tuple[Any, Any]]:
    """``(ids, texts)`` Arrow arrays of a Parquet file (``source``, a path or a file object, named ``path``), a row
    group (or ``batch_size`` rows) at a time; ``ids`` is ``None`` without an ``id`` column."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as err:
        raise ImportError("reading Parquet needs pyarrow: pip install pyarrow") from err
    try:
        parquet = pq.ParquetFile(source)
    except (pa.ArrowException, OSError) as err:
        raise InputFileError(f"{path}: not a Parquet file: {err}") from None
    names = parquet.schema_arrow.names
    for name, what in ((field, "text"), (id, "id")):
        if name is not None and name not in names:
            raise InputFileError(
                f"{path}: no {what} column {name!r} (the columns are {', '.join(map(repr, names))})"
            )
    kind = parquet.schema_arrow.field(field).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise InputFileError(f"{path}: column {field!r} holds {kind}, not strings")
    columns = [field] if id is None else [field, id]
    parts: Iterator[pa.Table] | Iterator[pa.RecordBatch]
    try:
        if batch_size is None:
            parts = (
                parquet.read_row_group(i, columns=columns) for i in range(parquet.num_row_groups)
            )
        else:
            parts = parquet.iter_batches(batch_size=batch_size, columns=columns)
        for part in parts:
            yield (None if id is None else part.column(id)), part.column(field)
    except pa.ArrowException as err:
        raise InputFileError(f"{path}: cannot read: {err}") from None


def _read_parquet(
    source: Path | BinaryIO, path: Path | str, field: str, id: str | None, ids: bool
) -> Iterator[Record]:
    """Rows of a Parquet file; a null text is an empty document (as the matcher reads an Arrow column)."""
    row = 0
    for id_column, texts in _parquet_batches(source, path, field, id):
        values = [t if t is not None else "" for t in texts.to_pylist()]
        if id_column is not None:
            doc_ids = id_column.to_pylist()
        elif ids:
            doc_ids = [f"{path}:{row + i}" for i in range(len(values))]
        else:
            doc_ids = [None] * len(values)
        row += len(values)
        yield from zip(doc_ids, values, strict=True)


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
    """The documents of a file or a folder, lazily (:func:`read_documents` gives each one's id too).

    Args:
        source: A file (``.txt``, ``.jsonl``, ``.ndjson``, ``.csv``, ``.tsv``, optionally ``.gz``; ``.parquet``)
            or a folder (its files, sorted, recursively; hidden files and folders below it, whose names start
            with ``.``, are skipped).
        format: ``"lines"`` (a document per line; LF, CRLF and lone CR end a line), ``"jsonl"`` (a JSON object
            per line; the document is its ``field``), ``"csv"`` or ``"tsv"`` (a header, then a document per row:
            its ``field`` column; quoted cells may span lines), ``"parquet"`` (the ``field`` column, a row group at
            a time; needs pyarrow; a null is an empty document) or ``"file"`` (a document per file). Default: by
            the file's suffix (``.jsonl``/``.ndjson``, ``.csv``, ``.tsv``/``.tab``, ``.parquet``/``.pq``),
            ``"file"`` for the files of a folder, ``"lines"`` otherwise.
        field: The JSON field or the column holding the text.
        follow_symlinks: Read files of a folder that are symlinks to places outside it (refused by default).

    Raises:
        FileNotFoundError: ``source`` does not exist.
        ValueError: ``source`` is empty, or ``format`` is unknown.
        InputFileError: a file is not UTF-8, a JSON line is invalid or lacks ``field``, a CSV row has more or
            fewer cells than the header or leaves a quote open, a column is missing (the message names the file
            and the line), a gzip or Parquet file is truncated or corrupt, a file is not a regular file (a FIFO
            would block), or a folder's file links outside it.
    """
    path = _source(source, format, field, None)
    for _, text in _records(path, format, field, None, False, follow_symlinks):
        yield text


def read_documents(
    source: str | os.PathLike[str],
    *,
    format: Format | None = None,
    field: str = "text",
    id: str | None = None,
    follow_symlinks: bool = False,
) -> Iterator[tuple[Any, str]]:
    """``(id, text)`` of each document of a file or a folder, lazily; see :func:`read_texts` for the formats.

    The id is the ``id`` field's (or column's) value when ``id`` is given; else where the document was read:
    ``"<file>:<line>"`` for lines, JSON lines and CSV/TSV rows (the line a row starts on), ``"<file>:<row>"`` for
    Parquet (rows from 0), the file name for ``"file"``.

    Raises:
        InputFileError: as :func:`read_texts`, and when a JSON line lacks the ``id`` field or a file has no ``id``
            column.
    """
    path = _source(source, format, field, id)
    yield from _records(path, format, field, id, True, follow_symlinks)


def _source(source: object, format: object, field: object, id: object) -> Path:
    """``source`` as a path, the options checked before any file is opened."""
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"source must be a path (str or os.PathLike), got {type(source).__name__}")
    if not os.fspath(source):
        raise ValueError(
            "source is empty: give a file or a folder (use '.' for the working directory)"
        )
    if format is not None and format not in FORMATS:
        raise ValueError(
            f"format must be one of {', '.join(map(repr, FORMATS))} or None, got {format!r}"
        )
    if not isinstance(field, str):
        raise TypeError(f"field must be a str, got {type(field).__name__}")
    if id is not None and not isinstance(id, str):
        raise TypeError(f"id must be a str or None, got {type(id).__name__}")
    return Path(source)


def _files(path: Path, format: Format | None, follow_symlinks: bool) -> list[tuple[Path, Format]]:
    """The files to read and the format of each."""
    if path.is_dir():
        return [(file, format or "file") for file in _folder_files(path, follow_symlinks)]
    if path.exists():
        return [(_regular(path), format or _format_of(path))]
    raise FileNotFoundError(f"no such file or folder: {path}")


def _records(
    path: Path,
    format: Format | None,
    field: str,
    id: str | None,
    ids: bool,
    follow_symlinks: bool,
) -> Iterator[Record]:
    for file, fmt in _files(path, format, follow_symlinks):
        yield from _read_file(file, fmt, field, id, ids)


def _matcher(matcher: object) -> Matcher:
    """``matcher``, or the built-in one for ``None``."""
    if matcher is None:
        return builtin_matcher()
    if not isinstance(matcher, Matcher):
        raise TypeError(f"matcher must be a Matcher or None, got {type(matcher).__name__}")
    return matcher


def _bar(total: int | None) -> Any:
    """A tqdm bar counting documents (out of ``total`` when it is known); the matcher's ``progress=True`` moves one
    from Rust as its workers finish documents."""
    try:
        from tqdm.auto import tqdm
    except ImportError as err:
        raise ImportError("progress=True needs tqdm: pip install tqdm") from err
    return tqdm(total=total, unit="doc")


def _progress(batches: Iterable[Any], enabled: bool, total: int | None = None) -> Iterator[Any]:
    """``batches`` as they come, counted in documents on a tqdm bar (out of ``total`` when it is known)."""
    if not enabled:
        yield from batches
        return
    with _bar(total) as bar:
        for batch in batches:
            yield batch
            bar.update(len(batch[1]) if isinstance(batch, tuple) else len(batch))


def _known_length(texts: object) -> int | None:
    return len(texts) if isinstance(texts, Sized) else None


#: A document's index in an error of the core: ``texts[3] must be str``, ``document 3 names 2,049 entities``.
_DOC_INDEX = re.compile(r"\b(texts\[|document )(\d+)")


@contextlib.contextmanager
def _numbered_from(first: int) -> Iterator[None]:
    """Errors of a batch that starts at document ``first`` of a stream, with the document's index made the
    stream's: the core numbers the texts it is given, which are one batch."""
    try:
        yield
    except (TypeError, ValueError) as err:
        if first and err.args and isinstance(err.args[0], str):
            index = _DOC_INDEX.sub(
                lambda m: f"{m.group(1)}{int(m.group(2)) + first}", err.args[0], count=1
            )
            err.args = (index, *err.args[1:])
        raise


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
        progress: Show a tqdm progress bar, in documents (out of ``len(texts)`` when it has one).
    """
    matcher = _matcher(matcher)
    first = 0
    for batch in _progress(_batches(texts, batch_size), progress, _known_length(texts)):
        with _numbered_from(first):
            found = matcher.find_many(batch, n_threads=n_threads)
        yield from found
        first += len(batch)


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
    id: str | None = None,
    with_ids: bool = False,
    follow_symlinks: bool = False,
    batch_size: int = 5000,
    n_threads: int | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Every mention in a file or a folder, as one pandas DataFrame, in bounded memory.

    The documents are read (see :func:`read_texts`) and matched ``batch_size`` at a time, so memory holds one batch
    of text plus the mentions found so far (no text). Columns as :meth:`MentionTable.to_pandas`: ``doc`` (the
    document's position in the file or folder, from 0), ``start``, ``end`` (code points), ``entity_id``, ``kind``,
    ``name``, ``alias``, ..., and ``id`` first with ``id`` or ``with_ids``. A Parquet file's column is matched in
    place, a row group at a time, without a ``str`` per document. Needs pandas.

    Args:
        source: A file or a folder, as for :func:`read_texts`.
        matcher: Default: the built-in gazetteer.
        format: As for :func:`read_texts`.
        field: As for :func:`read_texts`.
        id: The id field or column, as for :func:`read_texts`: its values are the ``id`` column.
        with_ids: Add an ``id`` column: the ``id`` field's values, or where each document was read (see
            :func:`read_texts`).
        follow_symlinks: As for :func:`read_texts`.
        batch_size: Documents per batch.
        n_threads: Threads per batch (default: all cores).
        progress: Show a tqdm progress bar, in documents read.

    Raises:
        FileNotFoundError, InputFileError: as :func:`read_texts`. If documents were read before the error, their
            mentions are not lost: the exception's ``partial`` attribute holds them as the DataFrame this call
            would have returned for them.
        ValueError: ``batch_size`` is below 1.
    """
    from cybernexus._frames import concat_mentions

    _check_batch_size(batch_size)
    path = _source(source, format, field, id)
    ids = with_ids or id is not None
    matcher = _matcher(matcher)
    frames: list[pd.DataFrame] = []
    first = 0

    def joined() -> pd.DataFrame:
        if not frames:
            return matcher.find_table([]).to_pandas(ids=[] if ids else None)
        return concat_mentions(frames)

    try:
        for doc_ids, texts in _progress(
            _file_batches(path, format, field, id, ids, follow_symlinks, batch_size), progress
        ):
            frame = matcher.find_table(texts, n_threads=n_threads).to_pandas(ids=doc_ids)
            frame["doc"] += first
            frames.append(frame)
            first += len(texts)
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


def _file_batches(
    path: Path,
    format: Format | None,
    field: str,
    id: str | None,
    ids: bool,
    follow_symlinks: bool,
    size: int,
) -> Iterator[tuple[Any, Any]]:
    """``(ids, texts)`` batches of at most ``size`` documents (``ids`` is ``None`` when not asked for): Arrow
    arrays for a Parquet file, lists for the rest."""
    for file, fmt in _files(path, format, follow_symlinks):
        if fmt == "parquet" and (id is not None or not ids):
            yield from _parquet_batches(file, file, field, id, size)
            continue
        for batch in batched(_read_file(file, fmt, field, id, ids), size):
            yield ([i for i, _ in batch] if ids else None), [t for _, t in batch]
