"""Types shared by the stubs and the package (importable at run time, no optional dependency)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol, TypeAlias, runtime_checkable

__all__ = ["ArrowArrayExporter", "ArrowStreamExporter", "Texts", "check_texts", "is_arrow"]


@runtime_checkable
class ArrowStreamExporter(Protocol):
    """An object that exports Arrow data as a C stream (pyarrow ChunkedArray, polars and pandas Series, ...)."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...


@runtime_checkable
class ArrowArrayExporter(Protocol):
    """An object that exports one Arrow array (pyarrow Array, nanoarrow, ...)."""

    def __arrow_c_array__(
        self, requested_schema: object | None = None
    ) -> tuple[object, object]: ...


#: What the matching and counting functions accept as documents: an iterable of ``str``, or an Arrow string column
#: (``string``, ``large_string`` or ``string_view``), read in place without one Python object per document.
Texts: TypeAlias = Iterable[str] | ArrowStreamExporter | ArrowArrayExporter


def is_arrow(obj: object) -> bool:
    """``obj`` offers its data through the Arrow PyCapsule interface."""
    return hasattr(obj, "__arrow_c_stream__") or hasattr(obj, "__arrow_c_array__")


def check_texts(texts: object) -> None:
    """Refuse what iterates but is not a list of documents: a single ``str`` (its characters), a mapping (its
    keys) and a table (its column names)."""
    if isinstance(texts, (str, bytes)):
        raise TypeError(
            f"texts must be an iterable of str, got a single {type(texts).__name__} (wrap one text in a list)"
        )
    if isinstance(texts, Mapping):
        raise TypeError(
            f"texts must be an iterable of str, got {type(texts).__name__} (pass its values: d.values())"
        )
    if hasattr(texts, "columns"):
        raise TypeError(
            f"texts must be an iterable of str, got a table ({type(texts).__name__}); pass one column, "
            "e.g. df['text']"
        )
