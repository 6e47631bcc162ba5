"""The curated tables of the threat-actor build, data/curated/threat-actors-*.tsv, read and checked.

stop-aliases (aliases to drop or restrict), merges and splits (manual merge decisions), canonical
(canonical-name overrides), naming-orgs (which organisation a MISP `name-attribution` uuid stands
for), ransomware-groups (which ransomware entries are groups), sponsors (free-text sponsor names to
ISO 3166-1 alpha-2), aliases (names the sources lack). Every stage reads them from one `Curated`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from gazbuild.common import fold, read_stop_aliases, read_tsv

STOP_ACTIONS = ("keep", "drop", "word", "exact", "upper_first", "caps")


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
    stop = {
        key: StopRule(action, reason)
        for key, (action, reason) in read_stop_aliases(
            curated / "threat-actors-stop-aliases.tsv", STOP_ACTIONS
        ).items()
    }
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
