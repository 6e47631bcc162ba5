#!/usr/bin/env python3
"""Build the built-in gazetteer shipped in the package, from data/sources and data/curated.

    python data/build.py           # write python/cybernexus/data/builtin.json and data/reports/*
    python data/build.py --check   # fail if the shipped files differ from a fresh build (CI runs this)

Standard library only; the output is byte-for-byte reproducible.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gazbuild import agencies, countries, person_names, qualified, software, threat_actors
from gazbuild.common import Record, fold, read_tsv, read_words

OUTPUT = HERE.parent / "python" / "cybernexus" / "data" / "builtin.json"
CORPUS = HERE.parent / "python" / "cybernexus" / "data" / "misp_descriptions.jsonl"
REMOVED = HERE / "reports" / "removed-aliases.tsv"
PERSON_NAMES = HERE.parent / "src" / "person_names.txt"
FORMAT_VERSION = 1
SOURCES = [
    "MISP galaxy 9434ace4 (CC0-1.0 or BSD-2-Clause)",
    "Unicode CLDR 48.2 (Unicode-3.0)",
    "i18n-nationality 1.4.0 (MIT)",
    "countries-list 3.4.1 (MIT)",
    "SCOWL 2020.12.07 English word list, Debian wamerican (permissive; build-time rule only)",
    "cybernexus curated tables (MIT)",
]
# When one alias names entities of different kinds, the first kind in this order keeps it; except that
# a threat actor and a software family both keep a name they share (Winnti, Carbanak, Conti): the core
# resolves each mention from context, and both records say so in `shares_name_with`.
KIND_PRIORITY = ["country", "region", "currency", "agency", "threat_actor", "software"]
SHARED_KINDS = {"threat_actor", "software"}


def regions(curated: Path) -> list[Record]:
    records = []
    for r in read_tsv(curated / "regions.tsv"):
        aliases = [{"text": r["name"], "case": "upper_first", "form": "name"}]
        aliases += [
            {"text": a, "case": "upper_first", "form": "alias"}
            for a in r["aliases"].split("|")
            if a
        ]
        records.append(
            {
                "id": f"region:{r['id']}",
                "kind": "region",
                "name": r["name"],
                "aliases": aliases,
                "attrs": {"sources": "curated"},
            }
        )
    return records


def _country_words(country: Record) -> tuple[list[str], list[str], list[str]]:
    """A country's names (canonical and short), adjectives and abbreviations, as written in its aliases."""
    names = [country["name"]] + [a["text"] for a in country["aliases"] if a["form"] == "short name"]
    adjectives = [a["text"] for a in country["aliases"] if a["form"] == "adjective"]
    abbreviations = [a["text"] for a in country["aliases"] if a["form"] == "abbreviation"]
    return names, adjectives, abbreviations


def governments(country_records: list[Record], curated: Path) -> list[Record]:
    """One `agency:<iso2>-government` per country: "the Chinese government", "China's government", "the government
    of China", "the U.S. government" name the government, not only the country (roll it up to the country with its
    `country` attribute); "the U.S. federal government" for the countries of curated/countries-federal.tsv."""
    federal = set(read_words(curated / "countries-federal.tsv", "iso2"))
    records = []
    for c in country_records:
        code = c["attrs"]["iso2"]
        names, adjectives, abbreviations = _country_words(c)
        aliases = []
        for word in names + abbreviations:
            aliases.append({"text": f"{word} government", "case": "upper_first", "form": "derived"})
            aliases.append(
                {"text": f"{word}'s government", "case": "upper_first", "form": "derived"}
            )
        for word in names:
            aliases.append(
                {"text": f"government of {word}", "case": "insensitive", "form": "derived"}
            )
        for word in adjectives:
            aliases.append({"text": f"{word} government", "case": "upper_first", "form": "derived"})
        if code in federal:
            for word in names + abbreviations + adjectives:
                aliases.append(
                    {"text": f"{word} federal government", "case": "upper_first", "form": "derived"}
                )
        name = f"Government of {c['name']}"
        aliases.insert(0, {"text": name, "case": "insensitive", "form": "name"})
        attrs = {"country": code, "type": "government", "sources": "derived"}
        if "historic" in c["attrs"]:
            attrs["historic"] = "true"
        records.append(
            {
                "id": f"agency:{code.lower()}-government",
                "kind": "agency",
                "name": name,
                "aliases": dedupe(aliases),
                "attrs": attrs,
            }
        )
    return records


def dedupe(aliases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out = []
    for a in aliases:
        if fold(a["text"]) not in seen:
            seen.add(fold(a["text"]))
            out.append(a)
    return out


def currency_forms(names: list[str], plurals: dict[str, str]) -> list[str]:
    """The written forms of a currency from its curated names: each name, its plural by `plurals` (unit
    to plural: "US dollars"), and for a country-prefixed dollar sign the spaced and the prefixed-sign
    forms ("US$" -> "US $", "$US"; "NZ$" -> "NZ $", "$NZ"; one-letter prefixes, "C$" or "A$", get none:
    "$C" and "$A" are code)."""
    out: list[str] = []
    for n in names:
        out.append(n)
        head, _, last = n.rpartition(" ")
        if last in plurals:
            out.append(f"{head} {plurals[last]}".strip())
        m = re.fullmatch(r"([A-Z][A-Z.]*[A-Z.])\$", n)
        if m:
            out.append(f"{m.group(1)} $")
            if m.group(1).isalpha():
                out.append(f"${m.group(1)}")
    return list(dict.fromkeys(out))


def currencies(curated: Path) -> list[Record]:
    """Currencies whose names contain a country's ("US$", "Australian dollar", "Russian rubles"), so that the
    country is not read into them. Forms without a lower-case letter ("USD", "US $") are exact."""
    plurals = {p["unit"]: p["plural"] for p in read_tsv(curated / "currency-plurals.tsv")}
    records = []
    for r in read_tsv(curated / "currencies.tsv"):
        forms = currency_forms([r["name"], *(a for a in r["aliases"].split("|") if a)], plurals)
        aliases = [
            {
                "text": f,
                "case": "insensitive" if any(c.islower() for c in f) else "exact",
                "form": "name" if f == r["name"] else "alias",
            }
            for f in forms
        ]
        records.append(
            {
                "id": f"currency:{r['id']}",
                "kind": "currency",
                "name": r["name"],
                "aliases": aliases,
                "attrs": {"iso4217": r["id"], "sources": "curated"},
            }
        )
    return records


def extra_threat_actors(curated: Path) -> list[Record]:
    """Groups the MISP snapshot lacks, from curated/threat-actors-extra.tsv."""
    records = []
    for r in read_tsv(curated / "threat-actors-extra.tsv"):
        aliases = [{"text": r["name"], "case": "auto", "form": "name"}]
        aliases += [
            {"text": a, "case": "auto", "form": "synonym"} for a in r["aliases"].split("|") if a
        ]
        attrs = {"sources": "curated", "sponsor": r["sponsor"], "motive": r["motive"]}
        records.append(
            {
                "id": f"threat_actor:{r['id']}",
                "kind": "threat_actor",
                "name": r["name"],
                "aliases": aliases,
                "attrs": {k: v for k, v in attrs.items() if v},
            }
        )
    return records


def resolve_collisions(records: list[Record]) -> list[dict[str, str]]:
    """Remove aliases that name entities of two kinds, keeping them for the kind listed first in KIND_PRIORITY.

    Collisions inside one kind are the kind builder's business (and reported by it); across kinds the rule is
    context-free: "Kremlin" is a metonym of Russia, not an agency alias, because countries come first.
    """
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    kind_of = {r["id"]: r["kind"] for r in records}
    # Software gives way to the places, currencies and agencies whatever the case policies: an exact
    # software alias "Georgia" is still the country.
    places: dict[str, set[str]] = defaultdict(set)
    for r in records:
        for a in r["aliases"]:
            key = (a["text"], "exact") if a["case"] == "exact" else (fold(a["text"]), "folded")
            owners[key].add(r["id"])
            if r["kind"] not in SHARED_KINDS:
                places[fold(a["text"])].add(r["id"])
    removed = []
    for r in records:
        kept = []
        for a in r["aliases"]:
            key = (a["text"], "exact") if a["case"] == "exact" else (fold(a["text"]), "folded")
            ids = owners[key]
            kinds = {kind_of[i] for i in ids}
            if len(ids) > 1 and len(kinds) == 1 and a["form"] in ("capital", "metonym"):
                removed.append(
                    {
                        "entity": r["id"],
                        "alias": a["text"],
                        "action": "dropped",
                        "reason": f"{a['form']} of {len(ids)} entities",
                    }
                )
                continue
            if r["kind"] == "software" and a["text"] != r["name"] and places.get(fold(a["text"])):
                ids = ids | places[fold(a["text"])]
                kinds = {kind_of[i] for i in ids}
            if r["kind"] in SHARED_KINDS:
                kinds = kinds - (SHARED_KINDS - {r["kind"]})
            if len(kinds) > 1 and a["text"] != r["name"]:
                best = min(kinds, key=KIND_PRIORITY.index)
                if r["kind"] != best:
                    others = ", ".join(sorted(i for i in ids if kind_of[i] == best))
                    removed.append(
                        {
                            "entity": r["id"],
                            "alias": a["text"],
                            "action": "dropped",
                            "reason": f"also names {others}",
                        }
                    )
                    continue
            kept.append(a)
        r["aliases"] = kept
    return removed


def mark_shared_names(records: list[Record]) -> None:
    """`shares_name_with` on threat actors and software that share an alias (folded): the ids of the
    entities of the other kind, space-separated ("Winnti" is APT41's name and a malware family's)."""
    holders: dict[str, dict[str, set[str]]] = {k: defaultdict(set) for k in SHARED_KINDS}
    for r in records:
        if r["kind"] in SHARED_KINDS:
            for a in r["aliases"]:
                holders[r["kind"]][fold(a["text"])].add(r["id"])
    for r in records:
        if r["kind"] not in SHARED_KINDS:
            continue
        (other,) = SHARED_KINDS - {r["kind"]}
        ids = {i for a in r["aliases"] for i in holders[other].get(fold(a["text"]), ())}
        if ids:
            r["attrs"]["shares_name_with"] = " ".join(sorted(ids))


def build() -> tuple[str, str, str]:
    """The contents of builtin.json, of the removed-aliases report and of the core's person-name lists."""
    sources, curated = HERE / "sources", HERE / "curated"
    records: list[Record] = (
        countries.build(sources, curated) + regions(curated) + currencies(curated)
    )
    agency_records, removed = agencies.build(curated)
    country_records = [r for r in records if r["kind"] == "country"]
    people = person_names.build(sources, curated, records)
    removed += qualified.qualify(agency_records, country_records, agencies.table_acronyms(curated))
    agency_records += [
        g
        for g in governments(country_records, curated)
        if g["id"] not in {a["id"] for a in agency_records}
    ]
    actor_records, actor_removed = threat_actors.build(sources, curated)
    known = {r["id"] for r in actor_records}
    extra = [r for r in extra_threat_actors(curated) if r["id"] not in known]
    if len(extra) != len(extra_threat_actors(curated)):
        raise ValueError("threat-actors-extra.tsv repeats an id that the MISP build already has")
    places: dict[str, str] = {}
    for r in records + agency_records:
        for a in r["aliases"]:
            places.setdefault(fold(a["text"]), r["id"])
    software_records, software_removed = software.build(
        sources, curated, actor_records + extra, places
    )
    records += agency_records + actor_records + extra + software_records
    removed += actor_removed + software_removed
    removed += resolve_collisions(records)
    removed += agencies.mark_needs_support(records, curated)
    mark_shared_names(records)
    records.sort(key=lambda r: (KIND_PRIORITY.index(r["kind"]), r["id"]))
    header: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "description": "The built-in cybernexus gazetteer, generated by data/build.py; do not edit by hand.",
        "sources": SOURCES,
    }
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records]
    body = ",\n".join(lines)
    head = json.dumps(header, ensure_ascii=False, sort_keys=True)[:-1]
    text = f'{head}, "entities": [\n{body}\n]}}\n'
    report = ["entity\talias\taction\treason"]
    report += [
        f"{d['entity']}\t{d['alias']}\t{d['action']}\t{d['reason']}"
        for d in sorted(removed, key=lambda d: (d["entity"], d["alias"], d["reason"]))
    ]
    return text, "\n".join(report) + "\n", people


def sample_corpus() -> str:
    """The sample corpus shipped with the package: the descriptions of MISP threat-actor clusters (CC0), real
    threat-intelligence prose, one JSON line each ({"title", "uuid", "text"}), those of 400 characters or more."""
    data = json.loads(
        (HERE / "sources" / "misp-galaxy" / "threat-actor.json").read_text(encoding="utf-8")
    )
    lines = []
    for v in sorted(data["values"], key=lambda v: v["uuid"]):
        text = " ".join(str(v.get("description") or "").split())
        if len(text) >= 400:
            row = {"title": v["value"], "uuid": v["uuid"], "text": text}
            lines.append(json.dumps(row, ensure_ascii=False, sort_keys=True))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the shipped files are stale")
    args = parser.parse_args(argv)
    text, report, people = build()
    targets = [(OUTPUT, text), (REMOVED, report), (CORPUS, sample_corpus()), (PERSON_NAMES, people)]
    if args.check:
        stale = [
            str(p)
            for p, content in targets
            if not p.exists() or p.read_text(encoding="utf-8") != content
        ]
        if stale:
            print("stale (rerun python data/build.py):", *stale, sep="\n  ", file=sys.stderr)
            return 1
        print("built-in gazetteer is up to date")
        return 0
    for path, content in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    print(f"wrote {OUTPUT} ({text.count(chr(10)) - 2} entities) and {REMOVED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
