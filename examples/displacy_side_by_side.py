"""cybernexus.highlight beside spaCy's displacy "ent" and "span" styles, for the same texts and the same mentions.

    python examples/displacy_side_by_side.py [OUT.html] [--screenshot OUT.png]

Needs spaCy (``pip install spacy``, no model: displacy's manual mode takes the spans as given). The mentions come
from the built-in matcher with ``overlaps="all"``, so nested mentions ("Russian" inside "Russian GRU") show how each
display treats them. ``--screenshot`` opens the page in a headless Chromium. DISPLAYS.md says what each display does
better, and what cybernexus took.
"""

from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from spacy import displacy

import cybernexus as cx

TEXTS = [
    "Germany and the Czech Republic linked the activity to the Russian group APT28, funded by the GRU.",
    (
        'Microsoft calls the group "Forest Blizzard"; others say Fancy Bear, Sofacy or STRONTIUM.\n'
        "Its <script> tags & 'payloads' reached NATO members, the Russian GRU said nothing."
    ),
]


def outermost(mentions: list[cx.Mention]) -> list[cx.Mention]:
    """The mentions displacy's "ent" style can show: it needs spans that do not overlap, so keep the first of each
    span that starts after the last one kept ended (the marks highlight makes; it badges the rest)."""
    kept: list[cx.Mention] = []
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if not kept or m.start >= kept[-1].end:
            kept.append(m)
    return kept


def token_spans(text: str, mentions: list[cx.Mention]) -> dict[str, Any]:
    """displacy's "span" style input: whitespace tokens, and each mention as the tokens it touches."""
    tokens = text.split(" ")
    starts = [0]
    for token in tokens[:-1]:
        starts.append(starts[-1] + len(token) + 1)
    ends = [s + len(t) for s, t in zip(starts, tokens, strict=True)]
    spans = [
        {
            "start_token": max(i for i, s in enumerate(starts) if s <= m.start),
            "end_token": min(i for i, e in enumerate(ends) if e >= m.end) + 1,
            "label": m.kind.upper(),
        }
        for m in mentions
    ]
    return {"text": text, "tokens": tokens, "spans": spans}


def page(texts: list[str]) -> str:
    found = cx.Matcher(overlaps="all").find_many(texts)
    ents = [
        {
            "text": t,
            "ents": [
                {"start": m.start, "end": m.end, "label": m.kind.upper()} for m in outermost(ms)
            ],
        }
        for t, ms in zip(texts, found, strict=True)
    ]
    spans = [token_spans(t, ms) for t, ms in zip(texts, found, strict=True)]
    columns = [
        ("cybernexus.highlight", cx.highlight(texts, mentions=found).html),
        ('displacy style="ent"', displacy.render(ents, style="ent", manual=True, jupyter=False)),
        ('displacy style="span"', displacy.render(spans, style="span", manual=True, jupyter=False)),
    ]
    body = "".join(
        f'<div style="flex:1;min-width:0;padding:0 1em"><h3>{html.escape(title)}</h3>{markup}</div>'
        for title, markup in columns
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>highlight and displacy</title></head>'
        f'<body style="font-family:sans-serif;max-width:1500px"><div style="display:flex">{body}</div>'
        "</body></html>"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", nargs="?", default="side_by_side.html", type=Path)
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    args.out.write_text(page(TEXTS), encoding="utf-8")
    print(f"wrote {args.out}")
    if args.screenshot:
        exe = shutil.which("chromium") or shutil.which("google-chrome")
        if exe is None:
            print("no chromium for --screenshot", file=sys.stderr)
            return 1
        command = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1500,700"]
        command += [f"--screenshot={args.screenshot.resolve()}", args.out.resolve().as_uri()]
        subprocess.run(command, check=True, capture_output=True)
        print(f"wrote {args.screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
