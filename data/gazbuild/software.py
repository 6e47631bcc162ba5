"""Software (malware families and tools) of the built-in gazetteer, merged from the MISP galaxy
clusters (standard library only).

Sources (data/sources/misp-galaxy): malpedia.json, mitre-malware.json, mitre-tool.json, tool.json,
rat.json, backdoor.json, stealer.json, botnet.json, exploit-kit.json and ransomware.json. Curated
tables: data/curated/software-stop-aliases.tsv (hand decisions about aliases) and
data/curated/ordinary-words.tsv (overrides of the dictionary rule, shared with the threat actors);
the generic, detection-prefix and function words of the rules are data/curated/software-words.tsv.

The rules are written down for users in data/SOFTWARE.md; in short:

1. Every name is cleaned (parenthesised notes, antivirus detection names and Malpedia identifiers
   are not names) and classified by the alias rules (curated stoplist, too short, generic or
   version-only, country name, ordinary word, ordinary phrase); dropped names are no evidence.
2. Clusters are merged with a constrained union-find, as for the threat actors: a pair is linked by
   strong evidence only (the same primary name, a primary name of one that is a name of the other,
   two shared names, a shared name plus a MISP `similar` / `same-as` link, the same ATT&CK id, a
   MITRE `revoked-by` link), strongest first, and two clusters of one file end up together only if
   they are linked directly, so one generic shared synonym never chains two families.
3. A name left on two families goes to the one that has it as a primary name, else to the one that
   more source clusters give it to; otherwise it is dropped from all of them.
4. Canonical names, ids (`software:<slug>`), forms and attributes follow. `used_by` links to the
   threat-actor records through the MISP uuids they carry.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python data/gazbuild/software.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gazbuild import threat_actors
from gazbuild.common import (
    CURATED,
    KEEP,
    SUPPORT_NOTE,
    BaseEntity,
    Decision,
    OrdinaryWords,
    Record,
    alias_spec,
    as_list,
    case_variants,
    clean_space,
    country_names,
    fold,
    galaxy_entries,
    load_ordinary_words,
    merge_key,
    merge_on_evidence,
    read_stop_aliases,
    read_word_lists,
    shared_keys,
    slugify,
)

KIND = "software"

MALPEDIA = "malpedia"
MITRE_MALWARE = "mitre-malware"
MITRE_TOOL = "mitre-tool"
TOOL = "misp-tool"
RAT = "misp-rat"
BACKDOOR = "misp-backdoor"
STEALER = "misp-stealer"
BOTNET = "misp-botnet"
EXPLOIT_KIT = "misp-exploit-kit"
RANSOM = "misp-ransomware"
# Source names, in order of priority for the canonical name.
SOURCES: dict[str, str] = {
    MALPEDIA: "malpedia.json",
    MITRE_MALWARE: "mitre-malware.json",
    MITRE_TOOL: "mitre-tool.json",
    TOOL: "tool.json",
    RAT: "rat.json",
    BACKDOOR: "backdoor.json",
    STEALER: "stealer.json",
    BOTNET: "botnet.json",
    EXPLOIT_KIT: "exploit-kit.json",
    RANSOM: "ransomware.json",
}
PRIORITY = {s: i for i, s in enumerate(SOURCES)}
MITRE = (MITRE_MALWARE, MITRE_TOOL)

# The subtype a whole file stands for.
FILE_SUBTYPES = {
    RAT: "rat",
    BACKDOOR: "backdoor",
    STEALER: "stealer",
    BOTNET: "botnet",
    EXPLOIT_KIT: "exploit-kit",
}
# tool.json `meta.type` values: a subtype of malware, or (None) a tool.
TOOL_TYPES: dict[str, str | None] = {
    "backdoor": "backdoor",
    "rat": "rat",
    "pws": "stealer",
    "spyware": "spyware",
    "loader": "loader",
    "dropper": "dropper",
    "rootkit": "rootkit",
    "webshell": "webshell",
    "miner": "miner",
    "worm": "worm",
    "banking": "banking-trojan",
    "exploit-kit": "exploit-kit",
    "hacktool": None,
    "post-exploitation framework": None,
    "exploitation framework": None,
    "packer": None,
    "reco": None,
    "pua": None,
}
# Platforms: MITRE's `mitre_platforms` lower-cased (spaces to "-"), and Malpedia's family prefix.
MALPEDIA_PLATFORMS = {
    "win": "windows",
    "elf": "linux",
    "osx": "macos",
    "apk": "android",
    "ios": "ios",
    "js": "javascript",
    "ps1": "powershell",
    "py": "python",
    "vbs": "vbscript",
    "jar": "java",
    "php": "php",
    "asp": "asp",
    "jsp": "jsp",
    "sh": "unix-shell",
    "aix": "aix",
    "pl": "perl",
    "fas": "autocad",
    "symbian": "symbian",
}
MALPEDIA_ID = re.compile(
    r"https?://malpedia\.caad\.fkie\.fraunhofer\.de/details/(([a-z0-9]+)\.\S+)"
)
# The word lists of the rules: data/curated/software-words.tsv.
WORDS = read_word_lists(
    CURATED / "software-words.tsv", "list", ("generic", "detection-prefix", "function")
)
# Words that say what kind of software something is, not which one: a name made of these (and
# version numbers) only is generic ("Backdoor", "RAT", "Web Shell", "Android RAT", "Loader 2.0").
GENERIC = frozenset(WORDS["generic"])
# Prefixes of antivirus detection names ("Trojan.Heur.JP...", "Backdoor.FSZO-5117", "Win32/...").
AV_PREFIXES = GENERIC | frozenset(WORDS["detection-prefix"])
# A version ("2.0", "v3", "3.0.1"); bare numbers are names ("9002 RAT", "888 RAT") unless alone.
VERSION = re.compile(r"(?i)v\d+(?:\.\d+)*[a-z]?|\d+(?:\.\d+)+[a-z]?")
NUMBER = re.compile(r"\d+")
# Function words allowed inside an ordinary phrase ("Hide and Seek").
FUNCTION_WORDS = frozenset(WORDS["function"])
S_NUMBER = re.compile(r"S\d{4}")
# A description that says the family is ransomware (first sentence).
RANSOMWARE_DESCRIPTION = re.compile(
    r"\b(?:is|was)\s+an?\s+(?:[\w$'./-]+\s+){0,5}?ransomware\b", re.IGNORECASE
)
# ... or mentions ransomware in its first sentence without saying the software only carries,
# precedes or serves it ("a loader that delivers ransomware", "used by the LockBit operators").
RANSOMWARE_MENTION = re.compile(r"\bransomware\b", re.IGNORECASE)
NOT_RANSOMWARE = re.compile(
    r"\b(?:deliver|drop|deploy|download|load|install|distribut|spread|exfiltrat|steal|operator|"
    r"affiliate|precursor|associated|used|loader|backdoor|botnet|trojan|stealer|tool)\w*",
    re.IGNORECASE,
)
# A description that calls the software a penetration-testing or otherwise legitimate tool (first
# sentence): "Cobalt Strike is a paid penetration testing product". Such software is a `tool` even
# where ATT&CK files it as malware.
DUAL_USE_DESCRIPTION = re.compile(
    r"\b(?:is|was)\s+an?\s+(?:[\w-]+\s+){0,4}?(?:penetration[- ]testing|pen-?test(?:ing)?|"
    r"red[- ]team(?:ing)?|adversary[- ]simulation|post-exploitation|offensive[- ]security|"
    r"open[- ]source|legitimate|commercial(?:ly available)?|publicly available|dual-use)\b",
    re.IGNORECASE,
)
STOP_ACTIONS = ("keep", "drop", "exact", "upper_first", "word")
USES = {"uses", "deploys"}
USED_BY = {"used-by", "is-deployed-by"}
SIMILAR = {"similar", "same-as"}


# --------------------------------------------------------------------------------------------------
# Clusters


@dataclass
class Name:
    """One name of a cluster: its text and whether it is a primary name (value, ATT&CK id)."""

    text: str
    primary: bool


@dataclass
class Cluster:
    """One MISP galaxy cluster of a software file, cleaned."""

    source: str
    uuid: str
    value: str
    names: list[Name]
    # Primary texts in order of preference for the canonical name (ATT&CK ids excluded).
    values: list[str]
    related: list[tuple[str, str]]
    attack_id: str = ""
    revoked: bool = False
    platforms: set[str] = field(default_factory=set)
    subtypes: set[str] = field(default_factory=set)
    tool: bool = False
    dual_use: bool = False
    ransomware: bool = False
    malpedia: str = ""
    cleaned_out: list[tuple[str, str]] = field(default_factory=list)


def clean_name(raw: str, primary: bool = False) -> tuple[str | None, str]:
    """(cleaned text or None, reason when it is not a name) for one raw name.

    Antivirus detection names and Malpedia identifiers are not names when they are synonyms; a
    cluster's own value is kept even in that shape ("Agent.btz", "ADB.miner").
    """
    text = clean_space(re.sub(r"\s*\([^()]*\)", " ", raw)).strip(" ,;'\">")
    if not re.search(r"[^\W_]", text):
        return None, "not a name: empty once notes are removed"
    if ":" in text or re.search(r"(?i)https?://|www\.", text) or text.startswith("["):
        return None, "not a name: a note or reference"
    if not primary and " " not in text and re.search(r"[./:!@]", text):
        parts = [p for p in re.split(r"[./:!@]", text) if p]
        first = parts[0].casefold() if parts else ""
        if first in MALPEDIA_PLATFORMS:
            return None, "not a name: a Malpedia identifier"
        if first in AV_PREFIXES or len(parts) >= 3 or "@" in text:
            return None, "not a name: an antivirus detection name"
    return text, ""


def _ransomware_base(value: str) -> str:
    """A ransomware name without a trailing "Ransomware" (also the "Ransomeware" misspelling)."""
    return re.sub(r"(?i)\s+ransom(?:e)?ware$", "", value).strip()


def load_clusters(galaxy: Path) -> list[Cluster]:
    """Every cluster of the software files (ransomware.json: every entry, groups included: the
    entry of a group is also its ransomware's)."""
    clusters: list[Cluster] = []
    for source, entry in galaxy_entries(galaxy, SOURCES):
        meta: dict[str, Any] = entry.get("meta") or {}
        raw_value = clean_space(entry["value"])
        attack_id = ""
        if source in MITRE:
            m = re.fullmatch(r"(.*\S)\s+-\s+(S\d{4})", raw_value)
            if m:
                raw_value = m.group(1)
            attack_id = "".join(as_list(meta.get("external_id")))
        primaries = [raw_value]
        if source == RANSOM:
            # "Hive" and "Hive Ransomware" both: writers use both, and the longer one stays
            # when the bare name is dropped (a country: "Cuba") or needs support ("Hive").
            plain = clean_name(raw_value, True)[0] or raw_value
            base = _ransomware_base(plain)
            primaries = [base, f"{base} Ransomware"] if base else [raw_value]
        cluster = Cluster(
            source=source,
            uuid=entry["uuid"],
            value=raw_value,
            names=[],
            values=[],
            related=[
                (str(r.get("type")).strip(), str(r.get("dest-uuid")))
                for r in entry.get("related") or []
            ],
            attack_id=attack_id,
            revoked=bool(entry.get("revoked")),
        )
        raw: list[tuple[str, bool]] = [(p, True) for p in primaries]
        if attack_id:
            raw.append((attack_id, True))
        raw += [(s, False) for s in as_list(meta.get("synonyms"))]
        seen: dict[str, Name] = {}
        for text, primary in raw:
            cleaned, why = clean_name(text, primary)
            if cleaned is None:
                cluster.cleaned_out.append((clean_space(text), why))
                continue
            if cleaned in seen:
                seen[cleaned].primary = seen[cleaned].primary or primary
                continue
            seen[cleaned] = Name(cleaned, primary)
        cluster.names = list(seen.values())
        for p in primaries:
            text = clean_name(p, True)[0] or ""
            if text and text not in cluster.values:
                cluster.values.append(text)
        _cluster_attributes(cluster, meta, str(entry.get("description") or ""))
        clusters.append(cluster)
    return clusters


def _cluster_attributes(cluster: Cluster, meta: dict[str, Any], description: str) -> None:
    """Platforms, subtypes, tool / ransomware flags and the Malpedia id of one cluster."""
    for p in as_list(meta.get("mitre_platforms")):
        cluster.platforms.add(re.sub(r"\s+", "-", p.strip().casefold()))
    if cluster.source == MALPEDIA:
        for ref in as_list(meta.get("refs"))[:1]:
            m = MALPEDIA_ID.match(ref)
            if m:
                cluster.malpedia = m.group(1)
                if m.group(2) in MALPEDIA_PLATFORMS:
                    cluster.platforms.add(MALPEDIA_PLATFORMS[m.group(2)])
    if cluster.source in FILE_SUBTYPES:
        cluster.subtypes.add(FILE_SUBTYPES[cluster.source])
    if cluster.source == TOOL:
        for t in as_list(meta.get("type")):
            key = t.strip().casefold()
            if key in TOOL_TYPES:
                subtype = TOOL_TYPES[key]
                if subtype is None:
                    cluster.tool = True
                else:
                    cluster.subtypes.add(subtype)
    first = re.split(r"(?<=[.!?])\s+", description.replace("<br/>", " ").strip())[0]
    cluster.tool = cluster.tool or cluster.source == MITRE_TOOL
    cluster.dual_use = bool(DUAL_USE_DESCRIPTION.search(first))
    if cluster.source == RANSOM:
        cluster.ransomware = True
    elif cluster.source in (MALPEDIA, MITRE_MALWARE):
        cluster.ransomware = (
            bool(RANSOMWARE_DESCRIPTION.search(first))
            or bool(RANSOMWARE_MENTION.search(first) and not NOT_RANSOMWARE.search(first))
            or any(re.search(r"(?i)ransom", v) for v in cluster.values)
        )


# --------------------------------------------------------------------------------------------------
# Alias rules


def load_stop(curated: Path) -> dict[str, tuple[str, str]]:
    """data/curated/software-stop-aliases.tsv by folded alias: (action, reason)."""
    return read_stop_aliases(curated / "software-stop-aliases.tsv", STOP_ACTIONS)


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[\s_/-]+", text.casefold()) if t]


class AliasRules:
    """Classifies software alias texts; one instance per build."""

    def __init__(
        self,
        stop: dict[str, tuple[str, str]],
        countries: set[str],
        words: OrdinaryWords,
        places: dict[str, str] | None = None,
    ) -> None:
        self.stop = stop
        self.countries = countries
        self.words = words
        self.places = places or {}

    def classify(self, text: str) -> Decision:
        """The decision for `text`, by the first rule that applies (see SOFTWARE.md)."""
        folded = fold(text)
        key = merge_key(text)
        rule = self.stop.get(folded)
        if rule is not None:
            action, reason = rule
            if action == "word":
                return self._word(text, f"stoplist: {reason}")
            return Decision(action, f"stoplist: {reason}")
        if len(key) <= 2:
            return Decision("drop", "too short: two letters or digits or fewer")
        if len(key) == 3 and not (text.isupper() and " " not in text):
            return Decision("drop", "too short: three characters, not one all-caps token")
        tokens = _tokens(text)
        if all(VERSION.fullmatch(t) or NUMBER.fullmatch(t) for t in tokens):
            return Decision("drop", "version or number only: not a name")
        if all(t in GENERIC or VERSION.fullmatch(t) for t in tokens):
            return Decision("drop", "generic name: says what kind of software, not which")
        if any(p.fullmatch(text) for p, _ in threat_actors.CODE_FORMS):
            return Decision(
                "drop", "group tracking code: names a threat actor (APT12, FIN7, TA505)"
            )
        if folded in self.countries:
            return Decision("drop", "country name: a country or nationality, not the software")
        if folded in self.places:
            return Decision("drop", f"also names {self.places[folded]}: places and agencies first")
        action, reason = self.words.check(text)
        if action == "drop":
            return Decision("drop", reason)
        if action == "word":
            return self._word(text, reason)
        if " " in text.strip():
            words = text.split()
            if all(
                w.casefold() in FUNCTION_WORDS or self.words.check(w)[0] or w.casefold() in GENERIC
                for w in words
            ):
                return Decision(
                    "upper_first",
                    "ordinary phrase: every word is an ordinary English word; kept capitalised",
                )
        return KEEP

    @staticmethod
    def _word(text: str, reason: str) -> Decision:
        single = " " not in text.strip()
        if single and text.islower():
            # "global", "core": written as the word itself, a mention could only ever be the word.
            return Decision("drop", f"{reason}; written in lower case, so never told from the word")
        if single and re.search(r"[a-z][A-Z]", text):
            # "BloodHound", "PowerShell": no one writes the word with a capital inside it.
            return Decision("exact", f"{reason}; written in CamelCase, which the word never is")
        return Decision("exact", f"{reason}; kept as written", needs_support=single)


# --------------------------------------------------------------------------------------------------
# Merging


def _category(cluster: Cluster) -> str:
    """Ransomware, exploit kit or other: an ordinary-word value ("Phoenix", "Snake") shared by two
    files names one family only within one category when one of the files is ransomware.json or
    exploit-kit.json, the lists with many homonyms; within one file it is a duplicate entry or a
    platform variant (Malpedia's "Clop" and "Clop (ELF)"), and between the other files one family."""
    if cluster.ransomware:
        return "ransomware"
    return "exploit-kit" if cluster.source == EXPLOIT_KIT else "other"


def merge_clusters(
    clusters: list[Cluster], keys: list[set[str]], weak: set[str]
) -> list[list[int]]:
    """Components of clusters (lists of indices), by strong evidence only (see the module doc).

    Software's own rules, passed to the shared merge: a shared value that is an ordinary word is
    the same value across ransomware.json or exploit-kit.json only within one category
    (`_category`), and two ATT&CK ids are two families.
    """
    value_keys = [{merge_key(v) for v in c.values} & keys[i] for i, c in enumerate(clusters)]

    def same_value(i: int, j: int) -> bool:
        shared = value_keys[i] & value_keys[j]
        return bool(shared - weak) or (
            bool(shared)
            and (
                clusters[i].source == clusters[j].source
                or not {clusters[i].source, clusters[j].source} & {RANSOM, EXPLOIT_KIT}
                or _category(clusters[i]) == _category(clusters[j])
            )
        )

    def compatible(a: list[int], b: list[int]) -> bool:
        """Two ATT&CK ids are two families (unless MITRE revoked one: a forced link)."""
        ids = {clusters[p].attack_id for p in a if clusters[p].attack_id}
        other = {clusters[q].attack_id for q in b if clusters[q].attack_id}
        return not (ids and other and not ids & other)

    components, _ = merge_on_evidence(
        clusters, keys, weak, similar_types=SIMILAR, same_value=same_value, compatible=compatible
    )
    return components


# --------------------------------------------------------------------------------------------------
# Entities


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


def resolve_conflicts(entities: list[Entity]) -> None:
    """Give each merge key to one entity at most ("names two families")."""
    for key, owners in shared_keys(entities):

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
        for e in owners:
            if e == winner:
                continue
            others = tuple(o for o in owners if o != e)
            refs: tuple[int, ...]
            if winner is not None:
                reason, refs = f"names two families: kept for {{0}} ({why} it)", (winner,)
            else:
                reason = "names two families: also " + ", ".join(
                    f"{{{i}}}" for i in range(len(others))
                )
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


def _record(entity: Entity, actor_of: dict[str, str], users: dict[str, set[str]]) -> Record:
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


# --------------------------------------------------------------------------------------------------
# Build


def _users(galaxy: Path, clusters: list[Cluster]) -> dict[str, set[str]]:
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
    rules = AliasRules(load_stop(curated), country_names(sources), words, places)
    decisions = {n.text: rules.classify(n.text) for c in clusters for n in c.names}
    keys = [
        {merge_key(n.text) for n in c.names if decisions[n.text].action != "drop"} for c in clusters
    ]
    weak = {merge_key(t) for t, d in decisions.items() if d.needs_support}
    components = merge_clusters(clusters, keys, weak)
    entities = build_entities(clusters, components, rules)
    resolve_conflicts(entities)
    choose_names(entities)
    for entity in entities:
        if entity.left_out:
            reason = "no usable name: every name is dropped by a rule, so the entry is left out"
            entity.removed = [(entity.name, "dropped", reason, ())]
    actor_of: dict[str, str] = {}
    for r in actors or []:
        for u in r["attrs"].get("misp_uuids", "").split():
            actor_of[u] = str(r["id"])
    users = _users(galaxy, clusters)
    records = sorted(
        (_record(e, actor_of, users) for e in entities if not e.left_out),
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
    data = Path(__file__).resolve().parents[1]
    actors, _ = threat_actors.build(data / "sources", data / "curated")
    records, removed = build(data / "sources", data / "curated", actors)
    print(summary(records, removed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
