"""Stage 2 of the software build: what each name of a cluster is.

The alias rules (`AliasRules.classify`: curated stoplist, too short, version or number only,
generic, group tracking code, country name, a name of a kind that comes first, a security company's
name, ordinary word, proper noun, name phrase, ordinary phrase) decide whether a name is kept, kept restricted (exact or capitalised) or dropped;
dropped names are no evidence for merging. The rules are written down in data/SOFTWARE.md.
"""

from __future__ import annotations

import re

from gazbuild import threat_actors
from gazbuild.common import KEEP, Decision, OrdinaryWords, fold, merge_key
from gazbuild.software.tables import FUNCTION_WORDS, GENERIC

# A version ("2.0", "v3", "3.0.1"); bare numbers are names ("9002 RAT", "888 RAT") unless alone.
VERSION = re.compile(r"(?i)v\d+(?:\.\d+)*[a-z]?|\d+(?:\.\d+)+[a-z]?")
NUMBER = re.compile(r"\d+")


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
        vendors: dict[str, str] | None = None,
    ) -> None:
        self.stop = stop
        self.countries = countries
        self.words = words
        self.places = places or {}
        self.vendors = vendors or {}

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
        if key in self.vendors:
            # "Cylance", "McAfee": ransomware named after the company that reports on it. In a report the name is
            # the company; the family is matched where a software cue stands by it ("Cylance ransomware").
            return Decision(
                "exact",
                f"security company name: {self.vendors[key]} in a report is the company; kept as written",
                needs_support=True,
            )
        action, reason = self.words.check(text)
        if action == "drop":
            return Decision("drop", reason)
        if action == "word":
            return self._word(text, reason)
        if self.words.proper_noun(text):
            # "Kevin", "Medusa", "Korean": ransomware named after a person, a figure of myth or a people. In
            # ordinary text the name is the person ("Kevin Strootman"); the family is matched where a software cue
            # confirms it ("the Medusa ransomware").
            return Decision(
                "upper_first",
                "proper noun: a capitalised entry of the English word list (SCOWL); kept capitalised",
                needs_support=True,
                merges=True,
            )
        if " " in text.strip():
            words = text.split()
            if all(self.words.is_name(w) for w in words):
                # "Donald Trump": a person's name, which a news report means as the person. Every word must be
                # a capitalised entry: "Agent Tesla", "Cerberus RAT" or "Olympic Destroyer" have a word that
                # names the software.
                return Decision(
                    "upper_first",
                    "name phrase: every word a capitalised entry of the English word list (a person's name); "
                    "kept capitalised",
                    needs_support=True,
                    merges=True,
                )
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
