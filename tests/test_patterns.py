"""Numbered clusters found by their vendors' schemes: ids, spans, known names resolved, users' own schemes, and the
columnar and co-occurrence paths for threat actors that no gazetteer lists.

Expected spans and ids are written by hand from the scheme table in ``src/patterns.rs``."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

import cybernexus as cx
from cybernexus.errors import GazetteerError

BUILTIN = cx.Matcher()

SMALL: list[dict[str, Any]] = [
    {
        "id": "threat_actor:apt29",
        "kind": "threat_actor",
        "name": "APT29",
        "aliases": ["UNC2452", "Cozy Bear"],
    },
    {"id": "threat_actor:storm-0558", "kind": "threat_actor", "name": "Storm-0558"},
    {"id": "country:CN", "kind": "country", "name": "China"},
]
MATCHER = cx.Matcher(cx.Gazetteer.from_records(SMALL))

Found = tuple[int, int, str, str, str]


def found(text: str, matcher: cx.Matcher = MATCHER) -> list[Found]:
    """(start, end, text, entity id, via) of every threat-actor mention."""
    out: list[Found] = []
    for m in matcher.find(text):
        assert text[m.start : m.end] == m.text
        if m.kind == "threat_actor":
            out.append((m.start, m.end, m.text, m.entity_id, m.via))
    return out


POSITIVE: list[tuple[str, str, str, str]] = [
    # text, the name as written, the id, how it was found
    ("UNC4841 exploited the Barracuda flaw.", "UNC4841", "threat_actor:unc4841", "pattern"),
    ("Microsoft tracks Storm-1567 and others.", "Storm-1567", "threat_actor:storm-1567", "pattern"),
    ("Proofpoint saw TA577 again.", "TA577", "threat_actor:ta577", "pattern"),
    ("DEV-0537 is Lapsus$.", "DEV-0537", "threat_actor:dev-0537", "pattern"),
    ("The TG 3390 actor", "TG 3390", "threat_actor:tg-3390", "pattern"),
    ("Threat Group-3390 again", "Threat Group-3390", "threat_actor:tg-3390", "pattern"),
    ("APT-C - 36 targets Colombia", "APT-C - 36", "threat_actor:apt-c-36", "pattern"),
    ("Unit 42 named CL-STA-0043.", "CL-STA-0043", "threat_actor:cl-sta-0043", "pattern"),
    ("Talos: UAT-4356 (ArcaneDoor)", "UAT-4356", "threat_actor:uat-4356", "pattern"),
    ("Recorded Future's TAG-22", "TAG-22", "threat_actor:tag-22", "pattern"),
    ("UNC 2452 is APT29", "UNC 2452", "threat_actor:apt29", "pattern"),  # known, any spacing
    ("UNC2452 is APT29", "UNC2452", "threat_actor:apt29", "alias"),  # known, as written
    ("STORM-0558 stole keys", "STORM-0558", "threat_actor:storm-0558", "alias"),
    ("UNC4841's tooling", "UNC4841", "threat_actor:unc4841", "pattern"),
]


@pytest.mark.parametrize(("text", "name", "entity", "via"), POSITIVE)
def test_a_scheme_name_is_a_threat_actor(text: str, name: str, entity: str, via: str) -> None:
    """A name that fits a scheme is a threat actor with an id from its normalised name; a known one resolves."""
    start = text.index(name)
    assert found(text)[0] == (start, start + len(name), name, entity, via)


NEGATIVE: list[str] = [
    "TA alone is a teaching assistant.",
    "DEV- without a number",
    "see UNC1.pdf and https://x.org/UNC2452",  # a file name and a URL
    r"C:\reports\UNC4841\notes",
    "unc2452 in lower case",
    "tactic TA0005 is defense evasion",  # an ATT&CK tactic id
    "UNC123456 has too many digits",
    "XUNC4841 and UNC4841b",
    "Storm-12 has too few digits",
    "in TA 2024 reports",  # a year after a space
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_things_that_only_look_like_scheme_names(text: str) -> None:
    """Bare prefixes, paths, URLs, lower case, tactic ids, wrong digit counts and years are no threat actors."""
    assert found(text) == []


def test_the_builtin_gazetteer_resolves_known_clusters() -> None:
    """UNC2452 is APT29 in the built-in gazetteer, also written "UNC 2452"; an unknown number gets its own id."""
    text = "UNC2452, UNC 2452 and UNC9999 and Storm-9999."
    assert [(m.text, m.entity_id) for m in BUILTIN.find(text) if m.kind == "threat_actor"] == [
        ("UNC2452", "threat_actor:apt29"),
        ("UNC 2452", "threat_actor:apt29"),
        ("UNC9999", "threat_actor:unc9999"),
        ("Storm-9999", "threat_actor:storm-9999"),
    ]
    (m,) = [m for m in BUILTIN.find("UNC9999") if m.kind == "threat_actor"]
    assert (m.form, m.via, m.name, m.alias) == ("pattern", "pattern", "UNC9999", "UNC9999")


def test_patterns_can_be_turned_off_and_pickled() -> None:
    """patterns=False finds only aliases; the option survives pickling."""
    off = cx.Matcher(MATCHER.gazetteer, patterns=False)
    assert found("UNC4841 and UNC2452", off) == [(12, 19, "UNC2452", "threat_actor:apt29", "alias")]
    back = pickle.loads(pickle.dumps(off))
    assert back.rules["patterns"] is False
    assert found("UNC4841", back) == []


def test_users_declare_their_own_scheme_in_a_record() -> None:
    """A record of kind "pattern" declares a scheme: its name is the prefix, attrs give digits and padding."""
    records = [
        *SMALL,
        {
            "id": "pattern:acme",
            "kind": "pattern",
            "name": "ACME-",
            "attrs": {"digits": "3-4", "pad": "4", "vendor": "Acme Labs"},
        },
    ]
    m = cx.Matcher(cx.Gazetteer.from_records(records))
    text = "ACME-123 and ACME 0456, not ACME-12 or the ACME pattern record itself."
    assert found(text, m) == [
        (0, 8, "ACME-123", "threat_actor:acme-0123", "pattern"),
        (13, 22, "ACME 0456", "threat_actor:acme-0456", "pattern"),
    ]
    (mention,) = [x for x in m.find("ACME-7777") if x.kind == "threat_actor"]
    assert mention.name == "ACME-7777"
    with pytest.raises(GazetteerError, match="digits"):
        cx.Gazetteer.from_records(
            [{"id": "pattern:bad", "kind": "pattern", "name": "BAD-", "attrs": {"digits": "x"}}]
        )
    with pytest.raises(GazetteerError, match="same prefix"):
        cx.Gazetteer.from_records(
            [{"id": "pattern:unc", "kind": "pattern", "name": "UNC", "attrs": {"digits": "3"}}]
        )


def test_a_scheme_actor_supports_an_acronym_in_its_sentence() -> None:
    """A scheme-named actor is a threat actor for the support rule too (this panicked: its entity number is past the
    gazetteer's, and the rule looked its kind up in the gazetteer's table)."""
    records = [
        *SMALL,
        {
            "id": "agency:cisa",
            "kind": "agency",
            "name": "Cybersecurity and Infrastructure Security Agency",
            "aliases": [{"text": "CISA", "case": "exact", "needs_support": True}],
        },
    ]
    m = cx.Matcher(cx.Gazetteer.from_records(records))
    text = "CISA warned about UNC4841. CISA exams are hard."
    got = [(x.start, x.end, x.entity_id) for x in m.find(text)]
    assert got == [(0, 4, "agency:cisa"), (18, 25, "threat_actor:unc4841")]
    table = m.find_table([text, "UNC4841 and the CISA exam."])
    assert table.doc.tolist() == [0, 0, 1, 1]
    assert table.start.tolist() == [0, 18, 0, 16]


def test_tables_and_cooccurrence_label_scheme_actors() -> None:
    """find_table numbers scheme-named actors after the gazetteer's entities; frames and co-occurrence label them."""
    texts = ["UNC4841 and China.", "nothing", "Storm-1111 with UNC4841 and APT29"]
    table = MATCHER.find_table(texts)
    frame = table.to_pandas(texts)
    rows = list(
        zip(frame["entity_id"].astype(str), frame["text"], frame["via"].astype(str), strict=True)
    )
    assert rows == [
        ("threat_actor:unc4841", "UNC4841", "pattern"),
        ("country:CN", "China", "alias"),
        ("threat_actor:storm-1111", "Storm-1111", "pattern"),
        ("threat_actor:unc4841", "UNC4841", "pattern"),
        ("threat_actor:apt29", "APT29", "alias"),
    ]
    n = len(MATCHER.gazetteer)
    assert sorted(set(table.entity.tolist()) - set(range(n))) == [n, n + 1]
    arrow = table.to_arrow()
    assert arrow.column("entity_id").to_pylist()[2] == "threat_actor:storm-1111"
    co = cx.cooccurrence(texts, MATCHER, scope="document")
    assert co.labels == [
        "country:CN",
        "threat_actor:apt29",
        "threat_actor:storm-1111",
        "threat_actor:unc4841",
    ]
    assert co.count("threat_actor:unc4841", "threat_actor:storm-1111") == 1
    assert co.count("threat_actor:unc4841", "country:CN") == 1
    assert co.count("threat_actor:unc4841", "threat_actor:unc4841") == 2
    only_countries = cx.cooccurrence(texts, MATCHER, scope="document", kinds="country")
    assert only_countries.labels == ["country:CN"]
    # evidence() finds the units of a scheme actor (it failed with a KeyError when kinds were filtered).
    assert [e["doc"] for e in co.evidence("threat_actor:unc4841", "country:CN")] == [0]
    mixed = cx.cooccurrence(texts, MATCHER, scope="document", kinds=["country", "threat_actor"])
    assert [e["doc"] for e in mixed.evidence("threat_actor:unc4841", "threat_actor:apt29")] == [2]
