"""Notebook displays: mentions highlighted in their text, and HTML views of every result.

Jupyter shows an object through its ``_repr_html_``: :class:`Highlighted` (from :func:`highlight`), :class:`Mentions`,
and, through the functions below, ``Entity``, ``Gazetteer``, ``MentionTable`` and ``Cooccurrence``. Every text that
comes from data is escaped; the markup is plain HTML with inline styles (no script, no stylesheet), so it renders the
same in JupyterLab, VS Code, a static HTML export and a browser.

The look of :func:`highlight` follows spaCy's displacy "ent" style, which readers of NLP output know: a rounded,
coloured mark per span with a small label inside it. Unlike displacy, the label gives the entity's canonical name as
well as its kind (the text may say "Fancy Bear", the label says which actor that is) and links to its catalogue
page, mentions of one span share a mark with a badge each, the entity id is the tooltip, and a legend lists the kinds
shown. DISPLAYS.md compares the two side by side.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cybernexus._core import Matcher, Mention
from cybernexus._data import builtin_matcher

if TYPE_CHECKING:
    from cybernexus._core import Entity, Gazetteer, MentionTable
    from cybernexus.cooccurrence import Cooccurrence

__all__ = ["Highlighted", "Mentions", "entity_links", "highlight"]

#: Background colour per kind; other kinds get the last one.
COLOURS: dict[str, str] = {
    "country": "#cfe8ff",
    "agency": "#ffe2b8",
    "threat_actor": "#ffc9c9",
    "software": "#e2d4f7",
    "region": "#d8f3dc",
    "currency": "#eeeeee",
    "": "#f3e8c8",
}
# A mark broken over two lines keeps its padding and rounded ends on both (box-decoration-break); a badge never
# breaks inside ("threat_actor ·" on one line and "APT28" on the next read badly in displacy's style too).
MARK = (
    "background:{colour};padding:0.1em 0.35em;margin:0 0.1em;border-radius:0.35em;line-height:2;"
    "-webkit-box-decoration-break:clone;box-decoration-break:clone"
)
BADGE = (
    "font-size:0.7em;font-weight:600;margin-left:0.4em;padding:0 0.3em;border-radius:0.25em;"
    "background:rgba(255,255,255,0.65);vertical-align:middle;white-space:nowrap"
)
#: What a colour given to highlight(colours=...) may be: a name, #rgb(a) hex, or an rgb()/hsl() function. It goes
#: into a style attribute, so nothing else (no ";" starting another property, no url()) is let through.
CSS_COLOUR = re.compile(
    r"[a-zA-Z]{3,30}|#[0-9a-fA-F]{3,8}|(rgb|rgba|hsl|hsla)\([0-9.,%\s/+-]{1,60}\)"
)
# Line breaks and runs of spaces show as in the text (displacy turns "\n" into <br>; pre-wrap keeps the text itself
# unchanged in the page); dir="auto" lets a right-to-left text run right to left.
DOC = "line-height:1.6;margin-bottom:0.6em;white-space:pre-wrap"
LINK = "color:inherit;text-decoration:none;border-bottom:1px dotted"
TABLE = "border-collapse:collapse;font-size:0.9em"
CELL = "padding:0.15em 0.6em;text-align:left;border-bottom:1px solid #ddd"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def colour(kind: str) -> str:
    """The background colour of a kind."""
    return COLOURS.get(kind, COLOURS[""])


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f'<th style="{CELL}">{_e(h)}</th>' for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td style="{CELL}">{_e(c)}</td>' for c in row) + "</tr>" for row in rows
    )
    return f'<table style="{TABLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _by_count(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Items, most first, then by name."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def entity_links(attrs: Mapping[str, str]) -> list[tuple[str, str]]:
    """``(label, url)`` of the public catalogue pages an entity's attributes point to: its MITRE ATT&CK page
    (``attck_id``: G-numbers are groups, S-numbers software), its MISP galaxy clusters (``misp_uuids``) and its
    Malpedia entry (``malpedia``)."""
    links = []
    attck = attrs.get("attck_id", "").strip()
    if attck:
        section = "groups" if attck.startswith("G") else "software"
        links.append((f"ATT&CK {attck}", f"https://attack.mitre.org/{section}/{attck}/"))
    for uuid in attrs.get("misp_uuids", "").split():
        links.append(
            (
                f"MISP {uuid[:8]}",
                f"https://github.com/search?q=repo%3AMISP%2Fmisp-galaxy+{uuid}&type=code",
            )
        )
    malpedia = attrs.get("malpedia", "").strip()
    if malpedia:
        links.append(
            (
                f"Malpedia {malpedia}",
                f"https://malpedia.caad.fkie.fraunhofer.de/details/{malpedia}",
            )
        )
    return links


class Highlighted:
    """HTML of texts with their mentions marked; Jupyter renders it, ``str()`` gives the HTML fragment and
    :meth:`save` writes it as a page of its own."""

    def __init__(self, markup: str) -> None:
        self.html = markup

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<Highlighted: {len(self.html)} characters of HTML>"

    def page(self, title: str = "cybernexus mentions") -> str:
        """A whole HTML document (UTF-8, no script, no external resource) showing the marked texts."""
        return (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f"<title>{_e(title)}</title></head>"
            '<body style="font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em">'
            f"{self.html}</body></html>\n"
        )

    def save(self, path: str | os.PathLike[str], title: str = "cybernexus mentions") -> None:
        """Write :meth:`page` to ``path`` (UTF-8), to open in a browser or attach to a report."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.page(title))


def _marked(
    text: str,
    found: Sequence[Mention],
    colours: Mapping[str, str],
    link: Callable[[str], str | None] | None = None,
) -> tuple[str, set[str]]:
    """``text`` as escaped HTML with its mentions marked, and the kinds marked.

    Mentions of the same span (``overlaps="all"``: "Sofacy" the actor and the malware) share one mark, with a badge
    each; a mention that starts inside another ("Russian" in "Russian GRU") is not marked, but named in the outer
    mark's tooltip. ``link(entity_id)`` gives the page a badge links to, if any.
    """
    parts: list[str] = []
    kinds: set[str] = set()
    position = 0
    ordered = sorted(found, key=lambda m: (m.start, -m.end))
    i = 0
    while i < len(ordered):
        outer = ordered[i]
        same = [outer]
        i += 1
        while i < len(ordered) and (ordered[i].start, ordered[i].end) == (outer.start, outer.end):
            same.append(ordered[i])
            i += 1
        # Mentions that start under this one (nested, or reaching past its end) are named in its tooltip, unless
        # they are of an entity the mark names already ("GRU" inside "Russian GRU").
        named = {m.entity_id for m in same}
        inside = []
        while i < len(ordered) and ordered[i].start < outer.end:
            if ordered[i].entity_id not in named:
                inside.append(ordered[i])
            i += 1
        kinds.update(m.kind for m in same)
        tip = " / ".join(m.entity_id for m in same)
        if inside:
            tip += "; also: " + ", ".join(f"{m.text} ({m.entity_id})" for m in inside)
        badges = "".join(_badge(m, link(m.entity_id) if link else None) for m in same)
        parts.append(html.escape(text[position : outer.start]))
        parts.append(
            f'<mark class="cx-mention" data-entity-id="{_e(outer.entity_id)}" data-kind="{_e(outer.kind)}" '
            f'style="{MARK.format(colour=colours.get(outer.kind, colours[""]))}" title="{_e(tip)}">'
            f"{html.escape(text[outer.start : outer.end])}{badges}</mark>"
        )
        position = outer.end
    parts.append(html.escape(text[position:]))
    return "".join(parts), kinds


def _badge(m: Mention, url: str | None) -> str:
    label = f"{_e(m.kind)} · {_e(m.name)}"
    if url:
        label = f'<a href="{_e(url)}" target="_blank" rel="noopener" style="{LINK}">{label}</a>'
    return f'<span class="cx-badge" style="{BADGE}">{label}</span>'


def _linker(gazetteer: Gazetteer) -> Callable[[str], str | None]:
    """``entity_id`` -> its first catalogue page (ATT&CK, MISP, Malpedia; see :func:`entity_links`), looked up once
    per entity."""
    pages: dict[str, str | None] = {}

    def link(entity_id: str) -> str | None:
        if entity_id not in pages:
            found = entity_links(gazetteer[entity_id].attrs) if entity_id in gazetteer else []
            pages[entity_id] = found[0][1] if found else None
        return pages[entity_id]

    return link


def _legend(kinds: set[str], colours: Mapping[str, str]) -> str:
    chips = "".join(
        f'<span class="cx-legend-kind" style="{MARK.format(colour=colours.get(k, colours[""]))}">'
        f"{_e(k)}</span>"
        for k in sorted(kinds)
    )
    return f'<div class="cx-legend" style="margin-bottom:0.4em;font-size:0.85em">{chips}</div>'


def _colours(given: Mapping[str, str] | None) -> dict[str, str]:
    """:data:`COLOURS` with the given kinds' colours in their place, each checked to be a plain CSS colour."""
    if given is None:
        return COLOURS
    if not isinstance(given, Mapping):
        raise TypeError(f"colours must be a mapping of kind to colour, got {type(given).__name__}")
    for kind, value in given.items():
        if not isinstance(kind, str) or not isinstance(value, str):
            raise TypeError("colours must map kind names (str) to CSS colours (str)")
        if not CSS_COLOUR.fullmatch(value.strip()):
            raise ValueError(
                f"colours[{kind!r}] = {value!r} is not a CSS colour (a name, #hex, rgb() or hsl())"
            )
    return {**COLOURS, **{k: v.strip() for k, v in given.items()}}


def _kinds(kinds: str | Iterable[str] | None) -> set[str] | None:
    if kinds is None:
        return None
    chosen = {kinds} if isinstance(kinds, str) else set(kinds)
    if not all(isinstance(k, str) for k in chosen):
        raise TypeError("kinds must be a kind name or an iterable of them")
    return chosen


def highlight(
    texts: str | Sequence[str],
    matcher: Matcher | None = None,
    *,
    mentions: Sequence[Mention] | Sequence[Sequence[Mention]] | None = None,
    kinds: str | Iterable[str] | None = None,
    colours: Mapping[str, str] | None = None,
    links: bool = True,
    legend: bool = True,
) -> Highlighted:
    """Mark the mentions of one text or several (found with ``matcher``, default the built-in one, or given) in HTML.

    Each mention is a ``<mark>`` coloured by kind with a badge naming its kind and canonical name, and the entity id
    as tooltip. With ``overlaps="all"``, mentions of the same span share one mark with a badge each, and a mention
    nested in another is named in the outer one's tooltip rather than marked. A legend lists the kinds shown. The
    texts are escaped. ``str()`` of the result is an HTML fragment; ``.save(path)`` writes a page.

    Args:
        texts: A ``str``, or a sequence of them (each in its own block, numbered).
        matcher: Finds the mentions (default: the built-in gazetteer).
        mentions: The mentions to mark instead: a list of :class:`Mention` for one text, one list per text for
            several.
        kinds: Mark only mentions of these kinds (a kind or several), as displacy's ``options={"ents": ...}``.
        colours: Background colours by kind (CSS names, ``#hex``, ``rgb()`` or ``hsl()``) over :data:`COLOURS`;
            the key ``""`` is the colour of kinds not listed.
        links: Make a badge a link to the entity's MITRE ATT&CK page (else MISP galaxy, else Malpedia) where the
            gazetteer has one, as displacy's ``kb_url_template``. Needs the gazetteer: the matcher's, or the
            built-in one when neither ``matcher`` nor ``mentions`` is given.
        legend: Show the legend of kinds.

    Raises:
        TypeError: a text is not a ``str``, ``mentions`` does not fit ``texts``, or ``kinds``/``colours`` is of the
            wrong type.
        ValueError: ``texts`` is an empty sequence, a colour is not a plain CSS colour, or a kind of ``kinds`` is
            none of the gazetteer's (when the matcher is known: given, or the built-in one finding the mentions).
    """
    single = isinstance(texts, str)
    if not single and (not isinstance(texts, Sequence) or isinstance(texts, (bytes, bytearray))):
        raise TypeError(f"text must be str or a sequence of str, got {type(texts).__name__}")
    docs: list[str] = [texts] if isinstance(texts, str) else list(texts)
    if not docs:
        raise ValueError("texts is empty: nothing to highlight")
    for i, doc in enumerate(docs):
        if not isinstance(doc, str):
            raise TypeError(
                f"text must be str, got {type(doc).__name__}"
                + ("" if single else f" at texts[{i}]")
            )
    if isinstance(mentions, (str, bytes)):
        raise TypeError(f"mentions must be a list of Mention, got {type(mentions).__name__}")
    palette = _colours(colours)
    shown_kinds = _kinds(kinds)
    if mentions is None:
        found = (matcher or builtin_matcher()).find_many(docs)
    elif single:
        found = [list(mentions)]  # type: ignore[arg-type]
    else:
        found = [list(m) for m in mentions]  # type: ignore[arg-type]
        if len(found) != len(docs):
            raise TypeError(
                f"mentions must hold one list per text: {len(found)} lists for {len(docs)} texts"
            )
    gazetteer = None
    if matcher is not None or mentions is None:
        known = (matcher or builtin_matcher()).gazetteer
        # Numbered clusters that no list has are threat actors of any gazetteer.
        kinds_there = set(known.stats()["by_kind"]) | {"threat_actor"}
        for kind in sorted(shown_kinds or ()):
            if kind not in kinds_there:
                raise ValueError(
                    f"no entity has kind {kind!r} (the kinds are: {', '.join(sorted(kinds_there))})"
                )
        if links:
            gazetteer = known
    link = _linker(gazetteer) if gazetteer is not None else None
    marked: set[str] = set()
    blocks = []
    for i, (doc, ms) in enumerate(zip(docs, found, strict=True)):
        if any(not isinstance(m, Mention) for m in ms):
            raise TypeError("mentions must be Mention objects (as Matcher.find returns)")
        if shown_kinds is not None:
            ms = [m for m in ms if m.kind in shown_kinds]
        body, shown = _marked(doc, ms, palette, link)
        marked |= shown
        number = "" if single else f'<div style="font-size:0.8em;color:#666">[{i}]</div>'
        blocks.append(f'<div class="cx-doc" dir="auto" style="{DOC}">{number}{body}</div>')
    head = _legend(marked, palette) if legend and marked else ""
    return Highlighted(f'<div class="cx-highlight">{head}{"".join(blocks)}</div>')


class Mentions(list[Mention]):
    """The mentions of one text, with the text: a ``list`` of :class:`Mention` that Jupyter shows highlighted, with a
    table of the mentions under it. Make one with ``Mentions.find(text, matcher)`` or ``Mentions(text, found)``."""

    def __init__(self, text: str, mentions: Sequence[Mention] = ()) -> None:
        if not isinstance(text, str):
            raise TypeError(f"text must be str, got {type(text).__name__}")
        super().__init__(mentions)
        self.text = text

    @classmethod
    def find(cls, text: str, matcher: Matcher | None = None) -> Mentions:
        """The mentions of ``text`` (``matcher``: default the built-in gazetteer)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, got {type(text).__name__}")
        return cls(text, (matcher or builtin_matcher()).find(text))

    def __repr__(self) -> str:
        return f"<Mentions: {len(self)} in a text of {len(self.text)} characters: {super().__repr__()}>"

    def _repr_html_(self) -> str:
        rows = [(m.start, m.end, m.text, m.entity_id, m.kind, m.name, m.alias) for m in self]
        table = _table(["start", "end", "text", "entity_id", "kind", "name", "alias"], rows)
        return highlight(self.text, mentions=list(self)).html + table


def aliases_by_form(record: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """An entity record's alias texts grouped by form (``"alias"`` for those without one), forms sorted."""
    by_form: dict[str, list[str]] = {}
    for alias in record["aliases"]:
        by_form.setdefault(alias.get("form") or "alias", []).append(alias["text"])
    return sorted(by_form.items())


def entity_html(entity: Entity) -> str:
    """An entity: name, kind and id, aliases by form, attributes and catalogue links."""
    record = entity.to_record()
    aliases = _table(["form", "aliases"], [(f, ", ".join(t)) for f, t in aliases_by_form(record)])
    attrs = _table(["attribute", "value"], sorted(record["attrs"].items()))
    links = " ".join(
        f'<a href="{_e(url)}" target="_blank" rel="noopener">{_e(label)}</a>'
        for label, url in entity_links(record["attrs"])
    )
    badge = f'<span style="{MARK.format(colour=colour(entity.kind))}">{_e(entity.kind)}</span>'
    return (
        f'<div class="cx-entity"><div><b>{_e(entity.name)}</b> {badge} <code>{_e(entity.id)}</code></div>'
        f"{aliases}{attrs if record['attrs'] else ''}"
        + (f'<div class="cx-links">{links}</div>' if links else "")
        + "</div>"
    )


def gazetteer_html(gazetteer: Gazetteer) -> str:
    """A gazetteer: entities and aliases, by kind and by source."""
    stats = gazetteer.stats()
    by_kind = _table(["kind", "entities"], _by_count(stats["by_kind"]))
    by_source = _table(["source", "entities"], _by_count(stats["by_source"]))
    return (
        f'<div class="cx-gazetteer"><div><b>Gazetteer</b>: {stats["entities"]:,} entities, '
        f"{stats['aliases']:,} aliases</div>"
        f'<div style="display:flex;gap:2em;align-items:flex-start">{by_kind}{by_source}</div></div>'
    )


def mention_table_html(table: MentionTable, rows: int = 10) -> str:
    """A mention table: its size, mentions by kind, and its first ``rows`` rows."""
    import numpy as np

    ids, kinds, names, alias_offsets, alias_texts, _ = table._labels()
    entity = np.asarray(table.entity)
    alias = np.asarray(table.alias)
    counts: dict[str, int] = {}
    for e, n in zip(*np.unique(entity, return_counts=True), strict=True):
        counts[kinds[e]] = counts.get(kinds[e], 0) + int(n)
    preview = [
        (
            int(table.doc[i]),
            int(table.start[i]),
            int(table.end[i]),
            ids[entity[i]],
            kinds[entity[i]],
            names[entity[i]],
            alias_texts[alias_offsets[entity[i]] + alias[i]],
        )
        for i in range(min(rows, len(table)))
    ]
    return (
        f'<div class="cx-mention-table"><div><b>MentionTable</b>: {len(table):,} mentions in '
        f"{table.n_docs:,} texts</div>"
        + _table(["kind", "mentions"], _by_count(counts))
        + _table(["doc", "start", "end", "entity_id", "kind", "name", "alias"], preview)
        + (f"<div>… {len(table) - rows:,} more</div>" if len(table) > rows else "")
        + "</div>"
    )


def cooccurrence_html(co: Cooccurrence, k: int = 10) -> str:
    """Counts: size, scope and the strongest pairs (by NPMI, among pairs seen at least ``min_count`` times)."""
    head = f"<div><b>Cooccurrence</b>: {_e(repr(co)[15:-1])}</div>"
    try:
        top = co.top_pairs(k, "npmi")
    except ImportError:  # pandas is an optional extra
        return f'<div class="cx-cooccurrence">{head}</div>'
    rows: list[Any] = [
        (r["source_name"], r["target_name"], r["count"], f"{r['npmi']:.3f}")
        for r in top.to_dict("records")
    ]
    return f'<div class="cx-cooccurrence">{head}{_table(["a", "b", "count", "npmi"], rows)}</div>'
