"""The curated tables and word lists of the software build, read once.

data/curated/software-stop-aliases.tsv holds the hand decisions about aliases (`load_stop`), keyed
by folded alias; data/curated/software-words.tsv the words the rules test names against: generic
words (what kind of software, not which), antivirus detection prefixes and the function words of an
ordinary phrase; data/curated/security-vendors.tsv the security companies whose names software may not
take without support (`load_vendors`); data/curated/software-shared-names.tsv the family that a name
two families share belongs to, where the automatic rule would choose the other (`load_shared_names`). Cleaning (`clusters`) and the alias rules (`aliases`) both read
them from here.
"""

from __future__ import annotations

from pathlib import Path

from gazbuild.common import CURATED, merge_key, read_stop_aliases, read_tsv, read_word_lists

# The word lists of the rules: data/curated/software-words.tsv.
WORDS = read_word_lists(
    CURATED / "software-words.tsv", "list", ("generic", "detection-prefix", "function")
)
# Words that say what kind of software something is, not which one: a name made of these (and
# version numbers) only is generic ("Backdoor", "RAT", "Web Shell", "Android RAT", "Loader 2.0").
GENERIC = frozenset(WORDS["generic"])
# Prefixes of antivirus detection names ("Trojan.Heur.JP...", "Backdoor.FSZO-5117", "Win32/...").
AV_PREFIXES = GENERIC | frozenset(WORDS["detection-prefix"])
# Function words allowed inside an ordinary phrase ("Hide and Seek").
FUNCTION_WORDS = frozenset(WORDS["function"])
STOP_ACTIONS = ("keep", "drop", "exact", "upper_first", "word")


def load_stop(curated: Path) -> dict[str, tuple[str, str]]:
    """data/curated/software-stop-aliases.tsv by folded alias: (action, reason)."""
    return read_stop_aliases(curated / "software-stop-aliases.tsv", STOP_ACTIONS)


def load_shared_names(curated: Path) -> dict[str, tuple[str, str]]:
    """data/curated/software-shared-names.tsv by merge key of the name: (a name of its owner, reason)."""
    table: dict[str, tuple[str, str]] = {}
    for row in read_tsv(curated / "software-shared-names.tsv"):
        where = f"software-shared-names.tsv: {row['alias']!r}"
        key = merge_key(row["alias"])
        if not row["owner"] or not row["reason"]:
            raise ValueError(f"{where}: no owner or no reason")
        if key in table:
            raise ValueError(f"{where}: listed twice")
        table[key] = (row["owner"], row["reason"])
    return table


def load_vendors(curated: Path) -> dict[str, str]:
    """data/curated/security-vendors.tsv: each security company's name by its merge key ("Quick Heal" and
    "QuickHeal" share one)."""
    return {merge_key(r["name"]): r["name"] for r in read_tsv(curated / "security-vendors.tsv")}
