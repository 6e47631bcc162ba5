"""Highlighted mentions for notebooks."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

import cybernexus as cx


class Marks(HTMLParser):
    """The marks of highlighted HTML: each mark's attributes, its text and its badge; the legend's kinds; and the
    page's text with the badges and legend left out (what the reader sees of the document itself)."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: list[dict[str, str]] = []
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
            self.marks.append({**a, "text": "", "badge": ""})

    def handle_endtag(self, tag: str) -> None:
        self._in.pop()

    def handle_data(self, data: str) -> None:
        if "cx-legend-kind" in self._in:
            self.legend.append(data)
        elif "cx-badge" in self._in:
            self.marks[-1]["badge"] += data
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
    assert [(m["data-entity-id"], m["data-kind"], m["text"], m["badge"]) for m in page.marks] == [
        ("threat_actor:apt28", "threat_actor", "Fancy Bear", "threat_actor · APT28"),
        ("agency:ru-gru", "agency", "GRU", "agency · GRU"),
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
    assert same == cx.highlight(texts, matcher).html
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
