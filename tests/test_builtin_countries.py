"""The built-in gazetteer: countries, regions, capitals, and the known traps."""

from __future__ import annotations

import pytest

import cybernexus as cx


@pytest.fixture(scope="module")
def matcher() -> cx.Matcher:
    return cx.Matcher()


def found(matcher: cx.Matcher, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.entity_id) for m in matcher.find(text)]


def test_every_iso_country_kosovo_and_historic_states() -> None:
    """249 ISO 3166-1 codes, Kosovo and four historic states, each with a name, an alias and iso2/iso3."""
    countries = list(cx.Gazetteer.builtin().filter(kind="country"))
    assert len(countries) == 254
    codes = {e.attrs["iso2"] for e in countries}
    assert {"XK", "SU", "YU", "CS", "DD", "US", "RU", "AQ", "UM"} <= codes
    assert not {"AC", "TA", "EU", "UN"} & codes
    for e in countries:
        assert e.id == f"country:{e.attrs['iso2']}"
        assert e.name and e.aliases and len(e.attrs["iso3"]) == 3


def test_sample_countries_by_hand() -> None:
    """Names, renamings, abbreviations and memberships of a few countries."""
    g = cx.Gazetteer.builtin()
    assert g["country:CZ"].name == "Czechia" and "Czech Republic" in g["country:CZ"].aliases
    assert g["country:TR"].name == "Türkiye" and "Turkey" in g["country:TR"].aliases
    assert {"Eswatini", "Swaziland"} <= set(g["country:SZ"].aliases)
    assert {"Myanmar", "Burma"} <= set(g["country:MM"].aliases)
    assert {"U.S.", "US", "USA", "United States of America", "American", "Americans"} <= set(
        g["country:US"].aliases
    )
    assert {"Russian Federation", "Russian", "Russians"} <= set(g["country:RU"].aliases)
    assert {"Finnish", "Finns"} <= set(g["country:FI"].aliases)
    assert (g["country:SE"].attrs["nato"], g["country:SE"].attrs["eu"]) == ("2024", "1995")
    assert g["country:FI"].attrs["nato"] == "2023"
    assert "nato" not in g["country:AT"].attrs and g["country:AT"].attrs["eu"] == "1995"
    assert len(g.filter(kind="country").filter(country=["US", "GB"])) == 2
    nato = [e for e in g.filter(kind="country") if "nato" in e.attrs]
    eu = [e for e in g.filter(kind="country") if "eu" in e.attrs]
    assert (len(nato), len(eu)) == (32, 27)
    assert g["country:SU"].attrs["historic"] == "true" and "USSR" in g["country:SU"].aliases


def test_alias_forms_are_recorded(matcher: cx.Matcher) -> None:
    """A mention says which alias and which form matched."""
    (m,) = matcher.find("Swedish officials")
    assert (m.entity_id, m.alias, m.form) == ("country:SE", "Swedish", "adjective")
    (m,) = matcher.find("in the U.S.")
    assert (m.entity_id, m.alias, m.form, m.start, m.end) == (
        "country:US",
        "U.S.",
        "abbreviation",
        7,
        11,
    )


def test_design_sentence(matcher: cx.Matcher) -> None:
    """The DESIGN.md sentence yields Germany, Czechia and Russia by name, renaming and adjective."""
    text = "Germany and the Czech Republic linked the activity to the Russian group"
    assert found(matcher, text) == [
        ("Germany", "country:DE"),
        ("Czech Republic", "country:CZ"),
        ("Russian", "country:RU"),
    ]


def test_ordinary_words_in_lower_case_are_not_countries(matcher: cx.Matcher) -> None:
    """Lower-case "turkey", "china", "chad", "jordan", "georgia" are not countries; capitalised they are."""
    assert (
        found(matcher, "We ate turkey on china plates; chad, jordan and georgia are names.") == []
    )
    assert found(matcher, "Turkey, China, Chad, TURKEY") == [
        ("Turkey", "country:TR"),
        ("China", "country:CN"),
        ("Chad", "country:TD"),
        ("TURKEY", "country:TR"),
    ]


def test_georgia_and_jordan_are_the_countries_when_capitalised(matcher: cx.Matcher) -> None:
    """Documented choice: capitalised "Georgia" and "Jordan" are the countries, whatever the context."""
    assert found(matcher, "Georgia and Jordan") == [
        ("Georgia", "country:GE"),
        ("Jordan", "country:JO"),
    ]


def test_regions_keep_country_names_inside_them(matcher: cx.Matcher) -> None:
    """ "South America", "New Mexico" and "Southeast Asia" are regions, not the US, Mexico or nothing."""
    assert found(matcher, "South America, Latin America, New Mexico and Southeast Asia") == [
        ("South America", "region:south-america"),
        ("Latin America", "region:latin-america"),
        ("New Mexico", "region:new-mexico"),
        ("Southeast Asia", "region:southeast-asia"),
    ]


def test_capitals_are_opt_in(matcher: cx.Matcher) -> None:
    """Capitals and metonyms match only with capitals=True, as the country, flagged by their form."""
    assert found(matcher, "Moscow said the Kremlin denied it") == []
    with_capitals = cx.Matcher(cx.Gazetteer.builtin(capitals=True))
    found_ = [
        (m.text, m.entity_id, m.form)
        for m in with_capitals.find("Moscow said the Kremlin denied it")
    ]
    assert found_ == [("Moscow", "country:RU", "capital"), ("Kremlin", "country:RU", "metonym")]


def test_builtin_is_cached_and_fast_to_reuse() -> None:
    """Gazetteer.builtin() returns the same object on every call (per capitals setting)."""
    assert cx.Gazetteer.builtin() is cx.Gazetteer.builtin()
    from cybernexus._data import builtin_matcher

    assert builtin_matcher() is builtin_matcher()
    assert builtin_matcher().gazetteer is cx.Gazetteer.builtin()
    assert cx.Gazetteer.builtin(capitals=True) is not cx.Gazetteer.builtin()
