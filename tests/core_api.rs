//! Integration test of the public Rust API: read a JSON gazetteer, match, and check offsets by hand.

use std::sync::Arc;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use cybernexus::{read_json, Alias, CasePolicy, Entity, Gazetteer, Matcher, Offsets, Overlaps};

#[test]
fn json_gazetteer_finds_aliases_with_byte_and_char_offsets() {
    let dir = std::env::temp_dir().join(format!("cybernexus-it-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("g.json");
    std::fs::write(
        &path,
        r#"[{"id": "country:TR", "kind": "country", "name": "Türkiye", "aliases": [{"text": "Turkey", "case": "upper_first"}]},
            {"id": "agency:gru", "kind": "agency", "name": "GRU"}]"#,
    )
    .unwrap();
    let gazetteer = Arc::new(Gazetteer::from_records(read_json(&path).unwrap()).unwrap());
    let matcher = Matcher::new(gazetteer, Overlaps::Longest).unwrap();
    let text = "TÜRKİYE’s GRU ties; turkey, Turkey";
    let found = matcher.find(text, Offsets::Chars);
    let summary: Vec<_> = found
        .iter()
        .map(|m| (m.start, m.end, m.byte_start, m.byte_end, m.entity))
        .collect();
    // "TÜRKİYE" is 7 code points and 9 bytes; "’s " adds 3 code points and 5 bytes.
    assert_eq!(
        summary,
        vec![(0, 7, 0, 9, 0), (10, 13, 14, 17, 1), (28, 34, 32, 38, 0)]
    );
    assert_eq!(&text[found[1].byte_start..found[1].byte_end], "GRU");
}

/// A gazetteer of `n` made-up names ("Name 0 Bear", ..., with acronyms "N0", ...) and a text that mentions some of
/// them in every way the checks care about (glued, nested, case, white space).
fn many_names(n: usize) -> (Arc<Gazetteer>, String) {
    let entities = (0..n)
        .map(|i| Entity {
            id: format!("threat_actor:n{i}"),
            kind: "threat_actor".into(),
            name: format!("Name {i} Bear"),
            aliases: vec![
                Alias {
                    text: format!("Name {i} Bear"),
                    case: CasePolicy::Insensitive,
                    form: None,
                    needs_support: false,
                },
                Alias {
                    text: format!("N{i}"),
                    case: CasePolicy::Exact,
                    form: None,
                    needs_support: false,
                },
                Alias {
                    text: format!("Name {i}"),
                    case: CasePolicy::Insensitive,
                    form: None,
                    needs_support: false,
                },
            ],
            attrs: BTreeMap::new(),
        })
        .collect();
    let mut text = String::new();
    for i in (0..n).step_by(7) {
        write!(
            text,
            "NAME {i} BEAR and n{i} or N{i}, Name {i}\n Bear; xN{i} Name {i}0 bear Name {i}s. "
        )
        .unwrap();
    }
    (Arc::new(Gazetteer::new(entities).unwrap()), text)
}

/// Every (start, end, entity) the matcher must report in `all` mode for [`many_names`], computed independently:
/// the `aho-corasick` crate finds every occurrence of every folded alias in a lower-cased copy of the text whose
/// white-space runs are single spaces; then the boundary rule (no start or end between two ASCII word characters:
/// the text is ASCII) and the case policies of [`many_names`] (acronyms exact, names insensitive) filter them.
fn reference_all(gazetteer: &Gazetteer, text: &str) -> Vec<(usize, usize, u32)> {
    use aho_corasick::{AhoCorasick, MatchKind};
    assert!(text.is_ascii());
    let (mut folded, mut origin) = (Vec::new(), Vec::new());
    for (i, b) in text.bytes().enumerate() {
        if b.is_ascii_whitespace() && folded.last() == Some(&b' ') {
            continue;
        }
        folded.push(if b.is_ascii_whitespace() {
            b' '
        } else {
            b.to_ascii_lowercase()
        });
        origin.push(i);
    }
    origin.push(text.len());
    let mut aliases = Vec::new();
    for (e, entity) in gazetteer.entities().iter().enumerate() {
        for alias in &entity.aliases {
            aliases.push((
                alias.text.to_lowercase(),
                u32::try_from(e).unwrap(),
                alias.case,
            ));
        }
    }
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(aliases.iter().map(|a| a.0.as_str()))
        .unwrap();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = text.as_bytes();
    let mut found: Vec<(usize, usize, u32)> = automaton
        .find_overlapping_iter(&folded)
        .filter_map(|m| {
            let (start, end) = (origin[m.start()], origin[m.end() - 1] + 1);
            let (_, entity, case) = &aliases[m.pattern().as_usize()];
            let joined_start = start > 0 && word(bytes[start - 1]) && word(bytes[start]);
            let joined_end = end < bytes.len() && word(bytes[end - 1]) && word(bytes[end]);
            let span = &text[start..end];
            let case_ok = match case {
                CasePolicy::Exact => gazetteer.entities()[*entity as usize]
                    .aliases
                    .iter()
                    .any(|a| a.text == span),
                _ => true,
            };
            (!joined_start && !joined_end && case_ok).then_some((start, end, *entity))
        })
        .collect();
    found.sort_by_key(|&(s, e, k)| (s, std::cmp::Reverse(e), k));
    found.dedup();
    found
}

/// (start, end, entity) of each match.
fn spans(found: Vec<cybernexus::Match>) -> Vec<(usize, usize, u32)> {
    found.iter().map(|m| (m.start, m.end, m.entity)).collect()
}

/// Leftmost-longest selection among `candidates` sorted by start, then longest first: the greedy choice.
fn leftmost_longest(candidates: &[(usize, usize, u32)]) -> Vec<(usize, usize, u32)> {
    let mut chosen = Vec::new();
    let mut taken = 0;
    for &(s, e, k) in candidates {
        if s >= taken {
            chosen.push((s, e, k));
            taken = e;
        }
    }
    chosen
}

#[test]
fn mentions_agree_with_an_aho_corasick_reference() {
    let (gazetteer, text) = many_names(1_500); // 4,500 patterns
    let expected = reference_all(&gazetteer, &text);
    let all = Matcher::new(Arc::clone(&gazetteer), Overlaps::All).unwrap();
    assert_eq!(spans(all.find(&text, Offsets::Chars)), expected);
    let greedy = leftmost_longest(&expected);
    let longest = Matcher::new(Arc::clone(&gazetteer), Overlaps::Longest).unwrap();
    let found = spans(longest.find(&text, Offsets::Chars));
    // Three per mentioned name (215 of them), plus "Name {i}0 bear" naming entity 10 i for 7 <= i < 150.
    assert_eq!(found.len(), 3 * 215 + 21);
    assert_eq!(found, greedy);
    // Small sets: counted by hand.
    let (small, text) = many_names(10);
    let matcher = Matcher::new(small, Overlaps::Longest).unwrap();
    let found = spans(matcher.find(&text, Offsets::Chars));
    // "NAME 0 BEAR" (case-insensitive), "N0" at 22 (exact: not "n0", not inside "xN0"), "Name 0\n Bear" at 26 (a
    // white-space run); "Name 00 bear" and "Name 0s" glue "Name 0" to a word: no match.
    assert_eq!(&found[..3], &[(0, 11, 0), (22, 24, 0), (26, 38, 0)]);
    assert_eq!(found.len(), 6); // the same three for entity 7
}

#[test]
fn text_that_makes_the_walks_dear_gets_the_same_mentions_from_the_automaton() {
    // "a a a ... a b" almost matches "a a a a ..." from every word start: the walks would read the text's length
    // times the alias's, so the matcher switches to its automaton for this text. The answer must not change.
    let alias = |text: String| Alias {
        text,
        case: CasePolicy::Insensitive,
        form: None,
        needs_support: false,
    };
    let entity = |id: &str, aliases: Vec<Alias>| Entity {
        id: id.into(),
        kind: "test".into(),
        name: aliases[0].text.clone(),
        aliases,
        attrs: BTreeMap::new(),
    };
    let gazetteer = Arc::new(
        Gazetteer::new(vec![
            entity("test:long", vec![alias(format!("{}b", "a ".repeat(300)))]),
            entity("test:pair", vec![alias("a a".into())]),
            entity("test:x", vec![alias("x".into())]),
        ])
        .unwrap(),
    );
    let text = format!("{}x a  a b {}b", "a ".repeat(20_000), "A\n".repeat(300));
    let expected = reference_all(&gazetteer, &text);
    let all = Matcher::new(Arc::clone(&gazetteer), Overlaps::All).unwrap();
    assert_eq!(spans(all.find(&text, Offsets::Chars)), expected);
    let greedy = leftmost_longest(&expected);
    let longest = Matcher::new(gazetteer, Overlaps::Longest).unwrap();
    let found = spans(longest.find(&text, Offsets::Chars));
    // 10,000 pairs, "x", the pair "a  a" and the 301-token alias ending in the last "b".
    assert_eq!(found.len(), 10_003);
    assert_eq!(found, greedy);
}
