"""Tests of the software part of the gazetteer build (data/gazbuild/software.py, data/build.py)."""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from gazbuild import common, software, threat_actors

DATA = Path(__file__).resolve().parents[1] / "data"
SOURCES = DATA / "sources"
CURATED = DATA / "curated"
GALAXY = SOURCES / "misp-galaxy"
BUILTIN = DATA.parent / "python" / "cybernexus" / "data" / "builtin.json"
REPORT = DATA / "reports" / "removed-aliases.tsv"

Records = list[dict[str, Any]]


@pytest.fixture(scope="module")
def shipped() -> Records:
    """The entities of the shipped builtin.json (build.py --check keeps it fresh)."""
    data = json.loads(BUILTIN.read_text(encoding="utf-8"))
    entities: Records = data["entities"]
    return entities


@pytest.fixture(scope="module")
def records(shipped: Records) -> Records:
    """The software records as shipped (after the cross-kind rules of build.py)."""
    return [r for r in shipped if r["kind"] == "software"]


@pytest.fixture(scope="module")
def by_id(shipped: Records) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in shipped}


@pytest.fixture(scope="module")
def built(shipped: Records) -> tuple[Records, list[dict[str, str]]]:
    """One run of the software stage alone, with the threat actors (for used_by) and the names of
    the kinds that come first."""
    actors, _ = threat_actors.build(SOURCES, CURATED)
    places: dict[str, str] = {}
    for r in shipped:
        if r["kind"] in ("country", "region", "currency", "agency"):
            for a in r["aliases"]:
                places.setdefault(common.fold(a["text"]), r["id"])
    return software.build(SOURCES, CURATED, actors, places)


def texts(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["text"]: a for a in record["aliases"]}


def source_values(filename: str) -> list[dict[str, Any]]:
    values: list[dict[str, Any]] = json.loads((GALAXY / filename).read_text(encoding="utf-8"))[
        "values"
    ]
    return values


# --------------------------------------------------------------------------------------------------
# Shape


def test_at_least_3000_well_formed_records(records: Records) -> None:
    assert len(records) >= 3000
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    for r in records:
        assert re.fullmatch(r"software:[a-z0-9]+(-[a-z0-9]+)*", r["id"]), r["id"]
        assert r["aliases"][0]["text"] == r["name"] and r["aliases"][0]["form"] == "name"
        assert r["attrs"]["type"] in ("malware", "tool", "ransomware")
        assert all(isinstance(v, str) and v for v in r["attrs"].values())
        for a in r["aliases"]:
            assert set(a) - {"needs_support"} == {"text", "case", "form"}
            assert a.get("needs_support", True) is True  # written only when true
            assert a["case"] in ("auto", "insensitive", "exact", "upper_first")
            assert a["form"] in ("name", "alias", "version", "mitre")
        for key in ("misp_uuids", "used_by", "platforms", "subtype", "attack_id", "sources"):
            if key in r["attrs"]:
                parts = r["attrs"][key].split(" ")
                assert parts == sorted(set(parts)), (r["id"], key)


def test_the_stage_alone_matches_the_shipped_records(
    built: tuple[Records, list[dict[str, str]]], records: Records
) -> None:
    """build.py only removes aliases of places and agencies and adds shares_name_with."""
    alone = {r["id"]: r for r in built[0]}
    assert set(alone) == {r["id"] for r in records}
    for r in records:
        attrs = {k: v for k, v in r["attrs"].items() if k != "shares_name_with"}
        assert attrs == alone[r["id"]]["attrs"]
        assert {a["text"] for a in r["aliases"]} <= {a["text"] for a in alone[r["id"]]["aliases"]}


# --------------------------------------------------------------------------------------------------
# Hand-checked samples


def test_cobalt_strike(by_id: dict[str, dict[str, Any]]) -> None:
    """Merged from Malpedia, MITRE (S0154), tool.json and rat.json; a tool by its description."""
    r = by_id["software:cobalt-strike"]
    assert r["name"] == "Cobalt Strike"
    assert r["attrs"]["type"] == "tool"
    assert r["attrs"]["attack_id"] == "S0154"
    assert r["attrs"]["subtype"] == "rat"
    assert r["attrs"]["malpedia"] == "win.cobalt_strike"
    assert r["attrs"]["sources"] == "malpedia misp-rat misp-tool mitre-malware"
    expected = {
        v["uuid"]
        for f in ("malpedia.json", "mitre-malware.json", "tool.json", "rat.json")
        for v in source_values(f)
        if v["value"] in ("Cobalt Strike", "Cobalt Strike - S0154")
    }
    assert set(r["attrs"]["misp_uuids"].split()) == expected and len(expected) == 4
    a = texts(r)
    assert a["Cobalt Strike"]["case"] == "upper_first"  # two ordinary words
    assert a["BEACON"] == {
        "text": "BEACON",
        "case": "exact",
        "form": "alias",
        "needs_support": True,
    }
    assert a["S0154"]["form"] == "mitre"
    assert "threat_actor:apt29" in r["attrs"]["used_by"].split()


def test_mimikatz_china_chopper_blackenergy(by_id: dict[str, dict[str, Any]]) -> None:
    mimikatz = by_id["software:mimikatz"]
    assert mimikatz["attrs"]["type"] == "tool" and mimikatz["attrs"]["attack_id"] == "S0002"
    chopper = by_id["software:china-chopper"]
    assert chopper["name"] == "China Chopper" and chopper["attrs"]["attack_id"] == "S0020"
    assert {"China Chopper", "CHINACHOPPER"} <= set(texts(chopper))
    black = by_id["software:blackenergy"]
    assert black["attrs"]["type"] == "malware" and black["attrs"]["attack_id"] == "S0089"
    assert "threat_actor:sandworm" in black["attrs"]["used_by"].split()
    assert by_id["threat_actor:sandworm"]["name"] == "Sandworm"


def test_names_with_a_country_or_group_inside_are_kept(by_id: dict[str, dict[str, Any]]) -> None:
    for sid, name in (
        ("software:china-chopper", "China Chopper"),
        ("software:winnti-for-linux", "Winnti for Linux"),
        ("software:turla-rat", "Turla RAT"),
        ("software:lockbit-3-0", "LockBit 3.0"),
    ):
        assert name in texts(by_id[sid]), sid
    assert texts(by_id["software:lockbit-3-0"])["LockBit 3.0"]["form"] == "name"


def test_ransomware_families(by_id: dict[str, dict[str, Any]]) -> None:
    conti = by_id["software:conti"]
    assert conti["attrs"]["type"] == "ransomware" and conti["attrs"]["attack_id"] == "S0575"
    assert {"threat_actor:conti", "threat_actor:wizard-spider"} <= set(
        conti["attrs"]["used_by"].split()
    )
    # The bare ordinary word needs support; "Hive Ransomware" is the name.
    hive = by_id["software:hive-ransomware"]
    assert texts(hive)["Hive"]["needs_support"] is True
    assert texts(hive)["Hive Ransomware"]["case"] == "upper_first"
    # A country is not a software alias; the longer name stays.
    cuba = by_id["software:cuba-ransomware"]
    assert "Cuba" not in texts(cuba) and cuba["name"] == "Cuba Ransomware"


# --------------------------------------------------------------------------------------------------
# Counts computed from the sources


def test_attack_ids_are_the_surviving_s_numbers(records: Records) -> None:
    """Every current S-number is on exactly one record, except those whose every name a rule drops
    (the removed log says so); revoked ids are on none."""
    current: dict[str, str] = {}
    revoked: set[str] = set()
    for f in ("mitre-malware.json", "mitre-tool.json"):
        for v in source_values(f):
            if v.get("revoked"):
                revoked.add(v["meta"]["external_id"])
            else:
                current[v["meta"]["external_id"]] = v["uuid"]
    got = [i for r in records for i in r["attrs"].get("attack_id", "").split()]
    assert len(got) == len(set(got))
    assert not set(got) & revoked
    lost = set(current) - set(got)
    assert set(got) <= set(current)
    report = REPORT.read_text(encoding="utf-8")
    for sid in lost:
        assert f"-{current[sid][:8]}\t" in report, sid  # logged as left out ("no usable name")
    assert len(lost) <= 10
    assert sum("attack_id" in r["attrs"] for r in records) == len(current) - len(lost)


def test_every_software_cluster_uuid_is_on_one_record_or_logged(records: Records) -> None:
    uuids = [u for r in records for u in r["attrs"]["misp_uuids"].split()]
    assert len(uuids) == len(set(uuids))
    total = sum(len(source_values(f)) for f in software.SOURCES.values())
    left_out = sum(
        1 for line in REPORT.read_text(encoding="utf-8").splitlines() if "\tno usable name" in line
    )
    assert len(uuids) + left_out >= total


# --------------------------------------------------------------------------------------------------
# Alias rules


def test_no_generic_short_or_country_alias(shipped: Records, records: Records) -> None:
    generic = {"agent", "backdoor", "loader", "rat", "dropper", "stealer", "ransomware"}
    generic |= {"trojan", "tool", "shell", "miner", "2.0", "v2"}
    places = {
        common.fold(a["text"])
        for r in shipped
        if r["kind"] in ("country", "region", "currency", "agency")
        for a in r["aliases"]
    }
    for r in records:
        for a in r["aliases"]:
            key = common.merge_key(a["text"])
            assert common.fold(a["text"]) not in generic, (r["id"], a["text"])
            assert len(key) >= 3, (r["id"], a["text"])
            if len(key) == 3:
                assert a["text"].isupper(), (r["id"], a["text"])
            assert common.fold(a["text"]) not in places or a["text"] == r["name"], a["text"]


def word_lists() -> tuple[set[str], set[str]]:
    """The lower-case entries and the capitalised single-word entries ("Kevin") of the two SCOWL lists, read
    here."""
    lines = [
        w
        for name in ("american-english", "british-english")
        for w in (SOURCES / "scowl" / name).read_text(encoding="utf-8").split("\n")
        if w and "'" not in w
    ]
    words = {w for w in lines if w == w.lower()}
    names = {w for w in lines if w[:1].isupper() and w[1:].islower() and w.isalpha()}
    assert {"offence", "offense", "colour"} <= words and {"Kevin", "Medusa", "Korean"} <= names
    return words, names


def capitalised(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def curated_words() -> set[str]:
    """The aliases that curated/software-stop-aliases.tsv calls ordinary words (action ``word``), folded."""
    rows = [
        line.split("\t")
        for line in (CURATED / "software-stop-aliases.tsv")
        .read_text(encoding="utf-8")
        .split("\n")[1:]
        if line.strip() and not line.startswith("#")
    ]
    return {r[0].casefold() for r in rows if r[1] == "word"}


def test_ordinary_words_and_proper_nouns_need_support(records: Records) -> None:
    """Every single-token alias whose lower case is a lower-case SCOWL entry (American or British spelling) is
    exact and needs support; written wholly in lower case it is dropped ("global"), written in CamelCase it is
    exact without support ("BloodHound"). A single token that is a capitalised entry once capitalised ("Kevin",
    "medusa", "Korean") and a phrase of such words only ("Donald Trump") are kept capitalised (``upper_first``) and
    need support. No other
    alias needs support but a security company's name and a curated ordinary word (computed from the lists)."""
    words, names = word_lists()
    vendors = vendor_keys()
    curated = curated_words()
    flagged = camel = proper = phrases = 0
    for r in records:
        for a in r["aliases"]:
            text = a["text"]
            single = " " not in text
            if common.merge_key(text) in vendors or text.casefold() in curated:
                continue  # test_security_company_names_need_support; the stoplist's own rows
            if single and text.lower() in words:
                assert not text.islower(), a
                if re.search(r"[a-z][A-Z]", text):
                    assert a["case"] == "exact" and "needs_support" not in a, a
                    camel += 1
                    continue
                assert a["case"] == "exact" and a.get("needs_support") is True, a
                flagged += 1
            elif single and capitalised(text) in names:
                assert a["case"] == "upper_first" and a.get("needs_support") is True, (r["id"], a)
                proper += 1
            elif not single and all(capitalised(w) in names for w in text.split()):
                assert a["case"] == "upper_first" and a.get("needs_support") is True, (r["id"], a)
                phrases += 1
            elif a.get("needs_support"):
                pytest.fail(f"{r['id']}: {a['text']} needs support but is not an ordinary word")
    assert flagged >= 300 and camel >= 20 and proper >= 80 and phrases >= 3, (
        flagged,
        proper,
        phrases,
    )


def vendor_keys() -> set[str]:
    """The letters and digits, lower-cased, of each name in curated/security-vendors.tsv, read here with csv."""
    import csv

    with (CURATED / "security-vendors.tsv").open(encoding="utf-8", newline="") as f:
        rows = [line for line in f if line.strip() and not line.startswith("#")]
    names = [row["name"] for row in csv.DictReader(rows, delimiter="\t")]
    assert len(names) > 100 and {"Cylance", "McAfee", "Kaspersky"} <= set(names)
    return {"".join(c for c in n.casefold() if c.isalnum()) for n in names}


def test_security_company_names_need_support(records: Records) -> None:
    """A software alias that is a security company's name ("Cylance", "McAfee": ransomware named after the
    companies that write the reports) is exact as written and needs support; the family keeps a longer name
    ("Cylance Ransomware") that needs none, and that is its canonical name."""
    vendors = vendor_keys()
    seen = {}
    for r in records:
        for a in r["aliases"]:
            if common.merge_key(a["text"]) in vendors:
                assert a["case"] == "exact" and a.get("needs_support") is True, (r["id"], a)
                seen[a["text"]] = r
    assert {"cylance", "mcafee", "QuickHeal"} <= set(seen)
    for text in ("cylance", "mcafee"):
        r = seen[text]
        assert r["name"].casefold() == f"{text} ransomware"
        assert not any(a.get("needs_support") for a in r["aliases"] if a["text"] == r["name"])


def test_no_two_software_records_share_a_name(records: Records) -> None:
    holders: dict[str, set[str]] = defaultdict(set)
    for r in records:
        for a in r["aliases"]:
            holders[common.merge_key(a["text"])].add(r["id"])
    assert all(len(ids) == 1 for ids in holders.values())


def test_alias_rules_on_hand_picked_names() -> None:
    rules = software.AliasRules(
        {},
        {"russia", "cuba"},
        common.load_ordinary_words(SOURCES, CURATED),
        vendors={"cylance": "Cylance", "quickheal": "Quick Heal"},
    )
    expected = {
        "RAT": "drop",
        "Backdoor": "drop",
        "Web Shell": "drop",
        "Loader 2.0": "drop",
        "2.0": "drop",
        "BO": "drop",
        "Zox": "drop",
        "RIG": "exact",  # all caps, three letters, and an ordinary word
        "Cuba": "drop",
        "APT12": "drop",
        "Equation": "exact",
        "Hide and Seek": "upper_first",
        "9002 RAT": "keep",
        "PlugX": "keep",
        "China Chopper": "upper_first",
        "LockBit 3.0": "keep",
        "Cylance": "exact",  # a security company
        "QuickHeal": "exact",  # "Quick Heal", by its letters
        "Cylance Ransomware": "keep",
    }
    assert {t: rules.classify(t).action for t in expected} == expected
    assert rules.classify("Equation").needs_support
    assert not rules.classify("Hide and Seek").needs_support
    assert rules.classify("Cylance").needs_support and rules.classify("QuickHeal").needs_support


def test_detection_names_are_not_names() -> None:
    assert software.clean_name("Trojan.Heur.JP.juW@ayZZvMb")[0] is None
    assert software.clean_name("Backdoor.FSZO-5117")[0] is None
    assert software.clean_name("win.cobalt_strike")[0] is None
    assert software.clean_name("Agent.btz", primary=True)[0] == "Agent.btz"
    assert software.clean_name("Nhtnwcuf Ransomware (Fake)")[0] == "Nhtnwcuf Ransomware"


# --------------------------------------------------------------------------------------------------
# Threat actors and software sharing a name


def test_shared_names_are_kept_by_both_and_marked(shipped: Records) -> None:
    by_id = {r["id"]: r for r in shipped}
    for actor, soft, name in (
        ("threat_actor:apt41", "software:winnti", "Winnti"),
        ("threat_actor:carbanak", "software:carbanak", "Carbanak"),
        ("threat_actor:conti", "software:conti", "Conti"),
        ("threat_actor:babuk", "software:babuk", "Babuk"),
    ):
        assert name in texts(by_id[actor]) and name in texts(by_id[soft]), name
        assert soft in by_id[actor]["attrs"]["shares_name_with"].split()
        assert actor in by_id[soft]["attrs"]["shares_name_with"].split()
    # Symmetric, and computed from the aliases.
    fold_of = {
        r["id"]: {common.fold(a["text"]) for a in r["aliases"]}
        for r in shipped
        if r["kind"] in ("threat_actor", "software")
    }
    pairs = 0
    for rid, names in fold_of.items():
        shared = set(by_id[rid]["attrs"].get("shares_name_with", "").split()) - {""}
        for other in shared:
            assert rid in by_id[other]["attrs"]["shares_name_with"].split()
            assert names & fold_of[other]
            assert by_id[other]["kind"] != by_id[rid]["kind"]
            pairs += 1
    assert 100 <= pairs // 2 <= 400


def test_malware_form_actor_aliases_have_a_software_record(shipped: Records) -> None:
    names = {
        common.fold(a["text"]) for r in shipped if r["kind"] == "software" for a in r["aliases"]
    }
    marked = [
        (r["id"], a["text"])
        for r in shipped
        if r["kind"] == "threat_actor"
        for a in r["aliases"]
        if a["form"] == "malware"
    ]
    assert len(marked) >= 90
    missing = [m for m in marked if common.fold(m[1]) not in names]
    # Only extortion groups without a malware of that name (LAPSUS$, SpaceBears, ...).
    assert len(missing) <= 10, missing


def test_report_lists_software_removals() -> None:
    rows = [line.split("\t") for line in REPORT.read_text(encoding="utf-8").splitlines()[1:]]
    assert all(len(row) == 4 for row in rows)
    soft = [row for row in rows if row[0].startswith("software:")]
    actions = {row[2] for row in soft}
    assert actions <= {"dropped", "restricted:exact", "restricted:upper_first"}
    assert any(row[1] == "BEACON" and row[0] == "software:cobalt-strike" for row in soft)
    assert any(row[3].startswith("generic name") for row in soft)
    assert sum(row[3].endswith("(needs_support: true)") for row in soft) >= 300
