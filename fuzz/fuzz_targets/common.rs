//! Shared pieces of the fuzz targets: a gazetteer drawn from tricky aliases, and text built from interesting pieces.
//! (Each target includes this module and uses part of it.)
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;

use cybernexus::{Gazetteer, Matcher, Overlaps, RawAlias, RawRecord};

pub const ALIASES: &[&str] = &[
    "Iran",
    "Iran Air",
    "Iranian",
    "US",
    "U.S.",
    "us",
    "APT28",
    "Fancy Bear",
    "Sofacy",
    "Türkiye",
    "TÜRKİYE",
    "İstanbul",
    "Σίσυφος",
    "straße",
    "STRASSE",
    "Côte d'Ivoire",
    "NATO",
    "O'Brien",
    "中国",
    "Lazarus Group",
    "Lazarus",
    "SEA",
    "e-mail",
    "Kim Jong-un",
    "ǅemal",
    "Ka",
    "K",
    "the Kremlin",
    "a",
];

pub const PIECES: &[&str] = &[
    " ",
    "  ",
    "\n",
    "\u{a0}",
    ",",
    ".",
    "-",
    "'",
    "\u{2019}",
    "\u{2014}",
    "_",
    "(",
    ")",
    "s",
    "ian",
    "1",
    "é",
    "\u{301}",
    "ǅ",
    "中",
    "😀",
    "İ",
    "\u{131}",
    "ß",
    "ﬁ",
    "\u{200b}",
    "://",
    "/",
    ".exe",
    "www.",
    "'s",
    "\n\n",
    "Mr. ",
    "U.S. ",
    "Feb. ",
    "? ",
    "! ",
    "\"",
    "APT280",
    "UNC4841",
    "Storm-0558",
    "|",
];

/// A byte reader that never fails: past the end it gives zeros.
pub struct Bytes<'a>(pub &'a [u8]);

impl Bytes<'_> {
    pub fn byte(&mut self) -> u8 {
        let (first, rest) = self.0.split_first().map_or((0, &[][..]), |(f, r)| (*f, r));
        self.0 = rest;
        first
    }

    pub fn pick<'s>(&mut self, items: &[&'s str]) -> &'s str {
        items[self.byte() as usize % items.len()]
    }
}

/// One to four entities with one to four aliases each, under any case policy.
pub fn gazetteer(bytes: &mut Bytes<'_>) -> Arc<Gazetteer> {
    let policies = [
        None,
        Some("insensitive"),
        Some("exact"),
        Some("upper_first"),
    ];
    let records: Vec<RawRecord> = (0..1 + bytes.byte() % 4)
        .map(|e| {
            let aliases: Vec<RawAlias> = (0..1 + bytes.byte() % 4)
                .map(|_| {
                    let text = bytes.pick(ALIASES).to_owned();
                    match policies[bytes.byte() as usize % 4] {
                        None => RawAlias::Text(text),
                        Some(case) => RawAlias::Spec {
                            text,
                            case: Some(case.into()),
                            form: None,
                            needs_support: false,
                        },
                    }
                })
                .collect();
            let name = match &aliases[0] {
                RawAlias::Text(t) | RawAlias::Spec { text: t, .. } => t.clone(),
            };
            RawRecord {
                id: format!("e{e}"),
                kind: "threat_actor".into(),
                name,
                aliases,
                attrs: BTreeMap::new(),
            }
        })
        .collect();
    Arc::new(Gazetteer::from_records(records).expect("the aliases are valid"))
}

/// Text from the remaining bytes: a piece, an alias or a raw character per byte.
pub fn text(bytes: &mut Bytes<'_>) -> String {
    let mut out = String::new();
    while !bytes.0.is_empty() {
        match bytes.byte() % 4 {
            0 => out.push_str(bytes.pick(ALIASES)),
            1 | 2 => out.push_str(bytes.pick(PIECES)),
            _ => out.push(char::from_u32(u32::from(bytes.byte()) * 37 % 0x3000).unwrap_or('?')),
        }
    }
    out
}

pub fn matcher(g: Arc<Gazetteer>, overlaps: Overlaps) -> Matcher {
    Matcher::new(g, overlaps).expect("a gazetteer with entities")
}

/// How many gazetteers [`matchers`] prepares.
pub const PREPARED: usize = 64;

/// Matchers over [`PREPARED`] gazetteers drawn once (building a matcher per input made a run take milliseconds):
/// `(leftmost-longest, all)` for each.
pub fn matchers() -> &'static [(Matcher, Matcher)] {
    static MATCHERS: std::sync::OnceLock<Vec<(Matcher, Matcher)>> = std::sync::OnceLock::new();
    MATCHERS.get_or_init(|| {
        (0..PREPARED)
            .map(|seed| {
                let seed: Vec<u8> = (0..64u32)
                    .map(|k| (seed as u32 * 131 + k * 29 + k * k * 7) as u8)
                    .collect();
                let g = gazetteer(&mut Bytes(&seed));
                (
                    matcher(g.clone(), Overlaps::Longest),
                    matcher(g, Overlaps::All),
                )
            })
            .collect()
    })
}
