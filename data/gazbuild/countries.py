"""Countries: every ISO 3166-1 country and territory, Kosovo, and four historic states.

Sources (data/sources): CLDR English territory names (names and alt forms), countries-list (names, capitals,
continents), MISP galaxy country (ISO3 codes), i18n-nationality (adjectives). Curated tables (data/curated):
countries-names.tsv (canonical names), countries-aliases.tsv (official names, abbreviations, renamings,
adjectives and plurals the sources lack), countries-drop.tsv (source errors), countries-memberships.tsv (NATO and
EU accession years), countries-historic.tsv.

Case policies: abbreviations are exact ("US", "U.S."); every other alias is `upper_first`, so that "Turkey" and
"TURKEY" match but the bird does not, and "china", "chad" or "jordan" in lower case never do.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from gazbuild.common import Record, alias, dedupe_aliases, fold, read_tsv

# ISO 3166-1 assigns 249 codes; countries-list also has the exceptionally reserved AC and TA, which are not
# countries, and the user-assigned XK (Kosovo), which we keep.
NOT_COUNTRIES = {"AC", "TA"}

CAPITAL_FORMS = ("capital", "metonym")


def _plural(adjective: str) -> str | None:
    """The plural noun writers use for a people, where a rule gives it ("Russian" -> "Russians")."""
    if " " in adjective or "-" in adjective:
        return None
    if re.search(r"(an|i)$", adjective):
        return adjective + "s"
    return None


def _source_adjective(text: str, names: set[str]) -> bool:
    """Whether an i18n-nationality value is usable as an adjective (not a territory name or a description)."""
    return not (
        "(" in text or "," in text or " - " in text or fold(text) in names or "Island" in text
    )


def build(sources: Path, curated: Path) -> list[Record]:
    """Country records, sorted by id."""
    cldr = json.loads((sources / "cldr" / "territories.en.json").read_text(encoding="utf-8"))
    territories: dict[str, str] = cldr["main"]["en"]["localeDisplayNames"]["territories"]
    clist: dict[str, dict[str, object]] = json.loads(
        (sources / "countries-list" / "countries.json").read_text(encoding="utf-8")
    )
    misp = json.loads((sources / "misp-galaxy" / "country.json").read_text(encoding="utf-8"))
    iso3 = {v["meta"]["ISO"]: v["meta"]["ISO3"] for v in misp["values"]}
    iso3["XK"] = "XKX"
    nationality: dict[str, str] = json.loads(
        (sources / "i18n-nationality" / "en.json").read_text(encoding="utf-8")
    )["nationalities"]

    names = {r["iso2"]: r["name"] for r in read_tsv(curated / "countries-names.tsv")}
    drops = {(r["iso2"], r["alias"]) for r in read_tsv(curated / "countries-drop.tsv")}
    extra = read_tsv(curated / "countries-aliases.tsv")
    members = {r["iso2"]: r for r in read_tsv(curated / "countries-memberships.tsv")}
    historic = {r["iso2"]: r for r in read_tsv(curated / "countries-historic.tsv")}

    codes = sorted((set(clist) - NOT_COUNTRIES) | set(historic))
    records: list[Record] = []
    for code in codes:
        info = clist.get(code, {})
        name = names.get(code) or (
            historic[code]["name"] if code in historic else str(info["name"])
        )
        aliases = [alias(name, "name", "upper_first")]
        candidates: list[str] = []
        for key in (code, f"{code}-alt-short", f"{code}-alt-variant"):
            if key in territories:
                candidates.append(territories[key])
        if "name" in info:
            candidates.append(str(info["name"]))
        for text in candidates:
            variants = {text, text.replace(" & ", " and "), re.sub(r"\bSt\. ", "Saint ", text)}
            for v in sorted(variants):
                if "(" in v or " - " in v or (code, v) in drops:
                    continue
                if re.fullmatch(r"[A-Z.]+", v):
                    aliases.append(alias(v, "abbreviation", "exact"))
                else:
                    aliases.append(alias(v, "short name", "upper_first"))
        for row in extra:
            if row["iso2"] == code:
                case = row["case"] or ("exact" if row["form"] == "abbreviation" else "upper_first")
                aliases.append(alias(row["alias"], row["form"], case))
        known = {fold(a["text"]) for a in aliases}
        adjective = nationality.get(code)
        adjectives = [a["text"] for a in aliases if a["form"] == "adjective"]
        if adjective and (code, adjective) not in drops and _source_adjective(adjective, known):
            adjectives.insert(0, adjective)
            aliases.append(alias(adjective, "adjective", "upper_first"))
        for adj in adjectives:
            plural = _plural(adj)
            if plural and (code, plural) not in drops:
                aliases.append(alias(plural, "demonym", "upper_first"))
        capital = str(info.get("capital") or "")
        if capital and fold(capital) not in {fold(a["text"]) for a in aliases}:
            aliases.append(alias(capital, "capital", "upper_first"))

        attrs: dict[str, str] = {
            "iso2": code,
            "sources": "cldr countries-list curated i18n-nationality",
        }
        if code in historic:
            attrs["iso3"] = historic[code]["iso3"]
            attrs["historic"] = "true"
        elif code in iso3:
            attrs["iso3"] = iso3[code]
        if info.get("continent"):
            attrs["continent"] = str(info["continent"])
        if capital:
            attrs["capital"] = capital
        member = members.get(code)
        if member and member["nato"]:
            attrs["nato"] = member["nato"]
        if member and member["eu"]:
            attrs["eu"] = member["eu"]
        records.append(
            {
                "id": f"country:{code}",
                "kind": "country",
                "name": name,
                "aliases": dedupe_aliases(aliases),
                "attrs": attrs,
            }
        )
    return records
