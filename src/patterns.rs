//! Threat-actor names that follow a vendor's numbering scheme.
//!
//! Vendors name new threat-actor clusters by numbered schemes: Mandiant's `UNC4841`, Microsoft's `Storm-0558`,
//! Proofpoint's `TA577`, Secureworks' `TG-3390`, and so on. A name that fits a scheme is a threat actor even when no
//! list has it, so this module finds such names in text, reads their number, and gives each a canonical name
//! (`Storm-0558`) and a stable id (`threat_actor:storm-0558`).
//!
//! # What is a scheme name
//!
//! A name is a *prefix* followed by a *separator* and a *number*:
//!
//! * The prefix is written as the vendor writes it (`UNC`, `Storm`, `CL-STA`, `APT-C`) or in all capitals
//!   (`STORM`); any other case (`unc2452`, `ta577`, `sToRm-0558`) is not a name, as lower case gives too many false
//!   hits in code and paths. A trailing hyphen of the scheme's prefix (`Storm-`, `TG-`) belongs to the separator.
//!   A hyphen inside a prefix (`CL-STA`, `APT-C`) may be written as any dash (see below) but not as a space.
//!   Secureworks' `TG` may also be written `Threat Group` or `THREAT GROUP` (one space, of the kinds below, between the
//!   words): this long form belongs to every scheme whose prefix is `TG` or `TG-`.
//! * The separator is nothing, one or two spaces, or a dash with up to two spaces on each side: `TG3390`,
//!   `TG 3390`, `TG-3390`, `APT-C - 36`. Spaces are U+0020, the no-break spaces U+00A0 and U+202F, and the figure,
//!   thin and hair spaces U+2007, U+2009 and U+200A. Dashes are `-`, U+2010..=U+2015, the minus sign U+2212 and the
//!   small and full-width hyphen-minus U+FE58, U+FE63, U+FF0D (the dashes `normalize::fold_typography` folds).
//! * The number is all the ASCII digits that follow, which must be `min_digits..=max_digits` many. It is never cut
//!   short: `UNC123456` has six digits, so it is not `UNC12345` followed by `6`, it is no name at all. A number
//!   written with more leading zeros than the scheme pads to is not a name either: `Storm-0558` is (Storm pads to
//!   four digits), but `UNC0452`, `APT028` and the MITRE ATT&CK tactic ids (`TA0001`, `TA0043`, `TA0108`) are not.
//! * The character before the name and the one after it must not be a word character (a Unicode alphanumeric or
//!   `_`, see `is_word_char`): not `XUNC2452`, `UNC2452a`, `UNC2452_x`, `UNC2452٣`; but `UNC2452's`, `(UNC2452)`,
//!   `UNC2452-linked` and `TA577-2` (a match of `TA577`) are fine.
//!
//! URLs and file names are not rejected here; the matcher applies its own rule after this module.
//!
//! `CL-STA 0043` (space before the number) is accepted like every other prefix followed by a space; `CL STA-0043`
//! (space inside the prefix) is not.
//!
//! # How it is searched
//!
//! All schemes are compiled into one [`regex::Regex`], a case-sensitive alternation of the prefixes followed by the
//! separator and the digits, so that the regex crate's literal prefilter scans each text once. The regex only locates
//! candidates; the rules above (digit count, leading zeros, the characters before and after) are checked by hand on
//! the original text around each candidate, which also avoids the slow Unicode `\b`. [`Patterns::parse`] runs the
//! same hand-written check on a whole string, so a name found by [`Patterns::find_iter`] always parses back to the
//! same scheme and number.

use regex::Regex;

/// One numbering scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    /// Attribute value naming the scheme, e.g. `mandiant-unc`, `microsoft-storm`, `proofpoint-ta`. Unique in a
    /// [`Patterns`].
    pub name: String,
    /// The vendor that uses the scheme, e.g. `Mandiant`.
    pub vendor: String,
    /// Canonical prefix as written in the canonical name: `UNC`, `Storm-`, `TA`, `CL-STA-`, `APT-C-`, `TG-`.
    ///
    /// Letters, ASCII digits and hyphens; it starts with a letter, has no two hyphens in a row, and ends with a letter
    /// or with one hyphen after a letter.
    pub prefix: String,
    /// Prefix of the id after `threat_actor:`: `unc`, `storm-`, `ta`, `cl-sta-`, `apt-c-`, `tg-`.
    ///
    /// ASCII lower-case letters, digits, `-`, `_` and `.`. If empty, [`Patterns::new`] sets it to the ASCII
    /// lower-case `prefix`.
    pub id_prefix: String,
    /// Fewest digits of the number (at least 1).
    pub min_digits: usize,
    /// Most digits of the number (at most [`MAX_DIGITS`]).
    pub max_digits: usize,
    /// Zero-pad the number in the canonical name and the id to at least this many digits (Storm 4, UNC 0); at most
    /// `max_digits`.
    pub pad: usize,
}

impl Scheme {
    fn new(
        name: &str,
        vendor: &str,
        prefix: &str,
        min_digits: usize,
        max_digits: usize,
        pad: usize,
    ) -> Scheme {
        Scheme {
            name: name.to_owned(),
            vendor: vendor.to_owned(),
            prefix: prefix.to_owned(),
            id_prefix: prefix.to_ascii_lowercase(),
            min_digits,
            max_digits,
            pad,
        }
    }
}

/// The built-in schemes.
///
/// | name | vendor | canonical | digits |
/// | --- | --- | --- | --- |
/// | `mandiant-unc` | Mandiant | `UNC2452` | 1-5 |
/// | `microsoft-storm` | Microsoft | `Storm-0558` | 4 |
/// | `microsoft-dev` | Microsoft | `DEV-0537` | 4 |
/// | `proofpoint-ta` | Proofpoint | `TA577` | 3-4 |
/// | `recorded-future-tag` | Recorded Future | `TAG-22` | 2-3 |
/// | `unit42-cl-sta`, `-cri`, `-unk` | Palo Alto Networks Unit 42 | `CL-STA-0043` | 4 |
/// | `talos-uat` | Cisco Talos | `UAT-4356` | 4 |
/// | `secureworks-tg` | Secureworks | `TG-3390` (also `Threat Group 3390`) | 3-5 |
/// | `qihoo360-apt-c` | Qihoo 360 | `APT-C-36` (pads to 2) | 2-3 |
/// | `mandiant-apt` | Mandiant | `APT28` | 1-3 |
/// | `mandiant-fin` | Mandiant | `FIN7` | 1-2 |
/// | `cert-ua-uac` | CERT-UA | `UAC-0056` | 4 |
#[must_use]
pub fn builtin_schemes() -> Vec<Scheme> {
    vec![
        Scheme::new("mandiant-unc", "Mandiant", "UNC", 1, 5, 0),
        Scheme::new("microsoft-storm", "Microsoft", "Storm-", 4, 4, 4),
        Scheme::new("microsoft-dev", "Microsoft", "DEV-", 4, 4, 4),
        Scheme::new("proofpoint-ta", "Proofpoint", "TA", 3, 4, 0),
        Scheme::new("recorded-future-tag", "Recorded Future", "TAG-", 2, 3, 0),
        Scheme::new(
            "unit42-cl-sta",
            "Palo Alto Networks Unit 42",
            "CL-STA-",
            4,
            4,
            4,
        ),
        Scheme::new(
            "unit42-cl-cri",
            "Palo Alto Networks Unit 42",
            "CL-CRI-",
            4,
            4,
            4,
        ),
        Scheme::new(
            "unit42-cl-unk",
            "Palo Alto Networks Unit 42",
            "CL-UNK-",
            4,
            4,
            4,
        ),
        Scheme::new("talos-uat", "Cisco Talos", "UAT-", 4, 4, 4),
        Scheme::new("secureworks-tg", "Secureworks", "TG-", 3, 5, 0),
        Scheme::new("qihoo360-apt-c", "Qihoo 360", "APT-C-", 2, 3, 2),
        Scheme::new("mandiant-apt", "Mandiant", "APT", 1, 3, 0),
        Scheme::new("mandiant-fin", "Mandiant", "FIN", 1, 2, 0),
        Scheme::new("cert-ua-uac", "CERT-UA", "UAC-", 4, 4, 4),
    ]
}

/// A scheme name found in a text: byte offsets into the text, the index of the scheme in [`Patterns::schemes`], and
/// the number (`Storm-0558` has number 558).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PatternMatch {
    pub start: usize,
    pub end: usize,
    pub scheme: u32,
    pub number: u32,
}

/// A compiled set of schemes.
#[derive(Debug, Clone)]
pub struct Patterns {
    schemes: Vec<Scheme>,
    /// For each scheme, the ways its prefix (without the trailing hyphen) may be written.
    forms: Vec<Vec<Form>>,
    /// Locates candidates: any form, a separator, a digit.
    regex: Regex,
}

/// One way of writing a prefix, e.g. `CL` dash `STA`, or `Threat` space `Group`.
type Form = Vec<Piece>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Exactly this text.
    Lit(String),
    /// One dash (see [`is_dash`]).
    Dash,
    /// One space (see [`is_space`]).
    Space,
}

/// Most spaces on each side of the separator's dash, or in a separator without a dash.
const MAX_SPACES: usize = 2;
/// Most digits a scheme may have: the matcher gives each scheme a block of a million entity numbers
/// ([`SCHEME_BLOCK`]).
pub const MAX_DIGITS: usize = 6;

/// Entity numbers the matcher reserves per scheme: every number of [`MAX_DIGITS`] digits.
pub const SCHEME_BLOCK: u32 = 1_000_000;
/// Regex class of [`is_dash`].
const DASH_CLASS: &str = r"[\-\x{2010}-\x{2015}\x{2212}\x{FE58}\x{FE63}\x{FF0D}]";
/// Regex class of [`is_space`].
const SPACE_CLASS: &str = r"[\x{20}\x{A0}\x{2007}\x{2009}\x{200A}\x{202F}]";

/// Whether `c` may be written for a hyphen in a prefix or separator.
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
    )
}

/// Whether `c` may be written for a space in a separator or in `Threat Group`.
fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{A0}' | '\u{2007}' | '\u{2009}' | '\u{200A}' | '\u{202F}'
    )
}

/// Whether `c` may not stand right before or right after a name: the matcher's word characters
/// ([`crate::normalize::is_word`]), so that a scheme name and an alias obey one boundary rule (Japanese text that
/// puts `UNC2452` right against kana finds it in both).
fn is_word_char(c: char) -> bool {
    crate::normalize::is_word(c)
}

/// The pieces of a prefix as written: `-` is any dash, ` ` any space, the rest literal.
fn pieces(written: &str) -> Form {
    let mut out = Vec::new();
    let mut lit = String::new();
    for c in written.chars() {
        let piece = match c {
            '-' => Piece::Dash,
            ' ' => Piece::Space,
            _ => {
                lit.push(c);
                continue;
            }
        };
        if !lit.is_empty() {
            out.push(Piece::Lit(std::mem::take(&mut lit)));
        }
        out.push(piece);
    }
    if !lit.is_empty() {
        out.push(Piece::Lit(lit));
    }
    out
}

/// Bytes of `s` that `form` matches at its start, if it does.
fn match_form(form: &[Piece], s: &str) -> Option<usize> {
    let mut i = 0;
    for piece in form {
        match piece {
            Piece::Lit(lit) => {
                if !s[i..].starts_with(lit.as_str()) {
                    return None;
                }
                i += lit.len();
            }
            Piece::Dash | Piece::Space => {
                let c = s[i..].chars().next()?;
                let ok = if *piece == Piece::Dash {
                    is_dash(c)
                } else {
                    is_space(c)
                };
                if !ok {
                    return None;
                }
                i += c.len_utf8();
            }
        }
    }
    Some(i)
}

/// Byte offset after up to [`MAX_SPACES`] spaces from `i`.
fn skip_spaces(s: &str, mut i: usize) -> usize {
    for _ in 0..MAX_SPACES {
        match s[i..].chars().next() {
            Some(c) if is_space(c) => i += c.len_utf8(),
            _ => break,
        }
    }
    i
}

/// Bytes of the separator at the start of `s`: spaces, or spaces, a dash and spaces (possibly none at all).
///
/// Spaces and dashes are no digits, so reading greedily gives the one way to read a separator before a number.
fn separator_len(s: &str) -> usize {
    let i = skip_spaces(s, 0);
    match s[i..].chars().next() {
        Some(c) if is_dash(c) => skip_spaces(s, i + c.len_utf8()),
        _ => i,
    }
}

/// The separator and number of `scheme` at the start of `s` (right after a prefix): their length in bytes and the
/// number, if they are one and no word character follows.
fn match_number(scheme: &Scheme, s: &str) -> Option<(usize, u32)> {
    let sep = separator_len(s);
    let rest = &s[sep..];
    let n = rest.bytes().take_while(u8::is_ascii_digit).count();
    if n < scheme.min_digits || n > scheme.max_digits {
        return None;
    }
    let digits = &rest[..n];
    // More leading zeros than the padding explains: `TA0001` (ATT&CK tactic), `UNC0452`.
    if n > scheme.pad.max(1) && digits.starts_with('0') {
        return None;
    }
    if rest[n..].chars().next().is_some_and(is_word_char) {
        return None;
    }
    let number: u32 = digits.parse().ok()?;
    // A year after a plain space is a date, not a name: "TA 2024", "in Storm 2023 reports" (a hyphen keeps it:
    // "Storm-2035" is a name).
    if n == 4 && (1900..=2099).contains(&number) && sep > 0 && !s[..sep].chars().any(is_dash) {
        return None;
    }
    Some((sep + n, number))
}

impl Patterns {
    /// Compile `schemes` (e.g. [`builtin_schemes`] plus the user's own).
    ///
    /// Fails with a message naming the scheme if one is invalid (see the fields of [`Scheme`]), if two have the
    /// same name, or if two have the same prefix (compared in capitals, without the trailing hyphen) and
    /// overlapping digit ranges.
    ///
    /// # Errors
    ///
    /// The message of the first invalid scheme or clash, as above.
    pub fn new(mut schemes: Vec<Scheme>) -> Result<Patterns, String> {
        let mut forms = Vec::with_capacity(schemes.len());
        for scheme in &mut schemes {
            validate(scheme)?;
            if scheme.id_prefix.is_empty() {
                scheme.id_prefix = scheme.prefix.to_ascii_lowercase();
            }
            forms.push(scheme_forms(scheme));
        }
        for (i, a) in schemes.iter().enumerate() {
            for b in &schemes[..i] {
                if a.name == b.name {
                    return Err(format!("two schemes are named {:?}", a.name));
                }
                if stem(&a.prefix).to_uppercase() == stem(&b.prefix).to_uppercase()
                    && a.min_digits <= b.max_digits
                    && b.min_digits <= a.max_digits
                {
                    return Err(format!(
                        "schemes {:?} and {:?} have the same prefix ({:?}, {:?}) and overlapping digit ranges",
                        b.name, a.name, b.prefix, a.prefix
                    ));
                }
            }
        }
        let regex = build_regex(&forms)?;
        Ok(Patterns {
            schemes,
            forms,
            regex,
        })
    }

    /// The schemes, in the order given to [`Patterns::new`]; [`PatternMatch::scheme`] indexes this.
    #[must_use]
    pub fn schemes(&self) -> &[Scheme] {
        &self.schemes
    }

    /// Every scheme name found in `text`, in order, non-overlapping (leftmost-longest), with byte offsets.
    pub fn find_iter<'t>(&'t self, text: &'t str) -> impl Iterator<Item = PatternMatch> + 't {
        let mut pos = 0;
        std::iter::from_fn(move || {
            while pos < text.len() {
                let candidate = self.regex.find_at(text, pos)?;
                let start = candidate.start();
                if let Some(found) = self.match_at(text, start) {
                    pos = found.end;
                    return Some(found);
                }
                // Not a name here. With some scheme sets a name may still start inside the rejected candidate, so go
                // on from the next character.
                pos = start + text[start..].chars().next().map_or(1, char::len_utf8);
            }
            None
        })
    }

    /// Canonical name of a (scheme, number): the scheme's prefix and the number zero-padded to the scheme's `pad`,
    /// e.g. `Storm-0558`, `UNC4841`, `APT-C-36`.
    ///
    /// # Panics
    ///
    /// If `scheme` is not an index of [`Patterns::schemes`].
    #[must_use]
    pub fn canonical_name(&self, scheme: u32, number: u32) -> String {
        let s = &self.schemes[scheme as usize];
        format!("{}{:0pad$}", s.prefix, number, pad = s.pad)
    }

    /// Id of a (scheme, number): `threat_actor:`, the scheme's `id_prefix` and the number zero-padded to the scheme's
    /// `pad`, e.g. `threat_actor:storm-0558`. For the built-in schemes this is the canonical name in ASCII lower
    /// case.
    ///
    /// # Panics
    ///
    /// If `scheme` is not an index of [`Patterns::schemes`].
    #[must_use]
    pub fn id(&self, scheme: u32, number: u32) -> String {
        let s = &self.schemes[scheme as usize];
        format!("threat_actor:{}{:0pad$}", s.id_prefix, number, pad = s.pad)
    }

    /// Parse a whole string as a scheme name (`UNC2452`, `APT 28`, `Threat Group-3390`) into (scheme, number); `None`
    /// if the string, less white space around it, is not exactly one scheme name by the rules of the module docs.
    #[must_use]
    pub fn parse(&self, name: &str) -> Option<(u32, u32)> {
        let name = name.trim();
        let found = self.match_at(name, 0)?;
        (found.end == name.len()).then_some((found.scheme, found.number))
    }

    /// The longest scheme name starting at byte `start` of `text`, if any.
    fn match_at(&self, text: &str, start: usize) -> Option<PatternMatch> {
        if text[..start].chars().next_back().is_some_and(is_word_char) {
            return None;
        }
        let rest = &text[start..];
        let mut best: Option<PatternMatch> = None;
        for ((scheme, forms), index) in self.schemes.iter().zip(&self.forms).zip(0u32..) {
            for form in forms {
                let Some(prefix_len) = match_form(form, rest) else {
                    continue;
                };
                let Some((len, number)) = match_number(scheme, &rest[prefix_len..]) else {
                    continue;
                };
                let end = start + prefix_len + len;
                if best.is_none_or(|b| end > b.end) {
                    best = Some(PatternMatch {
                        start,
                        end,
                        scheme: index,
                        number,
                    });
                }
            }
        }
        best
    }
}

/// `prefix` without its trailing hyphen.
fn stem(prefix: &str) -> &str {
    prefix.strip_suffix('-').unwrap_or(prefix)
}

/// The ways of writing a scheme's prefix: as written, in capitals, and `Threat Group` for `TG`.
fn scheme_forms(scheme: &Scheme) -> Vec<Form> {
    let stem = stem(&scheme.prefix);
    let mut written = vec![stem.to_owned(), stem.to_uppercase()];
    if stem.eq_ignore_ascii_case("TG") {
        written.extend(["Threat Group".to_owned(), "THREAT GROUP".to_owned()]);
    }
    written.dedup();
    written.iter().map(|w| pieces(w)).collect()
}

fn validate(scheme: &Scheme) -> Result<(), String> {
    let err = |what: &str| Err(format!("scheme {:?}: {what}", scheme.name));
    if scheme.name.is_empty() {
        return Err(format!(
            "a scheme with prefix {:?} has an empty name",
            scheme.prefix
        ));
    }
    let prefix = scheme.prefix.as_str();
    let stem = stem(prefix);
    if !prefix
        .chars()
        .all(|c| c.is_alphabetic() || c.is_ascii_digit() || c == '-')
    {
        return err(&format!(
            "prefix {prefix:?} may have only letters, ASCII digits and hyphens"
        ));
    }
    if !stem.chars().next().is_some_and(char::is_alphabetic)
        || !stem.chars().next_back().is_some_and(char::is_alphabetic)
        || stem.contains("--")
        || stem.ends_with('-')
    {
        return err(&format!(
            "prefix {prefix:?} must start with a letter, have no two hyphens in a row, and end with a letter or one \
             hyphen after a letter"
        ));
    }
    if !scheme
        .id_prefix
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'))
    {
        return err(&format!(
            "id_prefix {:?} may have only ASCII lower-case letters, digits, '-', '_' and '.'",
            scheme.id_prefix
        ));
    }
    if scheme.min_digits < 1
        || scheme.min_digits > scheme.max_digits
        || scheme.max_digits > MAX_DIGITS
    {
        return err(&format!(
            "digits {}..={} must be a range within 1..={MAX_DIGITS}",
            scheme.min_digits, scheme.max_digits
        ));
    }
    if scheme.pad > scheme.max_digits {
        return err(&format!(
            "pad {} is more than max_digits {}",
            scheme.pad, scheme.max_digits
        ));
    }
    Ok(())
}

/// One regex for all forms: `(?:form|form|...)` separator digit. Case-sensitive literals, so the regex crate
/// prefilters on the prefixes.
fn build_regex(forms: &[Vec<Form>]) -> Result<Regex, String> {
    let mut alternatives: Vec<String> = forms
        .iter()
        .flatten()
        .map(|form| {
            form.iter()
                .map(|piece| match piece {
                    Piece::Lit(lit) => regex::escape(lit),
                    Piece::Dash => DASH_CLASS.to_owned(),
                    Piece::Space => SPACE_CLASS.to_owned(),
                })
                .collect::<String>()
        })
        .collect();
    alternatives.sort_unstable();
    alternatives.dedup();
    let alternatives = alternatives.join("|");
    let spaces = format!("{SPACE_CLASS}{{0,{MAX_SPACES}}}");
    let pattern = format!("(?:{alternatives})(?:{spaces}{DASH_CLASS}{spaces}|{spaces})[0-9]+");
    Regex::new(&pattern).map_err(|e| format!("cannot compile the scheme patterns: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> Patterns {
        Patterns::new(builtin_schemes()).unwrap()
    }

    /// (start, end, scheme name, number, canonical name, id) of a match.
    type Found = (usize, usize, String, u32, String, String);

    /// Every match, as [`Found`].
    fn found(p: &Patterns, text: &str) -> Vec<Found> {
        p.find_iter(text)
            .map(|m| {
                (
                    m.start,
                    m.end,
                    p.schemes()[m.scheme as usize].name.clone(),
                    m.number,
                    p.canonical_name(m.scheme, m.number),
                    p.id(m.scheme, m.number),
                )
            })
            .collect()
    }

    /// Assert that `text` has exactly one match, of `needle` (found by position in the text), and its details.
    ///
    /// `expected` is "scheme-name number canonical-name"; the id must be `threat_actor:` and the canonical name in
    /// lower case (true of every built-in scheme).
    #[track_caller]
    fn one(text: &str, needle: &str, expected: &str) {
        let mut parts = expected.split(' ');
        let (scheme, number, canonical) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let number: u32 = number.parse().unwrap();
        let id = format!("threat_actor:{}", canonical.to_ascii_lowercase());
        let start = text.find(needle).expect("needle in text");
        let end = start + needle.len();
        assert_eq!(
            found(&builtin(), text),
            vec![(
                start,
                end,
                scheme.to_owned(),
                number,
                canonical.to_owned(),
                id
            )],
            "in {text:?}"
        );
        // The match parses back.
        let p = builtin();
        let (s, n) = p.parse(&text[start..end]).expect("parses back");
        assert_eq!((p.schemes()[s as usize].name.as_str(), n), (scheme, number));
    }

    #[track_caller]
    fn none(text: &str) {
        assert_eq!(found(&builtin(), text), vec![], "in {text:?}");
    }

    // ---- positives ------------------------------------------------------------------------------------------

    #[test]
    fn mandiant_unc() {
        one(
            "Mandiant attributes the campaign to UNC4841.",
            "UNC4841",
            "mandiant-unc 4841 UNC4841",
        );
        one(
            "Analysts linked UNC 2452 to the intrusion.",
            "UNC 2452",
            "mandiant-unc 2452 UNC2452",
        );
        one(
            "A cluster called UNC1 was seen.",
            "UNC1",
            "mandiant-unc 1 UNC1",
        );
        one(
            "UNC-3886 exploited the hypervisor.",
            "UNC-3886",
            "mandiant-unc 3886 UNC3886",
        );
    }

    #[test]
    fn microsoft_storm_padded() {
        one(
            "Microsoft says Storm-0558 forged tokens.",
            "Storm-0558",
            "microsoft-storm 558 Storm-0558",
        );
        one(
            "STORM-0558 forged tokens.",
            "STORM-0558",
            "microsoft-storm 558 Storm-0558",
        );
        one(
            "Tracked as Storm 0558 by Redmond.",
            "Storm 0558",
            "microsoft-storm 558 Storm-0558",
        );
        one(
            "Then Storm-1567 moved in.",
            "Storm-1567",
            "microsoft-storm 1567 Storm-1567",
        );
    }

    #[test]
    fn microsoft_dev() {
        one(
            "DEV-0537 is also known as Lapsus$.",
            "DEV-0537",
            "microsoft-dev 537 DEV-0537",
        );
    }

    #[test]
    fn proofpoint_ta() {
        one(
            "Proofpoint saw TA577 deliver malware.",
            "TA577",
            "proofpoint-ta 577 TA577",
        );
        one(
            "Proofpoint saw TA2101 again.",
            "TA2101",
            "proofpoint-ta 2101 TA2101",
        );
        one(
            "The actor TA 505 returned.",
            "TA 505",
            "proofpoint-ta 505 TA505",
        );
        // A following "-<digits>" is left alone.
        one(
            "Campaign TA577-2 used HTML smuggling.",
            "TA577",
            "proofpoint-ta 577 TA577",
        );
    }

    #[test]
    fn recorded_future_tag() {
        one(
            "Recorded Future tracks TAG-22 in Asia.",
            "TAG-22",
            "recorded-future-tag 22 TAG-22",
        );
        one(
            "Recorded Future tracks TAG-100 too.",
            "TAG-100",
            "recorded-future-tag 100 TAG-100",
        );
    }

    #[test]
    fn unit42_cl() {
        one(
            "Unit 42 named CL-STA-0043 in 2023.",
            "CL-STA-0043",
            "unit42-cl-sta 43 CL-STA-0043",
        );
        // Non-breaking hyphens (U+2011) inside the prefix and before the number.
        one(
            "Unit 42 named CL\u{2011}CRI\u{2011}1014.",
            "CL\u{2011}CRI\u{2011}1014",
            "unit42-cl-cri 1014 CL-CRI-1014",
        );
        // A space before the number is a separator like any other.
        one(
            "Unit 42 named CL-UNK 0049.",
            "CL-UNK 0049",
            "unit42-cl-unk 49 CL-UNK-0049",
        );
    }

    #[test]
    fn talos_uat() {
        one(
            "Talos tracks UAT-4356 (ArcaneDoor).",
            "UAT-4356",
            "talos-uat 4356 UAT-4356",
        );
    }

    #[test]
    fn secureworks_tg_and_long_form() {
        for written in [
            "TG-3390",
            "TG 3390",
            "TG3390",
            "Threat Group 3390",
            "Threat Group-3390",
            "THREAT GROUP 3390",
            "Threat\u{A0}Group\u{2013}3390",
        ] {
            one(
                &format!("Secureworks calls it {written}, a Chinese group."),
                written,
                "secureworks-tg 3390 TG-3390",
            );
        }
    }

    #[test]
    fn qihoo_apt_c() {
        for written in [
            "APT-C-36",
            "APT-C - 36",
            "APT\u{2010}C\u{2010}36",
            "APT-C36",
            "APT-C\u{2014}36",
        ] {
            one(
                &format!("Qihoo 360 reports on {written} (Blind Eagle)."),
                written,
                "qihoo360-apt-c 36 APT-C-36",
            );
        }
        one("APT-C-08 targets.", "APT-C-08", "qihoo360-apt-c 8 APT-C-08");
    }

    #[test]
    fn mandiant_apt_spacing_and_dashes() {
        for written in [
            "APT28",
            "APT 28",
            "APT-28",
            "APT \u{2013} 28",
            "APT\u{A0}28",
            "APT  28",
            "APT  -  28",
            "APT\u{2212}28",
            "APT\u{202F}28",
        ] {
            one(
                &format!("Officials blamed {written} for the leak."),
                written,
                "mandiant-apt 28 APT28",
            );
        }
    }

    #[test]
    fn mandiant_fin() {
        one(
            "FIN7 ran a fake security firm.",
            "FIN7",
            "mandiant-fin 7 FIN7",
        );
        one(
            "Mandiant's FIN 11 report.",
            "FIN 11",
            "mandiant-fin 11 FIN11",
        );
    }

    #[test]
    fn cert_ua_uac() {
        one(
            "CERT-UA attributes it to UAC-0056.",
            "UAC-0056",
            "cert-ua-uac 56 UAC-0056",
        );
    }

    #[test]
    fn punctuation_around() {
        one(
            "UNC2452's tooling was custom.",
            "UNC2452",
            "mandiant-unc 2452 UNC2452",
        );
        one(
            "The actor (UNC2452) was quiet.",
            "UNC2452",
            "mandiant-unc 2452 UNC2452",
        );
        one(
            "An UNC2452-linked intrusion.",
            "UNC2452",
            "mandiant-unc 2452 UNC2452",
        );
        one("\"APT28\"", "APT28", "mandiant-apt 28 APT28");
        one(
            "pre-UNC2452 activity",
            "UNC2452",
            "mandiant-unc 2452 UNC2452",
        );
    }

    #[test]
    fn at_text_start_and_end() {
        one("UNC2452", "UNC2452", "mandiant-unc 2452 UNC2452");
        one("UNC2452 started it", "UNC2452", "mandiant-unc 2452 UNC2452");
        one("it ended with FIN7", "FIN7", "mandiant-fin 7 FIN7");
    }

    #[test]
    fn non_ascii_text_around() {
        one(
            "Группировка UNC2452 атаковала сети.",
            "UNC2452",
            "mandiant-unc 2452 UNC2452",
        );
        one("攻撃者「APT28」が関与", "APT28", "mandiant-apt 28 APT28");
        one(
            "Ataque → Storm‑0558 — confirmé.",
            "Storm‑0558",
            "microsoft-storm 558 Storm-0558",
        );
        one(
            "L’acteur TA577 a été vu.",
            "TA577",
            "proofpoint-ta 577 TA577",
        );
    }

    #[test]
    fn several_in_order_with_offsets() {
        let text = "APT28, APT-C-36 and TG-3390 met Storm-0558 and UNC4841; TA577 too.";
        let got = found(&builtin(), text);
        let names: Vec<_> = got.iter().map(|g| g.4.as_str()).collect();
        assert_eq!(
            names,
            [
                "APT28",
                "APT-C-36",
                "TG-3390",
                "Storm-0558",
                "UNC4841",
                "TA577"
            ]
        );
        assert_eq!((got[0].0, got[0].1), (0, 5));
        assert_eq!((got[1].0, got[1].1), (7, 15));
        assert_eq!((got[2].0, got[2].1), (20, 27));
        assert_eq!((got[3].0, got[3].1), (32, 42));
        assert_eq!((got[4].0, got[4].1), (47, 54));
        assert_eq!((got[5].0, got[5].1), (56, 61));
    }

    #[test]
    fn adjacent_names_separated_by_punctuation() {
        let got = found(&builtin(), "APT28/APT29,FIN7");
        let spans: Vec<_> = got.iter().map(|g| (g.0, g.1, g.4.as_str())).collect();
        assert_eq!(spans, [(0, 5, "APT28"), (6, 11, "APT29"), (12, 16, "FIN7")]);
    }

    #[test]
    fn apt_c_is_not_apt() {
        // The longest prefix wins: `APT-C-36`, not `APT` followed by junk; and "APT C 36" is neither.
        one("APT-C-36", "APT-C-36", "qihoo360-apt-c 36 APT-C-36");
        none("APT C 36 is not a name");
    }

    // ---- negatives ------------------------------------------------------------------------------------------

    #[test]
    fn prefix_alone() {
        none("TA is a teaching assistant.");
        none("TA- and TA - are not names.");
        none("DEV- without a number; DEV-ops.");
        none("UNC alone, and UNC-");
        none("Storm- is coming, STORM is here.");
        none("Threat Group is vague.");
    }

    #[test]
    fn word_before_or_after() {
        none("XUNC1 is not a name");
        none("The file UNC2452a.");
        none("UNC2452_x is an identifier.");
        none("APT28a is not a name here");
        none("_UNC2452");
        none("PROTA577 and MYAPT28");
        none("UNC2452é");
        // An Arabic-Indic digit right after the ASCII digits.
        none("UNC2452\u{663}");
    }

    #[test]
    fn unspaced_scripts_are_no_word_characters() {
        one("日本UNC2452が", "UNC2452", "mandiant-unc 2452 UNC2452");
    }

    #[test]
    fn a_year_after_a_space_is_a_date() {
        none("in TA 2024 and UAT 2023, DEV 1999 and Storm 2035");
        one(
            "Storm-2035 ran it",
            "Storm-2035",
            "microsoft-storm 2035 Storm-2035",
        );
        one("TA 577 again", "TA 577", "proofpoint-ta 577 TA577");
    }

    #[test]
    fn attack_tactic_ids() {
        none("Initial access is TA0001; persistence is TA0003.");
        none("MITRE tactic TA0005 (defense evasion).");
        none("TA0043 reconnaissance");
    }

    #[test]
    fn leading_zeros_beyond_padding() {
        none("APT028 and UNC0452 are not written so.");
        none("TAG-022 is not written so.");
        none("APT-C-008 is not written so.");
    }

    #[test]
    fn lower_and_mixed_case() {
        none("unc2452 in a path");
        none("ta577 in a variable");
        none("storm-0558 in a slug");
        none("sToRm-0558 and Unc2452 and Apt28");
        none("threat group 3390 and Threat group 3390");
        none("cl-sta-0043 and Cl-Sta-0043");
    }

    #[test]
    fn digit_counts() {
        none("UNC123456 has six digits.");
        none("Storm-12 has too few.");
        none("Storm-055 has three.");
        none("Storm-05581 has five.");
        none("FIN123 has three.");
        none("TAG-1 has one and TAG-2024 has four.");
        none("TG-33 has two.");
        none("APT-C-1 has one.");
        none("APT1234 has four.");
        none("TA57 has two and TA57777 has five.");
        none("DEV-053 and DEV-05370");
    }

    #[test]
    fn bad_separators() {
        none("APT   28 has three spaces.");
        none("APT - - 28 has two dashes.");
        none("APT--28 has two hyphens.");
        none("APT\t28 has a tab.");
        none("APT\n28 has a line break.");
        none("APT_28 has an underscore.");
        none("APT.28 has a dot.");
        none("TG   -3390 has three spaces.");
    }

    #[test]
    fn space_inside_a_prefix() {
        // A hyphen inside a prefix may be a dash but not a space, and the long form needs exactly one space.
        none("CL STA-0043 is not a name.");
        none("CL STA 0043 is not a name.");
        none("APT C-36 is not a name either.");
        none("Threat  Group 3390 and ThreatGroup 3390");
    }

    #[test]
    fn decimal_after_is_not_checked() {
        // Documented: a decimal part is not looked at.
        one("APT 28.5", "APT 28", "mandiant-apt 28 APT28");
    }

    // ---- parse, canonical names, ids, schemes -----------------------------------------------------------------

    fn parsed(p: &Patterns, name: &str) -> Option<(String, u32)> {
        p.parse(name)
            .map(|(s, n)| (p.schemes()[s as usize].name.clone(), n))
    }

    #[test]
    fn parse_whole_strings() {
        let p = builtin();
        let some = |s: &str, n| Some((s.to_owned(), n));
        assert_eq!(parsed(&p, "UNC2452"), some("mandiant-unc", 2452));
        assert_eq!(parsed(&p, "APT 28"), some("mandiant-apt", 28));
        assert_eq!(
            parsed(&p, "Threat Group-3390"),
            some("secureworks-tg", 3390)
        );
        assert_eq!(
            parsed(&p, "Threat Group 3390"),
            some("secureworks-tg", 3390)
        );
        assert_eq!(parsed(&p, "Storm-0558"), some("microsoft-storm", 558));
        assert_eq!(parsed(&p, "APT-C-36"), some("qihoo360-apt-c", 36));
        assert_eq!(parsed(&p, " UNC2452\n"), some("mandiant-unc", 2452));
        for not in [
            "",
            "UNC",
            "UNC2452 and more",
            "the UNC2452",
            "UNC2452.",
            "XUNC2452",
            "unc2452",
            "TA0001",
            "Fancy Bear",
            "APT28a",
        ] {
            assert_eq!(p.parse(not), None, "{not:?}");
        }
    }

    #[test]
    fn canonical_names_and_ids() {
        let p = builtin();
        let cases = [
            ("UNC4841", "UNC4841", "threat_actor:unc4841"),
            ("STORM-0558", "Storm-0558", "threat_actor:storm-0558"),
            ("APT-C - 36", "APT-C-36", "threat_actor:apt-c-36"),
            ("Threat Group 3390", "TG-3390", "threat_actor:tg-3390"),
            ("APT 28", "APT28", "threat_actor:apt28"),
            ("FIN7", "FIN7", "threat_actor:fin7"),
            ("CL-STA-0043", "CL-STA-0043", "threat_actor:cl-sta-0043"),
            ("DEV-0537", "DEV-0537", "threat_actor:dev-0537"),
            ("UAC-0056", "UAC-0056", "threat_actor:uac-0056"),
        ];
        for (written, canonical, id) in cases {
            let (s, n) = p.parse(written).unwrap();
            assert_eq!(p.canonical_name(s, n), canonical);
            assert_eq!(p.id(s, n), id);
            // For the built-in schemes the id is the lower-cased canonical name, and the canonical name parses back.
            assert_eq!(
                format!("threat_actor:{}", canonical.to_ascii_lowercase()),
                id
            );
            assert_eq!(p.parse(canonical), Some((s, n)));
        }
    }

    #[test]
    fn builtin_schemes_are_valid_and_self_consistent() {
        let p = builtin();
        assert_eq!(p.schemes(), builtin_schemes().as_slice());
        for (s, i) in p.schemes().iter().zip(0u32..) {
            assert_eq!(s.id_prefix, s.prefix.to_ascii_lowercase(), "{}", s.name);
            // The canonical name of the smallest and largest number parses back.
            for digits in [s.min_digits, s.max_digits] {
                let n: u32 = "9".repeat(digits).parse().unwrap();
                let name = p.canonical_name(i, n);
                assert_eq!(p.parse(&name), Some((i, n)), "{name}");
            }
        }
    }

    #[test]
    fn user_scheme() {
        let mut schemes = builtin_schemes();
        schemes.push(Scheme {
            name: "acme".into(),
            vendor: "ACME Intel".into(),
            prefix: "Acme-".into(),
            id_prefix: String::new(),
            min_digits: 1,
            max_digits: 3,
            pad: 3,
        });
        let p = Patterns::new(schemes).unwrap();
        let acme = u32::try_from(p.schemes().len()).unwrap() - 1;
        assert_eq!(p.schemes()[acme as usize].id_prefix, "acme-");
        let got: Vec<_> = p
            .find_iter("ACME-7 and Acme 042, not acme-7 or Acme-0042")
            .collect();
        assert_eq!(
            got,
            [
                PatternMatch {
                    start: 0,
                    end: 6,
                    scheme: acme,
                    number: 7
                },
                PatternMatch {
                    start: 11,
                    end: 19,
                    scheme: acme,
                    number: 42
                },
            ]
        );
        assert_eq!(p.canonical_name(acme, 7), "Acme-007");
        assert_eq!(p.id(acme, 7), "threat_actor:acme-007");
    }

    #[test]
    fn longest_prefix_wins_among_user_schemes() {
        let mk = |name: &str, prefix: &str, min, max| Scheme {
            name: name.into(),
            vendor: "v".into(),
            prefix: prefix.into(),
            id_prefix: String::new(),
            min_digits: min,
            max_digits: max,
            pad: 0,
        };
        let p = Patterns::new(vec![mk("x", "X", 1, 3), mk("xy", "X-Y-", 1, 3)]).unwrap();
        let got: Vec<_> = p.find_iter("X-Y-12 X-12").collect();
        assert_eq!(
            got,
            [
                PatternMatch {
                    start: 0,
                    end: 6,
                    scheme: 1,
                    number: 12
                },
                PatternMatch {
                    start: 7,
                    end: 11,
                    scheme: 0,
                    number: 12
                },
            ]
        );
    }

    /// A change that makes a scheme invalid.
    type Change = fn(&mut Scheme);

    #[test]
    fn invalid_schemes() {
        let base = Scheme {
            name: "acme".into(),
            vendor: "ACME".into(),
            prefix: "ACME-".into(),
            id_prefix: "acme-".into(),
            min_digits: 1,
            max_digits: 4,
            pad: 0,
        };
        let bad: &[(&str, Change)] = &[
            ("empty name", |s| s.name.clear()),
            ("empty prefix", |s| s.prefix.clear()),
            ("hyphen only", |s| s.prefix = "-".into()),
            ("space", |s| s.prefix = "AC ME".into()),
            ("regex chars", |s| s.prefix = "A.C".into()),
            ("leading digit", |s| s.prefix = "1AC".into()),
            ("leading hyphen", |s| s.prefix = "-AC".into()),
            ("ends with digit", |s| s.prefix = "AC1".into()),
            ("double hyphen", |s| s.prefix = "AC--".into()),
            ("inner double hyphen", |s| s.prefix = "A--C".into()),
            ("upper id prefix", |s| s.id_prefix = "ACME-".into()),
            ("id prefix colon", |s| s.id_prefix = "a:b".into()),
            ("zero digits", |s| s.min_digits = 0),
            ("min > max", |s| s.min_digits = 5),
            ("too many digits", |s| s.max_digits = 10),
            ("pad > max", |s| s.pad = 5),
        ];
        for (what, change) in bad {
            let mut s = base.clone();
            change(&mut s);
            assert!(Patterns::new(vec![s]).is_err(), "{what}");
        }
        assert!(Patterns::new(vec![base.clone()]).is_ok());
        // Same name twice.
        let mut other = base.clone();
        other.prefix = "OTHER".into();
        assert!(Patterns::new(vec![base.clone(), other])
            .unwrap_err()
            .contains("named"));
        // Same prefix (any case, with or without the hyphen) and overlapping digits.
        let mut clash = base.clone();
        clash.name = "acme2".into();
        clash.prefix = "Acme".into();
        assert!(Patterns::new(vec![base.clone(), clash.clone()])
            .unwrap_err()
            .contains("same prefix"));
        // ... but disjoint digit ranges are fine.
        clash.min_digits = 5;
        clash.max_digits = 6;
        assert!(Patterns::new(vec![base, clash]).is_ok());
        // A user TG scheme clashes with the built-in one.
        let mut schemes = builtin_schemes();
        schemes.push(Scheme::new("my-tg", "me", "TG", 3, 3, 0));
        assert!(Patterns::new(schemes).is_err());
        // No schemes at all is fine and finds nothing.
        let empty = Patterns::new(Vec::new()).unwrap();
        assert_eq!(empty.find_iter("UNC2452").count(), 0);
        assert_eq!(empty.parse("UNC2452"), None);
    }

    // ---- random input -----------------------------------------------------------------------------------------

    /// xorshift64*: deterministic, no crates.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % n as u64).unwrap()
        }
    }

    const FRAGMENTS: &[&str] = &[
        "UNC", "Storm", "STORM", "DEV", "TA", "TAG", "CL", "STA", "CRI", "UAT", "TG", "Threat",
        "Group", "APT", "C", "FIN", "UAC", "-", "\u{2013}", "\u{2011}", "\u{2212}", "\u{FF0D}",
        " ", "  ", "\u{A0}", "\u{202F}", "0", "1", "28", "0558", "2452", "123456", "_", "a", "é",
        "日本", "٣", "'s", "(", ")", ".", "\n", "\t", "😀", "\u{301}", "Ж", "x", "-2",
    ];

    fn random_text(rng: &mut Rng) -> String {
        let mut s = String::new();
        for _ in 0..rng.below(24) {
            if rng.below(8) == 0 {
                // Any scalar value.
                let c = loop {
                    if let Some(c) = char::from_u32(u32::try_from(rng.next() % 0x11_0000).unwrap())
                    {
                        break c;
                    }
                };
                s.push(c);
            } else {
                s.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
            }
        }
        s
    }

    /// The same search without the regex: try every character boundary.
    fn naive(p: &Patterns, text: &str) -> Vec<PatternMatch> {
        let mut out = Vec::new();
        let mut pos = 0;
        while pos < text.len() {
            if let Some(m) = p.match_at(text, pos) {
                pos = m.end;
                out.push(m);
            } else {
                pos += text[pos..].chars().next().unwrap().len_utf8();
            }
        }
        out
    }

    #[test]
    fn random_unicode_offsets_and_agreement() {
        let p = builtin();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut total = 0;
        for _ in 0..20_000 {
            let text = random_text(&mut rng);
            let got: Vec<_> = p.find_iter(&text).collect();
            let mut last_end = 0;
            for m in &got {
                assert!(
                    text.is_char_boundary(m.start) && text.is_char_boundary(m.end),
                    "{text:?} {m:?}"
                );
                assert!(last_end <= m.start && m.start < m.end, "{text:?} {got:?}");
                last_end = m.end;
                let piece = &text[m.start..m.end];
                assert_eq!(
                    p.parse(piece),
                    Some((m.scheme, m.number)),
                    "{text:?} {piece:?}"
                );
                let canonical = p.canonical_name(m.scheme, m.number);
                assert_eq!(
                    p.parse(&canonical),
                    Some((m.scheme, m.number)),
                    "{canonical}"
                );
            }
            // The regex finds every candidate the hand-written check accepts.
            assert_eq!(got, naive(&p, &text), "{text:?}");
            total += got.len();
        }
        // The generator does produce names.
        assert!(total > 200, "{total}");
    }

    #[test]
    fn arbitrary_strings_never_panic() {
        let p = builtin();
        let mut rng = Rng(42);
        for _ in 0..5_000 {
            let len = rng.below(40);
            let text: String = (0..len)
                .map(|_| loop {
                    // Mostly low code points, so that ASCII, Latin-1 and dashes come up often.
                    let max = [0x80, 0x3000, 0x11_0000][rng.below(3)];
                    if let Some(c) = char::from_u32(u32::try_from(rng.next() % max).unwrap()) {
                        break c;
                    }
                })
                .collect();
            for m in p.find_iter(&text) {
                assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
            }
            let _ = p.parse(&text);
        }
    }
}
