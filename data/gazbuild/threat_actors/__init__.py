"""Threat actors of the built-in gazetteer, merged from the MISP galaxy clusters (standard library
only).

Sources (data/sources/misp-galaxy): threat-actor.json, mitre-intrusion-set.json,
microsoft-activity-group.json and the criminal groups of ransomware.json; the curated tables
data/curated/threat-actors-*.tsv (`tables`) and the word lists chemical-elements.tsv and
naming-scheme-words.tsv.

The rules are written down for users in data/THREAT_ACTORS.md. One module per stage:

1. `clusters`: every cluster is read and cleaned (vendor suffixes, "Subgroup:" labels), with its
   attributes.
2. `aliases`: each name is classified by the alias rules (curated stoplist, too short, operation or
   campaign, numbered label, country name, chemical element, ransomware family name, ordinary
   word); dropped names are no evidence for merging.
3. `merge`: clusters are merged with a constrained union-find, on strong evidence only.
4. `entities`: a name left on two groups is settled, then canonical names, ids, variants, forms and
   attributes follow.

`build` runs them and logs every alias dropped, restricted or marked; run the folder to print the
counts: `python data/gazbuild/threat_actors`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gazbuild.common import (
    Record,
    country_names,
    fold,
    load_ordinary_words,
    merge_key,
    read_tsv,
    resolve_case,
    slugify,
)
from gazbuild.threat_actors.aliases import CASES, CODE_FORMS, ELEMENTS, AliasRules
from gazbuild.threat_actors.clusters import (
    MITRE,
    RANSOM,
    SOURCES,
    TA,
    Cluster,
    Name,
    clean_name,
    load_clusters,
    ransomware_names,
    ransomware_value,
)
from gazbuild.threat_actors.entities import (
    KIND,
    build_entities,
    choose_names,
    derive_variants,
    record,
    resolve_conflicts,
)
from gazbuild.threat_actors.merge import evidence_keys, merge_clusters
from gazbuild.threat_actors.tables import Curated, load_curated

# What the tests, the software package and build.py use from the package (fold, merge_key, read_tsv,
# resolve_case and slugify are common's, re-exported for the tests).
__all__ = [
    "CASES",
    "CODE_FORMS",
    "ELEMENTS",
    "MITRE",
    "SOURCES",
    "TA",
    "AliasRules",
    "Cluster",
    "Curated",
    "Name",
    "build",
    "clean_name",
    "fold",
    "load_clusters",
    "load_curated",
    "main",
    "merge_clusters",
    "merge_key",
    "read_tsv",
    "resolve_case",
    "slugify",
    "summary",
]


def build(sources: Path, curated: Path) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Threat-actor records sorted by id, and the log of every alias dropped, restricted, marked."""
    tables = load_curated(curated)
    clusters, families, unnamed = load_clusters(sources / "misp-galaxy", tables)
    primaries = {
        merge_key(n.text) for c in clusters if c.source != RANSOM for n in c.names if n.primary
    }
    words = load_ordinary_words(sources, curated)
    rules = AliasRules(tables, country_names(sources), families, primaries, words)
    keys, weak = evidence_keys(clusters, rules, tables)
    components, _ = merge_clusters(clusters, keys, tables, weak)
    entities = build_entities(clusters, components, rules)
    resolve_conflicts(entities)
    choose_names(entities, tables)
    derive_variants(entities, rules)
    revoked_ids = {g for c in clusters if c.revoked for g in c.attck}
    for entity in entities:
        if entity.left_out:
            reason = "no usable name: every name is dropped by a rule, so the entry is left out"
            entity.removed = [(entity.name, "dropped", reason, ())]
    records = sorted(
        (record(e, revoked_ids) for e in entities if not e.left_out), key=lambda r: str(r["id"])
    )
    removed_set = {
        (
            e.id,
            text,
            action,
            reason.format(*sorted(entities[r].id for r in refs)) if refs else reason,
        )
        for e in entities
        for text, action, reason, refs in e.removed
    }
    for value in unnamed:
        reason = f"{clean_name(value)[2]}; the entry is left out"
        removed_set.add((f"{KIND}:{slugify(value)}", value, "dropped", reason))
    # Mark (do not drop) the aliases that also name a ransomware family ("REvil", "Conti"): a mention may be
    # the malware rather than the group, and analysts can drop them with without_aliases(forms="malware").
    malware_names = ransomware_names(sources / "misp-galaxy")
    for r in records:
        for a in r["aliases"]:
            names = {merge_key(a["text"]), merge_key(ransomware_value(a["text"]))}
            if a["form"] != "malware" and names & malware_names:
                a["form"] = "malware"
                reason = "also the name of a ransomware family: form set to malware"
                removed_set.add((str(r["id"]), a["text"], "marked", reason))
    removed = [
        {"entity": i, "alias": t, "action": a, "reason": r} for i, t, a, r in sorted(removed_set)
    ]
    return records, removed


def summary(records: list[Record], removed: list[dict[str, str]]) -> str:
    """Counts for the build log: groups, aliases, removals by action and reason, sponsors."""
    lines = [
        f"threat actors: {len(records)} groups, {sum(len(r['aliases']) for r in records)} aliases",
    ]
    by_reason = Counter((d["action"], d["reason"].split(":")[0]) for d in removed)
    lines.append(f"removed log: {len(removed)} entries")
    for (action, reason), n in sorted(by_reason.items(), key=lambda t: (-t[1], t[0])):
        lines.append(f"  {n:5d}  {action}  {reason}")
    sponsors = Counter(r["attrs"]["sponsor"] for r in records if "sponsor" in r["attrs"])
    top = ", ".join(
        f"{s} {n}" for s, n in sorted(sponsors.items(), key=lambda t: (-t[1], t[0]))[:10]
    )
    lines.append(f"sponsors (top 10): {top}; none: {len(records) - sum(sponsors.values())}")
    sources = Counter(s for r in records for s in r["attrs"]["sources"].split())
    lines.append("groups per source: " + ", ".join(f"{s} {n}" for s, n in sorted(sources.items())))
    return "\n".join(lines)


def main(argv: Iterable[str] = ()) -> int:
    """Build from the repository's data folder and print the summary."""
    data = Path(__file__).resolve().parents[2]
    records, removed = build(data / "sources", data / "curated")
    print(summary(records, removed))
    return 0
