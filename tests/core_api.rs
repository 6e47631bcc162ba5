//! Integration test of the public Rust API: read a JSON gazetteer, match, and check offsets by hand.

use std::sync::Arc;

use cybernexus::{read_json, Gazetteer, Matcher, Offsets, Overlaps};

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
