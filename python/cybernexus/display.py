"""Notebook display: mentions highlighted in their text."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from cybernexus._core import Matcher, Mention
from cybernexus._data import builtin_matcher

__all__ = ["Highlighted", "entity_links", "highlight"]

#: Background colour per kind; other kinds get the last one.
COLOURS: dict[str, str] = {
    "country": "#cfe8ff",
    "agency": "#ffe2b8",
    "threat_actor": "#ffc9c9",
    "region": "#d8f3dc",
    "currency": "#eeeeee",
    "": "#e9d8fd",
}


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
            (f"Malpedia {malpedia}", f"https://malpedia.caad.fkie.fraunhofer.de/details/{malpedia}")
        )
    return links


class Highlighted:
    """HTML of a text with its mentions marked; Jupyter renders it, ``str()`` gives the HTML."""

    def __init__(self, markup: str) -> None:
        self.html = markup

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<Highlighted: {len(self.html)} characters of HTML>"


def highlight(
    text: str, matcher: Matcher | None = None, *, mentions: Sequence[Mention] | None = None
) -> Highlighted:
    """Mark the mentions of ``text`` (found with ``matcher``, default the built-in one, or given) in HTML.

    Each mention is a ``<mark>`` coloured by kind, with the entity id and name as its tooltip; overlapping mentions
    (``overlaps="all"``) are marked outermost only. The text is escaped.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, got {type(text).__name__}")
    found = list(mentions) if mentions is not None else (matcher or builtin_matcher()).find(text)
    parts: list[str] = []
    position = 0
    for m in sorted(found, key=lambda m: (m.start, -m.end)):
        if m.start < position:
            continue
        parts.append(html.escape(text[position : m.start]))
        colour = COLOURS.get(m.kind, COLOURS[""])
        title = html.escape(f"{m.entity_id} ({m.name})", quote=True)
        parts.append(
            f'<mark style="background:{colour};padding:0 2px" title="{title}">'
            f"{html.escape(text[m.start : m.end])}</mark>"
        )
        position = m.end
    parts.append(html.escape(text[position:]))
    return Highlighted('<div style="line-height:1.6">' + "".join(parts) + "</div>")
