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
