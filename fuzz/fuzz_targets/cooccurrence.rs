//! Co-occurrence of arbitrary texts: counts symmetric (upper triangle), every pair bounded by both diagonals, the
//! same for every thread count, and the counts of two halves add up to those of the whole.
#![no_main]

mod common;

use common::{matchers, text, Bytes, PREPARED};
use cybernexus::cooccurrence::{cooccurrence, Counts, Scope};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut bytes = Bytes(data);
    let m = &matchers()[bytes.byte() as usize % PREPARED].0;
    let scope = match bytes.byte() % 4 {
        0 => Scope::Document,
        1 => Scope::Paragraph,
        2 => Scope::Sentence,
        k => Scope::Window(1 + usize::from(k) + usize::from(bytes.byte() % 5)),
    };
    let all = text(&mut bytes);
    let texts: Vec<&str> = all.split('|').collect();
    let whole = cooccurrence(m, &texts, scope, Some, Some(1)).expect("valid arguments");
    for (&(i, j), &n) in &whole.pairs {
        assert!(i <= j);
        assert!(n <= whole.pairs[&(i, i)] && n <= whole.pairs[&(j, j)]);
        assert!(n <= whole.n_units);
    }
    assert_eq!(
        cooccurrence(m, &texts, scope, Some, Some(2)).expect("valid"),
        whole
    );
    let half = texts.len() / 2;
    let mut parts: Counts = cooccurrence(m, &texts[..half], scope, Some, Some(1)).expect("valid");
    parts.merge(&cooccurrence(m, &texts[half..], scope, Some, Some(1)).expect("valid"));
    assert_eq!(parts, whole);
});
