//! Paragraphs: separated by blank lines if the text has one, else one per non-blank line, else the whole text.
//!
//! A line ends at `\n`, `\r\n`, a lone `\r` (old Mac files) or U+2028 LINE SEPARATOR; U+2029 PARAGRAPH SEPARATOR
//! ends a line and counts as a blank line, so it always separates paragraphs, as Unicode defines it.

use super::Span;
use crate::error::{reserve, Result};

pub(super) fn trimmed(text: &str, start: usize, end: usize) -> Option<Span> {
    let piece = &text[start..end];
    let bytes = piece.as_bytes();
    // Nearly every piece starts and ends with a visible ASCII character: nothing to trim.
    if let (Some(first), Some(last)) = (bytes.first(), bytes.last()) {
        if first.is_ascii_graphic() && last.is_ascii_graphic() {
            return Some(Span { start, end });
        }
    }
    let lead = piece.len() - piece.trim_start().len();
    let inner = piece.trim();
    (!inner.is_empty()).then(|| Span {
        start: start + lead,
        end: start + lead + inner.len(),
    })
}

/// Paragraph spans of `text`; see the module documentation.
///
/// # Panics
///
/// If the spans cannot be allocated.
pub fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    paragraphs_into(text, &mut Vec::new(), &mut out).unwrap_or_else(|e| panic!("{e}"));
    out
}

/// [`paragraphs`] into `out` (cleared first), with `lines` as a reused buffer.
///
/// # Errors
///
/// [`crate::Error::OutOfMemory`]: the lines grow through [`reserve`], and room for a span per line is reserved
/// before the spans are written.
pub(super) fn paragraphs_into(
    text: &str,
    lines: &mut Vec<(usize, usize)>,
    out: &mut Vec<Span>,
) -> Result<()> {
    out.clear();
    lines.clear();
    let bytes = text.as_bytes();
    let mut start = 0;
    // U+2028 and U+2029 are E2 80 A8 and E2 80 A9; other characters led by E2 (typographic quotes, dashes) are
    // passed over after a look at two bytes.
    for i in memchr::memchr3_iter(b'\n', b'\r', 0xE2, bytes) {
        if i < start {
            continue; // the `\n` of a `\r\n` already taken
        }
        let (end, paragraph) = match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => (i + 2, false),
            b'\n' | b'\r' => (i + 1, false),
            _ => match bytes.get(i + 1..i + 3) {
                Some([0x80, 0xA8]) => (i + 3, false),
                Some([0x80, 0xA9]) => (i + 3, true),
                _ => continue,
            },
        };
        reserve(lines, 2)?;
        lines.push((start, i));
        if paragraph {
            lines.push((end, end)); // an empty line: a blank line between the two
        }
        start = end;
    }
    reserve(lines, 1)?;
    lines.push((start, text.len()));
    reserve(out, lines.len())?;
    let blank = |&(s, e): &(usize, usize)| text[s..e].trim().is_empty();
    // A blank line between two non-blank ones (leading and trailing blank lines do not count).
    let first = lines.iter().position(|l| !blank(l));
    let last = lines.iter().rposition(|l| !blank(l));
    let has_blank_line = match (first, last) {
        (Some(f), Some(l)) => lines[f..l].iter().any(blank),
        _ => false,
    };
    if has_blank_line {
        let mut start: Option<usize> = None;
        let mut end = 0;
        for line in lines.iter() {
            if blank(line) {
                if let Some(s) = start.take() {
                    out.extend(trimmed(text, s, end));
                }
            } else {
                start.get_or_insert(line.0);
                end = line.1;
            }
        }
        if let Some(s) = start {
            out.extend(trimmed(text, s, end));
        }
    } else {
        out.extend(lines.iter().filter_map(|&(s, e)| trimmed(text, s, e)));
    }
    Ok(())
}
