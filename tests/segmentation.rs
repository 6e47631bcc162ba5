//! The sentence-segmentation test set (tests/data/sentences.txt): every passage splits back into its sentences.

use cybernexus::segment::segment;

#[test]
fn segmentation_test_set_splits_exactly() {
    let data = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sentences.txt"
    ))
    .unwrap();
    let mut passages: Vec<Vec<&str>> = vec![Vec::new()];
    for line in data.lines().filter(|l| !l.starts_with('#')) {
        if line.trim().is_empty() {
            if !passages.last().unwrap().is_empty() {
                passages.push(Vec::new());
            }
        } else {
            passages.last_mut().unwrap().push(line);
        }
    }
    let (mut right, mut total, mut wrong) = (0, 0, Vec::new());
    for gold in passages.iter().filter(|p| !p.is_empty()) {
        let text = gold.join(" ");
        let got: Vec<&str> = segment(&text)
            .sentences
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect();
        total += gold.len();
        right += gold.iter().filter(|g| got.contains(g)).count();
        if got != *gold {
            wrong.push((
                gold.clone(),
                got.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
            ));
        }
    }
    println!("sentence segmentation: {right}/{total} sentences exactly right");
    assert!(total >= 60, "the test set has {total} sentences");
    assert_eq!(wrong, Vec::<(Vec<&str>, Vec<String>)>::new());
    assert_eq!(right, total);
}

/// The sentence ends sentencex (the segmenter this project used before its own) finds in `text`, per paragraph,
/// with the old continuation rule (a piece starting in lower case or with `-,;:)` continues the previous sentence).
fn sentencex_ends(text: &str) -> Vec<usize> {
    use sentencex::languages::{English, Language};
    let mut ends = Vec::new();
    for para in cybernexus::segment::paragraphs(text) {
        let body = &text[para.start..para.end];
        let base = body.as_ptr() as usize;
        let mut last: Option<usize> = None;
        for piece in (English {}).segment(body) {
            let inner = piece.trim();
            if inner.is_empty() {
                continue;
            }
            let end = para.start + inner.as_ptr() as usize - base + inner.len();
            let continues = inner
                .chars()
                .next()
                .is_some_and(|c| c.is_lowercase() || "-,;:)".contains(c));
            match last.as_mut() {
                Some(last) if continues => *last = end,
                _ => {
                    ends.extend(last);
                    last = Some(end);
                }
            }
        }
        ends.extend(last);
    }
    ends
}

/// Where the next sentence starts after an end at `b`: the next letter or digit. Compares ends that differ only in
/// which sentence a closing quote, bracket or markdown emphasis belongs to.
fn next_word(text: &str, b: usize) -> usize {
    text[b..]
        .char_indices()
        .find(|&(_, c)| c.is_alphanumeric())
        .map_or(text.len(), |(i, _)| b + i)
}

#[test]
fn sentence_ends_agree_with_sentencex_on_the_shipped_descriptions() {
    use std::collections::BTreeSet;
    let data = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/python/cybernexus/data/misp_descriptions.jsonl"
    ))
    .unwrap();
    let (mut both, mut only_ours, mut only_sentencex) = (0usize, 0usize, 0usize);
    for line in data.lines().filter(|l| !l.trim().is_empty()) {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = value["text"].as_str().unwrap();
        let ours: BTreeSet<usize> = segment(text)
            .sentences
            .iter()
            .map(|s| next_word(text, s.end))
            .collect();
        let theirs: BTreeSet<usize> = sentencex_ends(text)
            .into_iter()
            .map(|e| next_word(text, e))
            .collect();
        both += ours.intersection(&theirs).count();
        only_ours += ours.difference(&theirs).count();
        only_sentencex += theirs.difference(&ours).count();
    }
    println!(
        "sentence ends: {both} shared, {only_ours} only ours, {only_sentencex} only sentencex"
    );
    assert!(both > 2500, "{both}");
    // At least 99% of our ends are sentencex's, and at least 98% of sentencex's are ours.
    assert!(
        100 * both >= 99 * (both + only_ours),
        "{only_ours} ends only ours"
    );
    assert!(
        100 * both >= 98 * (both + only_sentencex),
        "{only_sentencex} ends only sentencex's"
    );
}
