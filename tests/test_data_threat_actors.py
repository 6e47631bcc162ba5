"""Tests of the threat-actor part of the gazetteer build (data/gazbuild/threat_actors.py)."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

import cybernexus as cx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from gazbuild import threat_actors

DATA = Path(__file__).resolve().parents[1] / "data"
SOURCES = DATA / "sources"
CURATED = DATA / "curated"

Records = list[dict[str, Any]]
Removed = list[dict[str, str]]


@pytest.fixture(scope="module")
def built() -> tuple[Records, Removed]:
    """One build of the real data, shared by the tests of this module."""
    return threat_actors.build(SOURCES, CURATED)


@pytest.fixture(scope="module")
def records(built: tuple[Records, Removed]) -> Records:
    """The threat-actor records."""
    return built[0]


@pytest.fixture(scope="module")
def removed(built: tuple[Records, Removed]) -> Removed:
    """The log of dropped, restricted and marked aliases."""
    return built[1]


@pytest.fixture(scope="module")
def by_id(records: Records) -> dict[str, dict[str, Any]]:
    """Records by id."""
    return {r["id"]: r for r in records}


def aliases(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A record's aliases by text."""
    return {a["text"]: a for a in record["aliases"]}


def folded_aliases(record: dict[str, Any]) -> set[str]:
    """A record's alias texts, folded."""
    return {threat_actors.fold(a["text"]) for a in record["aliases"]}


#: The built-in matcher, for the rules that need more than one alias (support).
BUILTIN = cx.Matcher()


def find(records: Records, text: str, *, supported: bool = True) -> set[str]:
    """Ids of the records with an alias in `text`, by the matcher's case policies and boundaries; with
    ``supported=False`` the aliases that need support are left out (what a text with no cue and no other name of
    the group gives)."""
    found: set[str] = set()
    for record in records:
        for alias in record["aliases"]:
            if not supported and alias.get("needs_support"):
                continue
            policy = threat_actors.resolve_case(alias["text"], alias["case"])
            pattern = r"(?<!\w)" + re.escape(alias["text"]) + r"(?!\w)"
            flags = 0 if policy == "exact" else re.IGNORECASE
            for m in re.finditer(pattern, text, flags):
                if policy == "upper_first" and not m.group(0)[0].isupper():
                    continue
                found.add(record["id"])
    return found


def removed_for(removed: Removed, entity: str, alias: str) -> list[dict[str, str]]:
    """The log entries of one alias of one entity."""
    return [d for d in removed if d["entity"] == entity and d["alias"] == alias]


# --------------------------------------------------------------------------------------------------
# Shape and invariants


def test_at_least_900_well_formed_records(records: Records) -> None:
    """Over 900 groups, each with an id, a name, at least one alias and string attributes."""
    assert len(records) >= 900
    for r in records:
        assert set(r) == {"id", "kind", "name", "aliases", "attrs"}
        assert r["kind"] == "threat_actor"
        assert re.fullmatch(r"threat_actor:[a-z0-9]+(-[a-z0-9]+)*", r["id"]), r["id"]
        assert r["name"].strip() == r["name"] != ""
        assert r["aliases"], r["id"]
        # The canonical name comes first; its form is "name", or "malware" when it is also the name
        # of a ransomware family ("REvil"), which the removed log then records as marked.
        first = {k: v for k, v in r["aliases"][0].items() if k != "needs_support"}
        assert first == {
            "text": r["name"],
            "case": r["aliases"][0]["case"],
            "form": r["aliases"][0]["form"],
        }
        # needs_support (an ordinary word kept restricted) is written only when true.
        assert all(a.get("needs_support", True) is True for a in r["aliases"])
        assert r["aliases"][0]["form"] in ("name", "malware")
        for a in r["aliases"]:
            assert set(a) - {"needs_support"} == {"text", "case", "form"}
            assert a["case"] in threat_actors.CASES
            assert a["text"].strip() == a["text"] != ""
            assert isinstance(a["form"], str) and a["form"]
        assert all(isinstance(v, str) and v for v in r["attrs"].values()), r["id"]
        assert {"misp_uuids", "sources"} <= set(r["attrs"])


def test_ids_unique_and_sorted(records: Records) -> None:
    """Ids are unique and the records come sorted by id."""
    ids = [r["id"] for r in records]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)


def test_build_is_deterministic(built: tuple[Records, Removed]) -> None:
    """A second build gives byte-identical JSON."""
    again = threat_actors.build(SOURCES, CURATED)
    assert json.dumps(again, sort_keys=True) == json.dumps(built, sort_keys=True)


def test_no_alias_names_two_records_unless_marked(records: Records) -> None:
    """An alias names two records only when both list it in `ambiguous_aliases` (a name no group has as
    its own that several groups use); every listed alias is an alias of its record and of another one."""
    folded: dict[str, set[str]] = defaultdict(set)
    marked: dict[str, set[str]] = defaultdict(set)
    for r in records:
        listed = r["attrs"].get("ambiguous_aliases", "")
        texts = set(listed.split("|")) if listed else set()
        assert texts <= {a["text"] for a in r["aliases"]}, r["id"]
        assert r["name"] not in texts, r["id"]
        for a in r["aliases"]:
            key = threat_actors.merge_key(a["text"])
            folded[key].add(r["id"])
            if a["text"] in texts:
                marked[key].add(r["id"])
    shared = {k: v for k, v in folded.items() if len(v) > 1}
    assert shared == {k: v for k, v in marked.items() if len(v) > 1}
    assert all(len(v) > 1 for v in marked.values())
    assert len(shared) >= 30


def test_names_of_two_groups_stay_on_both(by_id: dict[str, dict[str, Any]]) -> None:
    """A name that two groups use and neither has as its own stays on both, marked; a group's own
    (primary) name stays only with it."""
    for group in ("threat_actor:oilrig", "threat_actor:cleaver"):
        assert "Cobalt Gypsy" in aliases(by_id[group])
        assert "Cobalt Gypsy" in by_id[group]["attrs"]["ambiguous_aliases"].split("|")
    assert by_id["threat_actor:apt38"]["attrs"]["ambiguous_aliases"].split("|") == [
        "BeagleBoyz",
        "BlueNoroff",
        "COPERNICIUM",
        "Copernicium",
        "CryptoCore",
        "NICKEL GLADSTONE",
    ]
    assert "BeagleBoyz" in aliases(by_id["threat_actor:lazarus-group"])
    assert "Andariel" not in aliases(by_id["threat_actor:lazarus-group"])
    assert "APT38" not in aliases(by_id["threat_actor:lazarus-group"])
    assert "ambiguous_aliases" not in by_id["threat_actor:apt28"]["attrs"]


def test_cluster_uuids_and_attck_ids_belong_to_one_record(records: Records) -> None:
    """Every MISP cluster ends up in one record at most, and so does every current ATT&CK id."""
    seen: dict[str, str] = {}
    attck: dict[str, str] = {}
    for r in records:
        for u in r["attrs"]["misp_uuids"].split():
            assert u not in seen, (u, seen.get(u), r["id"])
            seen[u] = r["id"]
        for g in r["attrs"].get("attck_id", "").split():
            assert re.fullmatch(r"G\d{4}", g)
            assert g not in attck, (g, attck.get(g), r["id"])
            attck[g] = r["id"]
        assert set(r["attrs"]["sources"].split()) <= set(threat_actors.SOURCES)
    assert len(attck) >= 170


def test_every_source_name_is_kept_or_logged(records: Records, removed: Removed) -> None:
    """Each name of each merged cluster is an alias of its record (up to case) or is logged."""
    tables = threat_actors.load_curated(CURATED)
    clusters, _, _ = threat_actors.load_clusters(SOURCES / "misp-galaxy", tables)
    by_uuid = {c.uuid: c for c in clusters}
    logged = {(d["entity"], threat_actors.fold(d["alias"])) for d in removed}
    missing = []
    for r in records:
        kept = folded_aliases(r)
        for u in r["attrs"]["misp_uuids"].split():
            for name in by_uuid[u].names:
                f = threat_actors.fold(name.text)
                if f not in kept and (r["id"], f) not in logged:
                    missing.append((r["id"], name.text))
    assert missing == []


# --------------------------------------------------------------------------------------------------
# Well-known groups


def test_apt28(by_id: dict[str, dict[str, Any]]) -> None:
    """APT28: the vendors' names, STRONTIUM only in capitals, the spaced APT form, Russia, G0007."""
    r = by_id["threat_actor:apt28"]
    assert r["name"] == "APT28"
    a = aliases(r)
    for text in (
        "Fancy Bear",
        "Sofacy",
        "Forest Blizzard",
        "STRONTIUM",
        "Pawn Storm",
        "Sednit",
        "APT 28",
    ):
        assert text in a, text
    assert a["STRONTIUM"]["case"] == "exact"
    assert r["attrs"]["sponsor"] == "RU"
    assert r["attrs"]["attck_id"] == "G0007"
    assert set(r["attrs"]["sources"].split()) == {
        "misp-threat-actor",
        "mitre-intrusion-set",
        "microsoft-activity-group",
    }


def test_apt28_forms(by_id: dict[str, dict[str, Any]]) -> None:
    """Forms name the naming scheme: attribution uuids, tracking-code shapes, derived variants."""
    a = aliases(by_id["threat_actor:apt28"])
    expected = {
        "APT28": "name",
        "Forest Blizzard": "microsoft",
        "STRONTIUM": "microsoft",
        "Fancy Bear": "crowdstrike",
        "G0007": "mitre",
        "IRON TWILIGHT": "secureworks",
        "TG-4127": "secureworks",
        "Pawn Storm": "trend-micro",
        "Sednit": "eset",
        "TA422": "proofpoint",
        "Fighting Ursa": "palo-alto",
        "APT-28": "variant",
        "Sofacy": "synonym",
    }
    assert {t: a[t]["form"] for t in expected} == expected


def test_apt29(by_id: dict[str, dict[str, Any]]) -> None:
    """APT29 absorbs UNC2452 and keeps its Microsoft names; Russia; G0016, not the revoked G0118."""
    r = by_id["threat_actor:apt29"]
    a = aliases(r)
    for text in ("Cozy Bear", "Midnight Blizzard", "NOBELIUM", "UNC2452", "The Dukes", "APT 29"):
        assert text in a, text
    assert a["NOBELIUM"]["case"] == "exact"
    assert r["attrs"]["sponsor"] == "RU"
    assert r["attrs"]["attck_id"] == "G0016"


def test_lazarus(by_id: dict[str, dict[str, Any]]) -> None:
    """Lazarus Group: "Lazarus" derived, North Korea, G0032; APT38 and Andariel stay separate (their own
    names stay theirs; BlueNoroff, which MISP gives to both and neither has as its name, is on both)."""
    r = by_id["threat_actor:lazarus-group"]
    a = aliases(r)
    assert a["Lazarus"]["case"] == "auto"
    assert {"Hidden Cobra", "Diamond Sleet", "ZINC", "Labyrinth Chollima"} <= set(a)
    assert "Andariel" not in a and "APT38" not in a
    assert "Bluenoroff" in r["attrs"]["ambiguous_aliases"].split("|")
    assert r["attrs"]["sponsor"] == "KP"
    assert r["attrs"]["attck_id"] == "G0032"
    apt38 = by_id["threat_actor:apt38"]
    assert {"APT38", "BlueNoroff", "Stardust Chollima", "Sapphire Sleet"} <= set(aliases(apt38))
    assert apt38["attrs"]["sponsor"] == "KP"
    assert apt38["attrs"]["attck_id"] == "G0082"
    andariel = by_id["threat_actor:silent-chollima"]
    assert "Andariel" in aliases(andariel)
    assert andariel["attrs"]["attck_id"] == "G0138"


def test_sandworm_and_turla(by_id: dict[str, dict[str, Any]]) -> None:
    """Sandworm (G0034) and Turla (G0010) are Russian; Turla keeps Waterbug, KRYPTON, not Snake."""
    sandworm = by_id["threat_actor:sandworm"]
    assert sandworm["attrs"]["sponsor"] == "RU"
    assert sandworm["attrs"]["attck_id"] == "G0034"
    assert {"Sandworm Team", "Seashell Blizzard", "Voodoo Bear", "APT44", "APT 44"} <= set(
        aliases(sandworm)
    )
    turla = by_id["threat_actor:turla"]
    assert turla["attrs"]["sponsor"] == "RU"
    assert turla["attrs"]["attck_id"] == "G0010"
    a = aliases(turla)
    assert {"Waterbug", "Secret Blizzard", "Venomous Bear", "Uroburos"} <= {
        t.title() for t in a
    } | set(a)
    assert a["KRYPTON"]["case"] == "exact"
    assert "Snake" not in a and "SUMMIT" not in a


def test_obvious_ids(by_id: dict[str, dict[str, Any]]) -> None:
    """Well-known groups get the obvious ids and canonical names."""
    expected = {
        "threat_actor:apt28": "APT28",
        "threat_actor:apt29": "APT29",
        "threat_actor:turla": "Turla",
        "threat_actor:sandworm": "Sandworm",
        "threat_actor:lazarus-group": "Lazarus Group",
        "threat_actor:apt38": "APT38",
        "threat_actor:kimsuky": "Kimsuky",
        "threat_actor:oilrig": "OilRig",
        "threat_actor:fin7": "FIN7",
        "threat_actor:evil-corp": "Evil Corp",
        "threat_actor:scattered-spider": "Scattered Spider",
        "threat_actor:volt-typhoon": "Volt Typhoon",
        "threat_actor:salt-typhoon": "Salt Typhoon",
        "threat_actor:lockbit": "LockBit",
        "threat_actor:revil": "REvil",
        "threat_actor:alphv": "ALPHV",
    }
    assert {i: by_id[i]["name"] for i in expected if i in by_id} == expected


def test_sponsors_and_motives(by_id: dict[str, dict[str, Any]]) -> None:
    """Sponsors come from the CFR field or the state actors' country; criminal groups get none."""
    assert by_id["threat_actor:apt1"]["attrs"]["sponsor"] == "CN"
    assert by_id["threat_actor:apt33"]["attrs"]["sponsor"] == "IR"
    assert by_id["threat_actor:kimsuky"]["attrs"]["sponsor"] == "KP"
    assert by_id["threat_actor:equation-group"]["attrs"]["sponsor"] == "US"
    fin7 = by_id["threat_actor:fin7"]["attrs"]
    assert "sponsor" not in fin7  # meta.country RU is where FIN7 operates, not a state sponsor
    assert fin7["motive"] == "financial"
    assert "sponsor" not in by_id["threat_actor:lockbit"]["attrs"]
    assert "sponsor" not in by_id["threat_actor:evil-corp"]["attrs"]  # Tempest, SPIDER: criminal
    assert "sponsor" not in by_id["threat_actor:zarya"]["attrs"]  # described as hacktivists
    assert by_id["threat_actor:pink-sandstorm"]["attrs"]["sponsor"] == "IR"  # Microsoft: Iran
    assert by_id["threat_actor:night-tsunami"]["attrs"]["motive"] == "offensive-industry"
    assert by_id["threat_actor:apt28"]["attrs"]["motive"] == "espionage"


def test_ransomware_groups(by_id: dict[str, dict[str, Any]], records: Records) -> None:
    """Ransomware operators are groups; malware families of ransomware.json are not."""
    assert "Sodinokibi" in aliases(by_id["threat_actor:revil"])
    assert {"BlackCat", "Alpha Spider"} <= set(aliases(by_id["threat_actor:alphv"]))
    assert "Clop" in aliases(by_id["threat_actor:cl0p"])
    play = by_id["threat_actor:play-ransomware"]
    assert play["attrs"]["attck_id"] == "G1040"
    assert "ransomware" in play["attrs"]["sources"].split()
    names = {threat_actors.fold(r["name"]) for r in records}
    for family in ("wannacry", "cryptolocker", "petya", "ryuk ransomware", "krypton"):
        assert family not in names
    only_ransomware = [r for r in records if r["attrs"]["sources"] == "ransomware"]
    assert 30 <= len(only_ransomware) <= 80


# --------------------------------------------------------------------------------------------------
# Ordinary words, elements, operations


@pytest.mark.parametrize(
    "sentence",
    [
        "The leaders met at the summit in Vilnius.",
        "Summit talks resumed on Monday.",
        "Rising sea levels threaten the coast.",
        "Sea ice is melting.",
        "The plant smelts zinc and lead.",
        "Strontium and radium are alkaline earth metals; strontium-90 is a fission product.",
        "Zinc prices fell while Gold and Silver rose.",
        "Chromium is a browser engine and cobalt a metal.",
        "Hackers used Cobalt Strike and the Snake keylogger.",
        "Follow the equation and play the game with a tick of the clock.",
        "Grizzly steppe bears live in Russia.",
        "The SEA region includes Vietnam.",
    ],
)
def test_ordinary_text_matches_no_actor(records: Records, sentence: str) -> None:
    """Ordinary words, element names and generic phrases in prose match no threat actor: no alias that needs no
    support is in them, and the built-in matcher, whose support rule decides the others, finds none."""
    assert find(records, sentence, supported=False) == set()
    assert [m.text for m in BUILTIN.find(sentence) if m.kind == "threat_actor"] == []


def test_restricted_aliases_still_match_as_names(records: Records) -> None:
    """Restricted aliases match where writers use them as names."""
    assert find(records, "Microsoft tracks the group as STRONTIUM.") == {"threat_actor:apt28"}
    assert find(records, "ZINC targeted researchers.") == {"threat_actor:lazarus-group"}
    assert find(records, "Activity by Tick resumed.") == {"threat_actor:tick"}
    assert find(records, "the tick of a clock") == set()
    assert find(records, "The Syrian Electronic Army defaced it.") == {
        "threat_actor:deadeye-jackal"
    }


def test_element_names_keep_capitals_and_need_support_capitalised(
    records: Records, removed: Removed
) -> None:
    """Element names survive in capitals, as exact aliases, and capitalised as news writes them ("Hafnium"), as
    exact aliases that need support; other spellings are rewritten. Before, the capitalised spelling was dropped,
    and "Midnight Blizzard, also known as Nobelium" missed Nobelium (a review of real news, 2026-12-07)."""
    elements = threat_actors.ELEMENTS
    capitalised = 0
    for r in records:
        for a in r["aliases"]:
            if threat_actors.fold(a["text"]) in elements:
                assert a["case"] == "exact", (r["id"], a)
                if a["text"].isupper():
                    assert not a.get("needs_support"), (r["id"], a)
                else:
                    assert a["text"] == a["text"].capitalize() and a.get("needs_support"), (
                        r["id"],
                        a,
                    )
                    upper = [b for b in r["aliases"] if b["text"] == a["text"].upper()]
                    assert upper, (r["id"], a)
                    capitalised += 1
    assert capitalised >= 30
    entries = removed_for(removed, "threat_actor:lazarus-group", "Zinc")
    assert [e["action"] for e in entries] == ["restricted:exact", "restricted:exact"]
    assert all(e["reason"].startswith("chemical element") for e in entries)
    assert any("needs support" in e["reason"] for e in entries)


def test_ordinary_word_group_names_are_capitalised(by_id: dict[str, dict[str, Any]]) -> None:
    """An ordinary word that is a group's own name is upper_first (exact: capitals and phrases)."""
    assert aliases(by_id["threat_actor:tick"])["Tick"]["case"] == "upper_first"
    assert aliases(by_id["threat_actor:sea-turtle"])["Sea Turtle"]["case"] == "exact"
    assert aliases(by_id["threat_actor:quilted-tiger"])["Patchwork"]["case"] == "upper_first"


def test_operation_names(by_id: dict[str, dict[str, Any]], removed: Removed) -> None:
    """Operation names are dropped, but kept (marked) where MISP lists the operation itself."""
    assert "Operation Troy" not in aliases(by_id["threat_actor:lazarus-group"])
    [entry] = removed_for(removed, "threat_actor:lazarus-group", "Operation Troy")
    assert entry["action"] == "dropped" and entry["reason"].startswith("operation name")
    assert by_id["threat_actor:operation-soft-cell"]["name"] == "Operation Soft Cell"
    [mark] = removed_for(removed, "threat_actor:operation-soft-cell", "Operation Soft Cell")
    assert mark["action"] == "marked"


def test_variants(by_id: dict[str, dict[str, Any]]) -> None:
    """APT numbers get three spellings; a Group/Team suffix is stripped only if the rest is safe."""
    for n in (1, 10, 41):
        a = aliases(by_id[f"threat_actor:apt{n}"])
        assert {f"APT{n}", f"APT {n}", f"APT-{n}"} <= set(a)
    assert "Tonto" in aliases(by_id["threat_actor:tonto-team"])
    assert "Equation" not in aliases(by_id["threat_actor:equation-group"])
    assert "Comment" not in aliases(by_id["threat_actor:apt1"])
    assert "Hacking" not in aliases(by_id["threat_actor:hacking-team"])


# --------------------------------------------------------------------------------------------------
# The removed log


def test_removed_log_shape(removed: Removed, by_id: dict[str, dict[str, Any]]) -> None:
    """Each entry has an entity, alias, action and reason; the log is sorted, without duplicates."""
    assert removed == sorted(
        removed, key=lambda d: (d["entity"], d["alias"], d["action"], d["reason"])
    )
    assert len({tuple(d.values()) for d in removed}) == len(removed)
    for d in removed:
        assert set(d) == {"entity", "alias", "action", "reason"}
        assert d["action"] in ("dropped", "marked", "ambiguous") or re.fullmatch(
            r"restricted:(exact|upper_first|insensitive)", d["action"]
        )
        assert d["reason"] and d["alias"]
        assert d["entity"].startswith("threat_actor:")
        if d["action"] != "dropped":
            assert d["entity"] in by_id


def test_removed_log_entries(removed: Removed) -> None:
    """Hand-checked entries: ordinary words, a report title, and names shared by two groups."""
    [summit] = removed_for(removed, "threat_actor:turla", "SUMMIT")
    assert summit["action"] == "dropped"
    assert summit["reason"].startswith("stoplist: ordinary word")
    for group in ("threat_actor:apt28", "threat_actor:apt29"):
        [grizzly] = removed_for(removed, group, "Grizzly Steppe")
        assert grizzly["action"] == "dropped" and "report" in grizzly["reason"]
    [andariel] = removed_for(removed, "threat_actor:lazarus-group", "Andariel")
    assert andariel["reason"] == (
        "names two groups: kept for threat_actor:silent-chollima (primary name of a cluster of it)"
    )
    for group in ("threat_actor:apt38", "threat_actor:lazarus-group"):
        [beagle] = removed_for(removed, group, "BeagleBoyz")
        assert beagle["action"] == "ambiguous"
        assert (
            beagle["reason"] == "names two groups: threat_actor:apt38, threat_actor:lazarus-group"
        )
    [unit] = removed_for(removed, "threat_actor:apt1", "PLA Unit 61398")
    assert unit["action"] == "dropped" and unit["reason"].startswith("agency name")
    [sea] = removed_for(removed, "threat_actor:deadeye-jackal", "SEA")
    assert sea["action"] == "dropped"
    [sapphire] = removed_for(removed, "threat_actor:lazarus-group", "Sapphire Sleet")
    assert sapphire["reason"].startswith("names two groups: kept for threat_actor:apt38")
    two = [d for d in removed if d["reason"].startswith("names two groups")]
    assert len([d for d in two if d["action"] == "dropped"]) >= 60
    assert len([d for d in two if d["action"] == "ambiguous"]) >= 70


def test_left_out_entries_are_logged(removed: Removed, by_id: dict[str, dict[str, Any]]) -> None:
    """Clusters without a usable name are left out, and the log says so."""
    for entity, alias in (
        ("threat_actor:unnamed-group", "[Unnamed group]"),
        ("threat_actor:unnamed-actor", "Unnamed Actor"),
    ):
        assert entity not in by_id
        [entry] = removed_for(removed, entity, alias)
        assert entry["action"] == "dropped" and "left out" in entry["reason"]


# --------------------------------------------------------------------------------------------------
# Helpers and rules on hand-made input


def test_merge_key_slug_and_case() -> None:
    """Merge keys ignore case, spaces, punctuation; slugs are ASCII; auto: exact for caps tokens."""
    assert threat_actors.merge_key("APT 28") == threat_actors.merge_key("apt-28") == "apt28"
    assert threat_actors.merge_key("Lapsus$") == threat_actors.merge_key("LAPSUS")
    assert threat_actors.slugify("Lazarus Group") == "lazarus-group"
    assert threat_actors.slugify("Sath-\u0131 M\u00fcdafaa") == "sath-mudafaa"
    assert threat_actors.resolve_case("APT28", "auto") == "exact"
    assert threat_actors.resolve_case("APT-C-20", "auto") == "exact"
    assert threat_actors.resolve_case("APT 28", "auto") == "insensitive"
    assert threat_actors.resolve_case("Storm-0558", "auto") == "insensitive"
    assert threat_actors.resolve_case("Tick", "upper_first") == "upper_first"


def test_clean_name() -> None:
    """Vendor suffixes become forms; subgroup labels and bracketed notes are not names."""
    assert threat_actors.clean_name("Hive0081 (IBM)") == ("Hive0081", "ibm", "")
    assert threat_actors.clean_name(" APT-Q-27, ") == ("APT-Q-27", None, "")
    assert threat_actors.clean_name("NoName057(16)") == ("NoName057(16)", None, "")
    assert threat_actors.clean_name("Subgroup: Bluenoroff")[0] is None
    assert threat_actors.clean_name("[Vault 7/8]")[0] is None


def test_alias_rules() -> None:
    """The automatic rules, in order, on hand-picked names."""
    rules = threat_actors.AliasRules(
        threat_actors.load_curated(CURATED), {"russia", "russian"}, {"wannacry"}, set()
    )
    expected = {
        "XY": "drop",
        "Operation Troy": "drop",
        "OperationTroy": "drop",
        "OPERATOR PANDA": "keep",
        "xHunt campaign": "drop",
        "Group 74": "drop",
        "Russia": "drop",
        "Strontium": "caps",
        "WannaCry": "drop",
        "Fancy Bear": "keep",
        "SUMMIT": "drop",
        "Tick": "word",
    }
    assert {t: rules.classify(t).action for t in expected} == expected


def _cluster(source: str, uuid: str, names: list[str]) -> threat_actors.Cluster:
    return threat_actors.Cluster(
        source=source,
        uuid=uuid,
        original=names[0],
        value=names[0],
        names=[threat_actors.Name(n, i == 0) for i, n in enumerate(names)],
        related=[],
    )


def _components(clusters: list[threat_actors.Cluster]) -> list[set[str]]:
    keys = [{threat_actors.merge_key(n.text) for n in c.names} for c in clusters]
    empty = threat_actors.Curated({}, [], [], {}, {}, {}, {})
    components, _ = threat_actors.merge_clusters(clusters, keys, empty)
    return [{clusters[i].value for i in comp} for comp in components]


def test_merge_needs_strong_evidence() -> None:
    """One shared synonym is not enough; a primary name or two shared names are."""
    ta, mitre = threat_actors.TA, threat_actors.MITRE
    one_synonym = [_cluster(ta, "a", ["Alpha", "Shared"]), _cluster(mitre, "b", ["Beta", "Shared"])]
    assert _components(one_synonym) == [{"Alpha"}, {"Beta"}]
    primary = [_cluster(ta, "a", ["Alpha", "Beta"]), _cluster(mitre, "b", ["Beta", "G0001"])]
    assert _components(primary) == [{"Alpha", "Beta"}]
    two = [_cluster(ta, "a", ["Alpha", "X1", "X2"]), _cluster(mitre, "b", ["Beta", "X1", "X2"])]
    assert _components(two) == [{"Alpha", "Beta"}]


def test_merge_does_not_chain_two_groups_of_one_file() -> None:
    """A cluster naming two unlinked groups of the same file joins one of them, never both."""
    ta, mitre = threat_actors.TA, threat_actors.MITRE
    clusters = [
        _cluster(ta, "a", ["Alpha", "Umbrella", "A2"]),
        _cluster(ta, "b", ["Bravo", "Umbrella"]),
        _cluster(mitre, "c", ["Umbrella", "Alpha", "A2", "Bravo"]),
    ]
    comps = _components(clusters)
    assert {"Alpha", "Bravo"} not in [c & {"Alpha", "Bravo"} for c in comps]
    assert {"Alpha", "Umbrella"} in comps  # the stronger link (three shared names) wins


def test_curated_tables_are_checked(tmp_path: Path) -> None:
    """A bad action or an unknown cluster in a curated table fails the build loudly."""
    copy = tmp_path / "curated"
    shutil.copytree(CURATED, copy)
    with (copy / "threat-actors-stop-aliases.tsv").open("a", encoding="utf-8") as f:
        f.write("Foo\tbanish\tno such action\n")
    with pytest.raises(ValueError, match="unknown action"):
        threat_actors.load_curated(copy)
    shutil.copy(CURATED / "threat-actors-stop-aliases.tsv", copy / "threat-actors-stop-aliases.tsv")
    with (copy / "threat-actors-merges.tsv").open("a", encoding="utf-8") as f:
        f.write(
            "00000000-0000-0000-0000-000000000000\t68391641-859f-4a9a-9a1e-3e5cf71ec376"
            "\tX\tLazarus Group\tx\n"
        )
    with pytest.raises(ValueError, match=r"threat-actors-merges\.tsv"):
        threat_actors.build(SOURCES, copy)


def test_curated_rows_have_reasons() -> None:
    """Every row of every threat-actor table has a non-empty reason."""
    for path in sorted(CURATED.glob("threat-actors-*.tsv")):
        rows = threat_actors.read_tsv(path)
        assert rows, path.name
        assert all(r["reason"] for r in rows), path.name


def test_ransomware_names_are_marked_not_dropped(built: tuple[Records, Removed]) -> None:
    """Aliases that also name a ransomware family keep matching but carry form "malware", logged."""
    records, removed = built
    revil = next(r for r in records if r["id"] == "threat_actor:revil")
    forms = {a["text"]: a["form"] for a in revil["aliases"]}
    assert forms["REvil"] == "malware" and forms["Sodinokibi"] == "malware"
    assert {
        "entity": "threat_actor:revil",
        "alias": "REvil",
        "action": "marked",
        "reason": "also the name of a ransomware family: form set to malware",
    } in removed
    apt28 = next(r for r in records if r["id"] == "threat_actor:apt28")
    assert all(a["form"] != "malware" for a in apt28["aliases"])
