"""Types shared by the stubs and the package (importable at run time, no optional dependency)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeAlias, runtime_checkable

__all__ = ["ArrowArrayExporter", "ArrowStreamExporter", "Texts", "is_arrow"]


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
