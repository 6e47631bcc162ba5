"""Country-qualified forms of national bodies' names and acronyms (standard library only).

Writers name a national body with its country in front or behind: "Russia's Foreign Intelligence Service",
"the Russian SVR", "America's NSA", "the UK's GCHQ", "Federal Security Service of the Russian Federation". The
matcher prefers the longer match, so when such a form is an alias of the body, the country word inside it is not
reported as a mention of its own and the body is found even where its bare acronym would be doubtful.

For every body of the agency tables whose `country` is a country (not `international`):

* Its **bases** are the English name and every alias written with the body's country, with the country taken
  off: "Russian Foreign Intelligence Service" -> "Foreign Intelligence Service", "Ministry of Intelligence of
  Iran" -> "Ministry of Intelligence", "UK Ministry of Defence" -> "Ministry of Defence", "Federal Security
  Service" (unqualified) as it is. A name that starts with part of a country's name ("Korea Internet & Security
  Agency", "Hellenic Police ...") is the body's own name, not a qualified one: it gets no name forms.
* Its **acronyms** are every Latin-script one-token acronym of its table row, also those the sharing rule of
  agencies.py drops from the bare form: "NCSC" names three bodies, but "New Zealand's NCSC" names one; and
  their forms without diacritics ("Turkey's MIT" for MİT). A one-word name ("Mossad", "MI5", "Roskomnadzor")
  is treated like an acronym (upper_first when written as a word).
* The **country words** are the country's canonical and short names ("United States", "America", "Britain",
  "Turkey"), official names ("Russian Federation"), abbreviations ("US", "U.S.", "UK") and adjectives
  ("Russian", "British").

Forms derived (form `derived`):

| base | forms | case |
| --- | --- | --- |
| name | `<adjective> B`, `<abbreviation> B`, `<canonical name> B`; `<name, short, official or abbreviation>'s B`; `B of [the] <name, short or official>` | upper_first (the `of` forms insensitive) |
| acronym | `<adjective> A`, `<abbreviation> A`; `<name, short, official or abbreviation>'s A` | exact |

A possessive of a word ending in a lower-case "s" is written both ways ("United States' NSA", "United
States's NSA"); the matcher folds curly apostrophes, so one spelling of the apostrophe suffices. "the" before a
name is never needed ("the Russian SVR" contains "Russian SVR"), except in the `of` forms, where names that take
the article ("the United States", "the Netherlands", every official name) get it.

A derived form that is already an alias of another body, or that two bodies derive ("Chinese HSSD": two
provincial departments), is left out and reported (a qualified form must name one body).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from gazbuild.common import CURATED, Record, fold, read_words

# Words of country names that do not identify a country on their own ("North", "Republic").
GENERIC_TOKENS = frozenset(read_words(CURATED / "countries-generic-words.tsv"))
# Names that take the article: "of the United States", "of the Netherlands".
ARTICLE = re.compile(
    r"\b(Republic|Kingdom|States|Emirates|Federation|Islands|Union)\b|^(Netherlands|Philippines"
    r"|Bahamas|Gambia|Maldives|Seychelles|Comoros|Vatican|Holy See)$"
)
ACRONYM = re.compile(r"[^\W_]+(?:&[^\W_]+)?")


def _words(text: str) -> str:
    """Folded letters and digits, every other run of characters one space: "U.S." -> "u s"."""
    return " ".join(re.sub(r"[\W_]+", " ", fold(text)).split())


@dataclass(frozen=True)
class CountryWords:
    """How texts name one country."""

    names: list[str]  # canonical name first, then short names
    official: list[str]
    adjectives: list[str]
    abbreviations: list[str]

    def all(self) -> list[str]:
        return self.names + self.official + self.adjectives + self.abbreviations

    def tokens(self) -> set[str]:
        """Words of the names and adjectives that identify the country ("korea", "korean")."""
        out: set[str] = set()
        for w in self.names + self.official + self.adjectives:
            out |= set(_words(w).split()) - GENERIC_TOKENS
        return out


def country_words(country: Record) -> CountryWords:
    def of(form: str) -> list[str]:
        return [a["text"] for a in country["aliases"] if a["form"] == form]

    return CountryWords(
        names=[country["name"], *of("short name")],
        official=of("official name"),
        adjectives=of("adjective"),
        abbreviations=of("abbreviation"),
    )


def _possessive(word: str) -> list[str]:
    return [f"{word}'", f"{word}'s"] if word.endswith("s") else [f"{word}'s"]


def _of(word: str, official: bool) -> str:
    return f"the {word}" if official or ARTICLE.search(word) else word


def mentions(text: str, words: CountryWords) -> bool:
    """Whether a text names the country: a country word as a phrase, or a word of one ("Korea")."""
    padded = f" {_words(text)} "
    if any(f" {_words(w)} " in padded for w in words.all()):
        return True
    return bool(set(padded.split()) & words.tokens())


def strip_country(text: str, words: CountryWords) -> str | None:
    """The text without a leading or trailing country word, or None if it has none there."""
    for w in sorted(words.all(), key=len, reverse=True):
        for head in (f"{w}'s ", f"{w} "):
            if text.startswith(head) and text[len(head) :].strip():
                return text[len(head) :].strip()
    for w in sorted(words.names + words.official, key=len, reverse=True):
        for tail in (f" of the {w}", f" of {w}"):
            if text.endswith(tail):
                return text[: -len(tail)].strip()
    return None


def _ascii(text: str) -> str:
    """The text without diacritics ("MİT" -> "MIT")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _latin(text: str) -> bool:
    """Whether every letter of the text is Latin ("Säpo" yes, "ФСБ" no)."""
    return all(unicodedata.name(c, "").startswith("LATIN") for c in text if c.isalpha())


def bases(name: str, aliases: Iterable[str], words: CountryWords) -> list[str]:
    """The multi-word bases of a body: its name and its country-qualified aliases, without the country."""
    out: list[str] = []
    for i, text in enumerate([name, *aliases]):
        stripped = strip_country(text, words)
        if stripped is None and i == 0:
            stripped = name  # the unqualified name is a base as it is
        if stripped and " " in stripped and _latin(stripped) and not mentions(stripped, words):
            out.append(stripped)
    return list(dict.fromkeys(out))


def acronyms(
    name: str, table_acronyms: Iterable[str], words: CountryWords
) -> list[tuple[str, str]]:
    """(text, case) of the one-token Latin-script acronyms of a body, and of a one-word name: exact,
    except a name written as a word ("Mossad"), upper_first."""
    out = [(a.lstrip("!"), "exact") for a in table_acronyms]
    # Writers in English drop the diacritics: "Turkey's MIT" for MİT, "the Czech UZSI" for ÚZSI.
    out += [(_ascii(a), case) for a, case in out if _ascii(a) != a]
    if ACRONYM.fullmatch(name):
        out.append((name, "upper_first" if name.istitle() and name.isalpha() else "exact"))
    return list(
        dict.fromkeys(
            (a, case)
            for a, case in out
            if len(a) > 1 and ACRONYM.fullmatch(a) and _latin(a) and not mentions(a, words)
        )
    )


def derive(
    name: str, aliases: list[str], table_acronyms: list[str], words: CountryWords
) -> list[dict[str, str]]:
    """The qualified forms of one body, as alias specs."""
    out: list[dict[str, str]] = []

    def add(text: str, case: str) -> None:
        out.append({"text": text, "case": case, "form": "derived"})

    possessives = [
        p for w in words.names + words.official + words.abbreviations for p in _possessive(w)
    ]
    for base in bases(name, aliases, words):
        for w in words.adjectives + words.abbreviations + words.names[:1]:
            add(f"{w} {base}", "upper_first")
        for p in possessives:
            add(f"{p} {base}", "upper_first")
        for w in words.names:
            add(f"{base} of {_of(w, False)}", "insensitive")
        for w in words.official:
            add(f"{base} of {_of(w, True)}", "insensitive")
    for acr, case in acronyms(name, table_acronyms, words):
        for w in words.adjectives + words.abbreviations:
            add(f"{w} {acr}", case)
        for p in possessives:
            add(f"{p} {acr}", case)
    return out


def qualify(
    agency_records: list[Record],
    country_records: list[Record],
    table_acronyms: dict[str, list[str]],
) -> list[dict[str, str]]:
    """Add the qualified forms to the national bodies (in place); the forms left out, for the report."""
    by_code = {c["attrs"]["iso2"]: c for c in country_records}
    existing: dict[str, set[str]] = defaultdict(set)
    for r in agency_records:
        for a in r["aliases"]:
            existing[fold(a["text"])].add(r["id"])
    derived: dict[str, list[dict[str, str]]] = {}
    claims: dict[str, set[str]] = defaultdict(set)
    for r in agency_records:
        country = by_code.get(r["attrs"]["country"])
        if country is None:
            continue
        words = country_words(country)
        texts = [a["text"] for a in r["aliases"] if a["form"] == "alias"]
        forms = derive(r["name"], texts, table_acronyms.get(r["id"], []), words)
        derived[r["id"]] = forms
        for f in forms:
            claims[fold(f["text"])].add(r["id"])
    removed: list[dict[str, str]] = []
    for r in agency_records:
        own = {fold(a["text"]): a for a in r["aliases"]}
        added: list[dict[str, str]] = []
        seen: set[str] = set()
        for f in derived.get(r["id"], []):
            key = fold(f["text"])
            if (f["text"] if f["case"] == "exact" else key) in seen:
                continue
            seen.add(f["text"] if f["case"] == "exact" else key)
            if key in own and (own[key]["case"] != "exact" or own[key]["text"] == f["text"]):
                continue  # the table has it already
            others = (existing[key] | claims[key]) - {r["id"]}
            if others:
                removed.append(
                    {
                        "entity": r["id"],
                        "alias": f["text"],
                        "action": "dropped",
                        "reason": f"derived qualified form also names {', '.join(sorted(others))}",
                    }
                )
                continue
            added.append(f)
        r["aliases"] = r["aliases"] + added
    return removed
