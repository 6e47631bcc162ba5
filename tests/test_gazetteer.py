"""Gazetteer and Entity: building, reading files, looking up, merging."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import cybernexus as cx

APT28: dict[str, Any] = {
    "id": "threat_actor:apt28",
    "kind": "threat_actor",
    "name": "APT28",
    "aliases": [
        "Fancy Bear",
        {"text": "Sofacy", "form": "vendor name"},
        {"text": "Pawn Storm", "case": "exact"},
    ],
    "attrs": {"sponsor": "RU", "attck_id": "G0007"},
}
SWEDEN: dict[str, Any] = {
    "id": "country:SE",
    "kind": "country",
    "name": "Sweden",
    "aliases": ["Swedish"],
}


def test_records_become_entities() -> None:
    """Each record becomes an Entity with its fields; the name is an alias; policies are resolved."""
    g = cx.Gazetteer.from_records([APT28, SWEDEN])
    assert len(g) == 2
    assert g.ids == ["threat_actor:apt28", "country:SE"]
    apt28 = g.entity("threat_actor:apt28")
    assert (apt28.id, apt28.kind, apt28.name) == ("threat_actor:apt28", "threat_actor", "APT28")
    assert apt28.aliases == ["APT28", "Fancy Bear", "Sofacy", "Pawn Storm"]
    assert apt28.attrs == {"attck_id": "G0007", "sponsor": "RU"}
    assert apt28.to_record()["aliases"] == [
        {"text": "APT28", "case": "exact", "form": "name"},
        {"text": "Fancy Bear", "case": "insensitive", "form": None},
        {"text": "Sofacy", "case": "insensitive", "form": "vendor name"},
        {"text": "Pawn Storm", "case": "exact", "form": None},
    ]
    assert [e.id for e in g] == g.ids
    assert "country:SE" in g and "country:NO" not in g
    assert g["country:SE"] == g.entity("country:SE")


def test_constructor_and_from_records_agree() -> None:
    """Gazetteer(records) is Gazetteer.from_records(records); Gazetteer() is empty."""
    assert list(cx.Gazetteer([APT28])) == list(cx.Gazetteer.from_records([APT28]))
    assert len(cx.Gazetteer()) == 0
    assert len(cx.Gazetteer.from_records(iter([]))) == 0


def test_entities_are_immutable_values() -> None:
    """Entities compare and hash by value; attrs returns a copy."""
    a = cx.Gazetteer.from_records([APT28]).entity("threat_actor:apt28")
    b = cx.Entity(**APT28)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    a.attrs["sponsor"] = "XX"
    assert a.attrs["sponsor"] == "RU"
    with pytest.raises(AttributeError):
        a.name = "other"  # type: ignore[misc]
    assert (
        repr(a) == "Entity(id='threat_actor:apt28', kind='threat_actor', name='APT28', aliases=4)"
    )


def test_duplicate_aliases_are_kept_once() -> None:
    """Listing the name or an alias twice does not duplicate it."""
    e = cx.Entity("x", "k", "Alpha", ["Alpha", "Beta", "Beta"])
    assert e.aliases == ["Alpha", "Beta"]


def test_lookup_uses_matching_rules() -> None:
    """lookup() normalises white space, typography and case, and respects case policies."""
    g = cx.example_gazetteer()
    assert [e.id for e in g.lookup("fancy  bear")] == ["threat_actor:apt28"]
    assert [e.id for e in g.lookup("U.S.")] == ["country:US"]
    assert [e.id for e in g.lookup("Russia\u2019s")] == []
    assert g.lookup("us") == []
    assert [e.id for e in g.lookup("Swedish")] == ["country:SE"]
    assert [e.id for e in g.lookup("TURKEY")] == ["country:TR"]
    assert g.lookup("turkey") == []


def test_lookup_returns_every_entity_of_a_shared_alias() -> None:
    """An alias that names two entities returns both, in gazetteer order."""
    g = cx.Gazetteer.from_records(
        [
            {"id": "b", "kind": "k", "name": "Lazarus Group", "aliases": ["Lazarus"]},
            {"id": "a", "kind": "k", "name": "Other", "aliases": ["lazarus"]},
        ]
    )
    assert [e.id for e in g.lookup("Lazarus")] == ["b", "a"]


def test_merge_rules() -> None:
    """merge() appends new entities and resolves shared ids by the chosen rule."""
    left = cx.Gazetteer.from_records([APT28, SWEDEN])
    update = {**APT28, "aliases": ["Forest Blizzard"], "attrs": {"sponsor": "RU", "mitre": "G0007"}}
    right = cx.Gazetteer.from_records(
        [update, {"id": "country:NO", "kind": "country", "name": "Norway"}]
    )

    union = left.merge(right)
    assert union.ids == ["threat_actor:apt28", "country:SE", "country:NO"]
    assert union["threat_actor:apt28"].aliases == [
        "APT28",
        "Fancy Bear",
        "Sofacy",
        "Pawn Storm",
        "Forest Blizzard",
    ]
    assert union["threat_actor:apt28"].attrs == {
        "attck_id": "G0007",
        "mitre": "G0007",
        "sponsor": "RU",
    }

    replaced = left.merge(right, on_conflict="replace")
    assert replaced["threat_actor:apt28"].aliases == ["APT28", "Forest Blizzard"]
    kept = left.merge(right, on_conflict="keep")
    assert kept["threat_actor:apt28"] == left["threat_actor:apt28"]
    assert len(kept) == 3
    # the inputs are unchanged
    assert len(left) == 2


def test_merged_gazetteer_matches_new_aliases() -> None:
    """A matcher built on a merged gazetteer finds the added aliases."""
    g = cx.example_gazetteer().merge(
        cx.Gazetteer.from_records([{**APT28, "id": "threat_actor:apt28", "aliases": ["Tsar Team"]}])
    )
    (m,) = cx.Matcher(g).find("the Tsar Team")
    assert m.entity_id == "threat_actor:apt28"


def test_to_records_round_trip(tmp_path: Path) -> None:
    """to_records() feeds from_records() and from_json() back to an equal gazetteer."""
    g = cx.example_gazetteer()
    records = g.to_records()
    assert list(cx.Gazetteer.from_records(records)) == list(g)
    path = tmp_path / "g.json"
    path.write_text(json.dumps({"entities": records}), encoding="utf-8")
    assert list(cx.Gazetteer.from_json(path)) == list(g)
    path.write_text(json.dumps(records), encoding="utf-8")
    assert list(cx.Gazetteer.from_json(str(path))) == list(g)


def test_from_csv(tmp_path: Path) -> None:
    """CSV: id, kind, name, '|'-separated aliases, other columns as attributes, empty cells dropped."""
    path = tmp_path / "g.csv"
    path.write_text(
        "id,kind,name,aliases,iso3,nato\n"
        'country:SE,country,Sweden,"Swedish | Swedes",SWE,2024\n'
        "country:FI,country,Finland,,FIN,\n",
        encoding="utf-8",
    )
    g = cx.Gazetteer.from_csv(path)
    assert g["country:SE"].aliases == ["Sweden", "Swedish", "Swedes"]
    assert g["country:SE"].attrs == {"iso3": "SWE", "nato": "2024"}
    assert g["country:FI"].aliases == ["Finland"]
    assert g["country:FI"].attrs == {"iso3": "FIN"}


def test_user_defined_kinds() -> None:
    """Any kind string is accepted and reported."""
    g = cx.Gazetteer.from_records([{"id": "malware:x", "kind": "malware", "name": "X-Agent"}])
    (m,) = cx.Matcher(g).find("X-Agent was used")
    assert (m.kind, m.entity_id) == ("malware", "malware:x")


def test_search_and_without_aliases_refuse_a_kind_or_form_nothing_has() -> None:
    """Before: ``search("bear", kind="actor")`` returned ``[]`` and ``without_aliases(forms="adjectiv")`` removed
    nothing, silently, where ``filter(kind="actor")`` raised (a user review, 2026-12-07)."""
    g = cx.Gazetteer.builtin()
    with pytest.raises(
        ValueError, match=r"^no entity has kind 'actor' \(the kinds are: agency, country"
    ):
        g.search("bear", kind="actor")
    with pytest.raises(
        ValueError, match=r"^no alias has form 'adjectiv' \(the forms are: .*adjective"
    ):
        g.without_aliases(forms=["adjective", "adjectiv"])
    assert [e.id for e in g.search("fancy bear", kind="threat_actor")] == ["threat_actor:apt28"]
    # A form of the built-in set that this one lacks (capitals are left out by default) removes nothing.
    assert g.without_aliases(forms="capital").to_records() == g.to_records()
    assert len(g.without_aliases(forms="adjective")) == len(g)


def test_gazetteers_with_the_same_entities_are_equal_and_hash_alike() -> None:
    """Equality is by entities, in order, however the gazetteer was built: from records, from its own records,
    through a pickle; a changed alias, policy or order makes it unequal; other types compare unequal."""
    records: list[dict[str, Any]] = [
        {"id": "a", "kind": "k", "name": "Alpha", "aliases": ["AL"], "attrs": {"x": "1"}},
        {"id": "b", "kind": "k", "name": "Beta", "aliases": [], "attrs": {}},
    ]
    one = cx.Gazetteer.from_records(records)
    two = cx.Gazetteer.from_records(records)
    assert one is not two and one == two and hash(one) == hash(two)
    assert cx.Gazetteer.from_records(one.to_records()) == one
    assert pickle.loads(pickle.dumps(one)) == one
    assert len({one, two, pickle.loads(pickle.dumps(one))}) == 1
    changed = [dict(records[0], aliases=[{"text": "AL", "case": "insensitive"}]), records[1]]
    assert cx.Gazetteer.from_records(changed) != one
    assert cx.Gazetteer.from_records(records[::-1]) != one
    assert one.without(["b"]) != one and one.without(["b"]) == cx.Gazetteer.from_records(
        records[:1]
    )
    assert one != "a gazetteer" and one != None
    assert cx.Gazetteer.builtin() == cx.Gazetteer.from_records(cx.Gazetteer.builtin().to_records())
