"""Agencies and international bodies, from the curated tables data/curated/agencies-*.tsv.

Columns: id, name, acronyms, aliases, country, parent, type, note. Acronyms are matched as written; every other alias
case-insensitively. An acronym used by two bodies is kept only by the body that claims it with a leading `!`
(the UK's `!NCSC`); a shared acronym that no body claims is dropped from all of them, and the drop is reported.
Their qualified forms ("NCSC-NL") stay.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from gazbuild.common import Record, alias, dedupe_aliases, fold, read_tsv

TYPES = {
    "intelligence",
    "security",
    "cyber",
    "cert",
    "military",
    "military_cyber",
    "law_enforcement",
    "ministry",
    "government",
    "regulator",
    "alliance",
    "alliance_body",
    "international_org",
    "standards",
    "other",
}


def read_rows(curated: Path) -> list[dict[str, str]]:
    """The rows of every agencies-*.tsv table, each with its file name under `_file`."""
    rows: list[dict[str, str]] = []
    for path in sorted(curated.glob("agencies-*.tsv")):
        for row in read_tsv(path):
            row["_file"] = path.name
            rows.append(row)
    return rows


def table_acronyms(curated: Path) -> dict[str, list[str]]:
    """Every acronym of every body as its table row writes it (also those the sharing rule drops), by
    record id: the country-qualified forms ("New Zealand's NCSC") are derived from them."""
    return {
        f"agency:{r['id']}": [a.strip() for a in r["acronyms"].split("|") if a.strip()]
        for r in read_rows(curated)
    }


def build(curated: Path) -> tuple[list[Record], list[dict[str, str]]]:
    """Agency records sorted by id, and the acronyms dropped as ambiguous."""
    rows = read_rows(curated)
    ids = [r["id"] for r in rows]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate agency ids: {duplicates}")
    known = set(ids)
    acronym_owners: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for r in rows:
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r["id"]):
            raise ValueError(f"{r['_file']}: bad agency id {r['id']!r}")
        if r["type"] not in TYPES:
            raise ValueError(f"{r['_file']}: agency {r['id']}: unknown type {r['type']!r}")
        if r["parent"] and r["parent"] not in known:
            raise ValueError(f"{r['_file']}: agency {r['id']}: unknown parent {r['parent']!r}")
        for acr in filter(None, (a.strip() for a in r["acronyms"].split("|"))):
            acronym_owners[acr.lstrip("!")].append((r["id"], acr.startswith("!")))
    keep: dict[str, set[str]] = {}
    removed: list[dict[str, str]] = []
    for acr, owners in acronym_owners.items():
        ids_ = {i for i, _ in owners}
        claimed = {i for i, bang in owners if bang}
        if len(ids_) == 1:
            keep[acr] = ids_
        elif len(claimed) == 1:
            keep[acr] = claimed
            reason = f"acronym shared with {', '.join(sorted(ids_ - claimed))}; kept by {next(iter(claimed))}"
            removed += [
                {"entity": f"agency:{i}", "alias": acr, "action": "dropped", "reason": reason}
                for i in sorted(ids_ - claimed)
            ]
        else:
            keep[acr] = set()
            reason = f"acronym shared by {', '.join(sorted(ids_))} and claimed by {len(claimed)}"
            removed += [
                {"entity": f"agency:{i}", "alias": acr, "action": "dropped", "reason": reason}
                for i in sorted(ids_)
            ]
    records: list[Record] = []
    for r in rows:
        aliases = [alias(r["name"], "name")]
        for acr in filter(None, (a.strip().lstrip("!") for a in r["acronyms"].split("|"))):
            if r["id"] in keep.get(acr, set()):
                aliases.append(alias(acr, "acronym", "exact"))
        for other in filter(None, (a.strip() for a in r["aliases"].split("|"))):
            aliases.append(alias(other, "alias", "insensitive"))
        attrs = {"country": r["country"], "type": r["type"], "sources": "curated"}
        if r["parent"]:
            attrs["parent"] = f"agency:{r['parent']}"
        if "historic" in r["note"].lower():
            attrs["historic"] = "true"
        records.append(
            {
                "id": f"agency:{r['id']}",
                "kind": "agency",
                "name": r["name"],
                "aliases": dedupe_aliases(aliases),
                "attrs": attrs,
            }
        )
    return sorted(records, key=lambda r: r["id"]), sorted(
        removed, key=lambda d: (d["entity"], d["alias"])
    )


# The fields of acronym-terms.tsv, as the report words them.
FIELDS = {
    "technical": "technical term",
    "financial": "financial term",
    "word": "ordinary word",
    "body": "acronym of another body",
}


def mark_needs_support(records: list[Record], curated: Path) -> list[dict[str, str]]:
    """Flag the bare acronyms of agencies that are also something else, with `needs_support`.

    An agency acronym needs support when (1) `acronym-terms.tsv` lists it as a technical or financial
    term, an English word or another body's acronym ("MSS", TCP maximum segment size; "BSI", the British
    Standards Institution), or (2) an entity of another kind (threat actor, software, ...) has the same alias.
    The matcher then accepts it only next to another agency, threat actor or software mention in the sentence,
    or when an unflagged alias of the same agency is in the document. Country-qualified forms ("Russian FSB")
    are never flagged. Returns the report rows (action `marked`).
    """
    terms: dict[str, str] = {}
    for row in read_tsv(curated / "acronym-terms.tsv"):
        if row["field"] not in FIELDS or not row["other meaning"]:
            raise ValueError(f"acronym-terms.tsv: bad row for {row['acronym']!r}")
        terms[row["acronym"]] = f"{FIELDS[row['field']]}: {row['other meaning']}"
    others: dict[str, set[str]] = defaultdict(set)
    for r in records:
        if r["kind"] != "agency":
            for a in r["aliases"]:
                others[fold(a["text"])].add(r["id"])
    used: set[str] = set()
    marked: list[dict[str, str]] = []
    for r in records:
        if r["kind"] != "agency":
            continue
        for a in r["aliases"]:
            if a["form"] != "acronym":
                continue
            reasons = []
            if a["text"] in terms:
                used.add(a["text"])
                reasons.append(terms[a["text"]])
            if others[fold(a["text"])]:
                reasons.append(f"also an alias of {', '.join(sorted(others[fold(a['text'])]))}")
            if reasons:
                a["needs_support"] = True
                reason = "needs support: " + "; ".join(reasons)
                marked.append(
                    {"entity": r["id"], "alias": a["text"], "action": "marked", "reason": reason}
                )
    unused = sorted(set(terms) - used)
    if unused:
        raise ValueError(f"acronym-terms.tsv: no agency has the acronym {unused}")
    return marked
