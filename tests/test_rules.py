"""The rules after the alias search, on a small gazetteer written here: a group or its software by context, variant
forms (articles, headline capitals, CamelCase, defined acronyms), names that need support, and shields.

Every expected span, id and ``resolved_by`` below is written by hand from the rule's documentation."""

from __future__ import annotations

from typing import Any

import pytest

import cybernexus as cx

RECORDS: list[dict[str, Any]] = [
    {
        "id": "country:US",
        "kind": "country",
        "name": "United States",
        "aliases": [{"text": "US", "case": "exact", "form": "abbreviation"}],
    },
    {"id": "country:UA", "kind": "country", "name": "Ukraine"},
    {"id": "country:JP", "kind": "country", "name": "Japan"},
    {"id": "country:CN", "kind": "country", "name": "China"},
    {"id": "region:europe", "kind": "region", "name": "Europe"},
    {"id": "region:north-america", "kind": "region", "name": "North America"},
    {
        "id": "agency:cn-mss",
        "kind": "agency",
        "name": "Ministry of State Security",
        "aliases": [{"text": "MSS", "case": "exact", "needs_support": True}],
    },
    {
        "id": "agency:ru-fsb",
        "kind": "agency",
        "name": "Federal Security Service",
        "aliases": [
            {"text": "FSB", "case": "exact", "needs_support": True},
            {"text": "Russian FSB", "case": "exact"},
        ],
    },
    {"id": "threat_actor:apt10", "kind": "threat_actor", "name": "APT10"},
    {
        "id": "threat_actor:apt29",
        "kind": "threat_actor",
        "name": "APT29",
        "aliases": [{"text": "The Dukes", "case": "exact"}],
    },
    {
        "id": "threat_actor:conti",
        "kind": "threat_actor",
        "name": "Conti Team",
        "aliases": [{"text": "Conti", "case": "insensitive", "form": "malware"}],
    },
    {
        "id": "threat_actor:winnti",
        "kind": "threat_actor",
        "name": "Winnti Group",
        "aliases": ["Winnti"],
    },
    {"id": "threat_actor:cloud-atlas", "kind": "threat_actor", "name": "CloudAtlas"},
    {"id": "threat_actor:shinyhunters", "kind": "threat_actor", "name": "Shiny Hunters"},
    {"id": "threat_actor:golden-chickens", "kind": "threat_actor", "name": "Golden Chickens"},
    {
        "id": "threat_actor:blue-one",
        "kind": "threat_actor",
        "name": "Blue One",
        "aliases": ["Twin"],
    },
    {
        "id": "threat_actor:blue-two",
        "kind": "threat_actor",
        "name": "Blue Two",
        "aliases": ["Twin"],
    },
    {"id": "software:conti", "kind": "software", "name": "Conti", "attrs": {"type": "ransomware"}},
    {"id": "software:winnti", "kind": "software", "name": "Winnti", "attrs": {"type": "malware"}},
    {
        "id": "software:cobalt-strike",
        "kind": "software",
        "name": "Cobalt Strike",
        "attrs": {"type": "tool"},
    },
]

GAZETTEER = cx.Gazetteer.from_records(RECORDS)
MATCHER = cx.Matcher(GAZETTEER)

Row = tuple[int, int, str, str, str | None]


def rows(text: str, matcher: cx.Matcher = MATCHER) -> list[Row]:
    """(start, end, entity id, kind, resolved_by) of every mention, after checking that the span is the text."""
    found = matcher.find(text)
    for m in found:
        assert text[m.start : m.end] == m.text
    return [(m.start, m.end, m.entity_id, m.kind, m.resolved_by) for m in found]


def at(text: str, part: str, occurrence: int = 0) -> tuple[int, int]:
    """Start and end of the ``occurrence``-th ``part`` in ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


# --- 2. A group or its software, by context ---------------------------------------------------------------------

CUED: list[tuple[str, str, str, str]] = [
    # text, the shared name in it, the entity it means, the cue
    ("The Conti ransomware encrypted the servers.", "Conti", "software:conti", "ransomware"),
    (
        "The Conti ransomware gang leaked the data.",
        "Conti",
        "threat_actor:conti",
        "ransomware gang",
    ),
    ("Conti operators demanded a ransom.", "Conti", "threat_actor:conti", "operators"),
    ("Former Conti affiliates moved on.", "Conti", "threat_actor:conti", "affiliates"),
    ("A Winnti backdoor was found on the host.", "Winnti", "software:winnti", "backdoor"),
    ("Winnti hackers targeted game studios.", "Winnti", "threat_actor:winnti", "hackers"),
    (
        "The intrusion was attributed to Winnti last year.",
        "Winnti",
        "threat_actor:winnti",
        "attributed to",
    ),
    ("The intruders deployed Conti on every host.", "Conti", "software:conti", "deployed"),
    ("Analysts found a new Winnti variant.", "Winnti", "software:winnti", "variant"),
    ("They ran a Conti-ransomware binary.", "Conti", "software:conti", "ransomware"),
    ("A leaked Conti builder circulates.", "Conti", "software:conti", "builder"),
    ("Three members of the Conti crew were named.", "Conti", "threat_actor:conti", "crew"),
    (
        "The Conti ransomware operation listed the hospital on its leak site.",
        "Conti",
        "threat_actor:conti",
        "ransomware operation",
    ),
    ("The Conti operation shut down in May.", "Conti", "threat_actor:conti", "operation"),
    ("Two members of Conti were named.", "Conti", "threat_actor:conti", "members of"),
    ("The Winnti RAT beaconed out.", "Winnti", "software:winnti", "rat"),
    # Through a possessive, straight or curly.
    ("Conti's affiliates were paid weekly.", "Conti", "threat_actor:conti", "affiliates"),
    ("Winnti\u2019s developers reused code.", "Winnti", "threat_actor:winnti", "developers"),
    ("Conti's payload was packed.", "Conti", "software:conti", "payload"),
]


@pytest.mark.parametrize(("text", "name", "entity", "cue"), CUED)
def test_a_cue_next_to_a_shared_name_decides_its_reading(
    text: str, name: str, entity: str, cue: str
) -> None:
    """A cue word after or before a name that a group and its software share picks the entity of the cue's kind."""
    start, end = at(text, name)
    kind = entity.split(":")[0]
    assert rows(text) == [(start, end, entity, kind, cue)]
    (m,) = MATCHER.find(text)
    assert m.ambiguous is False and m.via == "alias"


UNCUED: list[tuple[str, str, str]] = [
    # text, the shared name, the default entity
    (
        "Conti is back.",
        "Conti",
        "software:conti",
    ),  # the group's alias has form "malware": software first
    ("Winnti returned in 2023.", "Winnti", "threat_actor:winnti"),  # gazetteer order
    ("The Winnti rat ran off.", "Winnti", "threat_actor:winnti"),  # "rat" in lower case is no cue
    ("Conti-linked wallets moved.", "Conti", "software:conti"),
    ("The files were deployed by Conti.", "Conti", "software:conti"),  # "by" is no cue
    ("Conti, again.", "Conti", "software:conti"),
    ("(Winnti) was named.", "Winnti", "threat_actor:winnti"),
    ("Winnti; group", "Winnti", "threat_actor:winnti"),  # punctuation between: no cue
    ("Winnti malwares", "Winnti", "threat_actor:winnti"),  # not a listed cue word
    ("They said Winnti.", "Winnti", "threat_actor:winnti"),
    ("Conti's name spread.", "Conti", "software:conti"),  # a possessive with no cue word after it
    ("Conti'sgroup", "Conti", "software:conti"),  # not a possessive followed by a word
]


@pytest.mark.parametrize(("text", "name", "entity"), UNCUED)
def test_without_a_cue_the_default_reading_is_marked_ambiguous(
    text: str, name: str, entity: str
) -> None:
    """With no cue, the shared name gets its default reading, resolved_by "default" and ambiguous."""
    start, end = at(text, name)
    found = [m for m in MATCHER.find(text) if m.start == start]
    assert [(m.start, m.end, m.entity_id, m.resolved_by, m.ambiguous) for m in found] == [
        (start, end, entity, "default", True)
    ]


def test_resolve_none_ignores_cues_and_all_returns_both_readings() -> None:
    """resolve="none" always takes the default; overlaps="all" returns both readings, the chosen one with its cue."""
    text = "Conti operators"
    assert rows(text, cx.Matcher(GAZETTEER, resolve="none")) == [
        (0, 5, "software:conti", "software", "default")
    ]
    both = cx.Matcher(GAZETTEER, overlaps="all").find(text)
    assert [(m.entity_id, m.resolved_by, m.ambiguous) for m in both] == [
        ("threat_actor:conti", "operators", False),
        ("software:conti", None, True),
    ]


def test_resolve_document_spreads_the_majority_reading() -> None:
    """resolve="document": a mention without a cue takes the reading its name's cues gave in the same document."""
    text = "The Conti ransomware hit. Conti operators bragged. Conti operators left. Later Conti returned."
    local = rows(text)
    assert local[-1] == (*at(text, "Conti", 3), "software:conti", "software", "default")
    doc = rows(text, cx.Matcher(GAZETTEER, resolve="document"))
    assert doc[-1] == (*at(text, "Conti", 3), "threat_actor:conti", "threat_actor", "document")
    assert doc[:3] == local[:3]
    # A tie between the readings decides nothing.
    tie = "The Conti ransomware hit. Conti operators bragged. Conti returned."
    assert rows(tie, cx.Matcher(GAZETTEER, resolve="document"))[-1][-1] == "default"
    with pytest.raises(ValueError, match="resolve must be"):
        cx.Matcher(GAZETTEER, resolve="global")  # type: ignore[arg-type]


def test_a_name_of_one_entity_is_not_resolved_and_two_groups_are_ambiguous() -> None:
    """A span naming one entity has resolved_by None; an alias of two groups is ambiguous, whatever the cue."""
    assert rows("APT10 ransomware") == [(0, 5, "threat_actor:apt10", "threat_actor", None)]
    (m,) = MATCHER.find("Twin group struck.")
    assert (m.entity_id, m.resolved_by, m.ambiguous) == ("threat_actor:blue-one", "default", True)
    both = cx.Matcher(GAZETTEER, overlaps="all").find("Twin struck.")
    assert [m.entity_id for m in both] == ["threat_actor:blue-one", "threat_actor:blue-two"]
    assert all(m.ambiguous for m in both)


# --- 3. Variant forms ---------------------------------------------------------------------------------------------

VARIANTS_FOUND: list[tuple[str, str, str, str]] = [
    # text, the span, the entity, via
    ("Reports on the Dukes continue.", "the Dukes", "threat_actor:apt29", "alias"),
    ("THE DUKES RETURN", "THE DUKES", "threat_actor:apt29", "alias"),
    ("The Dukes returned.", "The Dukes", "threat_actor:apt29", "alias"),
    ("Then THE  DUKES\nstruck", "THE  DUKES", "threat_actor:apt29", "alias"),
    ("Cloud Atlas is active.", "Cloud Atlas", "threat_actor:cloud-atlas", "variant"),
    ("CLOUD ATLAS IS ACTIVE", "CLOUD ATLAS", "threat_actor:cloud-atlas", "variant"),
    ("CloudAtlas is active.", "CloudAtlas", "threat_actor:cloud-atlas", "alias"),
    ("ShinyHunters leaked it.", "ShinyHunters", "threat_actor:shinyhunters", "variant"),
    ("SHINYHUNTERS leaked it.", "SHINYHUNTERS", "threat_actor:shinyhunters", "variant"),
    ("Shiny Hunters leaked it.", "Shiny Hunters", "threat_actor:shinyhunters", "alias"),
    (
        "Golden Chickens (GC) sells kits; GC also runs",
        "GC",
        "threat_actor:golden-chickens",
        "acronym",
    ),
]


@pytest.mark.parametrize(("text", "span", "entity", "via"), VARIANTS_FOUND)
def test_variant_forms_are_found(text: str, span: str, entity: str, via: str) -> None:
    """Articles outside the case policy, headline capitals, CamelCase joined or split, and defined acronyms."""
    start, end = at(text, span)
    found = [m for m in MATCHER.find(text) if m.start == start]
    assert [(m.start, m.end, m.entity_id, m.via) for m in found] == [(start, end, entity, via)]


def test_a_defined_acronym_names_its_entity_from_the_definition_on() -> None:
    """The acronym in brackets and its later occurrences (as written, whole words) are mentions; earlier ones,
    other cases and other words are not."""
    text = "GC first. Golden Chickens (GC) sells kits; GC and GCs and gc and xGC. Later, GC."
    assert rows(text) == [
        (*at(text, "Golden Chickens"), "threat_actor:golden-chickens", "threat_actor", None),
        (*at(text, "GC", 1), "threat_actor:golden-chickens", "threat_actor", None),
        (*at(text, "GC", 2), "threat_actor:golden-chickens", "threat_actor", None),
        (*at(text, "GC", 5), "threat_actor:golden-chickens", "threat_actor", None),
    ]
    assert [m.via for m in MATCHER.find(text)] == ["alias", "acronym", "acronym", "acronym"]
    assert rows(text, cx.Matcher(GAZETTEER, acronyms=False)) == rows(text)[:1]


VARIANTS_NOT_FOUND: list[str] = [
    "the dukes returned",  # an exact alias in lower case, article or not
    "Dukes returned",  # the article is part of the alias
    "cloud atlas is a song",  # a split variant must be capitalised as generated
    "Cloud atlas",
    "shinyhunters.example",  # a joined variant needs a capital first letter
    "Shinyhunters",  # ... and is matched as a whole (the folded form is the same, upper-first accepts it)
    "Golden Chickens (XY) ... XY",  # XY does not abbreviate the name
    "Golden Chickens (Gc) ... Gc",  # not an acronym (lower-case letters)
    "Golden Chickens (G) ... G",  # too short
    "a (GC) without a name ... GC",
]


@pytest.mark.parametrize("text", VARIANTS_NOT_FOUND)
def test_variant_rules_do_not_overreach(text: str) -> None:
    """Lower-case exact aliases, uncapitalised split variants and acronyms that abbreviate nothing find nothing
    beyond the names as written."""
    found = MATCHER.find(text)
    if text == "Shinyhunters":
        assert [(m.entity_id, m.via) for m in found] == [("threat_actor:shinyhunters", "variant")]
        return
    assert [m.via for m in found if m.via != "alias"] == []
    assert all(m.entity_id != "threat_actor:apt29" for m in found)
    assert all(m.entity_id != "threat_actor:cloud-atlas" for m in found)


def test_variants_can_be_turned_off() -> None:
    """variants=False finds only aliases as written."""
    off = cx.Matcher(GAZETTEER, variants=False)
    assert rows("Cloud Atlas and ShinyHunters", off) == []
    assert [r[2] for r in rows("Cloud Atlas and ShinyHunters")] == [
        "threat_actor:cloud-atlas",
        "threat_actor:shinyhunters",
    ]


# --- 5. Names that need support -----------------------------------------------------------------------------------

SUPPORTED: list[tuple[str, str, str]] = [
    ("APT10 works for the MSS.", "MSS", "agency:cn-mss"),
    ("The MSS runs APT10.", "MSS", "agency:cn-mss"),
    ("The Ministry of State Security grew. Later the MSS hired more.", "MSS", "agency:cn-mss"),
    ("The FSB and the MSS swapped notes.", "MSS", "agency:cn-mss"),  # each supports the other? no:
    ("Cobalt Strike beacons were tied to the MSS.", "MSS", "agency:cn-mss"),
    ("Winnti hackers and the MSS.", "MSS", "agency:cn-mss"),
    ("The Russian FSB denied it.", "Russian FSB", "agency:ru-fsb"),
    ("The Federal Security Service said so. The FSB then denied it.", "FSB", "agency:ru-fsb"),
    ("APT29 and the FSB.", "FSB", "agency:ru-fsb"),
    ("The FSB, APT29 said.", "FSB", "agency:ru-fsb"),
]


@pytest.mark.parametrize(("text", "span", "entity"), SUPPORTED)
def test_an_alias_that_needs_support_counts_with_it(text: str, span: str, entity: str) -> None:
    """Another agency, threat actor or software in the sentence, or the entity's full name in the document."""
    start, end = at(text, span)
    found = [(m.start, m.end, m.entity_id) for m in MATCHER.find(text)]
    if text.startswith("The FSB and the MSS"):
        # Two aliases that need support do not support each other.
        assert found == []
        return
    assert (start, end, entity) in found


UNSUPPORTED: list[str] = [
    "Set the MSS to 1460 bytes.",
    "The MSS of the link was lowered.",
    "The FSB published its report on banks.",
    "The FSB met in Basel. China agreed.",  # a country is no support
    "APT10 struck. The MSS was lowered.",  # another sentence
    "MSS values and FSB rules.",
    "An MSS of 1400.",
    "the MSS",
    "MSS",
    "The FSB. The MSS.",
]


@pytest.mark.parametrize("text", UNSUPPORTED)
def test_an_alias_that_needs_support_is_dropped_without_it(text: str) -> None:
    """Without support the mention is dropped; with support=False it counts like any alias."""
    found = [m.entity_id for m in MATCHER.find(text)]
    assert "agency:cn-mss" not in found and "agency:ru-fsb" not in found
    relaxed = [m.entity_id for m in cx.Matcher(GAZETTEER, support=False).find(text)]
    assert "agency:cn-mss" in relaxed or "agency:ru-fsb" in relaxed


WORD_NAMED: list[dict[str, Any]] = [
    *RECORDS,
    {
        "id": "software:august-stealer",
        "kind": "software",
        "name": "August Stealer",
        "aliases": [{"text": "August", "case": "exact", "needs_support": True}],
    },
    {
        "id": "software:impact",
        "kind": "software",
        "name": "Impact",
        "aliases": [{"text": "Impact", "case": "exact", "needs_support": True}],
    },
]
WORD_MATCHER = cx.Matcher(cx.Gazetteer.from_records(WORD_NAMED))
BUILTIN_MATCHER = cx.Matcher()

# (text, spans of software:august-stealer / software:impact that stand), written for the rule: software named after
# an ordinary word counts with a software cue next to it, or when the document confirms it (its full name, or a cue
# at another mention); a threat actor or other software in the sentence is no evidence for it.
WORD_NAMES: list[tuple[str, list[tuple[int, int, str]]]] = [
    ("In August, APT10 used Cobalt Strike.", []),
    ("August saw APT29 return.", []),
    ("Impact was severe for Conti victims.", []),
    ("APT10 deployed the August stealer.", [(19, 33, "software:august-stealer")]),  # the full name
    ("The Impact ransomware hit Japan.", [(4, 10, "software:impact")]),
    ("APT10 sold August malware.", [(11, 17, "software:august-stealer")]),
    (
        "The August Stealer spread. Later, August was sold.",
        [(4, 18, "software:august-stealer"), (34, 40, "software:august-stealer")],
    ),
    (
        "August samples leaked. APT10 then sold August.",
        [(0, 6, "software:august-stealer"), (39, 45, "software:august-stealer")],
    ),
    ("In August the Impact ransomware returned.", [(14, 20, "software:impact")]),
    ("August and Impact.", []),
]


@pytest.mark.parametrize(("text", "expected"), WORD_NAMES)
def test_software_named_after_a_word_needs_its_own_evidence(
    text: str, expected: list[tuple[int, int, str]]
) -> None:
    """A cue of its kind or a confirmed mention in the document; not a co-mention of other entities."""
    found = [(m.start, m.end, m.entity_id) for m in WORD_MATCHER.find(text) if m.kind == "software"]
    found = [f for f in found if f[2] in ("software:august-stealer", "software:impact")]
    assert found == expected
    for start, end, _ in expected:
        assert text[start:end] in ("August", "Impact", "August Stealer", "August stealer")


# Written for the security-company rule (data/curated/security-vendors.tsv) on the built-in gazetteer: the
# company's name is the company; the ransomware named after it counts with its cue or its full name.
VENDOR_NAMES: list[tuple[str, list[tuple[str, str]]]] = [
    ("Cylance discovered another campaign by the group.", []),
    ("Researchers at BlackBerry Cylance and McAfee disagreed.", []),
    (
        "The Cylance ransomware encrypted the files.",
        [("Cylance ransomware", "software:cylance-ransomware")],
    ),
    ("McAfee Ransomware hit the firm.", [("McAfee Ransomware", "software:mcafee-ransomware")]),
    ("According to Quick Heal, the campaign spread.", []),
    ("The QuickHeal backdoor spread.", [("QuickHeal", "software:quickheal")]),
]


@pytest.mark.parametrize(("text", "expected"), VENDOR_NAMES)
def test_a_security_companys_name_is_the_company(
    text: str, expected: list[tuple[str, str]]
) -> None:
    found = [(m.text, m.entity_id) for m in BUILTIN_MATCHER.find(text) if m.kind == "software"]
    assert found == expected


# --- 6. Shields ---------------------------------------------------------------------------------------------------

SHIELDED: list[str] = [
    "The ransom was US $150,000.",
    "The ransom was US$ 150.",
    "It cost $ US 100 a month.",
    "It cost $US 100 a month.",
    "Subject: C = US, O = Example Corp",
    "Issuer: C=US, ST=California",
    "countryName=US",
    'The lure "Ukraine war update.docx" dropped it.',
    "The lure \u201cJapan Policy 2023.pdf\u201d dropped it.",
    "named 'China plan v2.rar' and",
]


@pytest.mark.parametrize("text", SHIELDED)
def test_money_certificate_fields_and_lure_names_are_not_countries(text: str) -> None:
    """A country name in a money amount, a certificate field or a quoted file name is not a mention; with
    shields=False it is."""
    assert [m for m in MATCHER.find(text) if m.kind == "country"] == []
    assert [m for m in cx.Matcher(GAZETTEER, shields=False).find(text) if m.kind == "country"]


NOT_SHIELDED: list[tuple[str, str]] = [
    ("US officials paid $150,000.", "US"),
    ("The US, $150 poorer, left.", "US"),
    ("A US 2024 report", "US"),
    ("ABC=US", "US"),
    ('"Ukraine" was the subject of the docx.', "Ukraine"),
    ('The group said "Japan is next" in a note.txt file', "Japan"),
    ("China's $5 billion plan", "China"),
    ("the US-$ exchange", "US") if False else ("US and China", "China"),
    ("Japan, 2023.pdf", "Japan"),
    ("C. Japan", "Japan"),
]


@pytest.mark.parametrize(("text", "name"), NOT_SHIELDED)
def test_shields_leave_ordinary_mentions(text: str, name: str) -> None:
    """Country names next to, but not part of, money amounts, fields or quoted file names are found."""
    start, end = at(text, name)
    assert (start, end) in [(m.start, m.end) for m in MATCHER.find(text) if m.kind == "country"]


BUILTIN = cx.Matcher()
NO_SHIELDS = cx.Matcher(shields=False)

# (text, the spans of country mentions that stand), written for the given-name rule: a country name that is also a
# census given name is a person's next to a census name, and so is that name elsewhere in the document unless the
# document names the country otherwise.
GIVEN_NAMES: list[tuple[str, list[str]]] = [
    ("Chad Johnson caught two passes. Chad later thanked the fans.", []),
    ("Coach Jordan Peterson said Jordan would start.", []),
    ("Fans of Michael Jordan queued for hours; Jordan signed every shirt.", []),
    ("Kenya Moore and India Walton met in Atlanta.", []),
    ("America Ferrera spoke about the American dream.", ["American"]),
    # The document names the country otherwise: only the mention next to the census name goes.
    ("Chad Johnson praised the Chadian team, and Chad won.", ["Chadian", "Chad"]),
    # No census name next to it: the countries.
    ("Chad and Jordan signed the accord in N'Djamena.", ["Chad", "Jordan"]),
    ("In May Jordan hosted talks; in April Israel struck.", ["Jordan", "Israel"]),
    ("Israel Jordan relations improved.", ["Israel", "Jordan"]),
    ("The Jordan Valley and the Lake Chad basin", ["Jordan", "Chad"]),
    ("Paris France and Georgia Tech", ["France", "Georgia"]),
    ("Jordan King Abdullah II met Israel Monday.", ["Jordan", "Israel"]),
]


@pytest.mark.parametrize(("text", "countries"), GIVEN_NAMES)
def test_a_country_name_that_is_a_given_name_is_a_persons_next_to_a_census_name(
    text: str, countries: list[str]
) -> None:
    """Exact spans of the country mentions that stand; with shields=False every country name stands."""
    found = [(m.start, m.end) for m in BUILTIN.find(text) if m.kind == "country"]
    expected, start = [], 0
    for name in countries:
        at_ = text.index(name, start)
        expected.append((at_, at_ + len(name)))
        start = at_ + len(name)
    assert found == expected
    plain = [m.text for m in NO_SHIELDS.find(text) if m.kind == "country"]
    assert len(plain) >= len(countries)


def test_the_given_name_rule_leaves_numbered_clusters_alone() -> None:
    """Before: a numbered cluster (numbered past the gazetteer's entities) in a text with a given-name country made
    the rule read past its table of kinds and panic."""
    text = "Storm-0866 and Chad Johnson, then UNC4841 hit Chad."
    for overlaps in ("longest", "all"):
        found = [(m.text, m.entity_id) for m in cx.Matcher(overlaps=overlaps).find(text)]
        assert found == [
            ("Storm-0866", "threat_actor:storm-0866"),
            ("UNC4841", "threat_actor:unc4841"),
        ]


# Written for the security-context rule: two texts of over 500 bytes, one about a car and a film, one about an
# intrusion in plain words, with the same software names.
CAR_REVIEW = (
    "The hydrogen-powered Mirai is a quiet, comfortable sedan. Its cabin seats four, the ride is smooth on rough "
    "roads and the range is close to what the brochure promises. Filling the tank takes five minutes at one of "
    "the few stations near the coast. The screen is sharp, the seats are heated and the boot is small, since "
    "the fuel tanks sit under it. On the way home we talked about Akira, the 1988 animated film, which a friend "
    "had just seen again. Neither the car nor the film is for everyone, but both reward patience, and the Mirai "
    "costs less to run than most rivals."
)
BREACH_NEWS = (
    "Investigators said the intruders got in through a stolen password and moved from server to server for "
    "three weeks. They copied customer records before anyone noticed. The company said it found Emotet on two "
    "laptops and a copy of Mirai on a camera recorder at the depot, and that it has since replaced the devices. "
    "The police are working with the firm's own staff and an outside team; no money was asked, the firm says. "
    "Customers are asked to change their passwords and to watch for letters that claim to come from the bank, "
    "since the stolen records included postal addresses. The investigation goes on. A hacker forum posted a "
    "sample of the records."
)


def test_software_names_in_a_long_text_about_something_else_need_a_cue() -> None:
    """Before: "Mirai" (the car) and "Akira" (the film) in a review were malware. A text of 500 bytes or more
    with no security word keeps its software names only with a cue; one word ("hacker") is enough context, a short
    text keeps them, and support=False turns the rule off."""
    assert len(CAR_REVIEW.encode()) >= 500 and len(BREACH_NEWS.encode()) >= 500
    assert [m for m in BUILTIN.find(CAR_REVIEW) if m.kind == "software"] == []
    every = [(m.start, m.text) for m in cx.Matcher(support=False).find(CAR_REVIEW)]
    assert every == [
        (CAR_REVIEW.index("Mirai"), "Mirai"),
        (CAR_REVIEW.index("Akira"), "Akira"),
        (CAR_REVIEW.rindex("Mirai"), "Mirai"),
    ]
    found = [(m.start, m.entity_id) for m in BUILTIN.find(BREACH_NEWS) if m.kind == "software"]
    assert found == [
        (BREACH_NEWS.index("Emotet"), "software:emotet"),
        (BREACH_NEWS.index("Mirai"), "software:mirai"),
    ]
    quiet = BREACH_NEWS.replace("A hacker forum", "A forum")
    assert [m for m in BUILTIN.find(quiet) if m.kind == "software"] == []
    # A cue next to a name keeps it; a cue that is a security word ("ransomware") makes the text about security,
    # so every name stands. A short text is left alone.
    cued = CAR_REVIEW.replace("about Akira,", "about the Akira variant,")
    assert [m.entity_id for m in BUILTIN.find(cued) if m.kind == "software"] == ["software:akira"]
    cued = CAR_REVIEW.replace("about Akira,", "about the Akira ransomware,")
    assert [m.entity_id for m in BUILTIN.find(cued) if m.kind == "software"] == [
        "software:mirai",
        "software:akira",
        "software:mirai",
    ]
    assert [m.text for m in BUILTIN.find("We drove the Mirai home.")] == ["Mirai"]


ADMIN_GUIDE = (
    "To run a command on a remote server, copy PsExec to a folder on your path and open a console as an "
    "administrator. The first run asks you to accept the licence. Give the computer name, the user and the "
    "command; the output comes back to your console as if the program ran on your own desk. For directory "
    "queries AdFind is quicker than the built-in commands, and it prints every attribute of an object. Both "
    "programs come with short help pages, and both work from scripts, which saves hours when you look after a "
    "few hundred servers. Keep them up to date, as with any program."
)


def test_tools_and_plain_words_keep_names_in_a_long_text() -> None:
    """Before (a held-out review): PsExec and AdFind in an administrator's guide, and Stuxnet in news that says
    "worm", went with the rest. Tools are left alone; plain security words ("virus", "worm", "scammers") make
    the text about security; a group named by words ("Sandworm") does not vouch for the text, one named by a
    number ("APT44") does."""
    assert len(ADMIN_GUIDE.encode()) >= 500
    tools = [(m.start, m.entity_id) for m in BUILTIN.find(ADMIN_GUIDE) if m.kind == "software"]
    assert tools == [
        (ADMIN_GUIDE.index("PsExec"), "software:psexec"),
        (ADMIN_GUIDE.index("AdFind"), "software:adfind"),
    ]
    for word in ("worm", "virus", "scammers"):
        text = CAR_REVIEW.replace("a quiet, comfortable sedan", f"a sedan, not a {word}")
        assert [m.text for m in BUILTIN.find(text) if m.kind == "software"] == [
            "Mirai",
            "Akira",
            "Mirai",
        ], word
    worded = CAR_REVIEW + " Sandworm, the beast of Dune, was not in it."
    assert [m.text for m in BUILTIN.find(worded) if m.kind == "software"] == []
    numbered = CAR_REVIEW + " APT44 was not in it."
    assert [m.text for m in BUILTIN.find(numbered) if m.kind == "software"] == [
        "Mirai",
        "Akira",
        "Mirai",
    ]


def test_legitimate_products_are_tools_and_a_company_is_not_its_product() -> None:
    """Before (a held-out review): ProcDump, TeamViewer, AnyDesk and NetSupport were typed malware, so the
    security-context rule dropped them in their own manuals, and "NetSupport Ltd" was the software. Products
    that their sources describe as legitimate, genuine, proprietary software or a remote desktop program are tools;
    a software name before a company suffix is the company."""
    g = cx.Gazetteer.builtin()
    for id_ in (
        "software:procdump",
        "software:teamviewer",
        "software:anydesk",
        "software:tightvnc",
    ):
        assert g[id_].attrs["type"] == "tool", id_
    assert g["software:mirai"].attrs["type"] == "malware"
    text = "Copyright NetSupport Ltd. and TeamViewer GmbH; NetSupport runs on Windows."
    found = [(m.start, m.entity_id) for m in BUILTIN.find(text) if m.kind == "software"]
    assert found == [(text.rindex("NetSupport"), "software:netsupportmanager-rat")]
    manual = ADMIN_GUIDE.replace("AdFind is", "ProcDump is")
    assert [m.text for m in BUILTIN.find(manual) if m.kind == "software"] == ["PsExec", "ProcDump"]


def test_regions_and_currencies_are_not_counted_unless_asked_for() -> None:
    """Regions and currencies are shields: co-occurrence leaves them out by default, kinds= brings them back."""
    texts = ["Europe and North America agreed with the United States.", "Europe, North America."]
    co = cx.cooccurrence(texts, MATCHER, scope="document")
    assert co.labels == ["country:US"]
    with_regions = cx.cooccurrence(texts, MATCHER, scope="document", kinds=["region", "country"])
    assert with_regions.labels == ["country:US", "region:europe", "region:north-america"]
    assert with_regions.count("region:europe", "region:north-america") == 2


def test_a_family_named_after_a_person_or_a_people_is_not_found_in_ordinary_news() -> None:
    """Before: "Kevin Strootman", "working toward Korean unification", "Joao Cancelo", "a bookable offence" and
    "U.S. President Donald Trump" were each a ransomware mention (found in a review of real news, 2026-12-07).
    With a software cue by one mention, the family is found in the whole document."""
    m = BUILTIN_MATCHER
    ordinary = (
        "Kevin Strootman and Joao Cancelo were booked for a bookable offence. Seoul is working toward Korean "
        "unification, U.S. President Donald Trump said, and Medusa is a figure of Greek myth."
    )
    assert [x.kind for x in m.find(ordinary) if x.kind == "software"] == []
    cued = "The Medusa ransomware hit a school. Medusa then leaked its files."
    found = [(x.text, x.entity_id) for x in m.find(cued) if x.kind == "software"]
    assert found == [
        ("Medusa ransomware", "software:medusa-ransomware"),
        ("Medusa", "software:medusa-ransomware"),
    ], found


def test_snake_is_turlas_implant_and_snake_ransomware_is_ekans() -> None:
    """Before: every "Snake" of a report on the FBI's Operation MEDUSA was the Snake ransomware (EKANS): the name
    went to the family that has it as a primary name. The curated owner table gives it to Uroburos."""
    m = BUILTIN_MATCHER
    text = "The FBI disrupted the Snake malware network. Snake was used by the FSB for years."
    assert [(x.text, x.entity_id) for x in m.find(text) if x.kind == "software"] == [
        ("Snake", "software:uroburos"),
        ("Snake", "software:uroburos"),
    ]
    assert [x.entity_id for x in m.find("The Snake ransomware, also called EKANS, hit Honda.")] == [
        "software:snake-ransomware",
        "software:snake-ransomware",
    ]


@pytest.mark.parametrize(
    ("written", "split"),
    [
        ("NetWalker hit a school.", "Net Walker hit a school."),
        ("ShinyHunters leaked the data.", "Shiny Hunters leaked the data."),
        ("The NetWalker operators hit a school.", "The Net Walker operators hit a school."),
    ],
)
def test_a_variant_of_a_shared_name_reads_as_the_name_as_written(written: str, split: str) -> None:
    """Before: a CamelCase variant belonged only to the entity whose alias was CamelCase ("Net Walker" to the
    group, whose alias is "NetWalker", not to the software "Netwalker"), so it skipped the choice between a group
    and its software, and was never ambiguous (a user review, 2026-12-07)."""
    a, b = BUILTIN_MATCHER.find(written), BUILTIN_MATCHER.find(split)
    assert len(a) == 1 and [m.via for m in b] == ["variant"]
    assert [(m.entity_id, m.ambiguous, m.resolved_by) for m in b] == [
        (m.entity_id, m.ambiguous, m.resolved_by) for m in a
    ]


def test_a_variant_of_a_shared_name_takes_a_software_cue() -> None:
    """The split spelling with a software cue is the software, as "NetWalker ransomware" is (there the longer
    alias "Netwalker Ransomware" matches)."""
    found = BUILTIN_MATCHER.find("The Net Walker ransomware encrypted files.")
    assert [(m.text, m.entity_id, m.resolved_by) for m in found] == [
        ("Net Walker", "software:netwalker", "ransomware")
    ]
    assert [
        m.entity_id for m in BUILTIN_MATCHER.find("The NetWalker ransomware encrypted files.")
    ] == ["software:netwalker"]


def test_microsofts_element_names_are_found_capitalised_with_support() -> None:
    """Before: only "NOBELIUM" and "HAFNIUM" in capitals matched; news writes "Nobelium" (a review of real news,
    2026-12-07). Capitalised, an element name needs support: another name of the group or a group cue."""
    found = BUILTIN_MATCHER.find("Midnight Blizzard, also known as Nobelium, breached Microsoft.")
    assert [(m.text, m.entity_id) for m in found] == [
        ("Midnight Blizzard", "threat_actor:apt29"),
        ("Nobelium", "threat_actor:apt29"),
    ]
    assert [
        (m.text, m.entity_id) for m in BUILTIN_MATCHER.find("The Hafnium group hit Exchange.")
    ] == [("Hafnium", "threat_actor:hafnium")]
    for prose in ("Nobelium is a synthetic element.", "Zinc and Mercury prices rose."):
        assert BUILTIN_MATCHER.find(prose) == []
