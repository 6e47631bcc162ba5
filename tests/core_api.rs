//! Integration test of the public Rust API: read a JSON gazetteer, match, and check offsets by hand.

use std::sync::Arc;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use cybernexus::{
    read_json, Alias, Build, CasePolicy, Entity, Gazetteer, Matcher, Offsets, Overlaps,
};

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
                },
                Alias {
                    text: format!("N{i}"),
                    case: CasePolicy::Exact,
                    form: None,
                },
                Alias {
                    text: format!("Name {i}"),
                    case: CasePolicy::Insensitive,
                    form: None,
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

#[test]
fn nfa_dfa_and_background_builds_find_the_same_mentions() {
    let (gazetteer, text) = many_names(1_500); // 4,500 patterns: above the synchronous DFA limit
    for overlaps in [Overlaps::Longest, Overlaps::All] {
        let nfa = Matcher::with_automaton(Arc::clone(&gazetteer), overlaps, Build::Nfa).unwrap();
        let dfa = Matcher::with_automaton(Arc::clone(&gazetteer), overlaps, Build::Dfa).unwrap();
        let auto = Matcher::new(Arc::clone(&gazetteer), overlaps).unwrap();
        assert_eq!(nfa.automaton_kind(), "nfa");
        assert_eq!(dfa.automaton_kind(), "dfa");
        let expected = nfa.find(&text, Offsets::Chars);
        if overlaps == Overlaps::Longest {
            // Three per mentioned name (215 of them), plus "Name {i}0 bear" naming entity 10 i for 7 <= i < 150.
            assert_eq!(expected.len(), 3 * 215 + 21);
        }
        assert_eq!(dfa.find(&text, Offsets::Chars), expected);
        // Whichever automaton the background build has reached, the answer is the same; and it reaches the DFA.
        assert_eq!(auto.find(&text, Offsets::Chars), expected);
        let deadline = Instant::now() + Duration::from_secs(60);
        while auto.automaton_kind() != "dfa" {
            assert!(
                Instant::now() < deadline,
                "the background DFA was never ready"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(auto.find(&text, Offsets::Chars), expected);
    }
    // Small sets get their DFA before `new` returns.
    let (small, text) = many_names(10);
    let matcher = Matcher::new(small, Overlaps::Longest).unwrap();
    assert_eq!(matcher.automaton_kind(), "dfa");
    let found: Vec<_> = matcher
        .find(&text, Offsets::Chars)
        .iter()
        .map(|m| (m.start, m.end, m.entity))
        .collect();
    // Counted by hand: "NAME 0 BEAR" (case-insensitive), "N0" at 22 (exact: not "n0", not inside "xN0"),
    // "Name 0\n Bear" at 26 (a white-space run); "Name 00 bear" and "Name 0s" glue "Name 0" to a word: no match.
    assert_eq!(&found[..3], &[(0, 11, 0), (22, 24, 0), (26, 38, 0)]);
    assert_eq!(found.len(), 6); // the same three for entity 7
}
