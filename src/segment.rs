//! Paragraphs and sentences.
//!
//! Paragraphs: if the text has a blank line (two line breaks with only white space between them), paragraphs are
//! separated by blank lines; otherwise, if it has line breaks, every non-blank line is a paragraph (the layout of
//! feeds and scraped articles with one paragraph per line); otherwise the whole text is one paragraph.
//!
//! Sentences: the `sentencex` crate (Wikimedia, MIT), run on each paragraph, so that a sentence never crosses a
//! paragraph. It was measured on a test set of 72 sentences of threat-intelligence prose written for this project
//! (`tests/data/sentences.txt`: "U.S. officials", "Feb. 24", "Gen. Nakasone", "a.k.a.", "No. 3", "Sept. 3,",
//! initials, decimals, version numbers, URLs, e-mail addresses, quotes and brackets after a full stop, ellipses): it
//! split 71 of 72 correctly; `unicode-segmentation` splits after "Feb." and "U.S.". The one miss ("Mon.-Fri.") is
//! fixed by a rule of ours: a piece that starts with a lower-case letter or with `-`, `,`, `;`, `:` or `)` continues
//! the previous sentence.
//!
//! All offsets are UTF-8 byte offsets; spans exclude surrounding white space and are never empty.

/// A span of text, in byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    /// Start (inclusive).
    pub start: usize,
    /// End (exclusive).
    pub end: usize,
}

/// The paragraphs and sentences of a text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Segments {
    /// Paragraph spans, in order.
    pub paragraphs: Vec<Span>,
    /// Sentence spans, in order.
    pub sentences: Vec<Span>,
    /// For each sentence, the index of its paragraph.
    pub sentence_paragraph: Vec<u32>,
}

fn trimmed(text: &str, start: usize, end: usize) -> Option<Span> {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let inner = piece.trim();
    (!inner.is_empty()).then(|| Span {
        start: start + lead,
        end: start + lead + inner.len(),
    })
}

/// Paragraph spans of `text`; see the module documentation.
pub fn paragraphs(text: &str) -> Vec<Span> {
    let lines: Vec<(usize, usize)> = {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, _) in text.match_indices('\n') {
            out.push((start, i));
            start = i + 1;
        }
        out.push((start, text.len()));
        out
    };
    let blank = |&(s, e): &(usize, usize)| text[s..e].trim().is_empty();
    // A blank line between two non-blank ones (leading and trailing blank lines do not count).
    let first = lines.iter().position(|l| !blank(l));
    let last = lines.iter().rposition(|l| !blank(l));
    let has_blank_line = match (first, last) {
        (Some(f), Some(l)) => lines[f..l].iter().any(blank),
        _ => false,
    };
    let mut spans = Vec::new();
    if has_blank_line {
        let mut start: Option<usize> = None;
        let mut end = 0;
        for line in &lines {
            if blank(line) {
                if let Some(s) = start.take() {
                    spans.extend(trimmed(text, s, end));
                }
            } else {
                start.get_or_insert(line.0);
                end = line.1;
            }
        }
        if let Some(s) = start {
            spans.extend(trimmed(text, s, end));
        }
    } else {
        spans.extend(lines.iter().filter_map(|&(s, e)| trimmed(text, s, e)));
    }
    spans
}

/// Whether a sentence piece continues the previous one (a false split after an abbreviation).
fn continues(piece: &str) -> bool {
    piece
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || matches!(c, '-' | ',' | ';' | ':' | ')'))
}

/// Above this many bytes `sentencex::get_sentence_boundaries` cuts a text into chunks before segmenting; longer
/// paragraphs go through it so that results stay those of the crate's documented entry point.
const SENTENCEX_CHUNK: usize = 10 * 1024;

/// Byte ranges of the sentences sentencex finds in `body`.
///
/// Performance note: for paragraphs up to [`SENTENCEX_CHUNK`] this calls the English segmenter's `segment`
/// directly, which returns slices only; `get_sentence_boundaries` also counts the characters of every sentence and
/// builds a language table per call, which made segmentation about a third slower. The two give the same
/// sentences (checked in this module's tests), and the byte range of a slice is its distance from `body`.
fn sentence_ranges(body: &str, out: &mut Vec<(usize, usize)>) {
    use sentencex::languages::{English, Language};
    out.clear();
    if body.len() > SENTENCEX_CHUNK {
        out.extend(
            sentencex::get_sentence_boundaries("en", body)
                .iter()
                .map(|b| (b.start_byte, b.end_byte)),
        );
        return;
    }
    let base = body.as_ptr() as usize;
    out.extend(English {}.segment(body).iter().map(|piece| {
        let start = piece.as_ptr() as usize - base;
        (start, start + piece.len())
    }));
}

/// Sentence spans inside `text[para.start..para.end]`.
fn sentences_in(text: &str, para: Span) -> Vec<Span> {
    let body = &text[para.start..para.end];
    let mut out: Vec<Span> = Vec::new();
    let mut ranges = Vec::new();
    sentence_ranges(body, &mut ranges);
    for &(start, end) in &ranges {
        let Some(span) = trimmed(body, start, end) else {
            continue;
        };
        let span = Span {
            start: span.start + para.start,
            end: span.end + para.start,
        };
        match out.last_mut() {
            Some(last) if continues(&text[span.start..span.end]) => last.end = span.end,
            _ => out.push(span),
        }
    }
    out
}

/// Paragraphs and sentences of `text`.
pub fn segment(text: &str) -> Segments {
    let mut segments = Segments {
        paragraphs: paragraphs(text),
        ..Segments::default()
    };
    for (p, &para) in segments.paragraphs.iter().enumerate() {
        for s in sentences_in(text, para) {
            segments.sentences.push(s);
            segments.sentence_paragraph.push(p as u32);
        }
    }
    segments
}

/// The sentence and paragraph of each match of `text` (by where it starts), -1 where it lies outside every one.
pub fn locate(text: &str, matches: &[crate::matcher::Match]) -> Vec<(i64, i64)> {
    let segments = segment(text);
    let find = |spans: &[Span], at: usize| -> i64 {
        let i = spans.partition_point(|s| s.start <= at);
        match i.checked_sub(1) {
            Some(i) if at < spans[i].end => i64::try_from(i).unwrap_or(-1),
            _ => -1,
        }
    };
    matches
        .iter()
        .map(|m| {
            (
                find(&segments.sentences, m.byte_start),
                find(&segments.paragraphs, m.byte_start),
            )
        })
        .collect()
}

/// [`segment`] with code-point offsets (Python `str` indices) instead of byte offsets.
///
/// # Panics
///
/// Never: every offset looked up was collected first.
pub fn segment_chars(text: &str) -> Segments {
    let mut s = segment(text);
    // Every offset, sorted, converted in one pass over the text.
    let mut offsets: Vec<usize> = s
        .paragraphs
        .iter()
        .chain(&s.sentences)
        .flat_map(|span| [span.start, span.end])
        .collect();
    offsets.sort_unstable();
    offsets.dedup();
    let mut chars = Vec::with_capacity(offsets.len());
    let (mut byte, mut count) = (0, 0);
    for &o in &offsets {
        count += crate::normalize::count_chars(&text[byte..o]);
        byte = o;
        chars.push(count);
    }
    let convert = |b: usize| {
        chars[offsets
            .binary_search(&b)
            .expect("invariant: every offset was collected")]
    };
    for span in s.paragraphs.iter_mut().chain(s.sentences.iter_mut()) {
        *span = Span {
            start: convert(span.start),
            end: convert(span.end),
        };
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_segmenter_gives_the_sentences_of_get_sentence_boundaries() {
        let data = include_str!("../tests/data/sentences.txt");
        // Each passage joined into one paragraph, as the segmentation test does, and the whole file as one text.
        let mut bodies: Vec<String> = data
            .split("\n\n")
            .map(|passage| passage.replace('\n', " "))
            .collect();
        bodies.push(data.replace('\n', " "));
        bodies.push(
            "He said \"Stop.\" Then left. (See Fig. 2.) Next\u{2026} \u{201c}Quoted.\u{201d} Done!"
                .into(),
        );
        bodies.push(
            "\u{65e5}\u{672c}\u{8a9e}\u{3002} Ünïcödé text. Ok? Yes!  Two  spaces. End".into(),
        );
        let mut ranges = Vec::new();
        for body in &bodies {
            sentence_ranges(body, &mut ranges);
            let direct: Vec<_> = ranges
                .iter()
                .filter_map(|&(s, e)| trimmed(body, s, e))
                .collect();
            let reference: Vec<_> = sentencex::get_sentence_boundaries("en", body)
                .iter()
                .filter_map(|b| trimmed(body, b.start_byte, b.end_byte))
                .collect();
            assert_eq!(direct, reference, "{body}");
        }
        assert!(bodies.iter().filter(|b| b.len() < SENTENCEX_CHUNK).count() >= 10);
    }

    fn texts<'a>(text: &'a str, spans: &[Span]) -> Vec<&'a str> {
        spans.iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn paragraphs_split_at_blank_lines_else_at_lines() {
        let text = "One. Two.\nstill one.\n \n\nThree.\n";
        assert_eq!(
            texts(text, &paragraphs(text)),
            ["One. Two.\nstill one.", "Three."]
        );
        let text = "Line one.\nLine two.\n\n";
        assert_eq!(texts(text, &paragraphs(text)), ["Line one.", "Line two."]);
        assert_eq!(texts("  single ", &paragraphs("  single ")), ["single"]);
        assert!(paragraphs(" \n\n ").is_empty());
    }

    #[test]
    fn sentences_respect_abbreviations_and_paragraphs() {
        let text = "U.S. officials met Gen. Smith on Feb. 24. They left.\n\nAPT28, a.k.a. Fancy Bear, works Mon.-Fri. in Moscow.";
        let s = segment(text);
        assert_eq!(
            texts(text, &s.sentences),
            [
                "U.S. officials met Gen. Smith on Feb. 24.",
                "They left.",
                "APT28, a.k.a. Fancy Bear, works Mon.-Fri. in Moscow."
            ]
        );
        assert_eq!(s.sentence_paragraph, [0, 0, 1]);
    }

    #[test]
    fn char_offsets_count_code_points() {
        let text = "Ünïcödé ok. Next 😀.";
        let s = segment_chars(text);
        assert_eq!(
            s.sentences,
            vec![Span { start: 0, end: 11 }, Span { start: 12, end: 19 }]
        );
        assert_eq!(s.paragraphs, vec![Span { start: 0, end: 19 }]);
    }

    #[test]
    fn locates_matches_in_sentences_and_paragraphs() {
        use crate::matcher::Match;
        let text = "One. Two x.\n\nThree.";
        let at = |b: usize| Match {
            start: b,
            end: b + 1,
            byte_start: b,
            byte_end: b + 1,
            entity: 0,
            alias: 0,
        };
        assert_eq!(
            locate(text, &[at(0), at(9), at(14)]),
            vec![(0, 0), (1, 0), (2, 1)]
        );
    }

    #[test]
    fn empty_text_has_no_segments() {
        assert_eq!(segment(""), Segments::default());
    }
}
