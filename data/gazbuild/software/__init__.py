"""Software (malware families and tools) of the built-in gazetteer, merged from the MISP galaxy
clusters (standard library only).

Sources (data/sources/misp-galaxy): malpedia.json, mitre-malware.json, mitre-tool.json, tool.json,
rat.json, backdoor.json, stealer.json, botnet.json, exploit-kit.json and ransomware.json. Curated
tables: data/curated/software-stop-aliases.tsv (hand decisions about aliases) and
data/curated/ordinary-words.tsv (overrides of the dictionary rule, shared with the threat actors);
the generic, detection-prefix and function words of the rules are data/curated/software-words.tsv
(`tables` reads both software tables).

The rules are written down for users in data/SOFTWARE.md. One module per stage:

1. `clusters`: every cluster is read and cleaned (parenthesised notes, antivirus detection names
   and Malpedia identifiers are not names), with its attributes.
2. `aliases`: each name is classified by the alias rules (curated stoplist, too short, generic or
   version-only, country name, ordinary word, ordinary phrase); dropped names are no evidence.
3. `merge`: clusters are merged with a constrained union-find, as for the threat actors, on strong
   evidence only, so one generic shared synonym never chains two families.
4. `entities`: a name left on two families goes to the one that has it as a primary name, else to
   the one that more source clusters give it to, otherwise it is dropped from all of them; then
   canonical names, ids (`software:<slug>`), forms and attributes follow. `used_by` links to the
   threat-actor records through the MISP uuids they carry.

`build` runs them and logs every alias dropped or restricted; run the folder to print the counts:
`python data/gazbuild/software`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from gazbuild import threat_actors
from gazbuild.common import Record, country_names, load_ordinary_words, merge_key
from gazbuild.software.aliases import AliasRules
from gazbuild.software.clusters import SOURCES, Cluster, Name, clean_name, load_clusters
from gazbuild.software.entities import (
    KIND,
    build_entities,
    choose_names,
    load_users,
    record,
    resolve_conflicts,
)
from gazbuild.software.merge import merge_clusters
from gazbuild.software.tables import load_shared_names, load_stop, load_vendors

# What the tests and build.py use from the package, with the stages' main types and steps.
__all__ = [
    "KIND",
    "SOURCES",
    "AliasRules",
    "Cluster",
    "Name",
    "build",
    "clean_name",
    "load_clusters",
    "load_stop",
    "main",
    "merge_clusters",
    "summary",
]


def build(
    sources: Path,
    curated: Path,
    actors: list[Record] | None = None,
    places: dict[str, str] | None = None,
) -> tuple[list[Record], list[dict[str, str]]]:
    """Software records sorted by id, and the log of every alias dropped or restricted.

    `actors` are the threat-actor records (for `used_by`); without them `used_by` is left out.
    `places` maps the folded aliases of the kinds that come first (countries with their capitals,
    regions, currencies, agencies) to one id each: software never gets them, not even as its own
    name ("Tripoli", "ONI"), so the longer name ("Tripoli Ransomware") becomes the canonical one.
    """
    galaxy = sources / "misp-galaxy"
    clusters = load_clusters(galaxy)
    words = load_ordinary_words(sources, curated)
    rules = AliasRules(
        load_stop(curated), country_names(sources), words, places, load_vendors(curated)
    )
    decisions = {n.text: rules.classify(n.text) for c in clusters for n in c.names}
    keys = [
        {merge_key(n.text) for n in c.names if decisions[n.text].action != "drop"} for c in clusters
    ]
    weak = {merge_key(t) for t, d in decisions.items() if d.needs_support and not d.merges}
    components = merge_clusters(clusters, keys, weak)
    entities = build_entities(clusters, components, rules)
    resolve_conflicts(entities, load_shared_names(curated))
    choose_names(entities)
    for entity in entities:
        if entity.left_out:
            reason = "no usable name: every name is dropped by a rule, so the entry is left out"
            entity.removed = [(entity.name, "dropped", reason, ())]
    actor_of: dict[str, str] = {}
    for r in actors or []:
        for u in r["attrs"].get("misp_uuids", "").split():
            actor_of[u] = str(r["id"])
    users = load_users(galaxy, clusters)
    records = sorted(
        (record(e, actor_of, users) for e in entities if not e.left_out),
        key=lambda r: str(r["id"]),
    )
    removed_set = {
        (e.id, text, action, reason.format(*(entities[r].id for r in refs)) if refs else reason)
        for e in entities
        for text, action, reason, refs in e.removed
    }
    removed = [
        {"entity": i, "alias": t, "action": a, "reason": r} for i, t, a, r in sorted(removed_set)
    ]
    return records, removed


def summary(records: list[Record], removed: list[dict[str, str]]) -> str:
    """Counts for the build log: entities, aliases, types, removals by action and reason."""
    n_aliases = sum(len(r["aliases"]) for r in records)
    n_support = sum(1 for r in records for a in r["aliases"] if a.get("needs_support"))
    lines = [f"software: {len(records)} entities, {n_aliases} aliases, {n_support} need support"]
    types = Counter(r["attrs"]["type"] for r in records)
    lines.append("types: " + ", ".join(f"{t} {n}" for t, n in sorted(types.items())))
    lines.append(
        f"with attack_id {sum('attack_id' in r['attrs'] for r in records)}, "
        f"used_by {sum('used_by' in r['attrs'] for r in records)}, "
        f"merged from 2+ clusters {sum(len(r['attrs']['misp_uuids'].split()) > 1 for r in records)}"
    )
    by_reason = Counter((d["action"], d["reason"].split(":")[0]) for d in removed)
    lines.append(f"removed log: {len(removed)} entries")
    for (action, reason), n in sorted(by_reason.items(), key=lambda t: (-t[1], t[0])):
        lines.append(f"  {n:5d}  {action}  {reason}")
    return "\n".join(lines)


def main(argv: Iterable[str] = ()) -> int:
    """Build from the repository's data folder and print the summary."""
    data = Path(__file__).resolve().parents[2]
    actors, _ = threat_actors.build(data / "sources", data / "curated")
    records, removed = build(data / "sources", data / "curated", actors)
    print(summary(records, removed))
    return 0
