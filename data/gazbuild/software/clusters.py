"""Stage 1 of the software build: the MISP galaxy clusters, read and cleaned.

Every cluster of the ten software files becomes a `Cluster`: its names cleaned (`clean_name`:
parenthesised notes, antivirus detection names and Malpedia identifiers are no names; a
ransomware.json value is kept both bare and with "Ransomware"), with the attributes read from its
meta and description (platforms, subtypes, tool, dual-use and ransomware flags, Malpedia id).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gazbuild.common import as_list, clean_space, galaxy_entries
from gazbuild.software.tables import AV_PREFIXES

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
    r"open[- ]source|legitimate|genuine|proprietary (?:computer )?software|commercial(?:ly available)?|publicly available|dual-use|"
    r"remote[- ](?:desktop|access|control|support) (?:program|software|application))\b"
    # A description that opens with what the product is: "Legitimate tool - ...", "open-source VNC tool".
    r"|^(?:legitimate|open[- ]source)\b",
    re.IGNORECASE,
)


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
