//! The matcher: a trie of every folded alias walked from each word start, boundary and case checks, overlap
//! selection.
//!
//! # Performance notes
//!
//! *Why all candidates, then a filter, then a choice.* A search that keeps only the longest alias at a position
//! loses the valid shorter match ("Iran") when the longest candidate then fails the word-boundary check ("Iran Air"
//! in "Iran Airways"). So every alias the text begins with at a word start is a candidate; each candidate is
//! checked (boundaries on the original text, then the alias's case policy), and only then are overlaps resolved.
//!
//! *Why a word-start trie.* See [`crate::wordtrie`]: no alias starts inside a word, so the text is only examined
//! where a word starts, instead of byte by byte with an Aho-Corasick automaton. On the 50 MB benchmark corpus the
//! whole of `find_table` runs at 1.3-1.5x the speed of the crate's DFA merely counting matches, and the matcher
//! builds in 6 ms with 1.6 MB against the DFA's 200 ms and 83 MB (BENCHMARKS.md). With leftmost-longest
//! selection, a start inside a mention already chosen is not examined at all, and the longest candidate of a start
//! is checked first, so that most starts need one check.
//!
//! *Why an Aho-Corasick automaton as well.* A walk reads as far as some alias continues the text, so an alias the
//! text almost matches again and again ("a a a ... a b" against "a a a a ...") would make the walks cost the text's
//! length times the alias's. Walks are counted, and a text whose walks read more than [`WALK_BUDGET_PER_BYTE`] bytes
//! per byte is searched again with the `aho-corasick` crate's contiguous NFA (built on first need), which reads each
//! byte once and gives the same answer (tested). Natural text reads about half a byte per byte.
//!
//! *Why ASCII case-insensitive, on the text as written when it is ASCII.* The trie holds case-folded aliases and
//! folds ASCII case and white-space runs itself, so ASCII text (most news) is searched in place with no copy;
//! other text is folded once (see [`crate::normalize`]), which also handles non-ASCII case and typography.

use std::cmp::Reverse;
use std::sync::{Arc, OnceLock};

use crate::error::{Error, Result};
use crate::gazetteer::Gazetteer;
use crate::normalize::{count_chars, is_word, normalize_collapsed, normalize_with, Spare};
use crate::parallel;
use crate::wordtrie::{is_ascii_word, WordTrie};

/// How overlapping matches are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Overlaps {
    /// Leftmost-longest among valid matches, one entity per span: "Russian Federal Security Service" is one mention.
    Longest,
    /// Every valid (span, entity) pair, nested and overlapping ones included.
    All,
}

impl Overlaps {
    /// Parse `"longest"` or `"all"`.
    pub fn parse(name: &str) -> Option<Overlaps> {
        match name {
            "longest" => Some(Overlaps::Longest),
            "all" => Some(Overlaps::All),
            _ => None,
        }
    }

    /// The mode's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Overlaps::Longest => "longest",
            Overlaps::All => "all",
        }
    }
}

/// The unit of [`Match::start`] and [`Match::end`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offsets {
    /// UTF-8 byte offsets into the `&str`.
    Bytes,
    /// Code-point offsets (Python `str` indices).
    Chars,
}

/// One mention: a span of the text and the entity (and alias) it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Match {
    /// Start offset (see [`Offsets`]).
    pub start: usize,
    /// End offset, exclusive.
    pub end: usize,
    /// UTF-8 byte offset of the start, whatever the unit of `start`.
    pub byte_start: usize,
    /// UTF-8 byte offset of the end.
    pub byte_end: usize,
    /// Index of the entity in the gazetteer.
    pub entity: u32,
    /// Index of the matching alias in the entity's aliases.
    pub alias: u32,
}

/// Mentions of many documents in columns: row `i` is a mention in document `doc[i]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchTable {
    /// Document index (position in the input).
    pub doc: Vec<i64>,
    /// Start offsets.
    pub start: Vec<i64>,
    /// End offsets.
    pub end: Vec<i64>,
    /// Entity indices.
    pub entity: Vec<i32>,
    /// Alias indices within the entity.
    pub alias: Vec<i32>,
    /// Sentence index of each mention in its document (empty unless segments were asked for; -1: none).
    pub sentence: Vec<i64>,
    /// Paragraph index of each mention in its document (empty unless segments were asked for; -1: none).
    pub paragraph: Vec<i64>,
}

impl MatchTable {
    /// Number of mentions.
    pub fn len(&self) -> usize {
        self.doc.len()
    }

    /// Whether there is no mention.
    pub fn is_empty(&self) -> bool {
        self.doc.is_empty()
    }
}

/// A compiled gazetteer, ready to search text. Cheap to clone and to share between threads.
#[derive(Debug, Clone)]
pub struct Matcher {
    gazetteer: Arc<Gazetteer>,
    trie: Arc<WordTrie>,
    overlaps: Overlaps,
    /// Automaton for texts that would make the walks too dear, built on first need (see `find_with_automaton`).
    automaton: Arc<OnceLock<Option<aho_corasick::AhoCorasick>>>,
}

/// Matches of one text, and with segments asked for, the (sentence, paragraph) of each.
pub type Located = (Vec<Match>, Option<Vec<(i64, i64)>>);

/// A candidate that passed the checks, before overlap resolution.
#[derive(Debug, Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    entity: u32,
    alias: u32,
}

impl Hit {
    fn into_match(self) -> Match {
        Match {
            start: self.start,
            end: self.end,
            byte_start: self.start,
            byte_end: self.end,
            entity: self.entity,
            alias: self.alias,
        }
    }
}

impl Matcher {
    /// Compile `gazetteer` (about 6 ms and 1.6 MB for the built-in one).
    ///
    /// # Errors
    ///
    /// [`Error::EmptyGazetteer`] for a gazetteer without entities, [`Error::Build`] if the alias set is too large.
    pub fn new(gazetteer: Arc<Gazetteer>, overlaps: Overlaps) -> Result<Matcher> {
        if gazetteer.is_empty() {
            return Err(Error::EmptyGazetteer);
        }
        let trie = WordTrie::new(gazetteer.patterns().iter().map(|(p, _)| p.as_str()))?;
        Ok(Matcher {
            gazetteer,
            trie: Arc::new(trie),
            overlaps,
            automaton: Arc::new(OnceLock::new()),
        })
    }

    /// Bytes of heap memory held by the search structure (the gazetteer not included).
    pub fn heap_bytes(&self) -> usize {
        self.trie.heap_bytes()
    }

    /// The gazetteer this matcher was built from.
    pub fn gazetteer(&self) -> &Arc<Gazetteer> {
        &self.gazetteer
    }

    /// The overlap mode.
    pub fn overlaps(&self) -> Overlaps {
        self.overlaps
    }

    /// Every mention in `text`, sorted by start, then longest first, then entity index.
    pub fn find(&self, text: &str, offsets: Offsets) -> Vec<Match> {
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        self.find_into(text, offsets, &mut scratch, &mut out);
        out
    }

    pub(crate) fn find_into(
        &self,
        text: &str,
        offsets: Offsets,
        scratch: &mut Scratch,
        out: &mut Vec<Match>,
    ) {
        let Scratch { hits, ends, spare } = scratch;
        hits.clear();
        let norm = normalize_with(text, spare);
        let haystack = norm.text.as_bytes();
        let identity = norm.map.is_identity();
        let all = self.overlaps == Overlaps::All;
        // End of the last mention chosen (leftmost-longest only), in the searched bytes and in the original.
        let (mut taken_norm, mut taken) = (0, 0);
        // Bytes read by the walks so far, and the most they may read before the automaton takes over.
        let (mut cost, budget) = (
            0usize,
            WALK_BUDGET_PER_BYTE * haystack.len() + WALK_BUDGET_BASE,
        );
        self.trie.for_each_start(haystack, |p| {
            // A start inside the last chosen mention cannot be chosen. The offset map is monotone (and maps character
            // boundaries one to one), so `p` before the mention's end in the searched bytes is before it in the
            // original; the second test only makes that explicit where the map is not the identity.
            if cost > budget || (p < taken_norm && (identity || norm.map.to_original(p) < taken)) {
                return;
            }
            ends.clear();
            cost += self.trie.walk(haystack, p, ends);
            if ends.is_empty() {
                return;
            }
            let start = norm.map.to_original(p);
            // Longest first: with leftmost-longest selection the first candidate accepted at a start is the pick.
            for &(ne, pattern) in ends.iter().rev() {
                let end = norm.map.to_original(ne);
                if self.accept_span(text, start, end, pattern, all, hits) && !all {
                    (taken_norm, taken) = (ne, end);
                    break;
                }
            }
        });
        let ascii = norm.ascii;
        norm.recycle(spare);
        if cost > budget {
            hits.clear();
            self.find_with_automaton(text, hits);
        }
        out.clear();
        if all {
            hits.sort_unstable_by_key(|h| (h.start, Reverse(h.end), h.entity));
        }
        // In leftmost-longest mode the hits are already in order and do not overlap.
        out.extend(hits.iter().copied().map(Hit::into_match));
        if offsets == Offsets::Chars && !ascii {
            to_char_offsets(text, out);
        }
    }

    /// Check the candidate `text[start..end]` (pattern `pattern`) and push its hits: boundaries on the original text,
    /// then each candidate entity's case policy, then the URL rule. Returns whether anything was pushed.
    fn accept_span(
        &self,
        text: &str,
        start: usize,
        end: usize,
        pattern: u32,
        all: bool,
        hits: &mut Vec<Hit>,
    ) -> bool {
        if !at_boundaries(text, start, end) {
            return false;
        }
        let span = &text[start..end];
        let candidates = &self.gazetteer.patterns()[pattern as usize].1;
        let first = hits.len();
        // The URL rule is the dearest check and the same for every candidate of the span: run it once, and only for a
        // span that some candidate's case policy accepts (most rejected spans are acronyms in lower case).
        let mut in_url = None;
        for c in candidates {
            // Candidates are sorted by (policy rank, entity, alias), so the first accepted one per entity is the alias
            // to report, and the first accepted one overall is the entity that wins the span.
            if hits[first..].iter().any(|h| h.entity == c.entity) || !c.accepts(span) {
                continue;
            }
            if *in_url.get_or_insert_with(|| in_url_or_path(text, start, end)) {
                break;
            }
            hits.push(Hit {
                start,
                end,
                entity: c.entity,
                alias: c.alias,
            });
            if !all {
                break;
            }
        }
        hits.len() > first
    }

    /// The hits of `text` found with an Aho-Corasick automaton (built on first use), for texts where the word-start
    /// walks would cost more than [`WALK_BUDGET_PER_BYTE`] bytes read per byte of text. In leftmost-longest mode the
    /// hits are left chosen and in order, as the trie path leaves them.
    ///
    /// Why: a walk from each word start reads as far as some alias continues the text, so an alias that the text
    /// almost matches again and again ("a a a ... a b" against "a a a a ...") makes the walks cost the text's length
    /// times the alias's (measured: 2 MB of text, a 1,000-word alias, 4.2 s). The automaton reads each byte once
    /// whatever the aliases. Natural text reads about 0.5 bytes per byte in walks (the 50 MB benchmark corpus).
    fn find_with_automaton(&self, text: &str, hits: &mut Vec<Hit>) {
        let all = self.overlaps == Overlaps::All;
        let automaton = self.automaton.get_or_init(|| {
            let patterns = self.gazetteer.patterns().iter().map(|(p, _)| p.as_str());
            // Its patterns were accepted by the trie, whose limits are tighter: the build cannot fail on them, but
            // if it did, the matcher would report nothing rather than panic.
            aho_corasick::AhoCorasick::builder()
                .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                .match_kind(aho_corasick::MatchKind::Standard)
                .ascii_case_insensitive(true)
                .build(patterns)
                .ok()
        });
        let Some(automaton) = automaton else {
            return;
        };
        // The automaton needs white-space runs collapsed in the text it reads.
        let norm = normalize_collapsed(text);
        let haystack = norm.text.as_bytes();
        let word = is_ascii_word;
        for m in automaton.find_overlapping_iter(haystack) {
            // Candidates inside a longer word are rejected on the searched bytes, as the trie's start finder and
            // walk do: folding never turns a non-word character into an ASCII word byte (tested in normalize.rs).
            let (ns, ne) = (m.start(), m.end());
            if (ns > 0 && word(haystack[ns - 1]) && word(haystack[ns]))
                || (ne < haystack.len() && word(haystack[ne - 1]) && word(haystack[ne]))
            {
                continue;
            }
            let (start, end) = (norm.map.to_original(ns), norm.map.to_original(ne));
            #[allow(clippy::cast_possible_truncation)] // pattern ids come from a u32-indexed table
            self.accept_span(text, start, end, m.pattern().as_usize() as u32, all, hits);
        }
        if !all {
            // Each span holds one hit; pick leftmost-longest among them, skipping whatever overlaps a pick.
            hits.sort_unstable_by_key(|h| (h.start, Reverse(h.end)));
            let mut next_free = 0;
            hits.retain(|h| {
                let keep = h.start >= next_free;
                if keep {
                    next_free = h.end;
                }
                keep
            });
        }
    }

    /// [`Matcher::find`] over many texts on `n_threads` threads (see [`parallel::map`]); one vector per text, in
    /// input order, identical for every thread count.
    pub fn find_many<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        offsets: Offsets,
        n_threads: Option<usize>,
    ) -> Result<Vec<Vec<Match>>> {
        parallel::map(texts, n_threads, |t| self.find(t.as_ref(), offsets))
    }

    /// [`Matcher::find`], and with `segments` the sentence and paragraph of each match (see
    /// [`crate::segment::locate`]).
    pub fn find_located(&self, text: &str, offsets: Offsets, segments: bool) -> Located {
        let matches = self.find(text, offsets);
        let places = segments.then(|| crate::segment::locate(text, &matches));
        (matches, places)
    }

    /// [`Matcher::find_located`] over many texts (see [`Matcher::find_many`]).
    pub fn find_many_located<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        offsets: Offsets,
        segments: bool,
        n_threads: Option<usize>,
    ) -> Result<Vec<Located>> {
        parallel::map(texts, n_threads, |t| {
            self.find_located(t.as_ref(), offsets, segments)
        })
    }

    /// [`Matcher::find_many`] into columns; with `segments`, also each mention's sentence and paragraph.
    ///
    /// Performance note: documents are matched in runs of up to [`TABLE_CHUNK_BYTES`], each into its own columns
    /// with buffers reused from one document to the next, rather than into one vector of matches per document
    /// (allocating and copying those cost about 5% of the time on 2 KB articles). Runs of 64 KB instead of 256 KB
    /// took two threads from 1.9x to 1.75x one thread's speed on 2 KB articles.
    ///
    /// # Errors
    ///
    /// A bad thread count, or a thread pool that cannot start.
    pub fn find_table<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        offsets: Offsets,
        n_threads: Option<usize>,
        segments: bool,
    ) -> Result<MatchTable> {
        // Consecutive runs of documents, each closed once it reaches the target size (64 to 256 KB: eight runs per
        // thread where the input is large enough).
        let threads = n_threads.unwrap_or_else(rayon::current_num_threads).max(1);
        let total: usize = texts.iter().map(|t| t.as_ref().len()).sum();
        let target = (total / (8 * threads)).clamp(TABLE_CHUNK_BYTES / 4, TABLE_CHUNK_BYTES);
        let mut chunks = Vec::new();
        let (mut first, mut bytes) = (0, 0);
        for (i, t) in texts.iter().enumerate() {
            bytes += t.as_ref().len();
            if bytes >= target {
                chunks.push(first..i + 1);
                (first, bytes) = (i + 1, 0);
            }
        }
        if first < texts.len() {
            chunks.push(first..texts.len());
        }
        let parts = parallel::map(&chunks, n_threads, |range| {
            let mut part = MatchTable::default();
            let (mut scratch, mut found) = (Scratch::default(), Vec::new());
            let mut splitter = crate::segment::Splitter::default();
            for doc in range.clone() {
                let text = texts[doc].as_ref();
                self.find_into(text, offsets, &mut scratch, &mut found);
                if segments {
                    splitter.locate(text, &found, |s, p| {
                        part.sentence.push(s);
                        part.paragraph.push(p);
                    });
                }
                // Offsets fit in i64 (a str holds at most isize::MAX bytes) and entity and alias indices in i32
                // (the gazetteer refuses more), so these casts cannot wrap.
                #[allow(clippy::cast_possible_wrap)]
                for m in &found {
                    part.doc.push(doc as i64);
                    part.start.push(m.start as i64);
                    part.end.push(m.end as i64);
                    part.entity.push(m.entity as i32);
                    part.alias.push(m.alias as i32);
                }
            }
            part
        })?;
        if parts.len() <= 1 {
            return Ok(parts.into_iter().next().unwrap_or_default());
        }
        let total = parts.iter().map(MatchTable::len).sum();
        let mut table = MatchTable {
            doc: Vec::with_capacity(total),
            start: Vec::with_capacity(total),
            end: Vec::with_capacity(total),
            entity: Vec::with_capacity(total),
            alias: Vec::with_capacity(total),
            sentence: Vec::with_capacity(if segments { total } else { 0 }),
            paragraph: Vec::with_capacity(if segments { total } else { 0 }),
        };
        for part in &parts {
            table.doc.extend_from_slice(&part.doc);
            table.start.extend_from_slice(&part.start);
            table.end.extend_from_slice(&part.end);
            table.entity.extend_from_slice(&part.entity);
            table.alias.extend_from_slice(&part.alias);
            table.sentence.extend_from_slice(&part.sentence);
            table.paragraph.extend_from_slice(&part.paragraph);
        }
        Ok(table)
    }
}

/// Largest size of the runs of documents [`Matcher::find_table`] hands to a thread (smaller inputs get runs down to
/// a quarter of it, so that every thread gets several).
pub const TABLE_CHUNK_BYTES: usize = 256 * 1024;

/// Most bytes the word-start walks of one text may read per byte of text before the text is searched with the
/// automaton instead (see `Matcher::find_with_automaton`).
pub const WALK_BUDGET_PER_BYTE: usize = 8;

/// Bytes the walks of any text may read on top of [`WALK_BUDGET_PER_BYTE`] (so that short texts never switch).
pub const WALK_BUDGET_BASE: usize = 1 << 16;

/// Buffers of one search, reused from one document to the next.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    hits: Vec<Hit>,
    ends: Vec<(usize, u32)>,
    spare: Spare,
}

/// How far the URL rule looks on each side of a match, in characters.
pub const URL_CONTEXT_CHARS: usize = 128;

/// Whether the match `text[start..end]` is part of a URL, a file path or a file name, where a country or a group
/// name is not a mention (`https://example.com/China-report`, `d:\scm\Italy\build`, `Lazarus.pdf`).
///
/// The rule looks at the run of non-white-space characters around the match (at most [`URL_CONTEXT_CHARS`] on
/// each side): the match is skipped if that run contains `://`, a backslash or `www.`, or if what follows the match
/// in the run, without trailing punctuation, is a file extension (a dot and 2 to 4 ASCII letters or digits, at least
/// one a letter: `.pdf`, `.exe`, `.com`).
fn in_url_or_path(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start]
        .char_indices()
        .rev()
        .take(URL_CONTEXT_CHARS)
        .take_while(|(_, c)| !c.is_whitespace())
        .last()
        .map_or(start, |(i, _)| i);
    let after = text[end..]
        .char_indices()
        .take(URL_CONTEXT_CHARS)
        .take_while(|(_, c)| !c.is_whitespace())
        .last()
        .map_or(end, |(i, c)| end + i + c.len_utf8());
    // One pass over the run's bytes instead of three substring searches (each of which sets up a searcher).
    let run = &text.as_bytes()[before..after];
    if run.iter().enumerate().any(|(i, &b)| match b {
        b'\\' => true,
        b':' => run[i + 1..].starts_with(b"//"),
        b'w' => run[i..].starts_with(b"www."),
        _ => false,
    }) {
        return true;
    }
    let tail = text[end..after]
        .trim_end_matches(|c: char| ".,;:!?)]}\"'\u{2019}\u{201d}\u{bb}".contains(c));
    tail.strip_prefix('.').is_some_and(|ext| {
        (2..=4).contains(&ext.len())
            && ext.bytes().all(|b| b.is_ascii_alphanumeric())
            && ext.bytes().any(|b| b.is_ascii_alphabetic())
    })
}

/// Whether `text[start..end]` neither starts nor ends between two word characters.
#[inline]
fn at_boundaries(text: &str, start: usize, end: usize) -> bool {
    let joins = |before: &str, after: &str| match (before.chars().next_back(), after.chars().next())
    {
        (Some(a), Some(b)) => is_word(a) && is_word(b),
        _ => false,
    };
    !joins(&text[..start], &text[start..end]) && !joins(&text[start..end], &text[end..])
}

/// Convert byte offsets to code-point offsets in place. `matches` must be sorted by start.
fn to_char_offsets(text: &str, matches: &mut [Match]) {
    let (mut byte, mut chars) = (0, 0);
    for m in matches {
        chars += count_chars(&text[byte..m.byte_start]);
        byte = m.byte_start;
        let len = count_chars(&text[m.byte_start..m.byte_end]);
        m.start = chars;
        m.end = chars + len;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::gazetteer::{RawAlias, RawRecord};

    fn matcher(entities: &[(&str, &[&str])], overlaps: Overlaps) -> Matcher {
        let records = entities.iter().map(|(id, aliases)| RawRecord {
            id: (*id).into(),
            kind: "test".into(),
            name: aliases[0].into(),
            aliases: aliases
                .iter()
                .map(|a| RawAlias::Text((*a).into()))
                .collect(),
            attrs: BTreeMap::new(),
        });
        Matcher::new(
            Arc::new(Gazetteer::from_records(records).unwrap()),
            overlaps,
        )
        .unwrap()
    }

    fn spans(m: &Matcher, text: &str) -> Vec<(usize, usize, String)> {
        m.find(text, Offsets::Chars)
            .into_iter()
            .map(|x| {
                (
                    x.start,
                    x.end,
                    m.gazetteer().entities()[x.entity as usize].id.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn rejected_longer_candidate_does_not_hide_shorter_one() {
        let m = matcher(
            &[("iran", &["Iran"]), ("iranair", &["Iran Air"])],
            Overlaps::Longest,
        );
        assert_eq!(spans(&m, "Iran Airways"), vec![(0, 4, "iran".into())]);
        assert_eq!(spans(&m, "Iran Air flew"), vec![(0, 8, "iranair".into())]);
    }

    #[test]
    fn respects_word_boundaries() {
        let m = matcher(&[("iran", &["Iran"]), ("us", &["US"])], Overlaps::Longest);
        assert!(spans(&m, "Iranian USB").is_empty());
        assert_eq!(
            spans(&m, "Iran's US-led"),
            vec![(0, 4, "iran".into()), (7, 9, "us".into())]
        );
    }

    #[test]
    fn skips_urls_paths_and_file_names() {
        let m = matcher(&[("it", &["Italy"]), ("cn", &["China"])], Overlaps::Longest);
        assert!(spans(
            &m,
            r"d:\scm\Italy\ares https://x.org/China-report www.china.cn China.pdf"
        )
        .is_empty());
        assert_eq!(
            spans(&m, "Italy. China, (Italy) China.\"China\" Italy-based"),
            vec![
                (0, 5, "it".into()),
                (7, 12, "cn".into()),
                (15, 20, "it".into()),
                (22, 27, "cn".into()),
                (29, 34, "cn".into()),
                (36, 41, "it".into())
            ]
        );
    }

    #[test]
    fn all_mode_returns_nested_mentions() {
        let m = matcher(
            &[
                ("fsb", &["Russian Federal Security Service"]),
                ("ru", &["Russian"]),
            ],
            Overlaps::All,
        );
        assert_eq!(
            spans(&m, "the Russian Federal Security Service"),
            vec![(4, 36, "fsb".into()), (4, 11, "ru".into())]
        );
        let m = matcher(
            &[
                ("fsb", &["Russian Federal Security Service"]),
                ("ru", &["Russian"]),
            ],
            Overlaps::Longest,
        );
        assert_eq!(
            spans(&m, "the Russian Federal Security Service"),
            vec![(4, 36, "fsb".into())]
        );
    }

    #[test]
    fn offsets_are_code_points_after_non_ascii_text() {
        let m = matcher(&[("tr", &["Türkiye"])], Overlaps::Longest);
        assert_eq!(spans(&m, "😀 İ TÜRKİYE"), vec![(4, 11, "tr".into())]);
    }

    #[test]
    fn thread_counts_give_identical_results() {
        let m = matcher(
            &[("iran", &["Iran"]), ("us", &["US", "United States"])],
            Overlaps::Longest,
        );
        let texts: Vec<String> = (0..500)
            .map(|i| format!("doc {i}: Iran and the United\nStates; US{i}"))
            .collect();
        let one = m.find_many(&texts, Offsets::Chars, Some(1)).unwrap();
        for n in [None, Some(2), Some(4)] {
            assert_eq!(m.find_many(&texts, Offsets::Chars, n).unwrap(), one);
        }
        assert_eq!(
            m.find_table(&texts, Offsets::Chars, Some(2), false)
                .unwrap()
                .len(),
            1000
        );
    }

    #[test]
    fn the_automaton_path_finds_what_the_trie_finds() {
        let entities: &[(&str, &[&str])] = &[
            ("iran", &["Iran"]),
            ("iranair", &["Iran Air"]),
            ("us", &["US", "United States"]),
            ("fsb", &["Russian Federal Security Service"]),
            ("ru", &["Russian"]),
            ("tr", &["Türkiye"]),
        ];
        let texts = [
            "Iran Airways, Iran Air flew; the United\n  States and US-led",
            "the Russian Federal Security Service and Russian\u{a0}units, TÜRKİYE\u{2019}s US",
            "https://x.org/Iran-report US.pdf thus Iranian USB",
        ];
        for overlaps in [Overlaps::Longest, Overlaps::All] {
            let m = matcher(entities, overlaps);
            for text in texts {
                let trie = m.find(text, Offsets::Bytes);
                let mut hits = Vec::new();
                m.find_with_automaton(text, &mut hits);
                if overlaps == Overlaps::All {
                    hits.sort_unstable_by_key(|h| (h.start, Reverse(h.end), h.entity));
                }
                let automaton: Vec<Match> = hits.into_iter().map(Hit::into_match).collect();
                assert!(!trie.is_empty() || text.starts_with("https"));
                assert_eq!(trie, automaton, "{overlaps:?} {text:?}");
            }
        }
    }

    #[test]
    fn empty_gazetteer_is_an_error() {
        let g = Arc::new(Gazetteer::new(Vec::new()).unwrap());
        assert!(matches!(
            Matcher::new(g, Overlaps::Longest),
            Err(Error::EmptyGazetteer)
        ));
    }
}
