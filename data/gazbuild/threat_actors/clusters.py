"""Stage 1 of the threat-actor build: the MISP galaxy clusters, read and cleaned.

Every cluster of threat-actor.json, mitre-intrusion-set.json, microsoft-activity-group.json and the
criminal groups of ransomware.json becomes a `Cluster`: its names cleaned (vendor suffixes become
naming organisations, "Subgroup:" labels and bracketed notes are no names), with the attributes
read from its meta (sponsor, country, motives, state or non-state).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gazbuild.common import as_list, clean_space, fold, galaxy_entries, merge_key
from gazbuild.threat_actors.tables import Curated

# Source names, in order of priority for the canonical name and the attributes.
TA = "misp-threat-actor"
MITRE = "mitre-intrusion-set"
MS = "microsoft-activity-group"
RANSOM = "ransomware"
SOURCES: dict[str, str] = {
    TA: "threat-actor.json",
    MITRE: "mitre-intrusion-set.json",
    MS: "microsoft-activity-group.json",
    RANSOM: "ransomware.json",
}
PRIORITY = {s: i for i, s in enumerate(SOURCES)}

# Vendor names written in parentheses after a synonym ("Hive0081 (IBM)").
PAREN_VENDORS = {
    "ibm": "ibm",
    "nhsc": "nshc",
    "qianxin": "qianxin",
    "palo alto": "palo-alto",
    "scwx ctu": "secureworks",
    "group": "",
}

# microsoft-origin-threat values that are not a state ("Financially motivated", "Private sector
# offensive actor").
NON_STATE_ORIGINS = (
    "financially motivated",
    "private sector",
    "group in development",
    "covert network",
)

# A description that calls the group criminal or hacktivist, and not state-backed or espionage.
NON_STATE_DESCRIPTION = re.compile(
    r"hacktivis|financially[- ]motivated|cyber-?crim|criminal (?:group|organi[sz]ation|gang)|"
    r"banking trojan|phishing-as-a-service|initial access broker|\bfraud|\bscam|defacement|\bDDoS|"
    r"denial[- ]of[- ]service|business email compromise|hack(?:er|ing) (?:group|collective|team)",
    re.IGNORECASE,
)
STATE_DESCRIPTION = re.compile(
    r"state[- ](?:sponsored|backed|aligned|linked)|nation[- ]state|government[- ]backed|espionage|"
    r"intelligence (?:service|agenc)|military|\bAPT\b",
    re.IGNORECASE,
)

# Naming schemes of non-state groups, in a cluster's primary names: criminal (CrowdStrike's SPIDER,
# Secureworks' GOLD, Microsoft's Tempest, Mandiant's FIN numbers) and private-sector offensive
# actors (Microsoft's Tsunami). Such a group gets no sponsor from a country (where it operates
# from), only from an explicit `cfr-suspected-state-sponsor`.
NON_STATE_NAMES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"[A-Za-z]+ SPIDER|GOLD [A-Z]+|[A-Z][a-z]+ Tempest|FIN\d+", re.IGNORECASE),
        "financial",
    ),
    (re.compile(r"[A-Z][a-z]+ Tsunami"), "offensive-industry"),
)

MOTIVES = {
    "espionage": "espionage",
    "financial theft": "financial",
    "business email compromise": "financial",
    "extortion": "financial",
    "cybercrime": "financial",
    "financially motivated": "financial",
    "sabotage": "sabotage",
    "denial of service": "disruption",
    "defacement": "hacktivism",
    "hacktivists-nationalists": "hacktivism",
    "information operations": "influence",
    "influence operations": "influence",
    "private sector offensive actor": "offensive-industry",
}

# A ransomware.json entry whose description says it is a group (first two sentences).
GROUP_DESCRIPTION = re.compile(
    r"\b(?:is|was)\s+an?\s+(?:[\w$'\u2019./-]+\s+){0,6}?(?:group|gang|collective|syndicate|cartel|crew)\b"
    r"|\b(?:ransomware|extortion|cybercrime|criminal|hacktivist)\s+(?:group|gang|collective|syndicate)\b",
    re.IGNORECASE,
)


@dataclass
class Name:
    """One name of a cluster: its text, whether it is a primary name, the naming organisation."""

    text: str
    primary: bool
    org: str | None = None


@dataclass
class Cluster:
    """One MISP galaxy cluster, cleaned."""

    source: str
    uuid: str
    original: str
    value: str
    names: list[Name]
    related: list[tuple[str, str]]
    attck: set[str] = field(default_factory=set)
    revoked: bool = False
    sponsor_text: str = ""
    country: str = ""
    motives: set[str] = field(default_factory=set)
    non_state: bool = False
    state: bool = False
    # Names removed while cleaning (alias, reason).
    cleaned_out: list[tuple[str, str]] = field(default_factory=list)


def clean_name(raw: str) -> tuple[str | None, str | None, str]:
    """(cleaned text or None, organisation hint, reason when dropped) for one raw synonym."""
    text = clean_space(raw).rstrip(",;")
    if not text:
        return None, None, "empty"
    if re.match(r"(?i)subgroup\s*:", text):
        return None, None, "not a name: a 'Subgroup:' label (the subgroup has its own entry)"
    if text.startswith("[") and text.endswith("]"):
        return None, None, "not a name: a bracketed note"
    m = re.fullmatch(r"(.*\S)\s+\(([^()]+)\)", text)
    if m and m.group(2).casefold() in PAREN_VENDORS:
        org = PAREN_VENDORS[m.group(2).casefold()] or None
        return m.group(1), org, ""
    return text, None, ""


def ransomware_value(value: str) -> str:
    """A ransomware group's name without a trailing "ransomware", lower-case names capitalised."""
    text = re.sub(r"(?i)\s+ransoms?ware$", "", clean_space(value))
    if text.islower():
        text = " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
    return text


def is_ransomware_group(entry: dict[str, Any], curated: Curated) -> bool:
    """Whether a ransomware.json entry is a criminal group: curated, or described as a group."""
    decision = curated.ransomware.get(entry["value"])
    if decision is not None:
        return decision[0]
    description = str(entry.get("description") or "").replace("<br/>", " ")
    first = " ".join(re.split(r"(?<=[.!?])\s+", description)[:2])
    return bool(GROUP_DESCRIPTION.search(first))


def _sponsor_code(text: str, curated: Curated) -> str:
    text = text.strip()
    if not text or fold(text) == "unknown":
        return ""
    if fold(text) in curated.sponsors:
        return curated.sponsors[fold(text)]
    if re.fullmatch(r"[A-Z]{2}", text):
        return text
    raise ValueError(f"unknown sponsor {text!r}: add it to threat-actors-sponsors.tsv")


def load_clusters(galaxy: Path, curated: Curated) -> tuple[list[Cluster], set[str], list[str]]:
    """Every cluster of the four files (ransomware groups only).

    Also returns the keys of the ransomware families left out, and the values of the clusters left
    out because their value is not a name ("[Unnamed group]"). Fails on a curated row that names a
    cluster the files lack.
    """
    clusters: list[Cluster] = []
    families: set[str] = set()
    unnamed: list[str] = []
    for source, entry in galaxy_entries(galaxy, SOURCES):
        meta: dict[str, Any] = entry.get("meta") or {}
        value = clean_space(entry["value"])
        if clean_name(value)[0] is None:
            unnamed.append(value)
            continue
        if source == RANSOM:
            if not is_ransomware_group(entry, curated):
                for n in [value, *as_list(meta.get("synonyms"))]:
                    families.add(merge_key(n))
                continue
            value = curated.ransomware.get(entry["value"], (True, ""))[1] or ransomware_value(value)
        attck: set[str] = set()
        if source == MITRE:
            m = re.fullmatch(r"(.*\S)\s+-\s+(G\d{4})", value)
            if m:
                value = m.group(1)
            attck.update(as_list(meta.get("external_id")))
        cluster = Cluster(
            source=source,
            uuid=entry["uuid"],
            original=entry["value"],
            value=value,
            names=[],
            related=[
                (str(r.get("type")), str(r.get("dest-uuid"))) for r in entry.get("related") or []
            ],
            attck=attck,
            revoked=bool(entry.get("revoked")),
        )
        raw: list[tuple[str, str | None, bool]] = [(value, None, True)]
        raw += [(g, "mitre", True) for g in sorted(attck)]
        raw += [(s, None, False) for s in as_list(meta.get("synonyms"))]
        for item in as_list(meta.get("name-attribution")):
            name, _, org_uuid = item.rpartition(":")
            raw.append((name, curated.naming_orgs.get(org_uuid.strip()), False))
        if source == RANSOM and value != clean_space(entry["value"]):
            raw.append((ransomware_value(entry["value"]), None, True))
        if entry["uuid"] in curated.canonical:
            raw.append((curated.canonical[entry["uuid"]][1], None, True))
        for expected, text, form in curated.extra.get(entry["uuid"], []):
            if expected not in (entry["value"], value):
                raise ValueError(
                    f"threat-actors-aliases.tsv: no cluster {entry['uuid']} named {expected!r}"
                )
            raw.append((text, form or None, False))
        seen: dict[str, Name] = {}
        for text, org, primary in raw:
            cleaned, hint, why = clean_name(text)
            if cleaned is None:
                cluster.cleaned_out.append((text, why))
                continue
            org = org or hint
            if cleaned in seen:
                seen[cleaned].org = seen[cleaned].org or org
                seen[cleaned].primary = seen[cleaned].primary or primary
                continue
            seen[cleaned] = Name(cleaned, primary, org)
        cluster.names = list(seen.values())
        _cluster_attributes(cluster, meta, curated, str(entry.get("description") or ""))
        clusters.append(cluster)
    by_uuid = {c.uuid: c for c in clusters}
    for u, (value, _) in curated.canonical.items():
        if u not in by_uuid or value not in (by_uuid[u].original, by_uuid[u].value):
            raise ValueError(f"threat-actors-canonical.tsv: no cluster {u} named {value!r}")
    group_keys = {merge_key(n.text) for c in clusters if c.source == RANSOM for n in c.names}
    return clusters, families - group_keys, unnamed


def _cluster_attributes(
    cluster: Cluster, meta: dict[str, Any], curated: Curated, description: str
) -> None:
    """Sponsor, country, motives and the state / non-state flags of one cluster."""
    for text in as_list(meta.get("cfr-suspected-state-sponsor")):
        code = _sponsor_code(text, curated)
        if code:
            cluster.sponsor_text = code
            break
    country = "".join(as_list(meta.get("country"))).strip()
    if re.fullmatch(r"[A-Z]{2}", country):
        cluster.country = country
    texts = as_list(meta.get("cfr-type-of-incident")) + as_list(meta.get("motive"))
    origin = as_list(meta.get("microsoft-origin-threat"))
    for text in texts + [part for o in origin for part in o.split(",")]:
        t = fold(text)
        for phrase, motive in MOTIVES.items():
            if phrase in t:
                cluster.motives.add(motive)
    motive_text = fold(" ".join(as_list(meta.get("motive"))))
    crime = {"financial", "hacktivism", "offensive-industry"}
    parts = [fold(p) for o in origin for p in o.split(",")]
    if cluster.source == RANSOM:
        cluster.motives.add("financial")
        cluster.non_state = True
    elif "state-sponsored" in motive_text:
        cluster.non_state = False
    elif cluster.motives & crime and not cluster.motives & {"espionage", "sabotage", "influence"}:
        cluster.non_state = True
    for pattern, motive in NON_STATE_NAMES:
        if any(pattern.fullmatch(n.text) for n in cluster.names if n.primary):
            cluster.non_state = True
            cluster.motives.add(motive)
    if NON_STATE_DESCRIPTION.search(description) and not STATE_DESCRIPTION.search(description):
        cluster.non_state = True
    # Microsoft names a state actor's country of origin and nothing else.
    ms_state = (
        bool(parts)
        and not any(p.startswith(NON_STATE_ORIGINS) for p in parts)
        and cluster.country != ""
        and not cluster.non_state
    )
    cluster.state = bool(cluster.sponsor_text) or ms_state


def ransomware_names(galaxy: Path) -> set[str]:
    """Merge keys of every name in ransomware.json (families and groups alike)."""
    data = json.loads((galaxy / SOURCES[RANSOM]).read_text(encoding="utf-8"))
    names: set[str] = set()
    for entry in data["values"]:
        meta: dict[str, Any] = entry.get("meta") or {}
        for n in [entry["value"], *as_list(meta.get("synonyms"))]:
            names.add(merge_key(clean_space(n)))
            names.add(merge_key(ransomware_value(n)))
    return names
