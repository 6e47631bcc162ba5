"""Stage 4 of the software build: merged families become records.

Each component of merged clusters becomes an `Entity` with the aliases the rules keep; a name left
on two families goes to the one that has it as a primary name, else to the one that more source
clusters give it to, otherwise it is dropped from all of them ("names two families"). Canonical
names, ids (`software:<slug>`), forms and attributes follow; `used_by` links to the threat-actor
records through the MISP uuids they carry (`load_users`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from gazbuild import threat_actors
from gazbuild.common import (
    SUPPORT_NOTE,
    BaseEntity,
    Record,
    alias_spec,
    case_variants,
    galaxy_entries,
    merge_key,
    shared_keys,
    slugify,
)
from gazbuild.software.aliases import VERSION, AliasRules
from gazbuild.software.clusters import MITRE_MALWARE, MITRE_TOOL, PRIORITY, TOOL, Cluster, Name

KIND = "software"
S_NUMBER = re.compile(r"S\d{4}")
USES = {"uses", "deploys"}
USED_BY = {"used-by", "is-deployed-by"}


class Entity(BaseEntity[Cluster]):
    """A merged family under construction."""


def _form(name: Name) -> str:
    if S_NUMBER.fullmatch(name.text):
        return "mitre"
    tokens = name.text.split()
    if len(tokens) > 1 and VERSION.fullmatch(tokens[-1]):
        return "version"
    return "alias"


def build_entities(
    clusters: list[Cluster], components: list[list[int]], rules: AliasRules
) -> list[Entity]:
    """Entities with their aliases, before cross-entity conflicts are resolved."""
    entities: list[Entity] = []
    for component in components:
        entity = Entity(
            sorted((clusters[i] for i in component), key=lambda c: (PRIORITY[c.source], c.uuid))
        )
        for cluster in entity.clusters:
            for raw, why in cluster.cleaned_out:
                entity.removed.append((raw, "dropped", why, ()))
            for name in cluster.names:
                decision = rules.classify(name.text)
                if decision.action == "drop":
                    entity.removed.append((name.text, "dropped", decision.reason, ()))
                    continue
                case = "auto"
                if decision.action in ("exact", "upper_first"):
                    note = SUPPORT_NOTE if decision.needs_support else ""
                    entity.removed.append(
                        (name.text, f"restricted:{decision.action}", decision.reason + note, ())
                    )
                    case = decision.action
                entity.add_alias(name.text, case, _form(name), name.primary, decision.needs_support)
        entities.append(entity)
    return entities


def resolve_conflicts(
    entities: list[Entity], curated: dict[str, tuple[str, str]] | None = None
) -> None:
    """Give each merge key to one entity at most ("names two families").

    `curated` (data/curated/software-shared-names.tsv, by merge key of the name) names the owner of a
    shared name where the automatic rule would pick the wrong family: (a name of the owner, reason).
    """
    for key, owners in shared_keys(entities):
        chosen = (curated or {}).get(key)
        if chosen is not None:
            owner_key = merge_key(chosen[0])
            named = [
                e
                for e in owners
                if any(merge_key(a.text) == owner_key for a in entities[e].aliases.values())
            ]
            if len(named) != 1:
                raise ValueError(
                    f"software-shared-names.tsv: {chosen[0]!r} names {len(named)} of the families "
                    f"sharing {key!r}, not one"
                )
            _keep_for(entities, key, owners, named[0], f"curated: {chosen[1]};")
            continue

        def stats(e: int, key: str = key) -> tuple[bool, int]:
            found = [a for a in entities[e].aliases.values() if merge_key(a.text) == key]
            return any(a.primary for a in found), sum(a.support for a in found)

        primary = [e for e in owners if stats(e)[0]]
        winner: int | None = None
        why = ""
        if len(primary) == 1:
            winner, why = primary[0], "primary name of a cluster of"
        else:
            pool = primary or owners
            supports = sorted(((stats(e)[1], e) for e in pool), reverse=True)
            sizes = sorted(((len(entities[e].clusters), e) for e in pool), reverse=True)
            if supports[0][0] > supports[1][0]:
                winner, why = supports[0][1], "given by more source clusters to"
            elif sizes[0][0] > sizes[1][0]:
                winner, why = sizes[0][1], "a primary name of the family with most clusters,"
        _keep_for(entities, key, owners, winner, why)


def _keep_for(
    entities: list[Entity], key: str, owners: list[int], winner: int | None, why: str
) -> None:
    """Drop the name `key` from every owner but `winner` (from all of them if there is none)."""
    for e in owners:
        if e == winner:
            continue
        others = tuple(o for o in owners if o != e)
        refs: tuple[int, ...]
        if winner is not None:
            reason, refs = f"names two families: kept for {{0}} ({why} it)", (winner,)
        else:
            reason = "names two families: also " + ", ".join(f"{{{i}}}" for i in range(len(others)))
            refs = others
        entity = entities[e]
        for text in [t for t, a in entity.aliases.items() if merge_key(a.text) == key]:
            del entity.aliases[text]
            entity.removed.append((text, "dropped", reason, refs))


def _type(entity: Entity) -> str:
    live = [c for c in entity.clusters if not c.revoked] or entity.clusters
    if any(c.ransomware for c in live):
        return "ransomware"
    if any(c.source == MITRE_TOOL or c.dual_use for c in live):
        return "tool"
    if any(c.source == MITRE_MALWARE for c in live):
        return "malware"
    tool = [c for c in live if c.source == TOOL]
    if tool and all(c.tool for c in tool) and all(c.source == TOOL for c in live):
        return "tool"
    return "malware"


def choose_names(entities: list[Entity]) -> None:
    """Canonical name and id of every entity; ids are unique."""
    taken: set[str] = set()
    for entity in sorted(
        entities, key=lambda e: (PRIORITY[e.clusters[0].source], e.clusters[0].uuid)
    ):
        # The values of the clusters, by source priority; a value that needs support comes last,
        # and an all-caps value ("CHINACHOPPER", Mandiant's house style) after a mixed-case one.
        values = [v for c in entity.clusters for v in c.values if v in entity.aliases]
        values.sort(key=lambda v: (entity.aliases[v].needs_support, v.isupper() and len(v) > 4))
        name = (values or [""])[0]
        if not name:
            candidates = sorted(
                (a for a in entity.aliases.values() if not S_NUMBER.fullmatch(a.text)),
                key=lambda a: (
                    a.case != "auto",
                    not a.primary,
                    -a.support,
                    a.text.casefold(),
                    a.text,
                ),
            )
            name = candidates[0].text if candidates else ""
        if not name:
            first = entity.clusters[0]
            entity.name = first.value
            entity.id = f"{KIND}:{slugify(first.value)}-{slugify(first.source)}-{first.uuid[:8]}"
            entity.left_out = True
            continue
        entity.name = name
        slug = slugify(name) or entity.clusters[0].uuid[:8]
        if slug in taken:
            slug = f"{slug}-{_type(entity)}"
        if slug in taken:
            slug = f"{slug}-{entity.clusters[0].uuid[:8]}"
        taken.add(slug)
        entity.id = f"{KIND}:{slug}"


def _attributes(
    entity: Entity, actor_of: dict[str, str], users: dict[str, set[str]]
) -> dict[str, str]:
    attrs: dict[str, str] = {"type": _type(entity)}
    subtypes = {s for c in entity.clusters for s in c.subtypes}
    if subtypes:
        attrs["subtype"] = " ".join(sorted(subtypes))
    ids = {c.attack_id for c in entity.clusters if c.attack_id and not c.revoked}
    if ids:
        attrs["attack_id"] = " ".join(sorted(ids))
    platforms = {p for c in entity.clusters for p in c.platforms}
    if platforms:
        attrs["platforms"] = " ".join(sorted(platforms))
    malpedia = {c.malpedia for c in entity.clusters if c.malpedia}
    if malpedia:
        attrs["malpedia"] = " ".join(sorted(malpedia))
    used_by = {actor_of[u] for c in entity.clusters for u in users.get(c.uuid, ()) if u in actor_of}
    used_by |= {actor_of[c.uuid] for c in entity.clusters if c.uuid in actor_of}
    if used_by:
        attrs["used_by"] = " ".join(sorted(used_by))
    attrs["misp_uuids"] = " ".join(sorted(c.uuid for c in entity.clusters))
    attrs["sources"] = " ".join(sorted({c.source for c in entity.clusters}))
    return attrs


def record(entity: Entity, actor_of: dict[str, str], users: dict[str, set[str]]) -> Record:
    canonical = entity.aliases[entity.name]
    aliases = [alias_spec(canonical, "name")]
    aliases += [alias_spec(a) for a in case_variants(entity.aliases, entity.name, canonical.case)]
    return {
        "id": entity.id,
        "kind": KIND,
        "name": entity.name,
        "aliases": aliases,
        "attrs": _attributes(entity, actor_of, users),
    }


def load_users(galaxy: Path, clusters: list[Cluster]) -> dict[str, set[str]]:
    """Software uuid -> uuids of the actor clusters that MISP says use it (either direction)."""
    users: dict[str, set[str]] = defaultdict(set)
    software = {c.uuid for c in clusters}
    for c in clusters:
        for rtype, dest in c.related:
            if rtype in USED_BY:
                users[c.uuid].add(dest)
    for _, entry in galaxy_entries(galaxy, threat_actors.SOURCES):
        for r in entry.get("related") or []:
            if str(r.get("type")).strip() in USES and r.get("dest-uuid") in software:
                users[str(r["dest-uuid"])].add(entry["uuid"])
    return users
