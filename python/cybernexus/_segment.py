"""``segment``: the core's paragraph and sentence spans as Python tuples."""

from __future__ import annotations

from cybernexus import _core


def segment(text: str, /) -> dict[str, list[tuple[int, ...]]]:
    """Paragraphs and sentences of ``text``, as Python ``str`` offsets.

    Returns ``{"paragraphs": [(start, end), ...], "sentences": [(start, end, paragraph), ...]}``: spans without
    surrounding white space, in order; each sentence gives the index of its paragraph. Paragraphs are separated by
    blank lines, or are lines when the text has no blank line (a line ends at ``\\n``, ``\\r\\n``, ``\\r`` or
    U+2028; U+2029 PARAGRAPH SEPARATOR always separates paragraphs); a sentence ends at ``.``, ``!``, ``?`` or ``…``
    (with any closing quotes or brackets) followed by white space and a word that does not start in lower case,
    except after an abbreviation or initial ("U.S.", "Feb.", "J. Smith") unless a sentence opener such as "The"
    follows, and except inside brackets or quotations.

    >>> segment("U.S. officials met. They left.\\n\\nNext part.")["sentences"]
    [(0, 19, 0), (20, 30, 0), (32, 42, 1)]

    Raises:
        TypeError: ``text`` is not a ``str``.
        TextEncodingError: ``text`` holds a lone surrogate.
        MemoryError: the spans do not fit in the memory left.
    """
    paragraphs, sentences = _core._segment(text)
    flat_p, flat_s = paragraphs.tolist(), sentences.tolist()
    return {
        "paragraphs": list(zip(flat_p[0::2], flat_p[1::2], strict=True)),
        "sentences": list(zip(flat_s[0::3], flat_s[1::3], flat_s[2::3], strict=True)),
    }
