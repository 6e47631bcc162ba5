"""Property tests: the Rust matcher agrees exactly with the reference in ``reference.py``."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st
from reference import (
    WS,
    MentionKey,
    Overlaps,
    ReferenceMatcher,
    alias_exact,
    alias_folded,
    fold,
    in_url_or_path,
    is_word,
    normalize_text,
    policy_accepts,
)

import cybernexus as cx

Records = list[dict[str, Any]]
AliasSpec = str | dict[str, str]
Entities = list[tuple[str, list[AliasSpec]]]

# -------------------------------------------------------------------------------------------------
# Strategies
# -------------------------------------------------------------------------------------------------

TRICKY_ALIASES: list[str] = [
    "Iran",
    "Iran Air",
    "Iranian",
    "Iran  Air",
    " Iran ",
    "US",
    "U.S.",
    "us",
    "United States",
    "United\u00a0States",
    "Türkiye",
    "TÜRKİYE",
    "İstanbul",
    "Czech Republic",
    "Czech",
    "Russia",
    "Russia's",
    "Russia\u2019s",
    "Russian Federation",
    "NATO",
    "NATO-led",
    "Σύρος",
    "ΣΎΡΟΣ",
    "Ελλάς",
    "中国",
    "中国政府",
    "한국",
    "Côte d\u2019Ivoire",
    "Cote d'Ivoire",
    "St. Petersburg",
    "St.",
    "APT-28",
    "APT28",
    "APT 28",
    "a.k.a.",
    "aka",
    "Fancy Bear",
    "Bear",
    "KGB",
    "\u212aGB",
    "Straße",
    "STRAẞE",
    "O'Brien",
    '"Quoted"',
    "x_y",
    "_",
    "-",
    "'",
    "Lazarus Group",
    "Group",
    "ǅemal",
    "e\u0301",
    "é",
    "1",
    "28",
    "a-a",
]

#: Characters random aliases are made of: ASCII letters, case traps, separators, marks, CJK.
ALIAS_ALPHABET = "aAbBiIsSkK İ\u0131Σ\u03c3ςΐ\u212aẞß'\u2019-\u2014._1中éÉ\u0301ǅệ\u0323\u0302"

SEPARATORS: list[str] = [" ", ",", ".", "-", "'", "\u2019", "\u2014", "_", "(", ")"]
#: Pieces of URLs, paths and file names, where the matcher skips matches.
URL_PIECES: list[str] = ["://", "\\", "www.", ".pdf", ".exe.", ".c0m", ".12", ".docx", "/", ".x"]
GLUE: list[str] = ["a", "s", "ian", "1", "_", "é", "\u0301", "\u0323", "ǅ", "中", "은", "ๆ", "x"]
WS_LIST: list[str] = sorted(WS)
SPECIAL_CHARS: list[str] = [
    *("İ", "\u0131", "Σ", "\u03c3", "ς", "\u212a", "ẞ", "ß", "ﬁ", "Ⱥ", "ǅ"),
    *("中", "国", "政", "한", "😀", "\u0301"),
    *("\x1c", "\x1f", "\x85", "\u00a0", "\u200b"),
    *("\u2011", "\u2019", "\u02bc", "\u201c", "\uff0d"),
]
APOSTROPHES: list[str] = ["'", "\u2018", "\u2019", "\u201b", "\u02bc", "\u2032", "\uff07"]
DASHES: list[str] = ["-", "\u2010", "\u2011", "\u2013", "\u2014", "\u2015", "\u2212", "\ufe63"]
QUOTES: list[str] = ['"', "\u201c", "\u201d", "\u201e", "\u2033", "\uff02"]
POLICIES: list[str] = ["auto", "insensitive", "exact", "upper_first"]
#: Characters that look like white space but are not ``White_Space``.
NOT_WS: list[str] = ["\x1c", "\x1d", "\x1e", "\x1f", "\u200b", "\u180e", "\ufeff"]
CASE_CHANGES: list[str] = ["as_is", "upper", "lower", "title", "swap", "capitalize", "mixed"]

ws_runs = st.lists(st.sampled_from(WS_LIST), min_size=1, max_size=3).map("".join)
any_char = st.characters(exclude_categories=("Cs", "Cn"))
random_alias = st.text(alphabet=ALIAS_ALPHABET, min_size=1, max_size=7).filter(
    lambda s: alias_folded(s) != ""
)
alias_texts = st.one_of(st.sampled_from(TRICKY_ALIASES), random_alias)


def change_case(draw: st.DrawFn, text: str) -> str:
    """``text`` as is, in upper, lower or title case, swapped, capitalised or mixed."""
    case = draw(st.sampled_from(["as_is", "as_is", *CASE_CHANGES]))
    if case == "upper":
        return text.upper()
    if case == "lower":
        return text.lower()
    if case == "title":
        return text.title()
    if case == "swap":
        return text.swapcase()
    if case == "capitalize":
        return text.capitalize()
    if case == "mixed":
        flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
        return "".join(c.upper() if f else c.lower() for c, f in zip(text, flips, strict=True))
    return text


@st.composite
def alias_specs(draw: st.DrawFn, pool: Sequence[str]) -> AliasSpec:
    """An alias as a record lists it: a plain string (policy ``auto``) or a dict. Its text is
    mostly from ``pool`` (so entities share folded forms), in some case."""
    if draw(st.integers(0, 3)) > 0:
        text = draw(st.sampled_from(pool))
        if draw(st.booleans()):
            text = change_case(draw, text)
    else:
        text = draw(alias_texts)
    if alias_folded(text) == "":  # a case change cannot empty an alias, but be safe
        text = "x"
    if draw(st.integers(0, 3)) == 0:
        return text
    spec: dict[str, str] = {"text": text}
    if draw(st.integers(0, 5)) > 0:
        spec["case"] = draw(st.sampled_from(POLICIES))
    if draw(st.booleans()):
        spec["form"] = draw(st.sampled_from(["abbreviation", "adjective", "name"]))
    return spec


def alias_text(spec: AliasSpec) -> str:
    """The text of an alias spec."""
    return spec if isinstance(spec, str) else spec["text"]


def make_records(entities: Sequence[tuple[str, Sequence[AliasSpec]]]) -> Records:
    """Records from ``(id, aliases)`` pairs; the name is the first alias's text."""
    return [
        {"id": i, "kind": "k", "name": alias_text(a[0]), "aliases": list(a), "attrs": {}}
        for i, a in entities
    ]


@st.composite
def record_lists(draw: st.DrawFn) -> Records:
    """Records of 1 to 4 entities with 1 to 4 aliases each, drawn from a small shared pool."""
    pool = draw(st.lists(alias_texts, min_size=1, max_size=5))
    n = draw(st.integers(1, 4))
    specs = st.lists(alias_specs(pool), min_size=1, max_size=4)
    return make_records([(f"e{i}", draw(specs)) for i in range(n)])


@st.composite
def alias_variants(draw: st.DrawFn, aliases: Sequence[str]) -> str:
    """An alias as a text might write it: other case, white space and typographic punctuation;
    sometimes a space becomes a character that only looks like white space (U+001C, U+200B)."""
    text = change_case(draw, draw(st.sampled_from(aliases)))
    out: list[str] = []
    for c in text:
        if c in WS:
            out.append(draw(st.one_of(ws_runs, ws_runs, ws_runs, st.sampled_from(NOT_WS))))
        elif c in "'\u2019":
            out.append(draw(st.sampled_from(APOSTROPHES)))
        elif c in "-\u2014":
            out.append(draw(st.sampled_from(DASHES)))
        elif c == '"':
            out.append(draw(st.sampled_from(QUOTES)))
        else:
            out.append(c)
    # Decomposed (NFD) or composed (NFC) letters, as different sources write them.
    form: Literal["NFD", "NFC"] | None = draw(st.sampled_from([None, None, "NFD", "NFC"]))
    return "".join(out) if form is None else unicodedata.normalize(form, "".join(out))


def text_pieces(aliases: Sequence[str]) -> st.SearchStrategy[str]:
    """A piece of text: mostly aliases and separators, some glue, white space and noise."""
    variant = alias_variants(aliases)
    separator = st.sampled_from(SEPARATORS)
    return st.one_of(
        *(variant, variant, variant, variant),
        *(separator, separator),
        st.sampled_from(GLUE),
        ws_runs,
        st.sampled_from(SPECIAL_CHARS),
        st.sampled_from(URL_PIECES),
        any_char,
    )


def texts_for(
    records: Records, min_pieces: int = 0, max_pieces: int = 16
) -> st.SearchStrategy[str]:
    """Texts of ``min_pieces`` to ``max_pieces`` pieces for the aliases of ``records``."""
    aliases = [alias_text(a) for r in records for a in r["aliases"]]
    return st.lists(text_pieces(aliases), min_size=min_pieces, max_size=max_pieces).map("".join)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Records, str]:
    """A gazetteer's records and one text."""
    records = draw(record_lists())
    return records, draw(texts_for(records, min_pieces=1))


@st.composite
def batches(draw: st.DrawFn) -> tuple[Records, list[str]]:
    """A gazetteer's records and 0 to 40 texts."""
    records = draw(record_lists())
    return records, draw(st.lists(texts_for(records, max_pieces=8), max_size=40))


# -------------------------------------------------------------------------------------------------
# Helpers
# -------------------------------------------------------------------------------------------------

MODES: tuple[Overlaps, ...] = ("longest", "all")
QUICK = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def keys(mentions: Sequence[cx.Mention]) -> list[MentionKey]:
    """Comparable tuples ``(start, end, entity_id, alias)``."""
    return [(m.start, m.end, m.entity_id, m.alias) for m in mentions]


def full_keys(mentions: Sequence[cx.Mention]) -> list[tuple[object, ...]]:
    """Every field of each mention."""
    return [
        (m.start, m.end, m.text, m.entity_id, m.kind, m.name, m.alias, m.form) for m in mentions
    ]


def reference_and_rust(
    records: Records, text: str, overlaps: Overlaps
) -> tuple[list[MentionKey], list[MentionKey]]:
    """(reference mentions, Rust mentions) of ``text``; also checks each Rust mention's text."""
    g = cx.Gazetteer.from_records(records)
    ref = ReferenceMatcher(g.to_records(), overlaps)
    found = ref.find_aliases(text)
    # The reference models the aliases; scheme names ("APT280") and acronyms a text defines are rules of their own,
    # tested against their own references (tests/test_patterns.py, tests/test_rules.py).
    got = cx.Matcher(g, overlaps=overlaps, patterns=False, acronyms=False).find(text)
    for m in got:
        assert text[m.start : m.end] == m.text, m
    expected = [(s, e, ref.entities[a.entity].id, a.text) for s, e, a in found]
    if keys(got) == expected:
        # Same entity and alias text; the alias *index* must agree too (its form tells).
        assert [m.form for m in got] == [a.form for _, _, a in found]
    return expected, keys(got)


# -------------------------------------------------------------------------------------------------
# 1. The matcher agrees with the reference
# -------------------------------------------------------------------------------------------------


@settings(QUICK, max_examples=500)
@given(case=cases())
@example(case=(make_records([("iran", ["Iran"]), ("air", ["Iran Air"])]), "Iran Airways"))
@example(case=(make_records([("tr", ["Türkiye"])]), "😀 İ TÜRKİYE"))
@example(case=(make_records([("cz", ["Czech Republic"])]), "Czech\n \xa0Republic\x1cCzech"))
@example(case=(make_records([("x", ["a-a"])]), "a-a\u2011a-a"))
@example(case=(make_records([("x", ["x"])]), ""))
@example(case=(make_records([("a", ["APT28"])]), "APT280"))
def test_matcher_agrees_with_reference(case: tuple[Records, str]) -> None:
    """For random gazetteers and texts, ``find`` returns exactly the reference's mentions
    (offsets, entity, reported alias, order) in both overlap modes, and ``m.text`` is the
    text's slice ``text[m.start:m.end]``."""
    records, text = case
    note(f"records: {cx.Gazetteer.from_records(records).to_records()!r}")
    note(f"text: {text!r}")
    for overlaps in MODES:
        expected, got = reference_and_rust(records, text, overlaps)
        assert got == expected, overlaps


# -------------------------------------------------------------------------------------------------
# 2. find_many is find, for every thread count
# -------------------------------------------------------------------------------------------------


@settings(QUICK, max_examples=60)
@given(batch=batches(), overlaps=st.sampled_from(MODES))
def test_find_many_equals_find(batch: tuple[Records, list[str]], overlaps: Overlaps) -> None:
    """``find_many(texts, n_threads=k)`` equals ``[find(t) for t in texts]``, field by field and
    in input order, for k in 1, 2, 4 and None."""
    records, texts = batch
    m = cx.Matcher(cx.Gazetteer.from_records(records), overlaps=overlaps)
    expected = [full_keys(m.find(t)) for t in texts]
    for k in (1, 2, 4, None):
        got = m.find_many(texts, n_threads=k)
        assert [full_keys(ms) for ms in got] == expected, f"n_threads={k}"


# -------------------------------------------------------------------------------------------------
# 3. Offsets and lookup
# -------------------------------------------------------------------------------------------------


@settings(QUICK, max_examples=200)
@given(case=cases(), overlaps=st.sampled_from(MODES))
def test_offsets_slice_the_text_and_lookup_finds_the_entity(
    case: tuple[Records, str], overlaps: Overlaps
) -> None:
    """Every mention satisfies ``text[m.start:m.end] == m.text``, and ``g.lookup(m.text)`` (the
    mention's text taken as a whole) names the mention's entity."""
    records, text = case
    g = cx.Gazetteer.from_records(records)
    for m in cx.Matcher(g, overlaps=overlaps).find(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert m.entity_id in [e.id for e in g.lookup(m.text)], m


# -------------------------------------------------------------------------------------------------
# 4. The reference itself, pinned against hand-computed results
# -------------------------------------------------------------------------------------------------

IRAN_AIR: Entities = [("iran", ["Iran"]), ("air", ["Iran Air"])]
GEORGIA: Entities = [
    ("a", [{"text": "georgia", "case": "insensitive"}]),
    ("b", [{"text": "Georgia", "case": "upper_first"}]),
]
FSB: Entities = [("fsb", ["Russian Federal Security Service"]), ("ru", ["Russian"])]

PINNED: list[tuple[Entities, str, Overlaps, list[MentionKey]]] = [
    # A rejected longer candidate ("Iran Air" in "Iran Airways") does not hide the shorter one.
    (IRAN_AIR, "Iran Airways", "longest", [(0, 4, "iran", "Iran")]),
    (IRAN_AIR, "Iran Air flew", "longest", [(0, 8, "air", "Iran Air")]),
    (IRAN_AIR, "Iran Air flew", "all", [(0, 8, "air", "Iran Air"), (0, 4, "iran", "Iran")]),
    # Word boundaries; "US" is exact by default.
    ([("iran", ["Iran"]), ("us", ["US"])], "Iranian USB", "longest", []),
    (
        [("iran", ["Iran"]), ("us", ["US"])],
        "Iran's US-led us",
        "longest",
        [(0, 4, "iran", "Iran"), (7, 9, "us", "US")],
    ),
    # A combining mark is a word character; U+001C is neither white space nor a word character.
    ([("iran", ["Iran"])], "Iran\u0301 Iran", "longest", [(6, 10, "iran", "Iran")]),
    ([("cz", ["Czech Republic", "Czech"])], "Czech\x1cRepublic", "all", [(0, 5, "cz", "Czech")]),
    # White-space runs of any kind match one space; the span covers the whole run.
    (
        [("cz", ["Czech Republic"])],
        "a Czech\n \xa0\u3000Republic.",
        "longest",
        [(2, 19, "cz", "Czech Republic")],
    ),
    # Python string offsets after astral and wide characters; İ folds to i.
    ([("tr", ["Türkiye"])], "😀 İ TÜRKİYE", "longest", [(4, 11, "tr", "Türkiye")]),
    # Final sigma, Kelvin sign, typographic apostrophe and dash.
    (
        [("gr", ["Σύρος"])],
        "ΣΎΡΟΣ σύροσ",
        "longest",
        [(0, 5, "gr", "Σύρος"), (6, 11, "gr", "Σύρος")],
    ),
    (
        [("k", [{"text": "kgb", "case": "insensitive"}])],
        "\u212aGB",
        "longest",
        [(0, 3, "k", "kgb")],
    ),
    ([("ru", ["Russia's"])], "Russia\u2019s", "longest", [(0, 8, "ru", "Russia's")]),
    ([("apt", ["APT-28"])], "APT\u201128 apt-28", "longest", [(0, 6, "apt", "APT-28")]),
    # Unspaced scripts: Han characters are not word characters.
    ([("cn", ["中国"])], "中国政府和中国", "longest", [(0, 2, "cn", "中国"), (5, 7, "cn", "中国")]),
    # Case policies.
    ([("us", ["U.S."])], "the U.S. and u.s.", "longest", [(4, 8, "us", "U.S.")]),
    (
        [("tr", [{"text": "Turkey", "case": "upper_first"}])],
        "Turkey turkey TURKEY",
        "longest",
        [(0, 6, "tr", "Turkey"), (14, 20, "tr", "Turkey")],
    ),
    (
        [("dz", [{"text": "ǅemal", "case": "upper_first"}])],
        "ǅemal ǆemal ǄEMAL",
        "longest",
        [(0, 5, "dz", "ǅemal"), (12, 17, "dz", "ǅemal")],
    ),
    # Hangul is an unspaced script too.
    ([("kr", ["한국"])], "한국은 한국", "longest", [(0, 2, "kr", "한국"), (4, 6, "kr", "한국")]),
    # Ranking: exact, then upper_first, then insensitive; then entity order.
    (GEORGIA, "Georgia georgia", "longest", [(0, 7, "b", "Georgia"), (8, 15, "a", "georgia")]),
    (GEORGIA, "Georgia", "all", [(0, 7, "a", "georgia"), (0, 7, "b", "Georgia")]),
    # Per entity, the most specific accepted alias is the reported one.
    (
        [("bear", ["bear", {"text": "Bear", "case": "exact"}])],
        "Bear bear",
        "all",
        [(0, 4, "bear", "Bear"), (5, 9, "bear", "bear")],
    ),
    # Overlapping occurrences: all of them in "all" mode, the leftmost in "longest" mode.
    ([("x", ["a-a"])], "a-a-a", "all", [(0, 3, "x", "a-a"), (2, 5, "x", "a-a")]),
    ([("x", ["a-a"])], "a-a-a", "longest", [(0, 3, "x", "a-a")]),
    # Nested mentions.
    (
        FSB,
        "the Russian Federal Security Service",
        "all",
        [(4, 36, "fsb", "Russian Federal Security Service"), (4, 11, "ru", "Russian")],
    ),
    (
        FSB,
        "the Russian Federal Security Service",
        "longest",
        [(4, 36, "fsb", "Russian Federal Security Service")],
    ),
]


@pytest.mark.parametrize(("entities", "text", "overlaps", "expected"), PINNED)
def test_reference_and_matcher_on_hand_computed_cases(
    entities: Entities, text: str, overlaps: Overlaps, expected: list[MentionKey]
) -> None:
    """On small hand-computed cases, the reference gives the expected mentions, and so does the
    Rust matcher."""
    ref, rust = reference_and_rust(make_records(entities), text, overlaps)
    assert ref == expected
    assert rust == expected


def test_reference_normalisation_is_pinned() -> None:
    """The reference collapses white-space runs, folds case and typography one character to one,
    and maps each normalised character back to its unit in the original."""
    norm, units = normalize_text("a\xa0\xa0\nb \u212ac\u2019İς\x1c")
    assert norm == "a b kc'i\u03c3\x1c"
    assert units == [(0, 1), (1, 4), (4, 5), (5, 6), (6, 7)] + [(i, i + 1) for i in range(7, 12)]
    assert alias_folded("  Czech\u00a0\n Republic ") == "czech republic"
    assert alias_exact("Russia\u2019s \u2014") == "Russia's -"
    assert (fold("\u0130"), fold("ς"), fold("\uff0d"), fold("ẞ")) == ("i", "\u03c3", "-", "ß")
    assert all(is_word(c) for c in "é_\u0301٣ǅ")
    assert not any(is_word(c) for c in "-\u2019中한\x1c ")
    assert "\x1c" not in WS and "\x85" in WS and "\u200b" not in WS


# -------------------------------------------------------------------------------------------------
# 5. Character classes, exhaustively
# -------------------------------------------------------------------------------------------------

ASSIGNED: list[str] = [
    chr(i) for i in range(0x110000) if unicodedata.category(chr(i)) not in ("Cs", "Cn")
]


def test_large_gazetteer_agrees_with_reference() -> None:
    """With more alias patterns than the matcher compiles into a DFA (so it falls back to an NFA),
    ``find`` still returns exactly the reference's mentions, in both overlap modes."""
    rng = random.Random(20240611)
    alphabet = "abcdi\u03c3' -中é"
    patterns: dict[str, str] = {}  # folded form -> alias
    while len(patterns) < 24_000:  # more than the matcher's DFA limit of 20,000 patterns
        word = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 7)))
        if alias_folded(word):
            patterns.setdefault(alias_folded(word), word)
    words = sorted(patterns.values())
    entities: Entities = [
        (f"e{i}", [{"text": w, "case": rng.choice(POLICIES)}]) for i, w in enumerate(words)
    ]
    g = cx.Gazetteer.from_records(make_records(entities))
    texts = [
        " ".join(
            rng.choice(words).upper() if rng.random() < 0.3 else rng.choice(words)
            for _ in range(12)
        )
        + "\u00a0 ΣΑς"
        for _ in range(8)
    ]
    for overlaps in MODES:
        ref = ReferenceMatcher(g.to_records(), overlaps)
        m = cx.Matcher(g, overlaps=overlaps)
        assert [keys(m.find(t)) for t in texts] == [ref.find(t) for t in texts], overlaps


def test_word_characters_agree_on_every_code_point() -> None:
    """For every assigned code point c, "q" is found in "q" + c exactly when the reference says c
    is not a word character and the pair is no path (a backslash), and in c + "q" likewise."""
    g = cx.Gazetteer.from_records(make_records([("q", [{"text": "q", "case": "insensitive"}])]))
    m = cx.Matcher(g, overlaps="all")
    after = m.find_many(["q" + c for c in ASSIGNED])
    before = m.find_many([c + "q" for c in ASSIGNED])
    bad = [
        (f"U+{ord(c):04X}", unicodedata.category(c))
        for c, a, b in zip(ASSIGNED, after, before, strict=True)
        if any(x.start == 0 for x in a) == (is_word(c) or in_url_or_path("q" + c, 0, 1))
        or any(x.start == 1 for x in b) == (is_word(c) or in_url_or_path(c + "q", 1, 2))
    ]
    assert bad == []


def test_case_folding_and_policies_agree_on_every_cased_character() -> None:
    """For every assigned code point c that folds to another character or is a cased letter, the
    text c alone is found under alias fold(c) with policy p exactly when the reference's policy
    check accepts it (insensitive: always; upper_first: c is Lu or Lt; exact: c == fold(c))."""
    chars = [
        c
        for c in ASSIGNED
        if c not in WS and (fold(c) != c or unicodedata.category(c) in ("Lu", "Ll", "Lt"))
    ]
    folded = sorted({fold(c) for c in chars})
    entities: Entities = [
        (f"{policy}:{v}", [{"text": v, "case": policy}])
        for policy in ("exact", "upper_first", "insensitive")
        for v in folded
    ]
    m = cx.Matcher(cx.Gazetteer.from_records(make_records(entities)), overlaps="all")
    policies = ("exact", "upper_first", "insensitive")
    bad: list[tuple[str, list[MentionKey], list[MentionKey]]] = []
    for c, found in zip(chars, m.find_many(chars), strict=True):
        v = fold(c)
        accepted = [policy_accepts(p, c, v) for p in policies]
        expected = [(0, 1, f"{p}:{v}", v) for p, ok in zip(policies, accepted, strict=True) if ok]
        if keys(found) != expected:
            bad.append((f"U+{ord(c):04X}", keys(found), expected))
    assert bad == []


LINE_ENDS = ["\n", "\r\n", "\r", "\u2028"]


@settings(QUICK, max_examples=200)
@given(
    lines=st.lists(
        st.text(alphabet="ab .\t\u00a0\u2019\u2014", max_size=8), min_size=1, max_size=8
    ),
    data=st.data(),
)
def test_every_line_end_splits_paragraphs_as_a_line_feed_does(lines: list[str], data: Any) -> None:
    """Lines joined by any mix of line ends (LF, CRLF, lone CR, U+2028) give the paragraphs of the same lines
    joined by LF, line for line; a U+2029 in place of a line end separates paragraphs as a blank line does."""
    ends = [data.draw(st.sampled_from(LINE_ENDS)) for _ in lines[1:]]
    # A lone CR, an empty line and a line feed would read as one CRLF: make that CR a line feed.
    for i in range(len(ends) - 1):
        if ends[i] == "\r" and lines[i + 1] == "" and ends[i + 1].startswith("\n"):
            ends[i] = "\n"
    mixed = lines[0] + "".join(e + line for e, line in zip(ends, lines[1:], strict=True))
    plain = "\n".join(lines)

    def paragraphs(text: str) -> list[list[str]]:
        # Each paragraph as its lines, whatever ends them.
        spans = cx.segment(text)["paragraphs"]
        return [
            text[s:e].replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").split("\n")
            for s, e in spans
        ]

    assert paragraphs(mixed) == paragraphs(plain)
    if len(lines) > 1:
        at = data.draw(st.integers(1, len(lines) - 1))
        separated = "\n".join(lines[:at]) + "\u2029" + "\n".join(lines[at:])
        blank = "\n".join(lines[:at]) + "\n\n" + "\n".join(lines[at:])
        assert paragraphs(separated) == paragraphs(blank)
