//! Sentences inside a paragraph, by the rules of [`sentence_break`] (see the module documentation of
//! [`crate::segment`]).

use super::paragraphs::trimmed;
use super::{words, Span};
use crate::error::{reserve, Result};

/// Characters that end a sentence.
fn is_terminator(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '\u{2026}' | '\u{203c}' | '\u{2047}'
            ..='\u{2049}' | '\u{3002}' | '\u{ff01}' | '\u{ff1f}' | '\u{ff61}'
    )
}

/// Terminators of scripts written without spaces: they end a sentence whatever follows.
fn is_unspaced_terminator(c: char) -> bool {
    matches!(c, '\u{3002}' | '\u{ff01}' | '\u{ff1f}' | '\u{ff61}')
}

/// Characters that may close a quotation or a bracket right after a terminator (`."`, `?)`, `.\u{201d}`).
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | ')'
            | ']'
            | '}'
            | '\u{bb}'
            | '\u{2019}'
            | '\u{201d}'
            | '\u{203a}'
            | '\u{ff09}'
            | '\u{300d}'
            | '\u{300f}'
    )
}

/// The length of the numbered reference (`[12]`, after optional white space) that starts `bytes`, if any.
fn reference_len(bytes: &[u8]) -> Option<usize> {
    let space = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let rest = bytes.get(space + 1..)?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    (bytes[space] == b'[' && digits > 0 && rest.get(digits) == Some(&b']'))
        .then_some(space + digits + 2)
}

/// The character at byte `i` of `s` (which must be a character boundary), if any.
fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|rest| rest.chars().next())
}

/// Whether the word `word` (the letters, digits and dots before a full stop) is an abbreviation: one letter (an
/// initial, "J. Smith"), single letters with dots between them ("U.S", "a.k.a", "e.g"), or one of
/// the abbreviations (`abbreviations.txt`).
pub(super) fn is_abbreviation(word: &str) -> bool {
    let word = word.trim_start_matches('.');
    let mut letters = word.chars();
    if letters.next().is_some_and(char::is_alphabetic) && letters.next().is_none() {
        return true;
    }
    // "5 p.m. Officials said": times end sentences like ordinary words.
    if is_time(word) {
        return false;
    }
    if word.bytes().any(|b| b == b'.')
        && word
            .split('.')
            .all(|part| part.chars().count() == 1 && part.chars().all(char::is_alphabetic))
    {
        return true;
    }
    // Words of the list written in capitals are acronyms ("the SEC.", "a CA."), not abbreviations.
    if word.len() > 8 || !word.is_ascii() || word.bytes().all(|b| b.is_ascii_uppercase()) {
        return false;
    }
    let mut key = [0u8; 8];
    key[..word.len()].copy_from_slice(word.as_bytes());
    key.make_ascii_lowercase();
    abbreviation_keys()
        .binary_search(&u64::from_le_bytes(key))
        .is_ok()
}

/// the abbreviations (`abbreviations.txt`) as sorted integers (each at most 8 bytes, zero-padded): a lookup is a binary search over
/// integers instead of string comparisons, done for every full stop followed by white space.
fn abbreviation_keys() -> &'static [u64] {
    static KEYS: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let mut keys: Vec<u64> = words::abbreviations()
            .iter()
            .map(|a| {
                let mut key = [0u8; 8];
                key[..a.len()].copy_from_slice(a.as_bytes());
                u64::from_le_bytes(key)
            })
            .collect();
        keys.sort_unstable();
        keys
    })
}

/// Whether `word` is "a.m" or "p.m" (any case, after leading dots).
fn is_time(word: &str) -> bool {
    let word = word.trim_start_matches('.');
    word.eq_ignore_ascii_case("a.m") || word.eq_ignore_ascii_case("p.m")
}

/// The word that ends at byte `end` of `s`: back to white space, without leading punctuation (`"Mr`, `**Sept`).
fn word_before(s: &str, end: usize) -> &str {
    let head = &s[..end];
    let start = head
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    head[start..].trim_start_matches(|c: char| !c.is_alphanumeric())
}

/// Byte ranges `(open, close)` of the brackets and double quotes of `body`: each opener `(` or `[` with the first
/// closer after it, straight double quotes taken in pairs (into `ascii`), and each `\u{201c}` with the first
/// `\u{201d}` after it (into `curly`). Terminators inside them end no sentence, unless the quotation or bracket ends
/// with them (`He said "Stop." Then` ends a sentence after the quote). The ranges of each list are disjoint and in
/// order, so only the last one opened before a terminator can hold it.
fn enclosures(body: &str, ascii: &mut Vec<(usize, usize)>, curly: &mut Vec<(usize, usize)>) {
    ascii.clear();
    curly.clear();
    let bytes = body.as_bytes();
    let mut from = 0;
    // Once an opener finds no closer, no later opener of its kind can: stop looking for that kind, so that a
    // paragraph of unclosed brackets stays linear.
    let (mut brackets, mut quotes) = (true, true);
    while let Some(i) = memchr::memchr3(b'(', b'[', b'"', &bytes[from..]).map(|i| i + from) {
        let close = match bytes[i] {
            // A straight quote opens a quotation only after white space or an opening bracket or dash (not in
            // `15" screen`), and is closed by the next one unless white space precedes that one: then the first
            // was never closed, and the second may open a quotation itself.
            b'"' if quotes && !opens_quote(body, i) => {
                from = i + 1;
                continue;
            }
            b'"' if quotes => match memchr::memchr(b'"', &bytes[i + 1..]).map(|c| c + i + 1) {
                Some(c) if bytes[c - 1].is_ascii_whitespace() => {
                    from = c;
                    continue;
                }
                close => close.map(|c| c - i - 1),
            },
            b'(' | b'[' if brackets => memchr::memchr2(b')', b']', &bytes[i + 1..]),
            _ => None,
        };
        let Some(close) = close.map(|c| c + i + 1) else {
            if bytes[i] == b'"' {
                quotes = false;
            } else {
                brackets = false;
            }
            if !quotes && !brackets {
                break;
            }
            from = i + 1;
            continue;
        };
        ascii.push((i, close));
        from = close + 1;
    }
    if !body.is_ascii() {
        let mut at = 0;
        while let Some(open) = body[at..].find('\u{201c}').map(|o| o + at) {
            let Some(close) = body[open..].find('\u{201d}').map(|c| c + open) else {
                break;
            };
            curly.push((open, close));
            at = close + 3;
        }
    }
}

/// The number of blanks at byte `end` of `bytes` when a full stop precedes them and another follows (". . .").
fn spaced_dot(bytes: &[u8], end: usize) -> Option<usize> {
    let gap = bytes[end..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    (gap > 0 && end > 0 && bytes[end - 1] == b'.' && bytes.get(end + gap) == Some(&b'.'))
        .then_some(gap)
}

/// Whether the straight double quote at byte `i` of `body` can open a quotation: it starts the text or follows
/// white space, an opening bracket or a dash.
fn opens_quote(body: &str, i: usize) -> bool {
    body[..i].chars().next_back().is_none_or(|c| {
        c.is_whitespace() || matches!(c, '(' | '[' | '{' | '-' | '/' | '\u{2013}' | '\u{2014}')
    })
}

/// Whether one of `ranges` (disjoint, in order) opens before `at` and closes at or after `end`.
fn held(ranges: &[(usize, usize)], at: usize, end: usize) -> bool {
    let i = ranges.partition_point(|&(open, _)| open < at);
    i > 0 && ranges[i - 1].1 >= end
}

/// Where the sentence whose terminator run starts at byte `at` of `body` ends and the next one starts, or `None`
/// when the terminator ends no sentence. Also returns the end of the run, so that the caller skips it.
///
/// The rules, in order: the run takes every following terminator and closing quote or bracket (and numbered
/// references such as `[12]`); the next sentence must be separated by white space (so "3.5", "example.com",
/// "U.S.-based" and "Mon.-Fri." end nothing), except after the unspaced terminators of CJK scripts; a next word
/// starting with a lower-case letter or `,;:)-` continues the sentence ("5 p.m. on", "U.S., Canada"); a lone full
/// stop after an abbreviation or initial (see [`is_abbreviation`]) ends a sentence only before one of the
/// the starters (`starters.txt`) (or "A", except after an initial), never before a digit ("Feb. 24", "No. 3"); "a.m." or "p.m."
/// before a time zone ends none; and a terminator inside brackets or a quotation ends a sentence only where the
/// enclosure ends with it.
fn sentence_break(
    body: &str,
    at: usize,
    enclosed: [&[(usize, usize)]; 2],
) -> (Option<(usize, usize)>, usize) {
    let bytes = body.as_bytes();
    let mut end = at;
    let (mut terminators, mut unspaced, mut only_dot) = (0, false, true);
    while let Some(c) = char_at(body, end) {
        if is_terminator(c) {
            terminators += 1;
            unspaced |= is_unspaced_terminator(c);
            only_dot &= c == '.';
        } else if let Some(gap) = spaced_dot(bytes, end) {
            // A spaced ellipsis (". . .") is one run.
            end += gap;
            continue;
        } else if is_closer(c) {
            only_dot = false;
        } else if let Some(len) = reference_len(&bytes[end..]) {
            // Numbered references belong to the sentence before them: "... was reported. [3][4] Next".
            end += len;
            continue;
        } else {
            break;
        }
        end += c.len_utf8();
    }
    let run_end = end;
    let next = body[end..].trim_start();
    let start = body.len() - next.len();
    if next.is_empty() || (start == end && !unspaced) {
        return (None, run_end);
    }
    let first = next.chars().next().unwrap_or(' ');
    if first.is_lowercase() || matches!(first, ',' | ';' | ':' | ')' | '-') {
        return (None, run_end);
    }
    if bytes[at] == b'!' && body[..at].ends_with("Yahoo") {
        return (None, run_end);
    }
    if only_dot && terminators == 1 {
        let before = word_before(body, at);
        let word = next
            .split(|c: char| !c.is_alphabetic())
            .next()
            .unwrap_or_default();
        // "9 a.m. ET on Tuesday".
        if is_time(before) && words::time_zones().contains(&word) {
            return (None, run_end);
        }
        if is_abbreviation(before) {
            // "A" opens a sentence after "Ltd." or "U.S.", not after an initial ("J. A. Smith").
            let starter = words::starters().binary_search(&word).is_ok()
                || (word == "A" && before.chars().nth(1).is_some());
            if first.is_ascii_digit() || !starter {
                return (None, run_end);
            }
        }
    }
    // Inside a bracket or quotation that goes on after the run: no sentence ends here.
    if enclosed.iter().any(|ranges| held(ranges, at, run_end)) {
        return (None, run_end);
    }
    (Some((end, start)), run_end)
}

/// Byte offsets of the terminators of `body`, in order.
///
/// # Errors
///
/// [`crate::Error::OutOfMemory`]: a text of full stops needs eight bytes of offsets per byte of text, so the
/// offsets grow through [`reserve`] (an error, not an abort, when memory runs out).
fn terminator_candidates(body: &str, out: &mut Vec<usize>) -> Result<()> {
    out.clear();
    let bytes = body.as_bytes();
    for i in memchr::memchr3_iter(b'.', b'!', b'?', bytes) {
        reserve(out, 1)?;
        out.push(i);
    }
    if !body.is_ascii() {
        let before = out.len();
        // Every non-ASCII terminator is three bytes long and starts with one of these.
        for i in memchr::memchr3_iter(0xe2, 0xe3, 0xef, bytes) {
            if char_at(body, i).is_some_and(is_terminator) {
                reserve(out, 1)?;
                out.push(i);
            }
        }
        if out.len() > before {
            out.sort_unstable();
        }
    }
    Ok(())
}

/// Reused buffers of the sentence splitter.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    candidates: Vec<usize>,
    enclosed: Vec<(usize, usize)>,
    curly: Vec<(usize, usize)>,
}

/// Sentence spans inside `text[para.start..para.end]`, appended to `out`.
///
/// # Errors
///
/// [`crate::Error::OutOfMemory`] (room for one sentence per terminator, plus one, is reserved first).
pub(super) fn sentences_in(
    text: &str,
    para: Span,
    scratch: &mut Scratch,
    out: &mut Vec<Span>,
) -> Result<()> {
    let body = &text[para.start..para.end];
    terminator_candidates(body, &mut scratch.candidates)?;
    reserve(out, scratch.candidates.len() + 1)?;
    if scratch.candidates.is_empty() {
        out.extend(trimmed(text, para.start, para.end));
        return Ok(());
    }
    enclosures(body, &mut scratch.enclosed, &mut scratch.curly);
    let bytes = body.as_bytes();
    let mut sentence_start = 0;
    let mut skip_to = 0;
    for &at in &scratch.candidates {
        if at < skip_to {
            continue;
        }
        // Most terminators that end nothing are followed by a letter or digit ("3.5", "example.com"): skip them
        // before looking further (`sentence_break` would find the same).
        if bytes.get(at + 1).is_some_and(u8::is_ascii_alphanumeric) && bytes[at] < 0x80 {
            continue;
        }
        let (found, run_end) = sentence_break(body, at, [&scratch.enclosed, &scratch.curly]);
        skip_to = run_end;
        if let Some((end, next)) = found {
            out.extend(trimmed(text, para.start + sentence_start, para.start + end));
            sentence_start = next;
        }
    }
    out.extend(trimmed(text, para.start + sentence_start, para.end));
    Ok(())
}
