"""Highlighted mentions for notebooks."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cybernexus as cx


class Marks(HTMLParser):
    """The marks of highlighted HTML: each mark's attributes, its text and its badges; the legend's kinds; and the
    page's text with the badges and legend left out (what the reader sees of the document itself)."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: list[dict[str, Any]] = []
        self.legend: list[str] = []
        self.text = ""
        self._in: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        cls = a.get("class", "")
        self._in.append(cls)
        if cls == "cx-mention":
            self.marks.append({**a, "text": "", "badges": []})
        elif cls == "cx-badge":
            self.marks[-1]["badges"].append("")

    def handle_endtag(self, tag: str) -> None:
        self._in.pop()

    def handle_data(self, data: str) -> None:
        if "cx-legend-kind" in self._in:
            self.legend.append(data)
        elif "cx-badge" in self._in:
            self.marks[-1]["badges"][-1] += data
        elif "cx-legend" not in self._in:
            if "cx-mention" in self._in:
                self.marks[-1]["text"] += data
            self.text += data


def test_highlight_marks_mentions_with_badges_a_legend_and_escaped_text() -> None:
    """Each mention is a <mark> with its id, kind and a badge naming kind and canonical name; the text around the
    marks is escaped, so the page shows it exactly; the legend lists the kinds marked."""
    matcher = cx.Matcher(cx.example_gazetteer())
    text = '<b>Fancy Bear</b> & the GRU\'s "men"'
    out = cx.highlight(text, matcher)
    assert out._repr_html_() == str(out) == out.html
    page = Marks(out.html)
    assert page.text == text
    assert [(m["data-entity-id"], m["data-kind"], m["text"], m["badges"]) for m in page.marks] == [
        ("threat_actor:apt28", "threat_actor", "Fancy Bear", ["threat_actor · APT28"]),
        ("agency:ru-gru", "agency", "GRU", ["agency · GRU"]),
    ]
    assert [m["title"] for m in page.marks] == ["threat_actor:apt28", "agency:ru-gru"]
    assert page.legend == ["agency", "threat_actor"]
    assert "<b>" not in out.html and "&lt;b&gt;" in out.html
    assert "legend" not in cx.highlight(text, matcher, legend=False).html


def test_highlight_several_texts_and_given_mentions() -> None:
    """A list of texts gives one numbered block each; given mentions are marked as given."""
    matcher = cx.Matcher(cx.example_gazetteer())
    texts = ["Sofacy <i>and</i> NATO", "nothing", "Sweden"]
    page = Marks(cx.highlight(texts, matcher).html)
    assert page.text == "[0]" + texts[0] + "[1]" + texts[1] + "[2]" + texts[2]
    assert [m["data-entity-id"] for m in page.marks] == [
        "threat_actor:apt28",
        "agency:nato",
        "country:SE",
    ]
    found = matcher.find_many(texts)
    same = cx.highlight(texts, mentions=found).html
    # Given mentions without a matcher have no gazetteer to link from; with the matcher, the same page as finding.
    assert same == cx.highlight(texts, matcher, links=False).html
    assert cx.highlight(texts, matcher, mentions=found).html == cx.highlight(texts, matcher).html
    only = Marks(cx.highlight(texts[0], mentions=found[0][1:]).html)
    assert [m["text"] for m in only.marks] == ["NATO"]
    with pytest.raises(ValueError, match="texts is empty"):
        cx.highlight([])
    with pytest.raises(TypeError, match=r"at texts\[1\]"):
        cx.highlight(["a", None])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="one list per text"):
        cx.highlight(texts, mentions=found[:2])


def test_mentions_show_the_text_and_a_table() -> None:
    from cybernexus.display import Mentions

    matcher = cx.Matcher(cx.example_gazetteer())
    ms = Mentions.find("Sofacy & NATO", matcher)
    assert list(ms) == matcher.find("Sofacy & NATO") and ms.text == "Sofacy & NATO"
    page = ms._repr_html_()
    assert Marks(page).text.startswith("Sofacy & NATO")
    assert page.count("<tr>") == 3  # header and two mentions
    assert repr(ms).startswith("<Mentions: 2 in a text of 13 characters: [Mention(start=0")


def test_html_views_of_entity_gazetteer_table_and_counts() -> None:
    """Entity, Gazetteer, MentionTable and Cooccurrence render HTML with their numbers, data escaped."""
    g = cx.Gazetteer.from_records(
        [
            {
                "id": "threat_actor:x",
                "kind": "threat_actor",
                "name": "X <Group>",
                "aliases": [{"text": "Fancy X", "form": "crowdstrike"}],
                "attrs": {"attck_id": "G0007", "misp_uuids": "abc-1 def-2"},
            },
            {"id": "country:SE", "kind": "country", "name": "Sweden"},
        ]
    )
    entity = g["threat_actor:x"]._repr_html_()
    assert "X &lt;Group&gt;" in entity and "<Group>" not in entity
    assert "crowdstrike" in entity and "Fancy X" in entity
    assert 'href="https://attack.mitre.org/groups/G0007/"' in entity
    assert entity.count("MISP ") == 2
    gaz = g._repr_html_()
    assert "2 entities, 3 aliases" in gaz
    matcher = cx.Matcher(g)
    table = matcher.find_table(["Fancy X and Sweden", "Sweden, Sweden"])
    view = table._repr_html_()
    assert "4 mentions in 2 texts" in view
    assert "<td style" in view and view.count("<tr>") == 1 + 2 + 1 + 4  # kinds, then rows
    assert (
        '<td style="padding:0.15em 0.6em;text-align:left;border-bottom:1px solid #ddd">country</td>'
        in view
    )
    co = cx.cooccurrence(["Fancy X and Sweden."], matcher)
    html = co._repr_html_()
    assert "2 entities, 1 pairs, 1 units (sentence)" in html and "X &lt;Group&gt;" in html


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


#: Two entities that share the span "Sofacy", one nested in "Russian GRU", one reaching across "Czech Republic".
SHARED = cx.Gazetteer.from_records(
    [
        {
            "id": "threat_actor:apt28",
            "kind": "threat_actor",
            "name": "APT28",
            "aliases": ["Sofacy"],
        },
        {"id": "software:sofacy", "kind": "software", "name": "Sofacy", "aliases": ["Sofacy"]},
        {"id": "agency:ru-gru", "kind": "agency", "name": "GRU", "aliases": ["Russian GRU"]},
        {"id": "country:RU", "kind": "country", "name": "Russia", "aliases": ["Russian"]},
        {"id": "country:CZ", "kind": "country", "name": "Czechia", "aliases": ["Czech Republic"]},
        {"id": "x:republic-of", "kind": "x", "name": "Republic Of", "aliases": ["Republic of"]},
    ]
)
ALL = cx.Matcher(SHARED, overlaps="all")


def test_a_shared_span_gets_one_mark_with_a_badge_each_and_nested_ones_are_named() -> None:
    text = "Sofacy and the Russian GRU; the Czech Republic of old."
    page = Marks(cx.highlight(text, ALL).html)
    assert page.text == text
    assert [(m["text"], m["badges"], m["title"]) for m in page.marks] == [
        (
            "Sofacy",
            ["threat_actor · APT28", "software · Sofacy"],
            "threat_actor:apt28 / software:sofacy",
        ),
        ("Russian GRU", ["agency · GRU"], "agency:ru-gru; also: Russian (country:RU)"),
        ("Czech Republic", ["country · Czechia"], "country:CZ; also: Republic of (x:republic-of)"),
    ]
    assert page.legend == [
        "agency",
        "country",
        "software",
        "threat_actor",
    ]  # kinds marked, not in tooltips


def test_kinds_and_colours_choose_what_is_marked_and_how() -> None:
    text = "Sofacy and the Russian GRU."
    only = Marks(cx.highlight(text, ALL, kinds="country").html)
    assert [(m["text"], m["badges"]) for m in only.marks] == [("Russian", ["country · Russia"])]
    assert only.legend == ["country"] and only.text == text
    two = Marks(cx.highlight([text], ALL, kinds=["software", "agency"]).html)
    assert [m["badges"] for m in two.marks] == [["software · Sofacy"], ["agency · GRU"]]
    out = cx.highlight(text, ALL, colours={"software": "#123456", "": "rgb(1, 2, 3)"}).html
    assert "background:#123456" in out and "background:#ffc9c9" in out  # threat_actor keeps its own
    assert "background:rgb(1, 2, 3)" not in out  # every kind here has a colour of its own
    other = cx.highlight("Republic of", ALL, colours={"": "hsl(10, 50%, 50%)"}).html
    assert "background:hsl(10, 50%, 50%)" in other  # kind "x" has no colour of its own
    for bad in ("red;background-image:url(x)", "url(x)", 'red" onmouseover="x', ""):
        with pytest.raises(ValueError, match="is not a CSS colour"):
            cx.highlight(text, ALL, colours={"country": bad})
    with pytest.raises(TypeError, match="colours must map"):
        cx.highlight(text, ALL, colours={"country": 3})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="colours must be a mapping"):
        cx.highlight(text, ALL, colours=["red"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="kinds must be"):
        cx.highlight(text, ALL, kinds=[1])  # type: ignore[list-item]


def test_a_kind_that_no_entity_has_is_refused() -> None:
    """Before: ``highlight(text, kinds="actor")`` marked nothing, silently, where ``filter(kind="actor")`` raises
    (a user review, 2026-12-07)."""
    text = "Sofacy and the Russian GRU."
    with pytest.raises(
        ValueError, match=r"^no entity has kind 'actor' \(the kinds are: .*threat_actor"
    ):
        cx.highlight(text, kinds="actor")
    with pytest.raises(ValueError, match="no entity has kind 'actor'"):
        cx.highlight(text, ALL, kinds=["country", "actor"])
    assert Marks(cx.highlight(text, kinds="threat_actor").html).marks[0]["text"] == "Sofacy"
    # Mentions given without their matcher: their kinds cannot be checked, and are not.
    mentions = ALL.find(text)
    assert Marks(cx.highlight(text, mentions=mentions, kinds="actor").html).marks == []


def test_save_writes_a_page_of_its_own(tmp_path: Path) -> None:
    out = cx.highlight("Sofacy & <co>", ALL)
    path = tmp_path / "mentions.html"
    out.save(path, title="A & B")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "<title>A &amp; B</title>" in page and out.html in page and "<script" not in page
    assert Marks(page).text.strip().endswith("Sofacy & <co>")


WORDS = [
    "Sofacy",
    "Russian",
    "GRU",
    "Russian GRU",
    "Czech Republic",
    "Republic of",
    "<b>",
    "&",
    " ",
    "\n",
    "x",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join))
def test_highlight_keeps_the_text_and_accounts_for_every_mention(text: str) -> None:
    """Whatever the overlaps: the page shows the text exactly; marks are the leftmost outermost spans, in order and
    disjoint; every mention has a badge on its span's mark or is named in the tooltip of the mark it starts in."""
    found = ALL.find(text)
    page = Marks(cx.highlight(text, mentions=found).html)
    assert page.text == text
    # Reference, in plain Python: walk the mentions by (start, -end); a mention starting at or after the end of the
    # last mark opens a new one.
    marks: list[tuple[int, int]] = []
    for m in sorted(found, key=lambda m: (m.start, -m.end)):
        if not marks or m.start >= marks[-1][1]:
            marks.append((m.start, m.end))
    assert [m["text"] for m in page.marks] == [text[a:b] for a, b in marks]
    for (a, b), mark in zip(marks, page.marks, strict=True):
        on = [m for m in found if (m.start, m.end) == (a, b)]
        under = [m for m in found if a <= m.start < b and (m.start, m.end) != (a, b)]
        assert mark["badges"] == [
            f"{m.kind} · {m.name}" for m in sorted(on, key=lambda m: (m.start, -m.end))
        ]
        named = {m.entity_id for m in on}
        assert all(
            m.entity_id in named or f"{m.text} ({m.entity_id})" in mark["title"] for m in under
        )
    assert page.legend == sorted({m.kind for m in found if (m.start, m.end) in marks})


def test_badges_link_to_the_entitys_catalogue_page() -> None:
    matcher = cx.Matcher(cx.example_gazetteer())
    text = "Sofacy & NATO & Sweden"
    attrs = {e.id: e.attrs for e in matcher.gazetteer}
    out = cx.highlight(text, matcher).html
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', out)
    expected = [
        (cx.display.entity_links(attrs[m.entity_id])[0][1], f"{m.kind} · {m.name}")
        for m in matcher.find(text)
        if cx.display.entity_links(attrs[m.entity_id])
    ]
    assert (
        links == expected
        and ("https://attack.mitre.org/groups/G0007/", "threat_actor · APT28") in links
    )
    assert Marks(out).text == text
    assert "<a " not in cx.highlight(text, matcher, links=False).html


def test_line_breaks_and_right_to_left_text_show_as_written() -> None:
    text = "Sofacy\n\n  and NATO"
    out = cx.highlight(text, cx.Matcher(cx.example_gazetteer())).html
    assert "white-space:pre-wrap" in out and 'dir="auto"' in out
    assert Marks(out).text == text
