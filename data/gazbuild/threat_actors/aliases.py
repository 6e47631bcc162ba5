"""Stage 2 of the threat-actor build: what each name of a cluster is.

The alias rules (`AliasRules.classify`: curated stoplist, too short, operation or campaign, numbered
label, country name, chemical element, ransomware family name, ordinary word) decide whether a name
is kept, kept restricted or dropped; dropped names are no evidence for merging. The naming schemes
(`scheme_form`) give a kept name its form. The element names and the words of the naming schemes
are data: data/curated/chemical-elements.tsv and data/curated/naming-scheme-words.tsv.
"""

from __future__ import annotations

import re

from gazbuild.common import (
    CURATED,
    KEEP,
    Decision,
    OrdinaryWords,
    fold,
    merge_key,
    read_word_lists,
    read_words,
)
from gazbuild.threat_actors.clusters import MITRE, MS, Cluster, Name
from gazbuild.threat_actors.tables import Curated

# The case policies an alias of a record may have (the core's `CasePolicy::NAMES`).
CASES = ("auto", "insensitive", "exact", "upper_first")

# Microsoft named its actors after the chemical elements, in capitals (news capitalises them: "Hafnium",
# kept as exact with needs_support by entities.py): the all-caps spelling is
# kept as an exact alias and every other spelling is rewritten to it ("Zinc" -> "ZINC").
ELEMENTS = frozenset(read_words(CURATED / "chemical-elements.tsv", "element"))
SCHEME_WORDS = read_word_lists(
    CURATED / "naming-scheme-words.tsv",
    "scheme",
    ("microsoft", "crowdstrike", "secureworks", "palo-alto"),
)


def _any_word(scheme: str) -> str:
    """The words of one naming scheme (naming-scheme-words.tsv) as a regular-expression choice."""
    return "|".join(re.escape(w) for w in SCHEME_WORDS[scheme])


# Naming schemes recognised from the shape of a name. Tracking codes (CODE_FORMS) are unambiguous
# and win over `name-attribution` (MISP attributes "APT 36" to Trend Micro, who quoted Mandiant's
# name); name shapes (SHAPE_FORMS) only apply where no attribution entry names the organisation.
# Checked in order.
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
    (re.compile(r"[A-Z][a-z]+ (" + _any_word("microsoft") + r")"), "microsoft"),
    (re.compile(r"[A-Za-z]+ (" + _any_word("crowdstrike") + r")", re.IGNORECASE), "crowdstrike"),
    (re.compile(r"(" + _any_word("secureworks") + r") [A-Z]+"), "secureworks"),
    (re.compile(r"[A-Z][a-z]+ (" + _any_word("palo-alto") + r")"), "palo-alto"),
    (re.compile(r"Earth [A-Z][a-z]+"), "trend-micro"),
)
# Microsoft's names since 2023 (weather names, Storm- codes), preferred over its element names.
MICROSOFT_CURRENT = re.compile(r"(" + _any_word("microsoft") + r"|Storm-\d+)$")
G_NUMBER = re.compile(r"G\d{4}")

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
                "caps",
                "chemical element: Microsoft's all-caps spelling is kept, as exact (capitalised, it needs "
                "support)",
            )
        if key in self.families and key not in self.primaries:
            return Decision("drop", "malware name: a ransomware family in ransomware.json")
        action, reason = self.words.check(text)
        if action == "drop":
            return Decision("drop", reason)
        if action == "word":
            return Decision("word", "in the English word list (SCOWL)")
        return KEEP


def word_decision(text: str, own_name: bool, reason: str) -> Decision:
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


def scheme_form(name: Name, cluster: Cluster) -> str:
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
