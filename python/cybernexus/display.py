"""Notebook displays: mentions highlighted in their text, and HTML views of every result.

Jupyter shows an object through its ``_repr_html_``: :class:`Highlighted` (from :func:`highlight`), :class:`Mentions`,
and, through the functions below, ``Entity``, ``Gazetteer``, ``MentionTable`` and ``Cooccurrence``. Every text that
comes from data is escaped; the markup is plain HTML with inline styles (no script, no stylesheet), so it renders the
same in JupyterLab, VS Code, a static HTML export and a browser.

The look of :func:`highlight` follows spaCy's displacy "ent" style, which readers of NLP output know: a rounded,
coloured mark per span with a small label inside it. Unlike displacy, the label gives the entity's canonical name as
well as its kind (the text may say "Fancy Bear", the label says which actor that is), the entity id is the tooltip,
and a legend lists the kinds shown.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
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
MARK = "background:{colour};padding:0.1em 0.35em;margin:0 0.1em;border-radius:0.35em;line-height:2"
BADGE = (
    "font-size:0.7em;font-weight:600;margin-left:0.4em;padding:0 0.3em;border-radius:0.25em;"
    "background:rgba(255,255,255,0.65);vertical-align:middle"
)
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
    """HTML of texts with their mentions marked; Jupyter renders it, ``str()`` gives the HTML."""

    def __init__(self, markup: str) -> None:
        self.html = markup

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<Highlighted: {len(self.html)} characters of HTML>"


def _marked(text: str, found: Sequence[Mention]) -> tuple[str, set[str]]:
    """``text`` as escaped HTML with the outermost of each set of nested mentions marked, and the kinds marked."""
    parts: list[str] = []
    kinds: set[str] = set()
    position = 0
    for m in sorted(found, key=lambda m: (m.start, -m.end)):
        if m.start < position:
            continue
        kinds.add(m.kind)
        parts.append(html.escape(text[position : m.start]))
        parts.append(
            f'<mark class="cx-mention" data-entity-id="{_e(m.entity_id)}" data-kind="{_e(m.kind)}" '
            f'style="{MARK.format(colour=colour(m.kind))}" title="{_e(m.entity_id)}">'
            f"{html.escape(text[m.start : m.end])}"
            f'<span class="cx-badge" style="{BADGE}">{_e(m.kind)} · {_e(m.name)}</span></mark>'
        )
        position = m.end
    parts.append(html.escape(text[position:]))
    return "".join(parts), kinds


def _legend(kinds: set[str]) -> str:
    chips = "".join(
        f'<span class="cx-legend-kind" style="{MARK.format(colour=colour(k))}">{_e(k)}</span>'
        for k in sorted(kinds)
    )
    return f'<div class="cx-legend" style="margin-bottom:0.4em;font-size:0.85em">{chips}</div>'


def highlight(
    texts: str | Sequence[str],
    matcher: Matcher | None = None,
    *,
    mentions: Sequence[Mention] | Sequence[Sequence[Mention]] | None = None,
    legend: bool = True,
) -> Highlighted:
    """Mark the mentions of one text or several (found with ``matcher``, default the built-in one, or given) in HTML.

    Each mention is a ``<mark>`` coloured by kind with a badge naming its kind and canonical name, and the entity id
    as tooltip; overlapping mentions (``overlaps="all"``) are marked outermost only. A legend lists the kinds shown.
    The texts are escaped.

    Args:
        texts: A ``str``, or a sequence of them (each in its own block, numbered).
        matcher: Finds the mentions (default: the built-in gazetteer).
        mentions: The mentions to mark instead: a list of :class:`Mention` for one text, one list per text for
            several.
        legend: Show the legend of kinds.

    Raises:
        TypeError: a text is not a ``str``, or ``mentions`` does not fit ``texts``.
        ValueError: ``texts`` is an empty sequence.
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
    kinds: set[str] = set()
    blocks = []
    for i, (doc, ms) in enumerate(zip(docs, found, strict=True)):
        if any(not isinstance(m, Mention) for m in ms):
            raise TypeError("mentions must be Mention objects (as Matcher.find returns)")
        body, shown = _marked(doc, ms)
        kinds |= shown
        number = "" if single else f'<div style="font-size:0.8em;color:#666">[{i}]</div>'
        blocks.append(
            f'<div class="cx-doc" style="line-height:1.6;margin-bottom:0.6em">{number}{body}</div>'
        )
    head = _legend(kinds) if legend and kinds else ""
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

    ids, kinds, names, alias_offsets, alias_texts = table._labels()
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
