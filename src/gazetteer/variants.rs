//! Variant spellings of group and software names that writers use but lists leave out: CamelCase names split
//! (`CloudAtlas` also as "Cloud Atlas") and names of two or three capitalised words joined ("Shiny Hunters" also as
//! `ShinyHunters`).
//!
//! Variants are generated when a gazetteer is built, for every gazetteer (the built-in one and users' own), and
//! only for the kinds whose names are written both ways in threat reports: `threat_actor` and `software`. Country and
//! agency names are not: `NewZealand` is an identifier, not prose. A variant is matched as another spelling of its
//! alias (a mention reports the alias it is a variant of), never where an alias as written has the same folded form,
//! and with a stricter case policy than its alias where the variant could be prose:
//!
//! * a split variant must be written as generated, each word capitalised ("Cloud Atlas", or wholly in capitals as
//!   in a headline), because the words alone are often ordinary ("dark side");
//! * a joined variant needs an upper-case first letter (`ShinyHunters`, `SHINYHUNTERS`), since lower-case joined
//!   words are identifiers (domains, handles), not names.
//!
//! Parts shorter than three letters are not split off (`McAfee`, "iOS"), and a name with digits or punctuation is
//! left alone ("APT28", "Lazarus-Group"): tracking codes have their own rule ([`crate::patterns`]).

use super::{Alias, CasePolicy, Entity};

/// The kinds whose aliases get variants.
pub const KINDS: [&str; 2] = ["threat_actor", "software"];

/// Shortest part a CamelCase name is split into, or a joined word may have.
const MIN_PART: usize = 3;

/// The variants of `alias` (an alias of `entity`) with their case policies; empty for other kinds.
pub fn variants(entity: &Entity, alias: &Alias) -> Vec<(String, CasePolicy)> {
    if !KINDS.contains(&entity.kind.as_str()) {
        return Vec::new();
    }
    let text = alias.text.trim();
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = Vec::new();
    if words.len() == 1 {
        let parts = camel_parts(text);
        if (2..=3).contains(&parts.len()) {
            out.push((parts.join(" "), CasePolicy::Exact));
        }
    } else if (2..=3).contains(&words.len())
        && !words[0].eq_ignore_ascii_case("the")
        && words.iter().all(|w| {
            w.len() >= MIN_PART
                && w.bytes().all(|b| b.is_ascii_alphabetic())
                && w.as_bytes()[0].is_ascii_uppercase()
                && w.bytes().skip(1).any(|b| b.is_ascii_lowercase())
        })
    {
        out.push((words.concat(), CasePolicy::UpperFirst));
    }
    out
}

/// The parts of a CamelCase word split where a lower-case letter is followed by an upper-case one (`CloudAtlas` ->
/// `["Cloud", "Atlas"]`, `TeamTNT` -> `["Team", "TNT"]`); a single part when the word is not CamelCase, has characters
/// other than ASCII letters, or a part would be shorter than three letters.
fn camel_parts(word: &str) -> Vec<&str> {
    let b = word.as_bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_alphabetic) || !b[0].is_ascii_uppercase() {
        return vec![word];
    }
    let mut parts = Vec::new();
    let mut start = 0;
    for i in 1..b.len() {
        if b[i - 1].is_ascii_lowercase() && b[i].is_ascii_uppercase() {
            parts.push(&word[start..i]);
            start = i;
        }
    }
    parts.push(&word[start..]);
    if parts.len() < 2 || parts.iter().any(|p| p.len() < MIN_PART) {
        return vec![word];
    }
    parts
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn of(kind: &str, text: &str) -> Vec<(String, CasePolicy)> {
        let alias = Alias {
            text: text.into(),
            case: CasePolicy::Insensitive,
            form: None,
            needs_support: false,
        };
        let entity = Entity {
            id: "x".into(),
            kind: kind.into(),
            name: text.into(),
            aliases: vec![alias.clone()],
            attrs: BTreeMap::new(),
        };
        variants(&entity, &alias)
    }

    #[test]
    fn splits_camel_case_and_joins_capitalised_words() {
        assert_eq!(
            of("threat_actor", "CloudAtlas"),
            [("Cloud Atlas".into(), CasePolicy::Exact)]
        );
        assert_eq!(
            of("threat_actor", "Shiny Hunters"),
            [("ShinyHunters".into(), CasePolicy::UpperFirst)]
        );
        assert_eq!(
            of("software", "TeamTNT"),
            [("Team TNT".into(), CasePolicy::Exact)]
        );
        assert_eq!(
            of("software", "Black Energy Kit"),
            [("BlackEnergyKit".into(), CasePolicy::UpperFirst)]
        );
    }

    #[test]
    fn leaves_other_names_and_kinds_alone() {
        for text in [
            "McAfee",
            "APT28",
            "Lazarus-Group",
            "iOS",
            "Turla",
            "The Dukes",
            "TA 505",
            "BRONZE BUTLER",
            "Fancy Bear Unit One Two",
        ] {
            assert!(of("threat_actor", text).is_empty(), "{text}");
        }
        assert!(of("country", "New Zealand").is_empty());
        assert!(of("agency", "CyberCom").is_empty());
    }
}
