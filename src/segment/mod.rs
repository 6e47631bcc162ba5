//! Paragraphs and sentences: `paragraphs.rs` and `sentences.rs` hold the rules, the word lists they use are data
//! files beside them (`abbreviations.txt`, `starters.txt`, `time_zones.txt`), and this module places byte offsets
//! (the starts of mentions) in the spans.
//!
//! Paragraphs: if the text has a blank line (two line breaks with only white space between them), paragraphs are
//! separated by blank lines; otherwise, if it has line breaks, every non-blank line is a paragraph (the layout of
//! feeds and scraped articles with one paragraph per line); otherwise the whole text is one paragraph. Lines end at
//! `\n`, `\r\n`, `\r` and U+2028; U+2029 PARAGRAPH SEPARATOR always separates paragraphs.
//!
//! Sentences: split inside each paragraph (a sentence never crosses one) by the rules of `sentence_break` (in
//! `sentences.rs`), which look only at the few characters around each terminator: white space must follow, the next word must not start
//! in lower case, a lone full stop after an abbreviation or an initial ends a sentence only before a typical
//! sentence opener, and terminators inside brackets or quotations end none. They split all 72 sentences of the test
//! set written for this project (`tests/data/sentences.txt`: "U.S. officials", "Feb. 24", "Gen. Nakasone",
//! "a.k.a.", "No. 3", "Sept. 3,", "Mon.-Fri.", initials, decimals, version numbers, URLs, e-mail addresses, quotes
//! and brackets after a full stop, ellipses).
//!
//! Performance note: this replaces the `sentencex` crate, which these rules were checked against. sentencex runs
//! four regular expressions (quotes, brackets, e-mail addresses, list items) over every paragraph and segmented the
//! benchmark corpus at 60-140 MB/s, so that sentence-scope co-occurrence cost 2.9x plain matching. Here only the
//! terminators are visited (found with `memchr`; those followed by a letter or digit are dropped first), and the
//! same corpus segments at 420-450 MB/s (sentence scope 1.2x matching in Rust). On the shipped MISP descriptions,
//! 99.6% of the sentence ends found here are sentencex's and 99.0% of sentencex's are found here
//! (`tests/segmentation.rs` checks both); where they differ, sentencex mostly splits where no white space follows
//! (".NET", "Linux.Antd", "WINWORD.EXE", markdown images `![...]`) and this module does not, which also makes it
//! miss sentences whose space was lost in the source ("histories.Sample").
//!
//! All offsets are UTF-8 byte offsets; spans exclude surrounding white space and are never empty.

mod paragraphs;
mod sentences;
mod words;

pub use paragraphs::paragraphs;
use paragraphs::paragraphs_into;
use sentences::{sentences_in, Scratch};

use crate::error::{reserve, Result};

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

#[derive(Debug, Default)]
pub struct Splitter {
    lines: Vec<(usize, usize)>,
    paragraphs: Vec<Span>,
    sentences: Vec<Span>,
    scratch: Scratch,
}

impl Splitter {
    /// The paragraph spans of `text` (as [`paragraphs`]) into `out`, cleared first.
    ///
    /// # Errors
    ///
    /// [`crate::Error::OutOfMemory`] if the spans cannot be allocated (as for every method here).
    pub fn paragraphs(&mut self, text: &str, out: &mut Vec<Span>) -> Result<()> {
        paragraphs_into(text, &mut self.lines, out)
    }

    /// The sentence spans of `text` (as [`segment`]) into `out`, cleared first.
    ///
    /// # Errors
    ///
    /// As [`Splitter::paragraphs`].
    pub fn sentences(&mut self, text: &str, out: &mut Vec<Span>) -> Result<()> {
        paragraphs_into(text, &mut self.lines, &mut self.paragraphs)?;
        out.clear();
        for &para in &self.paragraphs {
            sentences_in(text, para, &mut self.scratch, out)?;
        }
        Ok(())
    }

    /// The sentence and paragraph index of each byte offset of `starts` (not decreasing, as the starts of the
    /// matcher's mentions) in `text`, -1 where it lies outside every one: `f(sentence, paragraph)` per start, in
    /// order.
    ///
    /// # Errors
    ///
    /// As [`Splitter::paragraphs`].
    pub fn locate(
        &mut self,
        text: &str,
        starts: impl IntoIterator<Item = usize>,
        mut f: impl FnMut(i64, i64),
    ) -> Result<()> {
        // `sentences` also leaves the paragraphs of `text` in `self.paragraphs`.
        let mut sentences = std::mem::take(&mut self.sentences);
        let split = self.sentences(text, &mut sentences);
        if let Err(e) = split {
            self.sentences = sentences;
            return Err(e);
        }
        // Both span lists and the starts are in order: one cursor each.
        let (mut s, mut p) = (0, 0);
        let index = |i: Option<usize>| i.and_then(|i| i64::try_from(i).ok()).unwrap_or(-1);
        for at in starts {
            f(
                index(span_index(&sentences, &mut s, at)),
                index(span_index(&self.paragraphs, &mut p, at)),
            );
        }
        self.sentences = sentences;
        Ok(())
    }
}

/// The index of the span of `spans` (in order, disjoint) that holds byte `at`, if any, moving `i` forward: `at` must
/// not decrease from one call to the next. The one walk that places mentions in spans (segments here, units of
/// co-occurrence in [`crate::cooccurrence`]).
pub(crate) fn span_index(spans: &[Span], i: &mut usize, at: usize) -> Option<usize> {
    while spans.get(*i).is_some_and(|span| span.end <= at) {
        *i += 1;
    }
    spans.get(*i).filter(|span| span.start <= at).map(|_| *i)
}

/// Paragraphs and sentences of `text`.
///
/// # Panics
///
/// If the spans cannot be allocated ([`try_segment`] reports that as an error instead).
pub fn segment(text: &str) -> Segments {
    try_segment(text).unwrap_or_else(|e| panic!("{e}"))
}

/// [`segment`], with a failed allocation reported.
///
/// # Errors
///
/// [`crate::Error::OutOfMemory`].
pub fn try_segment(text: &str) -> Result<Segments> {
    let mut segments = Segments::default();
    paragraphs_into(text, &mut Vec::new(), &mut segments.paragraphs)?;
    let mut scratch = Scratch::default();
    for (p, &para) in segments.paragraphs.iter().enumerate() {
        sentences_in(text, para, &mut scratch, &mut segments.sentences)?;
        let n = segments.sentences.len() - segments.sentence_paragraph.len();
        reserve(&mut segments.sentence_paragraph, n)?;
        segments
            .sentence_paragraph
            .extend(std::iter::repeat_n(p as u32, n));
    }
    Ok(segments)
}

/// The sentence and paragraph of each byte offset of `starts` (not decreasing) in `text`, -1 where it lies outside
/// every one.
///
/// # Panics
///
/// If memory runs out (see [`try_segment`]).
pub fn locate(text: &str, starts: &[usize]) -> Vec<(i64, i64)> {
    let mut out = Vec::with_capacity(starts.len());
    Splitter::default()
        .locate(text, starts.iter().copied(), |s, p| out.push((s, p)))
        .unwrap_or_else(|e| panic!("{e}"));
    out
}

/// [`segment`] with code-point offsets (Python `str` indices) instead of byte offsets.
///
/// # Errors
///
/// [`crate::Error::OutOfMemory`] (see [`try_segment`]).
///
/// # Panics
///
/// Never: every offset looked up was collected first.
pub fn segment_chars(text: &str) -> Result<Segments> {
    let mut s = try_segment(text)?;
    // Every offset, sorted, converted in one pass over the text.
    let mut offsets: Vec<usize> = Vec::new();
    reserve(&mut offsets, 2 * (s.paragraphs.len() + s.sentences.len()))?;
    offsets.extend(
        s.paragraphs
            .iter()
            .chain(&s.sentences)
            .flat_map(|span| [span.start, span.end]),
    );
    offsets.sort_unstable();
    offsets.dedup();
    let mut cursor = crate::normalize::CharCursor::new(text);
    let mut chars: Vec<usize> = Vec::new();
    reserve(&mut chars, offsets.len())?;
    chars.extend(offsets.iter().map(|&o| cursor.chars_at(o)));
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
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::sentences::is_abbreviation;
    use super::words::{abbreviations, starters};
    use super::*;

    #[test]
    fn word_lists_are_sorted_and_unique() {
        for list in [abbreviations(), starters()] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
        }
        assert!(abbreviations()
            .iter()
            .all(|a| a.len() <= 8 && *a == a.to_lowercase()));
    }

    fn sentences(text: &str) -> Vec<&str> {
        let s = segment(text);
        s.sentences.iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn abbreviations_initials_and_dotted_words_end_a_sentence_only_before_a_starter() {
        assert_eq!(
            sentences("Acme Inc. The firm said so. Acme Inc. officials did too."),
            [
                "Acme Inc.",
                "The firm said so.",
                "Acme Inc. officials did too."
            ]
        );
        assert_eq!(
            sentences("It hit the U.S. Deputy Smith spoke. It hit the U.S. It spread. See Appendix A. Then go."),
            ["It hit the U.S. Deputy Smith spoke.", "It hit the U.S.", "It spread.", "See Appendix A.", "Then go."]
        );
        assert_eq!(
            sentences("J. R. Smith met Dr. Doe. No. 3 won."),
            ["J. R. Smith met Dr. Doe.", "No. 3 won."]
        );
        assert!(is_abbreviation("a.k.a") && is_abbreviation("Ph.D") && is_abbreviation("Feb"));
        // Acronyms in capitals are words, even when the list has them in lower case ("sec", "ca", "ms").
        assert!(!is_abbreviation("SEC") && !is_abbreviation("CA") && !is_abbreviation("FEB"));
        assert!(!is_abbreviation("setup.exe") && !is_abbreviation("2016") && !is_abbreviation(""));
    }

    #[test]
    fn terminators_need_white_space_and_a_sentence_like_next_word() {
        assert_eq!(
            sentences("Version 2.1.4 of example.com is U.S.-made. Ends here!Not here. it goes on; 24 more. (Yes) x."),
            ["Version 2.1.4 of example.com is U.S.-made.", "Ends here!Not here. it goes on; 24 more.", "(Yes) x."]
        );
        assert_eq!(
            sentences("Why? Because! Wait... Done\u{2026} Next"),
            ["Why?", "Because!", "Wait...", "Done\u{2026}", "Next"]
        );
        assert_eq!(
            sentences("\u{65e5}\u{672c}\u{3002}\u{8a9e}\u{ff01}Ok"),
            ["\u{65e5}\u{672c}\u{3002}", "\u{8a9e}\u{ff01}", "Ok"]
        );
        assert_eq!(
            sentences("Yahoo! Mail was hit. Cited. [12][3] Next."),
            ["Yahoo! Mail was hit.", "Cited. [12][3]", "Next."]
        );
        assert_eq!(
            sentences("Cited.[12] Next one."),
            ["Cited.[12]", "Next one."]
        );
    }

    #[test]
    fn quotes_and_brackets_hold_their_terminators() {
        assert_eq!(
            sentences("He said \"Stop. Go.\" Then left. (See Fig. 2. It shows this.) Next \u{201c}A. B.\u{201d} C."),
            [
                "He said \"Stop. Go.\"",
                "Then left.",
                "(See Fig. 2. It shows this.)",
                "Next \u{201c}A. B.\u{201d}",
                "C."
            ]
        );
        assert_eq!(
            sentences("He said \"Stop.\" Then left."),
            ["He said \"Stop.\"", "Then left."]
        );
        // An unclosed quote or bracket holds nothing.
        assert_eq!(
            sentences("A \"bee. Cat (dog. Eel."),
            ["A \"bee.", "Cat (dog.", "Eel."]
        );
    }

    #[test]
    fn sentences_tile_each_paragraph_on_random_text() {
        // Pieces chosen to hit every rule: terminators (also three-byte ones), closers, brackets, quotes, references,
        // abbreviations, starters, lower case, digits, CJK, line breaks.
        const PIECES: &[&str] = &[
            ".",
            "!",
            "?",
            "\u{2026}",
            "\u{3002}",
            "\u{ff01}",
            "\"",
            "'",
            "(",
            ")",
            "[",
            "]",
            "[12]",
            "*",
            "_",
            "`",
            "\u{201c}",
            "\u{201d}",
            "\u{2019}",
            " ",
            "  ",
            "\n",
            "\n\n",
            "U.S",
            "Feb",
            "J",
            "The",
            "word",
            "x",
            "3",
            "2.5",
            ",",
            "-",
            "\u{e9}t\u{e9}",
            "\u{65e5}",
            "Yahoo",
            "\u{a0}",
        ];
        let mut random = crate::testing::RandomTexts::new(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let text = random.text(PIECES, 24);
            let s = segment(&text);
            let mut previous_end = 0;
            for (sentence, &p) in s.sentences.iter().zip(&s.sentence_paragraph) {
                let para = s.paragraphs[p as usize];
                assert!(
                    para.start <= sentence.start && sentence.end <= para.end,
                    "{text:?}"
                );
                assert!(
                    previous_end <= sentence.start && sentence.start < sentence.end,
                    "{text:?}"
                );
                let piece = &text[sentence.start..sentence.end];
                assert_eq!(piece, piece.trim(), "{text:?}");
                previous_end = sentence.end;
            }
            // Every character of a paragraph that is not white space lies in one of its sentences.
            for (p, para) in s.paragraphs.iter().enumerate() {
                let covered: usize = s
                    .sentences
                    .iter()
                    .zip(&s.sentence_paragraph)
                    .filter(|(_, &q)| q as usize == p)
                    .map(|(s, _)| {
                        text[s.start..s.end]
                            .chars()
                            .filter(|c| !c.is_whitespace())
                            .count()
                    })
                    .sum();
                let all = text[para.start..para.end]
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .count();
                assert_eq!(covered, all, "{text:?}");
            }
        }
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
    fn paragraphs_split_at_every_kind_of_line_end() {
        // Lone CR, CRLF and U+2028 end lines (one paragraph per line when no line is blank).
        for text in ["A.\rB.\r\nC.", "A.\u{2028}B.\nC.\r"] {
            assert_eq!(
                texts(text, &paragraphs(text)),
                ["A.", "B.", "C."],
                "{text:?}"
            );
        }
        // Blank lines made of CRs, as a CR-only file writes them.
        let text = "One.\rstill one.\r\rTwo.";
        assert_eq!(texts(text, &paragraphs(text)), ["One.\rstill one.", "Two."]);
        // U+2029 separates paragraphs even among single line breaks, which then stay inside a paragraph.
        let text = "One.\nstill one.\u{2029}Two.\nstill two.";
        assert_eq!(
            texts(text, &paragraphs(text)),
            ["One.\nstill one.", "Two.\nstill two."]
        );
        // Other characters led by the byte E2 are no line ends.
        let text = "It\u{2019}s \u{2014} one\u{2029}";
        assert_eq!(texts(text, &paragraphs(text)), ["It\u{2019}s \u{2014} one"]);
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
        let s = segment_chars(text).unwrap();
        assert_eq!(
            s.sentences,
            vec![Span { start: 0, end: 11 }, Span { start: 12, end: 19 }]
        );
        assert_eq!(s.paragraphs, vec![Span { start: 0, end: 19 }]);
    }

    #[test]
    fn locates_matches_in_sentences_and_paragraphs() {
        let text = "One. Two x.\n\nThree.";
        assert_eq!(locate(text, &[0, 9, 14]), vec![(0, 0), (1, 0), (2, 1)]);
    }

    #[test]
    fn locate_gives_the_span_holding_each_start() {
        let texts = [
            "  One. Two x.\n\n  Three (a. b.) four!\n\nFive. ",
            "Line one. More.\nLine two.\n \n",
            "\u{65e5}\u{3002}\u{8a9e} \u{e9}t\u{e9}. Fin.",
            "",
        ];
        for text in texts {
            // A start at every character boundary, in order.
            let starts: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
            let s = segment(text);
            let naive = |spans: &[Span], at: usize| {
                spans
                    .iter()
                    .position(|s| s.start <= at && at < s.end)
                    .map_or(-1, |i| i64::try_from(i).unwrap())
            };
            let expected: Vec<(i64, i64)> = starts
                .iter()
                .map(|&at| (naive(&s.sentences, at), naive(&s.paragraphs, at)))
                .collect();
            assert_eq!(locate(text, &starts), expected, "{text:?}");
        }
    }

    #[test]
    fn review_cases_spaced_ellipses_stray_quotes_time_zones_acronyms() {
        assert_eq!(
            sentences("He paused . . . then left."),
            ["He paused . . . then left."]
        );
        assert_eq!(
            sentences("Wait . . . The server went down."),
            ["Wait . . .", "The server went down."]
        );
        assert_eq!(
            sentences("A 15\" screen. It broke. He said \"no.\""),
            ["A 15\" screen.", "It broke.", "He said \"no.\""]
        );
        assert_eq!(
            sentences("The number was \"unknown. They added that \"more\" would follow."),
            [
                "The number was \"unknown.",
                "They added that \"more\" would follow."
            ]
        );
        assert_eq!(
            sentences(
                "It began at 9 a.m. ET on Tuesday. It ended at 5 p.m. GMT. Microsoft confirmed it."
            ),
            [
                "It began at 9 a.m. ET on Tuesday.",
                "It ended at 5 p.m. GMT.",
                "Microsoft confirmed it."
            ]
        );
        assert_eq!(
            sentences("They told the SEC. Microsoft said so. Sold by NSO Group Ltd. A spokesman declined. J. A. Smith left."),
            ["They told the SEC.", "Microsoft said so.", "Sold by NSO Group Ltd.", "A spokesman declined.", "J. A. Smith left."]
        );
    }

    #[test]
    fn unclosed_brackets_and_quotes_stay_linear() {
        // Quadratic work here (each opener searching the rest of the paragraph) would take minutes, not milliseconds.
        for opener in ["(", "[", "\"", "( \""] {
            let text = format!("{}Done. Next", opener.repeat(400_000));
            let s = segment(&text);
            assert_eq!(s.sentences.len(), 2, "{opener}");
        }
    }

    #[test]
    fn empty_text_has_no_segments() {
        assert_eq!(segment(""), Segments::default());
    }
}
