"""The exceptions cybernexus raises.

Every exception of the package derives from :class:`CybernexusError`, and also from the builtin a caller would
expect (``ValueError``), so ``except ValueError`` keeps working. Wrong argument types raise the builtin
``TypeError``; unknown entity ids raise ``KeyError``; unreadable files raise ``OSError`` subclasses.
"""

from __future__ import annotations

__all__ = ["CybernexusError", "GazetteerError", "TextEncodingError"]


class CybernexusError(Exception):
    """Base class of the exceptions raised by cybernexus."""


class GazetteerError(CybernexusError, ValueError):
    """A gazetteer cannot be built: a malformed file or record, a duplicate id, an empty alias.

    The message names the file and line, or the record and its id.
    """


class TextEncodingError(CybernexusError, ValueError):
    """A text cannot be matched because it holds a lone surrogate, which has no UTF-8 form.

    Such strings come from decoding bytes with ``errors="surrogateescape"`` or from broken JSON. Clean them first,
    for example with ``text.encode("utf-8", errors="replace").decode("utf-8")``.
    """
