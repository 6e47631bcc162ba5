"""Stage 4 of the threat-actor build: merged groups become records.

Each component of merged clusters becomes an `Entity` with the aliases the rules keep; a name left
on two groups stays only with the groups that have it as a primary name, and a name that is no
group's primary name stays with all of them, listed in their `ambiguous_aliases` attribute and
logged as `ambiguous` ("names two groups"). Canonical names, ids, variants (APT 28 / APT-28,
Lazarus from Lazarus Group), forms and attributes follow.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from gazbuild.common import (
    KEEP,
    SUPPORT_NOTE,
    Alias,
    BaseEntity,
    Record,
    alias_spec,
    case_variants,
    fold,
    merge_key,
    shared_keys,
    slugify,
)
from gazbuild.threat_actors.aliases import (
    G_NUMBER,
    MICROSOFT_CURRENT,
    OWN,
    OWN_NAME_EXEMPT,
    AliasRules,
    scheme_form,
    word_decision,
)
from gazbuild.threat_actors.clusters import MS, PRIORITY, RANSOM, Cluster
from gazbuild.threat_actors.tables import Curated

KIND = "threat_actor"

APT_NUMBER = re.compile(r"APT[ -]?(\d{1,3})", re.IGNORECASE)
GROUP_SUFFIX = re.compile(r"(\S+) (?:Group|Team|Gang|Crew)", re.IGNORECASE)
# Temporary tracking codes: another source's name for the same group is preferred as the canonical
# name.
TEMPORARY_CODE = re.compile(r"(?:DEV|Storm)-\d{4}|UNC\d+|UAC-\d{4}|TAG-\d+|UAT-\d+")


@dataclass
class Entity(BaseEntity[Cluster]):
    """A merged group under construction."""

    # Merge keys of the names this group shares with other groups (kept on all of them).
    ambiguous: set[str] = field(default_factory=set)


def _main_order(entity: Entity) -> list[Cluster]:
    """Clusters by priority for the canonical name: source, size, then how many others name it."""

    def rank(c: Cluster) -> tuple[int, int, int, int, str]:
        value = merge_key(c.value)
        named_by = sum(
            value in {merge_key(n.text) for n in o.names} for o in entity.clusters if o is not c
        )
        modern = 0 if c.source != MS or MICROSOFT_CURRENT.search(c.value) else 1
        return (PRIORITY[c.source], modern, -len(c.names), -named_by, c.uuid)

    return sorted(entity.clusters, key=rank)


def build_entities(
    clusters: list[Cluster], components: list[list[int]], rules: AliasRules
) -> list[Entity]:
    """Entities with their aliases, before cross-entity conflicts are resolved."""
    entities: list[Entity] = []
    for component in components:
        entity = Entity([clusters[i] for i in component])
        entity.clusters = _main_order(entity)
        own = {merge_key(n.text) for c in entity.clusters for n in c.names if n.primary}
        for cluster in entity.clusters:
            for raw, why in cluster.cleaned_out:
                entity.removed.append((raw, "dropped", why, ()))
            for name in cluster.names:
                decision = rules.classify(name.text)
                if decision.action == "word":
                    decision = word_decision(
                        name.text, merge_key(name.text) in own, decision.reason
                    )
                exempt = decision.action == "drop" and decision.reason.startswith(OWN_NAME_EXEMPT)
                if exempt and merge_key(name.text) in own:
                    entity.removed.append(
                        (name.text, "marked", f"{decision.reason}; kept: {OWN}", ())
                    )
                    decision = KEEP
                if decision.action == "drop":
                    entity.removed.append((name.text, "dropped", decision.reason, ()))
                    continue
                text, case = name.text, "auto"
                if decision.action == "caps":
                    if text != text.upper():
                        reason = f"{decision.reason} ({text.upper()})"
                        entity.removed.append((text, "restricted:exact", reason, ()))
                    text, case = text.upper(), "exact"
                elif decision.action in ("exact", "upper_first"):
                    reason = decision.reason + (SUPPORT_NOTE if decision.needs_support else "")
                    entity.removed.append((text, f"restricted:{decision.action}", reason, ()))
                    case = decision.action
                form = scheme_form(name, cluster)
                alias = entity.add_alias(text, case, form, name.primary, decision.needs_support)
                if alias.form == "synonym":
                    # Another cluster's naming scheme says more than "synonym" does.
                    alias.form = form
                if decision.action == "caps":
                    # News writes Microsoft's names capitalised ("Hafnium", "Nobelium"), as the element is at the
                    # start of a sentence: that spelling counts with support, a cue of a group by it or another
                    # name of the same group in the document ("Midnight Blizzard, also known as Nobelium").
                    titled = text.capitalize()
                    entity.removed.append(
                        (
                            titled,
                            "restricted:exact",
                            "chemical element, capitalised as news writes it; kept as written"
                            + SUPPORT_NOTE,
                            (),
                        )
                    )
                    entity.add_alias(titled, "exact", alias.form, False, True)
        entities.append(entity)
    return entities


def resolve_conflicts(entities: list[Entity]) -> None:
    """Settle the names (merge keys) left on two groups or more (see "names two groups" in
    THREAT_ACTORS.md): a name that is a primary name of some of them stays only with those; any other
    shared name stays with all of them. A name kept by two groups or more is recorded in each entity's
    `ambiguous` set (the record's `ambiguous_aliases`) and logged as `ambiguous`."""
    for key, owners in shared_keys(entities):

        def is_primary(e: int, key: str = key) -> bool:
            return any(a.primary for a in entities[e].aliases.values() if merge_key(a.text) == key)

        primary = [e for e in owners if is_primary(e)]
        keepers = primary or owners
        for e in owners:
            entity = entities[e]
            texts = [t for t, a in entity.aliases.items() if merge_key(a.text) == key]
            if e not in keepers:
                # A group's own name does not become ambiguous because another group lists it.
                why = "primary name of a cluster of"
                reason = f"names two groups: kept for {{0}} ({why} it)"
                if len(keepers) > 1:
                    reason = (
                        "names two groups: kept for "
                        + ", ".join(f"{{{i}}}" for i in range(len(keepers)))
                        + f" ({why} each)"
                    )
                for text in texts:
                    del entity.aliases[text]
                    entity.removed.append((text, "dropped", reason, tuple(keepers)))
            elif len(keepers) > 1:
                entity.ambiguous.add(key)
                reason = "names two groups: " + ", ".join(f"{{{i}}}" for i in range(len(keepers)))
                for text in texts:
                    entity.removed.append((text, "ambiguous", reason, tuple(keepers)))


def choose_names(entities: list[Entity], curated: Curated) -> None:
    """Canonical name and id of every entity; ids are unique."""
    taken: set[str] = set()
    for entity in sorted(
        entities, key=lambda e: (PRIORITY[e.clusters[0].source], e.clusters[0].uuid)
    ):
        override = [
            curated.canonical[c.uuid][1] for c in entity.clusters if c.uuid in curated.canonical
        ]
        name = override[0] if override else ""
        if not name:
            values = [c.value for c in entity.clusters if c.value in entity.aliases]
            values.sort(key=lambda v: bool(TEMPORARY_CODE.fullmatch(v)))
            name = values[0] if values else ""
        if not name:
            candidates = sorted(
                entity.aliases.values(),
                key=lambda a: (
                    bool(G_NUMBER.fullmatch(a.text)),
                    not a.primary,
                    -a.support,
                    a.text.casefold(),
                    a.text,
                ),
            )
            if candidates:
                name = candidates[0].text
        if not name:
            # No usable name: the entry is left out (see THREAT_ACTORS.md), and the log says so.
            entity.name = entity.clusters[0].value
            entity.id = f"{KIND}:{slugify(entity.name)}"
            entity.left_out = True
            continue
        entity.name = name
        slug = slugify(name) or slugify(entity.clusters[0].value) or entity.clusters[0].uuid[:8]
        if slug in taken:
            slug = f"{slug}-{slugify(entity.clusters[0].source)}-{entity.clusters[0].uuid[:8]}"
        taken.add(slug)
        entity.id = f"{KIND}:{slug}"


def derive_variants(entities: list[Entity], rules: AliasRules) -> None:
    """APT 28 / APT-28 / APT28 for every APT number, and "Lazarus" from "Lazarus Group" if safe."""
    used: dict[str, int] = {}
    for e, entity in enumerate(entities):
        for k in entity.merge_keys():
            used[k] = e
    for e, entity in enumerate(entities):
        new: list[str] = []
        for alias in list(entity.aliases.values()):
            m = APT_NUMBER.fullmatch(alias.text)
            if m:
                n = m.group(1)
                new += [f"APT{n}", f"APT {n}", f"APT-{n}"]
            m = GROUP_SUFFIX.fullmatch(alias.text)
            # No short form of a name that names two groups ("Shell" from "Shell Crew").
            if m and alias.case == "auto" and merge_key(alias.text) not in entity.ambiguous:
                rest = m.group(1)
                key = merge_key(rest)
                if (
                    len(key) >= 4
                    and not rest.isdigit()
                    and rules.classify(rest) == KEEP
                    and used.get(key, e) == e
                ):
                    new.append(rest)
        for text in new:
            if text in entity.aliases or any(fold(a) == fold(text) for a in entity.aliases):
                continue
            entity.aliases[text] = Alias(text, "auto", "variant", 0, False)
            used[merge_key(text)] = e


def _attributes(entity: Entity, revoked_ids: set[str]) -> dict[str, str]:
    attrs: dict[str, str] = {}
    # Explicit state attributions first (CFR's sponsor, Microsoft's origin country), then the
    # country of the threat-actor and Microsoft clusters unless the group is criminal or hacktivist
    # by its data.
    sponsors = [c.sponsor_text for c in entity.clusters if c.sponsor_text]
    if not sponsors:
        sponsors = [c.country for c in entity.clusters if c.state and c.country]
    crime = any(c.non_state for c in entity.clusters if c.source != RANSOM) or (
        any(c.source == RANSOM for c in entity.clusters)
    )
    if not sponsors and not crime:
        sponsors = [c.country for c in entity.clusters if c.country and c.source != RANSOM]
    if sponsors:
        counts = Counter(sponsors)
        attrs["sponsor"] = max(counts, key=lambda s: (counts[s], -sponsors.index(s)))
    ids = {g for c in entity.clusters if not c.revoked for g in c.attck}
    ids |= {a.text for a in entity.aliases.values() if G_NUMBER.fullmatch(a.text)}
    ids -= revoked_ids
    if ids:
        attrs["attck_id"] = " ".join(sorted(ids))
    attrs["misp_uuids"] = " ".join(sorted(c.uuid for c in entity.clusters))
    attrs["sources"] = " ".join(sorted({c.source for c in entity.clusters}))
    motives = {m for c in entity.clusters for m in c.motives}
    if motives:
        attrs["motive"] = " ".join(sorted(motives))
    return attrs


def record(entity: Entity, revoked_ids: set[str]) -> Record:
    """The gazetteer record of an entity; `revoked_ids` are ATT&CK ids MITRE revoked."""
    canonical = entity.aliases.get(entity.name)
    case = canonical.case if canonical else "auto"
    aliases: list[dict[str, Any]] = [{"text": entity.name, "case": case, "form": "name"}]
    if canonical is not None and canonical.needs_support:
        aliases[0]["needs_support"] = True
    aliases += [alias_spec(a) for a in case_variants(entity.aliases, entity.name, case)]
    attrs = _attributes(entity, revoked_ids)
    shared = sorted({a["text"] for a in aliases if merge_key(a["text"]) in entity.ambiguous})
    if shared:
        attrs["ambiguous_aliases"] = "|".join(shared)
    return {
        "id": entity.id,
        "kind": KIND,
        "name": entity.name,
        "aliases": aliases,
        "attrs": attrs,
    }
