"""Highlighted mentions for notebooks."""

from __future__ import annotations

import pytest

import cybernexus as cx


def test_highlight_marks_mentions_and_escapes_text() -> None:
    """Each mention becomes a <mark> with its id; the rest of the text is escaped."""
    matcher = cx.Matcher(cx.example_gazetteer())
    out = cx.highlight("<b>Sofacy</b> & the GRU", matcher)
    assert out.html == (
        '<div style="line-height:1.6">&lt;b&gt;'
        '<mark style="background:#ffc9c9;padding:0 2px" title="threat_actor:apt28 (APT28)">Sofacy</mark>'
        "&lt;/b&gt; &amp; the "
        '<mark style="background:#ffe2b8;padding:0 2px" title="agency:ru-gru (GRU)">GRU</mark></div>'
    )
    assert out._repr_html_() == str(out) == out.html


def test_highlight_outermost_only_and_bad_input() -> None:
    """Nested mentions are marked once (the outer one); a non-str text is a TypeError."""
    g = cx.Gazetteer.from_records(
        [
            {"id": "a", "kind": "k", "name": "Federal Security Service"},
            {"id": "b", "kind": "k", "name": "Security"},
        ]
    )
    matcher = cx.Matcher(g, overlaps="all")
    assert cx.highlight("the Federal Security Service", matcher).html.count("<mark") == 1
    with pytest.raises(TypeError, match="text must be str"):
        cx.highlight(None)  # type: ignore[arg-type]
