"""The matching rules of DESIGN.md, one named test each, with offsets checked by hand."""

from __future__ import annotations

from typing import Any

import pytest

import cybernexus as cx


def make(*records: dict[str, Any], overlaps: str = "longest") -> cx.Matcher:
    full = [{"kind": "test", "aliases": [], "attrs": {}, **r} for r in records]
    return cx.Matcher(cx.Gazetteer.from_records(full), overlaps=overlaps)  # type: ignore[arg-type]


def spans(matcher: cx.Matcher, text: str) -> list[tuple[int, int, str]]:
    found = matcher.find(text)
    for m in found:
        assert text[m.start : m.end] == m.text
    return [(m.start, m.end, m.entity_id) for m in found]


IRAN = {"id": "iran", "name": "Iran"}
IRAN_AIR = {"id": "iran-air", "name": "Iran Air"}


def test_rejected_longer_candidate_does_not_hide_shorter_match() -> None:
    """ "Iran Air" fails the boundary inside "Airways"; the valid "Iran" is still found."""
    m = make(IRAN, IRAN_AIR)
    assert spans(m, "Iran Airways") == [(0, 4, "iran")]
    assert spans(m, "Iran Air flew") == [(0, 8, "iran-air")]


def test_rejected_candidate_does_not_hide_later_match() -> None:
    """A candidate starting inside a word is rejected without swallowing a match that starts after it."""
    m = make({"id": "ab", "name": "xab cd"}, {"id": "cd", "name": "cd"})
    assert spans(m, "yxab cd") == [(5, 7, "cd")]


def test_no_match_inside_words() -> None:
    """ "Iran" is not in "Iranian", "US" is not in "USB" or "FUS", "NATO" is not in "NATO2"."""
    m = make(IRAN, {"id": "us", "name": "US"}, {"id": "nato", "name": "NATO"})
    assert spans(m, "Iranian USB FUS NATO2 _NATO") == []


def test_possessives_with_straight_and_curly_apostrophes() -> None:
    """Russia's with a straight or a curly apostrophe yields Russia over [0, 6)."""
    m = make({"id": "ru", "name": "Russia"})
    assert spans(m, "Russia's") == [(0, 6, "ru")]
    assert spans(m, "Russia\u2019s") == [(0, 6, "ru")]


def test_alias_with_apostrophe_matches_curly_and_straight() -> None:
    """An alias written with a straight apostrophe matches the curly one and vice versa."""
    m = make({"id": "ci", "name": "Côte d\u2019Ivoire"}, {"id": "kp", "name": "People's Korea"})
    assert spans(m, "in Côte d'Ivoire") == [(3, 16, "ci")]
    assert spans(m, "People\u2019s Korea") == [(0, 14, "kp")]


def test_hyphen_compounds() -> None:
    """ "NATO-led" and "Finnish-Russian" split at the hyphen."""
    m = make(
        {"id": "nato", "name": "NATO"},
        {"id": "fi", "name": "Finnish"},
        {"id": "ru", "name": "Russian"},
    )
    assert spans(m, "NATO-led") == [(0, 4, "nato")]
    assert spans(m, "a Finnish-Russian border") == [(2, 9, "fi"), (10, 17, "ru")]


def test_typographic_dashes_match_hyphen() -> None:
    """An alias with "-" matches non-breaking hyphen, en dash and minus sign."""
    m = make({"id": "apt", "name": "APT-28"})
    for dash in "-\u2011\u2013\u2212":
        assert spans(m, f"by APT{dash}28.") == [(3, 9, "apt")]


def test_dotted_acronym() -> None:
    """ "U.S." is found before a space, at the end of a sentence and in "U.S.-led"."""
    m = make({"id": "us", "name": "United States", "aliases": ["U.S."]})
    assert spans(m, "the U.S. said") == [(4, 8, "us")]
    assert spans(m, "in the U.S.") == [(7, 11, "us")]
    assert spans(m, "U.S.-led") == [(0, 4, "us")]


def test_names_across_line_breaks_double_spaces_and_no_break_spaces() -> None:
    """A multi-word alias matches whatever white-space run separates its words."""
    m = make({"id": "cz", "name": "Czech Republic"})
    for sep in ["\n", "  ", "\u00a0", " \r\n\t ", "\u2009"]:
        text = f"The Czech{sep}Republic said"
        assert spans(m, text) == [(4, 4 + 5 + len(sep) + 8, "cz")], repr(sep)


def test_unicode_case_insensitive_names() -> None:
    """Long names match in any case, non-ASCII letters included ("TÜRKİYE", "GEOANĂ")."""
    m = make(
        {"id": "tr", "name": "Türkiye"},
        {"id": "mg", "name": "Mircea Geoană"},
        {"id": "gr", "name": "Ελλάδας"},
    )
    assert spans(m, "TÜRKİYE and türkiye") == [(0, 7, "tr"), (12, 19, "tr")]
    assert spans(m, "MIRCEA GEOANĂ") == [(0, 13, "mg")]
    assert spans(m, "ΕΛΛΆΔΑΣ") == [(0, 7, "gr")]


def test_acronyms_match_only_as_written() -> None:
    """A plain-string acronym alias ("US") defaults to exact case: "us" and "Us" are not found."""
    m = make({"id": "us", "name": "United States", "aliases": ["US"]})
    assert spans(m, "us Us US") == [(6, 8, "us")]


def test_upper_first_policy() -> None:
    """An upper_first alias matches "Turkey" and "TURKEY" but not the bird."""
    m = make(
        {"id": "tr", "name": "Türkiye", "aliases": [{"text": "Turkey", "case": "upper_first"}]}
    )
    assert spans(m, "turkey Turkey TURKEY") == [(7, 13, "tr"), (14, 20, "tr")]


def test_explicit_policies_override_auto() -> None:
    """An explicit "insensitive" acronym matches any case; an explicit "exact" name only as written."""
    m = make(
        {"id": "a", "name": "Alpha", "aliases": [{"text": "GRU", "case": "insensitive"}]},
        {"id": "b", "name": "Summit", "aliases": [{"text": "Summit", "case": "exact"}]},
    )
    assert spans(m, "gru summit Summit") == [(0, 3, "a"), (11, 17, "b")]


def test_longest_mode_prefers_the_longest_span() -> None:
    """ "Russian Federal Security Service" is the FSB, not Russia plus an agency."""
    m = make(
        {"id": "fsb", "name": "Russian Federal Security Service"}, {"id": "ru", "name": "Russian"}
    )
    assert spans(m, "the Russian Federal Security Service") == [(4, 36, "fsb")]


def test_all_mode_returns_nested_and_overlapping_mentions() -> None:
    """overlaps="all" returns the outer mention first, then the nested ones, then overlapping later ones."""
    records = [
        {"id": "fsb", "name": "Russian Federal Security Service"},
        {"id": "ru", "name": "Russian"},
        {"id": "fs", "name": "Federal Security"},
        {"id": "ss", "name": "Security Service of Ukraine"},
    ]
    m = make(*records, overlaps="all")
    text = "the Russian Federal Security Service of Ukraine"
    assert spans(m, text) == [
        (4, 36, "fsb"),
        (4, 11, "ru"),
        (12, 28, "fs"),
        (20, 47, "ss"),
    ]
    assert spans(make(*records), text) == [(4, 36, "fsb")]


def test_shared_alias_goes_to_the_most_specific_policy_then_gazetteer_order() -> None:
    """Two entities with one alias: an exact alias beats an insensitive one; otherwise the first entity wins."""
    m = make(
        {"id": "lower", "name": "Lead One", "aliases": [{"text": "Lead", "case": "insensitive"}]},
        {"id": "exact", "name": "Lead Two", "aliases": [{"text": "Lead", "case": "exact"}]},
    )
    assert spans(m, "Lead lead") == [(0, 4, "exact"), (5, 9, "lower")]
    m_all = make(
        {"id": "lower", "name": "Lead One", "aliases": [{"text": "Lead", "case": "insensitive"}]},
        {"id": "exact", "name": "Lead Two", "aliases": [{"text": "Lead", "case": "exact"}]},
        overlaps="all",
    )
    assert spans(m_all, "Lead") == [(0, 4, "lower"), (0, 4, "exact")]


def test_decomposed_letters_match_composed_names() -> None:
    """Text in NFD (a letter, then its combining mark) matches names written composed, and the reverse;
    offsets are those of the text as given, marks included."""
    m = make(
        {"id": "tr", "name": "Türkiye"},
        {"id": "ci", "name": "Côte d'Ivoire"},
        {"id": "vn", "name": "Vie\u0323\u0302t Nam"},  # an alias written decomposed
        {"id": "eu", "name": "Example Union", "aliases": [{"text": "ÉU", "case": "exact"}]},
    )
    text = (
        "Tu\u0308rkiye, TU\u0308RKI\u0307YE, Co\u0302te d\u2019Ivoire, Việt Nam, E\u0301U, e\u0301U"
    )
    assert spans(m, text) == [
        (0, 8, "tr"),
        (10, 19, "tr"),
        (21, 35, "ci"),
        (37, 45, "vn"),
        (47, 50, "eu"),
    ]
    # A mark that composes with nothing stays a word character: no match ends before it.
    assert spans(m, "Türkiye\u0301 Türkiye\u0323 Tu\u0308rkiye\u0308") == []


def test_code_point_offsets_after_accents_cjk_and_emoji() -> None:
    """Offsets index the Python str, whatever precedes the mention."""
    m = make({"id": "ru", "name": "Russia"})
    for prefix in ["é ", "中国 ", "😀 ", "e\u0301 ", "İ ", "\U0001f1fa\U0001f1f8 "]:
        text = prefix + "Russia 😀"
        assert spans(m, text) == [(len(prefix), len(prefix) + 6, "ru")]


def test_unspaced_scripts_match_inside_runs() -> None:
    """Chinese and Japanese names are found without spaces around them."""
    m = make({"id": "cn", "name": "中国"}, {"id": "jp", "name": "日本"})
    assert spans(m, "中国政府と日本") == [(0, 2, "cn"), (5, 7, "jp")]


def test_mention_fields() -> None:
    """A mention carries the entity's id, kind, name, the alias that matched and its form."""
    m = cx.Matcher(cx.example_gazetteer())
    (mention,) = m.find("Who is Fancy Bear?")
    assert (mention.start, mention.end, mention.text) == (7, 17, "Fancy Bear")
    assert (mention.entity_id, mention.kind, mention.name) == (
        "threat_actor:apt28",
        "threat_actor",
        "APT28",
    )
    assert (mention.alias, mention.form) == ("Fancy Bear", None)
    (usa,) = m.find("the U.S.")
    assert (usa.alias, usa.form) == ("U.S.", "abbreviation")
    assert repr(mention) == (
        "Mention(start=7, end=17, text='Fancy Bear', entity_id='threat_actor:apt28', alias='Fancy Bear')"
    )


def test_design_example_sentence() -> None:
    """The sentence of DESIGN.md yields Germany, Czechia, Russia, APT28 and the GRU at hand-checked offsets."""
    m = cx.Matcher(cx.example_gazetteer())
    text = (
        "Germany and the Czech Republic linked the activity to the Russian group APT28, "
        "which is funded by the GRU"
    )
    assert spans(m, text) == [
        (0, 7, "country:DE"),
        (16, 30, "country:CZ"),
        (58, 65, "country:RU"),
        (72, 77, "threat_actor:apt28"),
        (102, 105, "agency:ru-gru"),
    ]


def test_empty_and_whitespace_texts() -> None:
    """Empty and blank texts have no mentions."""
    m = make(IRAN)
    assert m.find("") == []
    assert m.find(" \n\u00a0 ") == []
    assert m.find_many([]) == []
    assert len(m.find_table([])) == 0


def test_find_many_keeps_input_order_and_accepts_any_iterable() -> None:
    """find_many returns one list per text, in order, for lists, tuples and generators."""
    m = make(IRAN)
    texts = ["no", "Iran", "", "Iran and Iran"]
    expected = [[(s.start, s.end) for s in m.find(t)] for t in texts]
    for given in (texts, tuple(texts), (t for t in texts)):
        got = [[(s.start, s.end) for s in ms] for ms in m.find_many(given)]
        assert got == expected


def test_find_table_matches_find_many() -> None:
    """The columnar result holds exactly the mentions of find_many, in the same order."""
    m = cx.Matcher(cx.example_gazetteer())
    texts = cx.sample_texts()
    table = m.find_table(texts, n_threads=2)
    rows = list(
        zip(
            table.doc.tolist(),
            table.start.tolist(),
            table.end.tolist(),
            table.entity.tolist(),
            strict=True,
        )
    )
    ids = m.gazetteer.ids
    expected = [
        (d, x.start, x.end, ids.index(x.entity_id))
        for d, ms in enumerate(m.find_many(texts))
        for x in ms
    ]
    assert rows == expected
    assert table.n_docs == len(texts)
    assert table.doc.dtype.name == "int64" and table.entity.dtype.name == "int32"
    with pytest.raises(ValueError):
        table.start[0] = 5


def test_table_to_pandas_labels_every_column() -> None:
    """to_pandas gives ids, kinds, names and aliases; with the texts, the matched text too."""
    m = cx.Matcher(cx.example_gazetteer())
    texts = ["Fancy Bear and the GRU", "nothing", "Sofacy"]
    frame = m.find_table(texts).to_pandas(texts)
    assert list(frame.columns) == [
        "doc",
        "start",
        "end",
        "entity_id",
        "kind",
        "name",
        "alias",
        "form",
        "resolved_by",
        "ambiguous",
        "via",
        "text",
    ]
    assert frame["via"].astype(str).tolist() == ["alias"] * 3
    assert frame["ambiguous"].tolist() == [False] * 3
    assert frame["resolved_by"].isna().all()
    assert frame["entity_id"].astype(str).tolist() == [
        "threat_actor:apt28",
        "agency:ru-gru",
        "threat_actor:apt28",
    ]
    assert frame["kind"].astype(str).tolist() == ["threat_actor", "agency", "threat_actor"]
    assert frame["alias"].tolist() == ["Fancy Bear", "GRU", "Sofacy"]
    assert frame["text"].tolist() == ["Fancy Bear", "GRU", "Sofacy"]
    assert frame["doc"].tolist() == [0, 0, 2]
    with pytest.raises(ValueError, match="3 texts"):
        m.find_table(texts).to_pandas(texts[:2])


def test_huge_document() -> None:
    """A 32 MB document is matched whole: mentions at its start and end have exact offsets."""
    m = make(IRAN)
    filler = "lorem ipsum dolor " * (32 * 1024 * 1024 // 18)
    text = "Iran " + filler + "Iran"
    found = m.find(text)
    assert [(x.start, x.end) for x in found] == [(0, 4), (len(text) - 4, len(text))]


def test_reprs() -> None:
    """Reprs summarise what a notebook user needs."""
    g = cx.example_gazetteer()
    assert repr(g).startswith("<Gazetteer: 29 entities (agency: 8, country: 14, threat_actor: 7), ")
    m = cx.Matcher(g, overlaps="all")
    assert repr(m) == "<Matcher: 29 entities, 136 alias patterns, overlaps='all'>"
    assert repr(m.find_table(["GRU"])) == "<MentionTable: 1 mentions in 1 texts>"


def test_urls_paths_and_file_names_are_skipped() -> None:
    """A name inside a URL, a Windows path or a file name is not a mention; next to punctuation it is."""
    m = make({"id": "it", "name": "Italy"}, {"id": "cn", "name": "China"})
    assert spans(m, r"d:\scm\Italy\ares https://x.org/China-report www.china.cn China.pdf") == []
    assert spans(m, "Italy. China, (Italy) China.") == [
        (0, 5, "it"),
        (7, 12, "cn"),
        (15, 20, "it"),
        (22, 27, "cn"),
    ]


def test_mentions_carry_their_sentence_and_paragraph() -> None:
    """With segments=True, each mention knows the sentence and paragraph it starts in."""
    m = cx.Matcher(cx.example_gazetteer())
    text = "Sofacy struck. The GRU denied it.\n\nNATO reacted."
    found = [(x.text, x.sentence, x.paragraph) for x in m.find(text, segments=True)]
    assert found == [("Sofacy", 0, 0), ("GRU", 1, 0), ("NATO", 2, 1)]
    assert all(x.sentence is None for x in m.find(text))
    assert [
        [(x.sentence, x.paragraph) for x in ms] for ms in m.find_many([text], segments=True)
    ] == [[(0, 0), (1, 0), (2, 1)]]
    table = m.find_table([text, "GRU"], segments=True)
    assert table.sentence is not None and table.sentence.tolist() == [0, 1, 2, 0]
    assert table.paragraph is not None and table.paragraph.tolist() == [0, 0, 1, 0]
    assert m.find_table([text]).sentence is None
    frame = table.to_pandas()
    assert frame["sentence"].tolist() == [0, 1, 2, 0]


FIELDS = [
    "start",
    "end",
    "text",
    "entity_id",
    "kind",
    "name",
    "alias",
    "form",
    "sentence",
    "paragraph",
    "resolved_by",
    "ambiguous",
    "via",
]


def test_mention_built_by_hand_keeps_every_field_and_equals_the_matchers() -> None:
    """A Mention built from a found mention's fields (as pickle does) equals it, and one built with fields the matcher
    never writes (a place without the other, any via or resolved_by string) keeps them exactly."""
    m = cx.Matcher(cx.example_gazetteer())
    for found in m.find("Fancy Bear hit Germany. The U.S. said so.", segments=True):
        fields = {f: getattr(found, f) for f in FIELDS}
        rebuilt = cx.Mention(**fields)
        assert rebuilt == found and hash(rebuilt) == hash(found)
        assert {f: getattr(rebuilt, f) for f in FIELDS} == fields
    odd = cx.Mention(0, 1, "x", "id", "k", "n", "a", sentence=-1, via="mine", resolved_by="me")
    assert (odd.sentence, odd.paragraph, odd.via, odd.resolved_by) == (-1, None, "mine", "me")
    assert cx.Mention(0, 1, "x", "id", "k", "n", "a", paragraph=0).sentence is None
    assert cx.Mention(0, 1, "x", "id", "k", "n", "a").via == "alias"


def test_mentions_of_one_span_share_its_text_and_stay_distinct() -> None:
    """N entities sharing an alias in overlaps="all": N mentions of one span, each with its own entity."""
    g = cx.Gazetteer.from_records(
        [{"id": f"e{i}", "kind": "k", "name": f"Name {i}", "aliases": ["Shared"]} for i in range(5)]
    )
    found = cx.Matcher(g, overlaps="all").find("a Shared b, Shared")
    assert [(x.start, x.end, x.entity_id) for x in found] == [
        (s, s + 6, f"e{i}") for s in (2, 12) for i in range(5)
    ]
    assert all(x.text == "Shared" for x in found)
