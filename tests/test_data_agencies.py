"""Tests of the agency part of the gazetteer build: country-qualified names (data/gazbuild/qualified.py),
acronyms that need support (data/gazbuild/agencies.py, data/curated/acronym-terms.tsv), and the currency and
region shields (data/build.py), on the built file python/cybernexus/data/builtin.json through the matcher."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

import cybernexus as cx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "data"))
from gazbuild import agencies, qualified
from gazbuild.common import fold, read_tsv

BUILT = ROOT / "python" / "cybernexus" / "data" / "builtin.json"
CURATED = ROOT / "data" / "curated"

Entities = dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    """The built file, as JSON."""
    loaded: dict[str, Any] = json.loads(BUILT.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def entities(data: dict[str, Any]) -> Entities:
    """The built records by id."""
    return {e["id"]: e for e in data["entities"]}


@pytest.fixture(scope="module")
def matcher() -> cx.Matcher:
    """A matcher on the built file."""
    return cx.Matcher(cx.Gazetteer.from_json(str(BUILT)))


def mentions(matcher: cx.Matcher, text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, text, entity id) of every mention."""
    return [(m.start, m.end, m.text, m.entity_id) for m in matcher.find(text)]


# --------------------------------------------------------------------------------------------------
# Task 1: country-qualified names and acronyms

QUALIFIED = [
    ("Russia's Foreign Intelligence Service", "agency:ru-svr"),
    ("Russian Foreign Intelligence Service", "agency:ru-svr"),
    ("Russia's SVR", "agency:ru-svr"),
    ("Russian SVR", "agency:ru-svr"),
    ("China's Ministry of State Security", "agency:cn-mss"),
    ("Chinese MSS", "agency:cn-mss"),
    ("North Korea's Reconnaissance General Bureau", "agency:kp-rgb"),
    ("Iran's Ministry of Intelligence", "agency:ir-mois"),
    ("Iranian MOIS", "agency:ir-mois"),
    ("UK's GCHQ", "agency:gb-gchq"),
    ("Britain's National Cyber Security Centre", "agency:gb-ncsc"),
    ("U.S. Cybersecurity and Infrastructure Security Agency", "agency:us-cisa"),
    ("America's NSA", "agency:us-nsa"),
    ("Germany's BSI", "agency:de-bsi"),
    ("German Federal Office for Information Security", "agency:de-bsi"),
    ("Israel's Unit 8200", "agency:il-unit-8200"),
    # more of the same: curly apostrophes, "States'", shared acronyms, one-word names, "of the"
    ("Russia\u2019s SVR", "agency:ru-svr"),
    ("United States\u2019 NSA", "agency:us-nsa"),
    ("Russian FSB", "agency:ru-fsb"),
    ("Federal Security Service of the Russian Federation", "agency:ru-fsb"),
    ("Foreign Intelligence Service of Russia", "agency:ru-svr"),
    ("New Zealand's NCSC", "agency:nz-ncsc"),
    ("US NCSC", "agency:us-ncsc"),
    ("Norwegian NIS", "agency:no-nis"),
    ("Portuguese SIS", "agency:pt-sis"),
    ("British SIS", "agency:gb-sis"),
    ("Czech BIS", "agency:cz-bis"),
    ("Israel's Mossad", "agency:il-mossad"),
    ("Britain's MI5", "agency:gb-mi5"),
    ("Turkey's MIT", "agency:tr-mit"),
    ("North Korea's Ministry of State Security", "agency:kp-mss"),
    ("Netherlands' AIVD", "agency:nl-aivd"),
    ("China's Cyberspace Administration", "agency:cn-cac"),
    ("Ministry of Intelligence of the Islamic Republic of Iran", "agency:ir-mois"),
]


@pytest.mark.parametrize(("name", "entity_id"), QUALIFIED)
def test_qualified_name_is_one_agency_mention(
    matcher: cx.Matcher, name: str, entity_id: str
) -> None:
    """In a sentence, the qualified form is one mention of the body, with its exact span, and the
    country inside it is not reported on its own."""
    text = f"Officials said the {name} was behind it."
    start = len("Officials said the ")
    assert mentions(matcher, text) == [(start, start + len(name), name, entity_id)]


def test_qualified_forms_are_derived_aliases(entities: Entities) -> None:
    """The forms exist on the right records, with form `derived`; acronym forms are exact."""
    by_text = {a["text"]: a for a in entities["agency:ru-svr"]["aliases"]}
    assert by_text["Russia's Foreign Intelligence Service"] == {
        "text": "Russia's Foreign Intelligence Service",
        "case": "upper_first",
        "form": "derived",
    }
    assert by_text["Russian SVR"] == {"text": "Russian SVR", "case": "exact", "form": "derived"}
    assert by_text["Foreign Intelligence Service of Russia"]["case"] == "insensitive"
    nsa = {a["text"] for a in entities["agency:us-nsa"]["aliases"]}
    assert {"America's NSA", "US NSA", "U.S. NSA", "American NSA", "US's NSA"} <= nsa
    assert "National Security Agency of the United States" in nsa
    assert "National Security Agency of United States" not in nsa
    gchq = {a["text"] for a in entities["agency:gb-gchq"]["aliases"]}
    assert {"UK's GCHQ", "Britain's GCHQ", "British GCHQ", "UK GCHQ"} <= gchq


def test_every_national_acronym_is_qualified(entities: Entities) -> None:
    """Every Latin-script one-token acronym of a national body has its "<adjective> <ACRONYM>" form."""
    countries = {e["attrs"]["iso2"]: e for e in entities.values() if e["kind"] == "country"}
    missing = []
    for r in agencies.read_rows(CURATED):
        country = countries.get(r["country"])
        if country is None:
            continue
        words = qualified.country_words(country)
        texts = {a["text"] for a in entities[f"agency:{r['id']}"]["aliases"]}
        for acr, _ in qualified.acronyms(r["name"], r["acronyms"].split("|"), words):
            if r["id"] in ("cn-mss-hainan", "cn-mss-hubei"):
                continue  # both are HSSD: "Chinese HSSD" names two bodies
            if f"{words.adjectives[0]} {acr}" not in texts:
                missing.append((r["id"], acr))
    assert missing == []


def test_no_derived_form_names_two_agencies(entities: Entities) -> None:
    """A derived form names one body: "Chinese HSSD" (Hainan and Hubei) is left out, and reported."""
    owners: dict[str, set[str]] = defaultdict(set)
    for e in entities.values():
        if e["kind"] == "agency":
            for a in e["aliases"]:
                owners[fold(a["text"])].add(e["id"])
    derived = {
        fold(a["text"])
        for e in entities.values()
        if e["kind"] == "agency"
        for a in e["aliases"]
        if a["form"] == "derived"
    }
    assert {k: v for k, v in owners.items() if k in derived and len(v) > 1} == {}
    assert "Chinese HSSD" not in {a["text"] for a in entities["agency:cn-mss-hubei"]["aliases"]}
    report = (ROOT / "data" / "reports" / "removed-aliases.tsv").read_text(encoding="utf-8")
    assert (
        "agency:cn-mss-hubei\tChinese HSSD\tdropped\t"
        "derived qualified form also names agency:cn-mss-hainan\n"
    ) in report


def test_acronyms_differing_in_case_are_both_kept(matcher: cx.Matcher) -> None:
    """ "DOD" and "DoD" are both exact acronyms of the Department of Defense (a fold-based dedupe lost one)."""
    assert mentions(matcher, "The DOD and the DoD") == [
        (4, 7, "DOD", "agency:us-dod"),
        (16, 19, "DoD", "agency:us-dod"),
    ]


def test_strip_country() -> None:
    """Bases: a leading country word or a trailing "of [the] <country>" comes off; a name starting with
    part of a country's name ("Korea Internet & Security Agency") is the body's own name."""
    ru = qualified.CountryWords(["Russia"], ["Russian Federation"], ["Russian"], [])
    assert qualified.strip_country("Russian Foreign Intelligence Service", ru) == (
        "Foreign Intelligence Service"
    )
    assert qualified.strip_country("Ministry of Defence of the Russian Federation", ru) == (
        "Ministry of Defence"
    )
    assert qualified.strip_country("Federal Security Service", ru) is None
    kr = qualified.CountryWords(["South Korea"], ["Republic of Korea"], ["South Korean"], ["ROK"])
    assert qualified.bases("Korea Internet & Security Agency", [], kr) == []
    assert qualified.bases("National Intelligence Service", [], kr) == [
        "National Intelligence Service"
    ]


# --------------------------------------------------------------------------------------------------
# Task 2: acronyms that need support

NEEDS_SUPPORT = [
    ("agency:ru-fsb", "FSB"),
    ("agency:cn-mss", "MSS"),
    ("agency:kp-rgb", "RGB"),
    ("agency:us-cisa", "CISA"),
    ("agency:de-bsi", "BSI"),
    ("agency:ru-svr", "SVR"),
    ("agency:us-cia", "CIA"),
    ("agency:kr-nis", "NIS"),
    ("agency:ca-cse", "CSE"),
]


def flagged(entities: Entities) -> set[tuple[str, str]]:
    return {
        (e["id"], a["text"])
        for e in entities.values()
        if e["kind"] == "agency"
        for a in e["aliases"]
        if a.get("needs_support")
    }


def test_technical_acronyms_need_support(entities: Entities) -> None:
    """The listed acronyms carry `needs_support: true`; NSA, GRU, FBI, DGSE and DIA do not."""
    marked = flagged(entities)
    assert set(NEEDS_SUPPORT) <= marked
    for pair in [
        ("agency:us-nsa", "NSA"),
        ("agency:ru-gru", "GRU"),
        ("agency:us-fbi", "FBI"),
        ("agency:fr-dgse", "DGSE"),
        ("agency:us-dia", "DIA"),
    ]:
        assert pair not in marked
    assert len(marked) == len(read_tsv(CURATED / "acronym-terms.tsv"))


def test_only_bare_acronyms_need_support(entities: Entities) -> None:
    """Qualified forms and names never need support, and the key is written only when true (threat actors and
    software also flag ordinary words: see their own tests)."""
    for e in entities.values():
        for a in e["aliases"]:
            if "needs_support" in a:
                assert a["needs_support"] is True
                if e["kind"] == "agency":
                    assert (a["form"], a["case"]) == ("acronym", "exact")
    fsb = {a["text"]: a for a in entities["agency:ru-fsb"]["aliases"]}
    assert "needs_support" not in fsb["Russian FSB"]
    assert "needs_support" not in fsb["Federal Security Service"]


def test_needs_support_rule_also_takes_other_kinds(tmp_path: Path) -> None:
    """Rule 2: an agency acronym that an entity of another kind also has ("SOVA" the malware, as software)
    needs support even when the curated list does not name it; an unused list row fails the build."""
    (tmp_path / "acronym-terms.tsv").write_text(
        "acronym\tfield\tother meaning\nRGB\ttechnical\tthe colour model\n", encoding="utf-8"
    )
    records: list[dict[str, Any]] = [
        {
            "id": "agency:x",
            "kind": "agency",
            "aliases": [
                {"text": "RGB", "case": "exact", "form": "acronym"},
                {"text": "SOVA", "case": "exact", "form": "acronym"},
                {"text": "TAO", "case": "exact", "form": "acronym"},
            ],
        },
        {"id": "software:sova", "kind": "software", "aliases": [{"text": "Sova", "case": "auto"}]},
    ]
    report = agencies.mark_needs_support(records, tmp_path)
    assert [a.get("needs_support", False) for a in records[0]["aliases"]] == [True, True, False]
    assert [(d["alias"], d["reason"]) for d in report] == [
        ("RGB", "needs support: technical term: the colour model"),
        ("SOVA", "needs support: also an alias of software:sova"),
    ]
    (tmp_path / "acronym-terms.tsv").write_text(
        "acronym\tfield\tother meaning\nXYZ\ttechnical\tnothing\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="XYZ"):
        agencies.mark_needs_support(records, tmp_path)


def test_needs_support_in_the_matcher(matcher: cx.Matcher) -> None:
    """With the core rule: "MSS" in TCP text is nothing; next to a threat actor it is China's MSS."""
    assert mentions(matcher, "Set the MSS to 1460 bytes on the tunnel.") == []
    text = "APT40 works for the MSS."
    assert (text.index("MSS"), text.index("MSS") + 3, "MSS", "agency:cn-mss") in mentions(
        matcher, text
    )


def test_acronym_terms_table() -> None:
    """Every row has a known field and says what else the acronym means; rows are sorted."""
    rows = read_tsv(CURATED / "acronym-terms.tsv")
    assert [r["acronym"] for r in rows] == sorted(r["acronym"] for r in rows)
    for r in rows:
        assert r["field"] in agencies.FIELDS and len(r["other meaning"]) > 10, r


# --------------------------------------------------------------------------------------------------
# Task 4: shields

CURRENCIES = [
    ("US$", "currency:USD"),
    ("US $", "currency:USD"),
    ("$US", "currency:USD"),
    ("USD", "currency:USD"),
    ("C$", "currency:CAD"),
    ("A$", "currency:AUD"),
    ("HK$", "currency:HKD"),
    ("NT$", "currency:TWD"),
    ("S$", "currency:SGD"),
    ("RMB", "currency:CNY"),
    ("yuan", "currency:CNY"),
    ("Russian rubles", "currency:RUB"),
    ("UAE dirhams", "currency:AED"),
    ("Mex$", "currency:MXN"),
]


@pytest.mark.parametrize(("form", "entity_id"), CURRENCIES)
def test_currency_forms(matcher: cx.Matcher, form: str, entity_id: str) -> None:
    """Each form is one currency mention, and no country is read into it."""
    text = f"They paid {form} 400 to the broker."
    assert mentions(matcher, text) == [(10, 10 + len(form), form, entity_id)]


def test_regions_with_country_names(matcher: cx.Matcher) -> None:
    """Sea and region names that contain a country's are regions."""
    text = "Ships in the South China Sea and the Taiwan Strait; a breach in Northern Ireland."
    assert mentions(matcher, text) == [
        (13, 28, "South China Sea", "region:south-china-sea"),
        (37, 50, "Taiwan Strait", "region:taiwan-strait"),
        (64, 80, "Northern Ireland", "region:northern-ireland"),
    ]


# --------------------------------------------------------------------------------------------------
# Task 3, through the matcher: a name of two groups is found, and marked ambiguous by the core


def test_name_of_two_groups_is_found(matcher: cx.Matcher, entities: Entities) -> None:
    """ "BeagleBoyz" (APT38 and Lazarus Group) is one mention of one of them, ambiguous when the core
    reports it."""
    for group in ("threat_actor:apt38", "threat_actor:lazarus-group"):
        assert "BeagleBoyz" in entities[group]["attrs"]["ambiguous_aliases"].split("|")
    [m] = matcher.find("BeagleBoyz struck again.")
    assert (m.start, m.end, m.text) == (0, 10, "BeagleBoyz")
    assert m.entity_id in ("threat_actor:apt38", "threat_actor:lazarus-group")
    if hasattr(m, "ambiguous"):
        assert m.ambiguous is True


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "The BRICS ministers met the Group of 20 and the Group of 7.",
            [("BRICS", "agency:brics"), ("Group of 20", "agency:g20"), ("Group of 7", "agency:g7")],
        ),
        (
            "A group linked to the Iranian Revolutionary Guard.",
            [("Iranian Revolutionary Guard", "agency:ir-irgc")],
        ),
        # The acronym is case-exact: bricks are not a bloc.
        ("Brics and bricks.", []),
    ],
)
def test_blocs_and_forms_a_held_out_review_missed(
    matcher: cx.Matcher, text: str, found: list[tuple[str, str]]
) -> None:
    """Before: BRICS was no entity, "Group of 20" and "Iranian Revolutionary Guard" matched nothing (or the
    country inside)."""
    assert [(m.text, m.entity_id) for m in matcher.find(text)] == found
