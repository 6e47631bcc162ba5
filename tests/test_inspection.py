"""Inspecting and extending a gazetteer: stats, search, filter, without, without_aliases."""

from __future__ import annotations

import pytest

import cybernexus as cx


def test_stats_count_by_kind_and_source() -> None:
    """stats() counts entities, aliases, kinds and sources."""
    g = cx.Gazetteer.from_records(
        [
            {
                "id": "a",
                "kind": "k1",
                "name": "A",
                "aliases": ["Alpha"],
                "attrs": {"sources": "x y"},
            },
            {"id": "b", "kind": "k2", "name": "B", "attrs": {"sources": "y"}},
            {"id": "c", "kind": "k2", "name": "C"},
        ]
    )
    assert g.stats() == {
        "entities": 3,
        "aliases": 4,
        "by_kind": {"k1": 1, "k2": 2},
        "by_source": {"unknown": 1, "x": 1, "y": 2},
    }


def test_search_ranks_name_matches_first() -> None:
    """search() finds entities by part of a name or alias, best first, and honours kind and limit."""
    g = cx.example_gazetteer()
    assert [e.id for e in g.search("bear")] == [
        "threat_actor:apt28",
        "threat_actor:apt29",
        "threat_actor:sandworm",
        "threat_actor:turla",
    ]
    assert [e.id for e in g.search("GRU")] == ["agency:ru-gru"]
    assert [e.id for e in g.search("korea", kind="country")] == ["country:KP"]
    assert len(g.search("a", limit=3)) == 3
    assert g.search("") == []


def test_filter_by_kind_and_country() -> None:
    """filter() keeps kinds and countries (iso2, agency country, actor sponsor)."""
    g = cx.example_gazetteer()
    assert {e.id for e in g.filter(kind="agency", country="ru")} == {
        "agency:ru-gru",
        "agency:ru-fsb",
        "agency:ru-svr",
    }
    assert {e.id for e in g.filter(country="KP")} == {"country:KP", "threat_actor:lazarus"}
    assert len(g.filter(kind=["country", "agency"])) == 22
    assert len(g.filter()) == len(g)


def test_without_entities_and_aliases() -> None:
    """without() drops entities; without_aliases() drops aliases by text or form, optionally per entity."""
    g = cx.example_gazetteer()
    m = cx.Matcher(g.without(["country:GB"]))
    assert [x.entity_id for x in m.find("British and Dutch")] == ["country:NL"]
    no_adjectives = g.without_aliases(forms="adjective")
    assert cx.Matcher(no_adjectives).find("Swedish Sweden")[0].text == "Sweden"
    no_lazarus = g.without_aliases(["LAZARUS"], entities="threat_actor:lazarus")
    assert "Lazarus" not in no_lazarus["threat_actor:lazarus"].aliases
    assert "Lazarus Group" in no_lazarus["threat_actor:lazarus"].aliases
    with pytest.raises(KeyError, match='no entity with id "country:XX"'):
        g.without("country:XX")
    with pytest.raises(KeyError):
        g.without_aliases(["x"], entities=["nope"])
    with pytest.raises(TypeError, match=r"ids\[1\] must be str, got int"):
        g.without(["country:GB", 5])  # type: ignore[list-item]


def test_user_extension_on_top_of_the_builtin() -> None:
    """Add an entity, override one, and drop an alias from the built-in set, without rebuilding anything."""
    mine = cx.Gazetteer.from_records(
        [
            {"id": "org:acme", "kind": "company", "name": "Acme Corp", "aliases": ["Acme"]},
            {
                "id": "country:JO",
                "kind": "country",
                "name": "Jordan",
                "aliases": [{"text": "Jordan", "case": "exact"}],
            },
        ]
    )
    g = (
        cx.Gazetteer.builtin()
        .merge(mine, on_conflict="replace")
        .without_aliases(["Georgia"], entities="country:GE")
    )
    m = cx.Matcher(g)
    assert [(x.text, x.entity_id) for x in m.find("Acme in Georgia and Jordan")] == [
        ("Acme", "org:acme"),
        ("Jordan", "country:JO"),
    ]


def test_search_ranks_whole_word_aliases_above_prefixes_and_says_which_alias() -> None:
    """Before: ``search("bear")`` put "Bearlyfy" first and did not say why Fancy Bear was found."""
    g = cx.Gazetteer.builtin()
    hits = g.search("bear", with_alias=True)
    ids = [e.id for e, _ in hits]
    assert ids.index("threat_actor:apt28") < ids.index("threat_actor:bearlyfy")
    assert {e.id: a for e, a in hits}["threat_actor:apt28"] == "Fancy Bear"
    assert [e.id for e in g.search("bear")] == ids
    # Every hit holds the query as written in the alias given, folded: an independent check of the alias.
    assert all("bear" in a.casefold() for _, a in hits)
    assert all(a in e.aliases for e, a in hits)
    # Whole-word hits come before the first prefix-only hit.
    words = [any(w == "bear" for w in a.casefold().replace("-", " ").split()) for _, a in hits]
    first_other = words.index(False)
    assert all(words[:first_other]) and first_other >= 10
    assert g.search("fancy bear", with_alias=True, limit=1)[0][1] == "Fancy Bear"
