//! The segmenter's word lists, kept as data files beside this module (one word per line, sorted; `#` starts a
//! comment line) and read once.

use std::sync::OnceLock;

/// The words of a list file.
fn list(text: &'static str) -> Vec<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// Abbreviations that usually do not end a sentence when followed by a full stop (`abbreviations.txt`).
pub(super) fn abbreviations() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| list(include_str!("abbreviations.txt")))
}

/// Words that start a sentence and rarely follow an abbreviation inside one (`starters.txt`).
pub(super) fn starters() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| list(include_str!("starters.txt")))
}

/// Time zones that continue a sentence after "a.m." or "p.m." (`time_zones.txt`).
pub(super) fn time_zones() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| list(include_str!("time_zones.txt")))
}
