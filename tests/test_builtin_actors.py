"""The built-in gazetteer end to end: threat actors, agencies, sizes, and the known traps."""

from __future__ import annotations

import pytest

import cybernexus as cx


@pytest.fixture(scope="module")
def matcher() -> cx.Matcher:
    return cx.Matcher()


def found(matcher: cx.Matcher, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.entity_id) for m in matcher.find(text)]


def test_sizes_and_well_formed_entities() -> None:
    """At least 249 countries, 300 agencies and 900 threat actors, each named, aliased and attributed."""
    g = cx.Gazetteer.builtin()
    kinds = g.stats()["by_kind"]
    assert kinds["country"] >= 249 and kinds["agency"] >= 300 and kinds["threat_actor"] >= 900
    for e in g:
        assert e.name and e.aliases, e.id
        if e.kind == "agency":
            assert e.attrs["country"] and e.attrs["type"], e.id
        if e.kind == "threat_actor":
            # from a catalogue (MISP, ATT&CK), or curated because the sources lack it
            assert (
                e.attrs.get("misp_uuids")
                or e.attrs.get("attck_id")
                or e.attrs["sources"] == "curated"
            )


def test_apt28_by_hand() -> None:
    """APT28 has its vendor names, sponsor RU and ATT&CK id G0007."""
    apt28 = cx.Gazetteer.builtin()["threat_actor:apt28"]
    assert {"Fancy Bear", "Sofacy", "Forest Blizzard", "STRONTIUM", "APT 28", "APT-28"} <= set(
        apt28.aliases
    )
    assert (apt28.attrs["sponsor"], apt28.attrs["attck_id"]) == ("RU", "G0007")
    policies = {a["text"]: a["case"] for a in apt28.to_record()["aliases"]}
    assert policies["STRONTIUM"] == "exact" and policies["Fancy Bear"] == "insensitive"


def test_design_sentence_with_the_builtin(matcher: cx.Matcher) -> None:
    """The DESIGN.md sentence: Germany, Czechia, Russia, APT28 and the GRU."""
    text = (
        "Germany and the Czech Republic linked the activity to the Russian group APT28, "
        "which is funded by the GRU"
    )
    assert found(matcher, text) == [
        ("Germany", "country:DE"),
        ("Czech Republic", "country:CZ"),
        ("Russian", "country:RU"),
        ("APT28", "threat_actor:apt28"),
        ("GRU", "agency:ru-gru"),
    ]


def test_aliases_resolve_to_one_entity(matcher: cx.Matcher) -> None:
    """Vendor names of one group, and name/adjective of one country, resolve to one id."""
    ids = {m.entity_id for m in matcher.find("Fancy Bear, Sofacy, Forest Blizzard and STRONTIUM")}
    assert ids == {"threat_actor:apt28"}
    assert {m.entity_id for m in matcher.find("Swedish officials in Sweden")} == {"country:SE"}
    assert found(matcher, "the U.S. said") == [("U.S.", "country:US")]


def test_agencies_and_acronym_rules(matcher: cx.Matcher) -> None:
    """Agencies by name and by acronym; a claimed shared acronym goes to its claimant."""
    assert found(matcher, "GCHQ and the NCSC, with CISA and the FBI") == [
        ("GCHQ", "agency:gb-gchq"),
        ("NCSC", "agency:gb-ncsc"),
        ("CISA", "agency:us-cisa"),
        ("FBI", "agency:us-fbi"),
    ]
    assert (
        found(matcher, "the Bundesamt für Sicherheit in der Informationstechnik")[0][1]
        == "agency:de-bsi"
    )
    assert found(matcher, "NATO's CCDCOE in Tallinn")[0] == ("NATO", "agency:nato")


@pytest.mark.parametrize(
    "text",
    [
        "Leaders met at the summit in Madrid.",
        "The Summit ended without a deal.",
        "Sea levels are rising across the SEA region and the sea.",
        "Zinc and strontium were found; zinc prices rose.",
        "The lead investigator took the lead.",
        "Cobalt Strike beacons and a Snake keylogger were found.",
        "We ate turkey on china plates near lake chad.",
    ],
)
def test_ordinary_words_are_not_entities(matcher: cx.Matcher, text: str) -> None:
    """Known traps: ordinary words, elements and tools that MISP lists as group names match nothing
    (software is another kind: "Cobalt Strike" and "Snake keylogger" are software, not groups)."""
    kinds = ("region", "software")
    assert [(m.text, m.entity_id) for m in matcher.find(text) if m.kind not in kinds] == []


def test_ransomware_names_are_marked(matcher: cx.Matcher) -> None:
    """A group named after its ransomware is found, with form "malware" so that users can drop it."""
    # The software record shares the name (shares_name_with); among the groups it is REvil, marked.
    actors = cx.Gazetteer.builtin().filter(kind="threat_actor")
    (m,) = cx.Matcher(actors).find("REvil demanded a ransom")
    assert (m.entity_id, m.form) == ("threat_actor:revil", "malware")
    strict = cx.Matcher(actors.without_aliases(forms="malware"))
    assert strict.find("REvil demanded a ransom") == []


def test_currency_is_not_the_country(matcher: cx.Matcher) -> None:
    """ "US$400" is the US dollar; "US officials" is the country."""
    assert found(matcher, "paid US$400 to US officials") == [
        ("US$", "currency:USD"),
        ("US", "country:US"),
    ]


def test_no_alias_names_two_kinds() -> None:
    """After the build, no folded alias belongs to entities of two different kinds, except a threat
    actor and a software family sharing a name (Winnti, Conti), which both say so."""
    owners: dict[str, set[str]] = {}
    for e in cx.Gazetteer.builtin(capitals=True):
        for a in e.to_record()["aliases"]:
            key = a["text"] if a["case"] == "exact" else " ".join(a["text"].casefold().split())
            owners.setdefault(key, set()).add(e.kind)
    shared = {"threat_actor", "software"}
    assert {k: v for k, v in owners.items() if len(v) > 1 and v != shared} == {}


def test_governments_and_country_qualified_agency_names(matcher: cx.Matcher) -> None:
    """ "the Chinese government" is China's government, and "Russia's Federal Security Service" is one FSB mention."""
    assert found(
        matcher, "the Chinese government, China's government and the government of China"
    ) == [
        ("Chinese government", "agency:cn-government"),
        ("China's government", "agency:cn-government"),
        ("government of China", "agency:cn-government"),
    ]
    assert found(matcher, "the U.S. federal government") == [
        ("U.S. federal government", "agency:us-government")
    ]
    assert found(
        matcher,
        "Russia\u2019s Federal Security Service and the Ministry of State Security of China",
    ) == [
        ("Russia\u2019s Federal Security Service", "agency:ru-fsb"),
        ("Ministry of State Security of China", "agency:cn-mss"),
    ]
    gov = cx.Gazetteer.builtin()["agency:ru-government"]
    assert (gov.name, gov.attrs["country"], gov.attrs["type"]) == (
        "Government of Russia",
        "RU",
        "government",
    )
