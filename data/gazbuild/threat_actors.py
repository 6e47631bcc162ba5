"""Threat actors of the built-in gazetteer, merged from the MISP galaxy clusters (standard library
only).

Sources (data/sources/misp-galaxy): threat-actor.json, mitre-intrusion-set.json,
microsoft-activity-group.json and the criminal groups of ransomware.json. Curated tables
(data/curated/threat-actors-*.tsv): stop-aliases (aliases to drop or restrict), merges and splits
(manual merge decisions), canonical (canonical-name overrides), naming-orgs (which organisation a
MISP `name-attribution` uuid stands for), ransomware-groups (which ransomware entries are groups),
sponsors (free-text sponsor names to ISO 3166-1 alpha-2).

The rules are written down for users in data/THREAT_ACTORS.md; in short:

1. Every cluster is cleaned (vendor suffixes, "Subgroup:" labels) and each of its names is
   classified by the alias rules (curated stoplist, too short, operation or campaign, numbered
   label, country name, chemical element, ransomware family name); dropped names are no evidence for
   merging.
2. Clusters are merged with a constrained union-find: a pair is linked by strong evidence (a primary
   name of one is a name of the other, two shared names, or one shared name plus a MISP `similar`
   link; MITRE `revoked-by` links and curated merges always), strongest pairs first; two clusters of
   the same file end up together only if they are linked directly, so a name shared by two unlinked
   groups never chains them together.
3. A name left on two groups stays only with the groups that have it as a primary name; a name that
   is no group's primary name stays with all of them, listed in their `ambiguous_aliases` attribute
   and logged as `ambiguous` ("names two groups").
4. Canonical names, ids, variants (APT 28 / APT-28, Lazarus from Lazarus Group), forms and
   attributes follow.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python data/gazbuild/threat_actors.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gazbuild.common import (
    OrdinaryWords,
    Record,
    UnionFind,
    as_list,
    clean_space,
    load_ordinary_words,
)

# Re-exported: the tests and older callers use them from this module.
from gazbuild.common import fold as fold  # noqa: PLC0414
from gazbuild.common import merge_key as merge_key  # noqa: PLC0414
from gazbuild.common import read_tsv as read_tsv  # noqa: PLC0414
from gazbuild.common import resolve_case as resolve_case  # noqa: PLC0414
from gazbuild.common import slugify as slugify  # noqa: PLC0414

KIND = "threat_actor"

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

STOP_ACTIONS = ("keep", "drop", "word", "exact", "upper_first", "caps")
CASES = ("auto", "insensitive", "exact", "upper_first")

# The 118 chemical elements (IUPAC English names, with the US "aluminum" and British "sulphur"
# spellings that Microsoft and MISP use). Microsoft named its actors after them in capitals: the
# all-caps spelling is kept as an exact alias and every other spelling is rewritten to it ("Zinc" ->
# "ZINC"), because "zinc" or "Strontium" in prose is the element (or the browser: "Chromium").
ELEMENTS = frozenset(
    (
        "hydrogen",
        "helium",
        "lithium",
        "beryllium",
        "boron",
        "carbon",
        "nitrogen",
        "oxygen",
        "fluorine",
        "neon",
        "sodium",
        "magnesium",
        "aluminium",
        "aluminum",
        "silicon",
        "phosphorus",
        "sulfur",
        "sulphur",
        "chlorine",
        "argon",
        "potassium",
        "calcium",
        "scandium",
        "titanium",
        "vanadium",
        "chromium",
        "manganese",
        "iron",
        "cobalt",
        "nickel",
        "copper",
        "zinc",
        "gallium",
        "germanium",
        "arsenic",
        "selenium",
        "bromine",
        "krypton",
        "rubidium",
        "strontium",
        "yttrium",
        "zirconium",
        "niobium",
        "molybdenum",
        "technetium",
        "ruthenium",
        "rhodium",
        "palladium",
        "silver",
        "cadmium",
        "indium",
        "tin",
        "antimony",
        "tellurium",
        "iodine",
        "xenon",
        "cesium",
        "caesium",
        "barium",
        "lanthanum",
        "cerium",
        "praseodymium",
        "neodymium",
        "promethium",
        "samarium",
        "europium",
        "gadolinium",
        "terbium",
        "dysprosium",
        "holmium",
        "erbium",
        "thulium",
        "ytterbium",
        "lutetium",
        "hafnium",
        "tantalum",
        "tungsten",
        "rhenium",
        "osmium",
        "iridium",
        "platinum",
        "gold",
        "mercury",
        "thallium",
        "lead",
        "bismuth",
        "polonium",
        "astatine",
        "radon",
        "francium",
        "radium",
        "actinium",
        "thorium",
        "protactinium",
        "uranium",
        "neptunium",
        "plutonium",
        "americium",
        "curium",
        "berkelium",
        "californium",
        "einsteinium",
        "fermium",
        "mendelevium",
        "nobelium",
        "lawrencium",
        "rutherfordium",
        "dubnium",
        "seaborgium",
        "bohrium",
        "hassium",
        "meitnerium",
        "darmstadtium",
        "roentgenium",
        "copernicium",
        "nihonium",
        "flerovium",
        "moscovium",
        "livermorium",
        "tennessine",
        "oganesson",
    )
)

# Naming schemes recognised from the shape of a name. Tracking codes (CODE_FORMS) are unambiguous
# and win over `name-attribution` (MISP attributes "APT 36" to Trend Micro, who quoted Mandiant's
# name); name shapes (SHAPE_FORMS) only apply where no attribution entry names the organisation.
# Checked in order.
_WEATHER = "Blizzard|Typhoon|Sandstorm|Sleet|Tempest|Flood|Dust|Rain|Hail|Squall|Cyclone|Tsunami"
_CS_ANIMALS = (
    "BEAR|PANDA|KITTEN|CHOLLIMA|SPIDER|JACKAL|TIGER|BUFFALO|CRANE|LEOPARD|OCELOT|WOLF|LYNX"
)
_SCWX_PREFIX = "IRON|BRONZE|COBALT|NICKEL|GOLD|TUNGSTEN|ZINC|COPPER|PLATINUM|ALUMINUM|TIN|CARBON"
_UNIT42 = "Ursa|Taurus|Serpens|Pisces|Libra|Scorpius|Draco|Gemini|Lynx|Lupus"
CODE_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"G\d{4}"), "mitre"),
    (re.compile(r"APT-C-\d+"), "qihoo-360"),
    (re.compile(r"APT-Q-\d+"), "qianxin"),
    (re.compile(r"(APT|UNC|FIN) ?-?\d+|TEMP\.[A-Za-z]+"), "mandiant"),
    (re.compile(r"TA\d{3,4}"), "proofpoint"),
    (re.compile(r"(DEV|Storm)-\d{4}"), "microsoft"),
    (re.compile(r"TG-\d{4}"), "secureworks"),
    (re.compile(r"UAC-\d{4}"), "cert-ua"),
    (re.compile(r"TAG-\d+"), "recorded-future"),
    (re.compile(r"UAT-\d+"), "cisco-talos"),
    (re.compile(r"ATK\d+"), "thales"),
    (re.compile(r"ITG\d+|Hive\d{4}"), "ibm"),
    (re.compile(r"Sector[A-Z]\d{2}"), "nshc"),
    (re.compile(r"T-APT-\d+"), "tencent"),
    (re.compile(r"REF\d{4}"), "elastic"),
)
SHAPE_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[A-Z][a-z]+ (" + _WEATHER + r")"), "microsoft"),
    (re.compile(r"[A-Za-z]+ (" + _CS_ANIMALS + r")", re.IGNORECASE), "crowdstrike"),
    (re.compile(r"(" + _SCWX_PREFIX + r") [A-Z]+"), "secureworks"),
    (re.compile(r"[A-Z][a-z]+ (" + _UNIT42 + r")"), "palo-alto"),
    (re.compile(r"Earth [A-Z][a-z]+"), "trend-micro"),
)
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

APT_NUMBER = re.compile(r"APT[ -]?(\d{1,3})", re.IGNORECASE)
GROUP_SUFFIX = re.compile(r"(\S+) (?:Group|Team|Gang|Crew)", re.IGNORECASE)
G_NUMBER = re.compile(r"G\d{4}")
# Temporary tracking codes: another source's name for the same group is preferred as the canonical
# name.
TEMPORARY_CODE = re.compile(r"(?:DEV|Storm)-\d{4}|UNC\d+|UAC-\d{4}|TAG-\d+|UAT-\d+")

# A ransomware.json entry whose description says it is a group (first two sentences).
GROUP_DESCRIPTION = re.compile(
    r"\b(?:is|was)\s+an?\s+(?:[\w$'\u2019./-]+\s+){0,6}?(?:group|gang|collective|syndicate|cartel|crew)\b"
    r"|\b(?:ransomware|extortion|cybercrime|criminal|hacktivist)\s+(?:group|gang|collective|syndicate)\b",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------------------------------
# Curated tables


@dataclass(frozen=True)
class StopRule:
    """A curated decision about an alias (matched by folded text)."""

    action: str
    reason: str


@dataclass
class Curated:
    """The curated tables of data/curated/threat-actors-*.tsv."""

    stop: dict[str, StopRule]
    merges: list[tuple[str, str, str, str]]
    splits: list[tuple[str, str, str, str]]
    canonical: dict[str, tuple[str, str]]
    naming_orgs: dict[str, str]
    ransomware: dict[str, tuple[bool, str]]
    sponsors: dict[str, str]
    extra: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)


def load_curated(curated: Path) -> Curated:
    """Read and validate the curated tables."""
    stop: dict[str, StopRule] = {}
    for row in read_tsv(curated / "threat-actors-stop-aliases.tsv"):
        if row["action"] not in STOP_ACTIONS:
            raise ValueError(f"stop-aliases: {row['alias']!r}: unknown action {row['action']!r}")
        if not row["reason"]:
            raise ValueError(f"stop-aliases: {row['alias']!r}: no reason")
        key = fold(row["alias"])
        if key in stop:
            raise ValueError(f"stop-aliases: {row['alias']!r} listed twice")
        stop[key] = StopRule(row["action"], row["reason"])
    merges = [
        (r["uuid_a"], r["uuid_b"], r["name_a"], r["name_b"])
        for r in read_tsv(curated / "threat-actors-merges.tsv")
    ]
    splits = [
        (r["uuid_a"], r["uuid_b"], r["name_a"], r["name_b"])
        for r in read_tsv(curated / "threat-actors-splits.tsv")
    ]
    canonical = {
        r["uuid"]: (r["value"], r["name"])
        for r in read_tsv(curated / "threat-actors-canonical.tsv")
    }
    naming_orgs = {
        r["uuid"]: r["form"] for r in read_tsv(curated / "threat-actors-naming-orgs.tsv")
    }
    ransomware: dict[str, tuple[bool, str]] = {}
    for row in read_tsv(curated / "threat-actors-ransomware-groups.tsv"):
        if row["include"] not in ("yes", "no"):
            raise ValueError(f"ransomware-groups: {row['value']!r}: include must be yes or no")
        ransomware[row["value"]] = (row["include"] == "yes", row["name"])
    sponsors = {
        fold(r["text"]): r["iso2"] for r in read_tsv(curated / "threat-actors-sponsors.tsv")
    }
    extra: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for r in read_tsv(curated / "threat-actors-aliases.tsv"):
        extra[r["uuid"]].append((r["value"], r["alias"], r["form"]))
    for table in (
        [r["reason"] for r in read_tsv(curated / "threat-actors-merges.tsv")],
        [r["reason"] for r in read_tsv(curated / "threat-actors-splits.tsv")],
        [r["reason"] for r in read_tsv(curated / "threat-actors-canonical.tsv")],
        [r["reason"] for r in read_tsv(curated / "threat-actors-ransomware-groups.tsv")],
        [r["reason"] for r in read_tsv(curated / "threat-actors-aliases.tsv")],
    ):
        if not all(table):
            raise ValueError("every curated row needs a reason")
    return Curated(stop, merges, splits, canonical, naming_orgs, ransomware, sponsors, dict(extra))


# --------------------------------------------------------------------------------------------------
# Clusters


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

    @property
    def ref(self) -> str:
        return f"{self.source}:{self.value}"


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


def _ransomware_value(value: str) -> str:
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
    out because their value is not a name ("[Unnamed group]").
    """
    clusters: list[Cluster] = []
    families: set[str] = set()
    unnamed: list[str] = []
    for source, filename in SOURCES.items():
        data = json.loads((galaxy / filename).read_text(encoding="utf-8"))
        for entry in data["values"]:
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
                value = curated.ransomware.get(entry["value"], (True, ""))[1] or _ransomware_value(
                    value
                )
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
                    (str(r.get("type")), str(r.get("dest-uuid")))
                    for r in entry.get("related") or []
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
                raw.append((_ransomware_value(entry["value"]), None, True))
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


# --------------------------------------------------------------------------------------------------
# Alias rules


@dataclass(frozen=True)
class Decision:
    """What happens to one alias: keep, drop, or restrict (exact, upper_first, caps, word)."""

    action: str
    reason: str = ""
    # A single-token ordinary word kept restricted: the matcher accepts it only with support (another
    # entity of the field in the sentence, or the entity's full name elsewhere in the document).
    needs_support: bool = False


KEEP = Decision("keep")
# Appended to the reason of a restricted alias that also needs support.
SUPPORT_NOTE = "; needs support (needs_support: true)"
# Automatic drops that do not apply to a group's own (primary) name: MISP lists some operations as
# actors.
OWN_NAME_EXEMPT = ("operation name", "campaign name")
OWN = "it is this entry's own name (MISP lists the operation as an actor)"


class AliasRules:
    """Classifies alias texts; one instance per build."""

    def __init__(
        self,
        curated: Curated,
        countries: set[str],
        families: set[str],
        primaries: set[str],
        words: OrdinaryWords | None = None,
    ) -> None:
        self.curated = curated
        self.countries = countries
        self.families = families
        self.primaries = primaries
        self.words = words or OrdinaryWords(frozenset(), {})

    def classify(self, text: str) -> Decision:
        """The decision for `text`, by the first rule that applies (see THREAT_ACTORS.md)."""
        folded = fold(text)
        key = merge_key(text)
        rule = self.curated.stop.get(folded)
        if rule is not None:
            prefix = "" if rule.action == "word" else "stoplist: "
            return Decision(rule.action, prefix + rule.reason)
        if len(key) <= 2:
            return Decision("drop", "too short: two characters or fewer")
        if re.match(
            r"(?:Operation|OPERATION|operation)(?:[\s:-]+|(?=[A-Z0-9]))|Op\.?\s+[A-Z]", text
        ):
            return Decision("drop", "operation name: names an operation, not the group")
        if re.search(r"(?i)\bcampaigns?$", text):
            return Decision("drop", "campaign name: names a campaign, not the group")
        if re.fullmatch(r"(?i)(group|team|unit|bureau)\s+\d+", text):
            return Decision(
                "drop", "numbered label: 'Group 74', 'Unit 121' are also ordinary enumeration text"
            )
        if re.fullmatch(r"PLA Unit \d+", text):
            return Decision(
                "drop", "agency name: a PLA military unit belongs to the agency gazetteer"
            )
        if folded in self.countries:
            return Decision("drop", "country name: a country or nationality, not the group")
        if folded in ELEMENTS:
            return Decision(
                "caps", "chemical element: only Microsoft's all-caps spelling is kept, as exact"
            )
        if key in self.families and key not in self.primaries:
            return Decision("drop", "malware name: a ransomware family in ransomware.json")
        action, reason = self.words.check(text)
        if action == "drop":
            return Decision("drop", reason)
        if action == "word":
            return Decision("word", "in the English word list (SCOWL)")
        return KEEP


def _country_names(sources: Path) -> set[str]:
    """Folded English country names and nationality adjectives (CLDR, countries-list, i18n)."""
    names: set[str] = set()
    cldr = json.loads((sources / "cldr" / "territories.en.json").read_text(encoding="utf-8"))
    territories: dict[str, str] = cldr["main"]["en"]["localeDisplayNames"]["territories"]
    names.update(fold(v) for k, v in territories.items() if not k[:1].isdigit())
    countries = json.loads(
        (sources / "countries-list" / "countries.json").read_text(encoding="utf-8")
    )
    names.update(fold(c["name"]) for c in countries.values())
    nationality = json.loads((sources / "i18n-nationality" / "en.json").read_text(encoding="utf-8"))
    names.update(fold(v) for v in nationality["nationalities"].values())
    return names


# --------------------------------------------------------------------------------------------------
# Merging


@dataclass(frozen=True)
class Evidence:
    """Why two clusters are the same group."""

    shared: frozenset[str]
    same_value: bool
    primary: bool
    similar: bool
    forced: bool

    @property
    def strong(self) -> bool:
        """Enough to merge.

        The same primary name, a primary name of one that is a name of the other (not an ordinary
        word), two shared names, or a shared name and a MISP `similar` link; or a curated merge or a
        MITRE `revoked-by` link.
        """
        return (
            self.forced
            or self.same_value
            or self.primary
            or len(self.shared) >= 2
            or (self.similar and bool(self.shared))
        )

    @property
    def score(self) -> int:
        """Order of merging: forced links, then the same primary name, then most shared names."""
        g_number = any(G_NUMBER.fullmatch(k.upper()) for k in self.shared)
        return (
            100 * self.forced
            + 10 * self.same_value
            + 3 * g_number
            + 2 * self.primary
            + 2 * self.similar
            + len(self.shared)
        )


SIMILAR_TYPES = {"similar", "same-as", "overlaps"}


def merge_clusters(
    clusters: list[Cluster], keys: list[set[str]], curated: Curated, weak: set[str] | None = None
) -> tuple[list[list[int]], dict[frozenset[int], Evidence]]:
    """Components of clusters (lists of indices), and the evidence of each linked pair.

    `keys` are the names of each cluster that count as evidence; `weak` keys (ordinary words)
    count as shared names but never as a primary-name match.
    """
    weak = weak or set()
    index = {c.uuid: i for i, c in enumerate(clusters)}
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, ks in enumerate(keys):
        for k in ks:
            by_key[k].append(i)
    primary_keys = [
        {merge_key(n.text) for n in c.names if n.primary} & keys[i] - weak
        for i, c in enumerate(clusters)
    ]
    value_keys = [merge_key(c.value) for c in clusters]
    similar: set[frozenset[int]] = set()
    forced: set[frozenset[int]] = set()
    for i, c in enumerate(clusters):
        for rtype, dest in c.related:
            j = index.get(dest)
            if j is None or j == i:
                continue
            if rtype in SIMILAR_TYPES:
                similar.add(frozenset((i, j)))
            if rtype == "revoked-by":
                forced.add(frozenset((i, j)))
    split: set[frozenset[int]] = set()
    for table, rows, target in (
        ("merges", curated.merges, forced),
        ("splits", curated.splits, split),
    ):
        for a, b, name_a, name_b in rows:
            for u, name in ((a, name_a), (b, name_b)):
                if u not in index or name not in (
                    clusters[index[u]].original,
                    clusters[index[u]].value,
                ):
                    raise ValueError(f"threat-actors-{table}.tsv: no cluster {u} named {name!r}")
            target.add(frozenset((index[a], index[b])))
    pairs: set[frozenset[int]] = set(forced)
    for members in by_key.values():
        if len(members) > 1:
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    pairs.add(frozenset((members[x], members[y])))
    evidence: dict[frozenset[int], Evidence] = {}
    for pair in pairs:
        i, j = sorted(pair)
        shared = frozenset(keys[i] & keys[j])
        evidence[pair] = Evidence(
            shared=shared,
            same_value=value_keys[i] == value_keys[j] and value_keys[i] in shared,
            primary=bool(primary_keys[i] & keys[j] or primary_keys[j] & keys[i]),
            similar=pair in similar,
            forced=pair in forced,
        )
    uf = UnionFind(len(clusters))

    def compatible(ra: int, rb: int) -> bool:
        for p in uf.members[ra]:
            for q in uf.members[rb]:
                pair = frozenset((p, q))
                if pair in split:
                    return False
                if clusters[p].source == clusters[q].source:
                    ev = evidence.get(pair)
                    if ev is None or not ev.strong:
                        return False
        return True

    order = sorted(
        (p for p, ev in evidence.items() if ev.strong and p not in split),
        key=lambda p: (-evidence[p].score, sorted(clusters[i].uuid for i in p)),
    )
    for pair in order:
        i, j = sorted(pair)
        ri, rj = uf.find(i), uf.find(j)
        if ri == rj:
            continue
        if evidence[pair].forced or compatible(ri, rj):
            uf.union(ri, rj)
    components = sorted((sorted(m) for m in uf.members.values()), key=lambda m: m[0])
    return components, evidence


# --------------------------------------------------------------------------------------------------
# Entities


@dataclass
class Alias:
    """An alias of an entity under construction."""

    text: str
    case: str
    form: str
    support: int
    primary: bool
    needs_support: bool = False


@dataclass
class Entity:
    """A merged group under construction."""

    clusters: list[Cluster]
    aliases: dict[str, Alias] = field(default_factory=dict)
    # (alias, action, reason, entities the reason names as {0}, {1}, ...)
    removed: list[tuple[str, str, str, tuple[int, ...]]] = field(default_factory=list)
    name: str = ""
    id: str = ""
    left_out: bool = False
    # Merge keys of the names this group shares with other groups (kept on all of them).
    ambiguous: set[str] = field(default_factory=set)

    def merge_keys(self) -> set[str]:
        return {merge_key(a.text) for a in self.aliases.values()}


def _form(name: Name, cluster: Cluster) -> str:
    """A name's naming scheme: code shape, then name-attribution, then name shape, then source."""
    for pattern, form in CODE_FORMS:
        if pattern.fullmatch(name.text):
            return form
    if name.org:
        return name.org
    for pattern, form in SHAPE_FORMS:
        if pattern.fullmatch(name.text):
            return form
    if name.text.isupper() and fold(name.text) in ELEMENTS:
        return "microsoft"
    if name.primary and cluster.source == MITRE:
        return "mitre"
    if name.primary and cluster.source == MS:
        return "microsoft"
    return "synonym"


def _main_order(entity: Entity) -> list[Cluster]:
    """Clusters by priority for the canonical name: source, size, then how many others name it."""

    def rank(c: Cluster) -> tuple[int, int, int, int, str]:
        value = merge_key(c.value)
        named_by = sum(
            value in {merge_key(n.text) for n in o.names} for o in entity.clusters if o is not c
        )
        modern = 0 if c.source != MS or re.search(rf"({_WEATHER}|Storm-\d+)$", c.value) else 1
        return (PRIORITY[c.source], modern, -len(c.names), -named_by, c.uuid)

    return sorted(entity.clusters, key=rank)


def _word_decision(text: str, own_name: bool, reason: str) -> Decision:
    """An ordinary word: kept only as the group's own name, upper_first (exact: caps, phrase)."""
    if not own_name:
        return Decision("drop", f"ordinary word: {reason}; not this group's own name in any source")
    single = " " not in text.strip()
    if text.isupper() or not single:
        return Decision(
            "exact", f"ordinary word: {reason}; the group's own name, kept as written", single
        )
    return Decision(
        "upper_first", f"ordinary word: {reason}; the group's own name, kept capitalised", True
    )


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
                    decision = _word_decision(
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
                existing = entity.aliases.get(text)
                if existing is None:
                    entity.aliases[text] = Alias(
                        text, case, _form(name, cluster), 1, name.primary, decision.needs_support
                    )
                else:
                    existing.support += 1
                    existing.primary = existing.primary or name.primary
                    if existing.form == "synonym":
                        existing.form = _form(name, cluster)
        entities.append(entity)
    return entities


def resolve_conflicts(entities: list[Entity]) -> None:
    """Settle the names (merge keys) left on two groups or more (see "names two groups" in
    THREAT_ACTORS.md): a name that is a primary name of some of them stays only with those; any other
    shared name stays with all of them. A name kept by two groups or more is recorded in each entity's
    `ambiguous` set (the record's `ambiguous_aliases`) and logged as `ambiguous`."""
    holders: dict[str, list[int]] = defaultdict(list)
    for e, entity in enumerate(entities):
        for k in sorted(entity.merge_keys()):
            holders[k].append(e)
    for key, owners in sorted(holders.items()):
        if len(owners) < 2:
            continue

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


def _alias_spec(a: Alias, form: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"text": a.text, "case": a.case, "form": form or a.form}
    if a.needs_support:
        spec["needs_support"] = True
    return spec


def _record(entity: Entity, revoked_ids: set[str]) -> Record:
    canonical = entity.aliases.get(entity.name)
    case = canonical.case if canonical else "auto"
    aliases: list[dict[str, Any]] = [{"text": entity.name, "case": case, "form": "name"}]
    if canonical is not None and canonical.needs_support:
        aliases[0]["needs_support"] = True
    # Spellings that differ only in case: one insensitive alias covers them all (the canonical name,
    # else the mixed-case spelling); spellings restricted to exact or upper_first are kept side by
    # side.
    by_fold: dict[str, list[Alias]] = defaultdict(list)
    for text, a in entity.aliases.items():
        if text != entity.name:
            by_fold[fold(text)].append(a)
    covered = fold(entity.name) if resolve_case(entity.name, case) == "insensitive" else None
    for folded in sorted(by_fold):
        group = sorted(by_fold[folded], key=lambda a: (a.text.isupper(), a.text))
        loose = [a for a in group if resolve_case(a.text, a.case) == "insensitive"]
        if folded == covered:
            continue
        keep = loose[:1] if loose else group
        aliases += [_alias_spec(a) for a in keep]
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


# --------------------------------------------------------------------------------------------------
# Build


def _evidence(decision: Decision, name: Name) -> bool:
    """Whether a name counts when clusters are compared: not dropped (own operation names count)."""
    if decision.action == "drop":
        return name.primary and decision.reason.startswith(OWN_NAME_EXEMPT)
    return True


def build(sources: Path, curated: Path) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Threat-actor records sorted by id, and the log of every alias dropped, restricted, marked."""
    tables = load_curated(curated)
    clusters, families, unnamed = load_clusters(sources / "misp-galaxy", tables)
    primaries = {
        merge_key(n.text) for c in clusters if c.source != RANSOM for n in c.names if n.primary
    }
    words = load_ordinary_words(sources, curated)
    rules = AliasRules(tables, _country_names(sources), families, primaries, words)
    keys = [
        {merge_key(n.text) for n in c.names if _evidence(rules.classify(n.text), n)}
        for c in clusters
    ]
    by_uuid = {c.uuid: c for c in clusters}
    for u, (value, _) in tables.canonical.items():
        if u not in by_uuid or value not in (by_uuid[u].original, by_uuid[u].value):
            raise ValueError(f"threat-actors-canonical.tsv: no cluster {u} named {value!r}")
    weak = {merge_key(k) for k, rule in tables.stop.items() if rule.action == "word"}
    weak |= {
        merge_key(n.text)
        for c in clusters
        for n in c.names
        if rules.classify(n.text).action == "word"
    }
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
        (_record(e, revoked_ids) for e in entities if not e.left_out), key=lambda r: str(r["id"])
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
    malware_names = _ransomware_names(sources / "misp-galaxy")
    for record in records:
        for a in record["aliases"]:
            names = {merge_key(a["text"]), merge_key(_ransomware_value(a["text"]))}
            if a["form"] != "malware" and names & malware_names:
                a["form"] = "malware"
                reason = "also the name of a ransomware family: form set to malware"
                removed_set.add((str(record["id"]), a["text"], "marked", reason))
    removed = [
        {"entity": i, "alias": t, "action": a, "reason": r} for i, t, a, r in sorted(removed_set)
    ]
    return records, removed


def _ransomware_names(galaxy: Path) -> set[str]:
    """Merge keys of every name in ransomware.json (families and groups alike)."""
    data = json.loads((galaxy / SOURCES[RANSOM]).read_text(encoding="utf-8"))
    names: set[str] = set()
    for entry in data["values"]:
        meta: dict[str, Any] = entry.get("meta") or {}
        for n in [entry["value"], *as_list(meta.get("synonyms"))]:
            names.add(merge_key(clean_space(n)))
            names.add(merge_key(_ransomware_value(n)))
    return names


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
    data = Path(__file__).resolve().parents[1]
    records, removed = build(data / "sources", data / "curated")
    print(summary(records, removed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
