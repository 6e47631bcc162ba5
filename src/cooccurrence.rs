//! Co-occurrence counts: in how many units (documents, paragraphs, sentences or token windows) each pair of
//! entities occurs together.
//!
//! The count of a pair (i, j) is the number of units in which both i and j are mentioned; the diagonal (i, i) is
//! the number of units in which i is mentioned; `n_units` is the number of units. A unit counts each entity once,
//! however often it is mentioned there, so every count is a count of units and the 2x2 table of a pair
//! (`n11 = c_ij`, `n10 = c_ii - c_ij`, `n01 = c_jj - c_ij`, `n00 = N - c_ii - c_jj + c_ij`) is consistent.
//!
//! Units, per document:
//! * `Document`: the document (every document is a unit, with or without mentions);
//! * `Paragraph` and `Sentence`: the spans of [`crate::segment`]; a mention belongs to the unit where it starts;
//! * `Window(k)`: consecutive, non-overlapping blocks of `k` tokens, where a token is a maximal run of word
//!   characters ([`crate::normalize::is_word`]); a mention belongs to the block of the first token it touches.
//!   Blocks do not overlap, so a pair is never counted twice for one stretch of text, as sliding windows do.
//!
//! Performance notes: each worker counts a chunk of documents into its own hash map of pairs (no locks, no
//! atomics), and the maps are added at the end; the cost is O(total mentions + pairs per unit), and the result is
//! sparse whatever the number of entities. The output is sorted, so it does not depend on the thread count. A
//! worker reuses its search buffers, mention list, span list and unit buffer from one document to the next, and
//! walks the mentions and the sentence or paragraph spans together (both are in order) instead of building a list
//! per unit; the map hashes with `FxHash` (keys are pairs of entity indices, not attacker-chosen strings). With both,
//! document scope went from 1.1-1.3x the time of matching alone to about 1.0-1.05x.

use rustc_hash::FxHashMap;

mod grouping;
mod table;

pub use grouping::{Grouping, Label, Plan, Rollup, SHIELD_KINDS};
pub use table::{Key, Table};

use crate::error::{reserve, Error, Result};
use crate::matcher::{Match, Matcher, Offsets, Scratch};
use crate::normalize::{is_ascii_word, is_word};
use crate::parallel;
use crate::segment::{span_index, Span, Splitter};

/// What a unit of co-occurrence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A whole document.
    Document,
    /// A paragraph.
    Paragraph,
    /// A sentence.
    Sentence,
    /// A block of this many tokens.
    Window(usize),
}

impl Scope {
    /// The scope named `name` (`document`, `paragraph`, `sentence` or `window`), with `window` tokens for
    /// `window` (and only for it), as the Python keyword arguments give them.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for an unknown name, a window missing, given to another scope, or under 1.
    pub fn parse(name: &str, window: Option<i64>) -> Result<Scope> {
        let scope = match (name, window) {
            ("document", None) => Scope::Document,
            ("paragraph", None) => Scope::Paragraph,
            ("sentence", None) => Scope::Sentence,
            ("window", Some(k)) => Scope::Window(usize::try_from(k).unwrap_or(0)),
            ("window", None) => {
                return Err(Error::InvalidArgument(
                    "scope='window' needs window=<number of tokens>".into(),
                ))
            }
            (s @ ("document" | "paragraph" | "sentence"), Some(_)) => {
                return Err(Error::InvalidArgument(format!(
                    "window is only for scope='window', not {s:?}"
                )))
            }
            (other, _) => {
                return Err(Error::choice(
                    "scope",
                    "'document', 'paragraph', 'sentence' or 'window'",
                    other,
                ))
            }
        };
        scope.check(window)?;
        Ok(scope)
    }

    /// The scope's name as [`Scope::parse`] reads it back: `"document"`, ..., `"window:50"`.
    pub fn name(self) -> String {
        match self {
            Scope::Document => "document".into(),
            Scope::Paragraph => "paragraph".into(),
            Scope::Sentence => "sentence".into(),
            Scope::Window(k) => format!("window:{k}"),
        }
    }

    /// The one check of a scope's value: a window holds at least one token. `given` is the window as the caller
    /// wrote it, for the message.
    fn check(self, given: Option<i64>) -> Result<()> {
        if self == Scope::Window(0) {
            let got = given.map(|k| format!(", got {k}")).unwrap_or_default();
            return Err(Error::InvalidArgument(format!(
                "window must be at least 1 token{got}"
            )));
        }
        Ok(())
    }
}

/// What each entity is counted as: itself, a group it rolls up to, or nothing; the `id` of [`cooccurrence`] as
/// the Python `cooccurrence` gives it (a list with one group id per gazetteer entity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Groups {
    /// The group of each gazetteer entity (`None`: left out); `None` counts every entity as itself.
    of: Option<Vec<Option<u32>>>,
    n_entities: usize,
    patterns: bool,
}

impl Groups {
    /// Groups over a gazetteer of `n_entities`: `groups[e]` is the id entity `e` is counted as (any number below
    /// 2^31) or -1 to leave it out; `None` counts each entity as itself. Threat actors named by a numbering scheme
    /// (numbers past the gazetteer's) count as themselves when `patterns` is true, else not at all; group ids are
    /// meant to be below `n_entities`, so that they never collide with such a number.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if `groups` does not have one item per entity or holds a number that is neither
    /// -1 nor an id.
    pub fn new(n_entities: usize, groups: Option<&[i64]>, patterns: bool) -> Result<Groups> {
        let of = match groups {
            None => None,
            Some(g) if g.len() != n_entities => {
                return Err(Error::InvalidArgument(format!(
                    "groups has {} items, the gazetteer {n_entities} entities",
                    g.len()
                )))
            }
            Some(g) => Some(
                g.iter()
                    .map(|&x| match x {
                        -1 => Ok(None),
                        x => i32::try_from(x)
                            .ok()
                            .and_then(|x| u32::try_from(x).ok())
                            .map(Some)
                            .ok_or_else(|| {
                                Error::InvalidArgument(format!(
                                    "groups holds {x}, not a group id or -1"
                                ))
                            }),
                    })
                    .collect::<Result<_>>()?,
            ),
        };
        Ok(Groups {
            of,
            n_entities,
            patterns,
        })
    }

    /// What entity number `e` is counted as.
    pub fn id(&self, e: u32) -> Option<u32> {
        if e as usize >= self.n_entities {
            return self.patterns.then_some(e);
        }
        match &self.of {
            Some(of) => of[e as usize],
            None => Some(e),
        }
    }
}

/// Sparse, symmetric co-occurrence counts over a gazetteer's entities (upper triangle stored).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Number of units.
    pub n_units: u64,
    /// Count of each pair `(i, j)` with `i <= j` (entity indices); `(i, i)` is the number of units with `i`.
    pub pairs: FxHashMap<(u32, u32), u64>,
}

impl Counts {
    /// Add the counts of another corpus (disjoint from this one): the result is the counts of the union.
    pub fn merge(&mut self, other: &Counts) {
        self.n_units += other.n_units;
        for (&k, &v) in &other.pairs {
            *self.pairs.entry(k).or_default() += v;
        }
    }

    /// Count one unit holding the given (sorted, distinct) entities.
    fn add_unit(&mut self, entities: &[u32]) {
        self.n_units += 1;
        for (a, &i) in entities.iter().enumerate() {
            for &j in &entities[a..] {
                *self.pairs.entry((i, j)).or_default() += 1;
            }
        }
    }

    /// The entries of the full symmetric matrix as sorted `(row, column, count)` triples.
    pub fn triples(&self) -> Vec<(u32, u32, u64)> {
        let mut out: Vec<(u32, u32, u64)> = Vec::with_capacity(self.pairs.len() * 2);
        for (&(i, j), &c) in &self.pairs {
            out.push((i, j, c));
            if i != j {
                out.push((j, i, c));
            }
        }
        out.sort_unstable();
        out
    }
}

/// 1 for the ASCII word characters of [`is_word`] ([`is_ascii_word`]), else 0: a table, so that the token loop has
/// no branch on the byte.
const ASCII_WORD: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = is_ascii_word(b as u8) as u8;
        b += 1;
    }
    table
};

/// Counts the tokens (maximal runs of word characters) of a text from left to right.
///
/// Performance note: window scope used to collect every token start of a document into a vector and binary-search
/// it per mention; counting word starts in one pass up to each mention (ASCII bytes through a table, other
/// characters decoded) needs no allocation and took window scope from about 1.33x to 1.18x the time of matching
/// (Rust, 50 MB of CTI prose).
struct Tokens<'t> {
    text: &'t str,
    /// Bytes read so far.
    pos: usize,
    /// Token starts before `pos`.
    count: usize,
    /// Whether the character before `pos` is a word character.
    in_word: bool,
}

impl<'t> Tokens<'t> {
    fn new(text: &'t str) -> Self {
        Tokens {
            text,
            pos: 0,
            count: 0,
            in_word: false,
        }
    }

    /// Read up to byte `to` (a character boundary at or after the current position).
    fn advance(&mut self, to: usize) {
        let bytes = &self.text.as_bytes()[..to];
        let (mut pos, mut count, mut in_word) = (self.pos, self.count, u8::from(self.in_word));
        while pos < bytes.len() {
            // ASCII stretches without a branch per byte.
            while let Some(&b) = bytes.get(pos).filter(|b| b.is_ascii()) {
                let word = ASCII_WORD[usize::from(b)];
                count += usize::from(word & !in_word & 1);
                in_word = word;
                pos += 1;
            }
            if let Some(c) = self
                .text
                .get(pos..)
                .and_then(|rest| rest.chars().next())
                .filter(|_| pos < bytes.len())
            {
                let word = u8::from(is_word(c));
                count += usize::from(word & !in_word & 1);
                in_word = word;
                pos += c.len_utf8();
            }
        }
        (self.pos, self.count, self.in_word) = (pos, count, in_word == 1);
    }

    /// The index of the first token a mention starting at byte `at` touches: the token it starts inside, or the
    /// last one that runs up to `at`, else the next one.
    fn token_at(&mut self, at: usize) -> usize {
        self.advance(at);
        if self.in_word {
            self.count - 1
        } else {
            self.count
        }
    }
}

/// One worker's counts, with the buffers it reuses from one document to the next.
struct Counter<'a> {
    matcher: &'a Matcher,
    scope: Scope,
    id: &'a (dyn Fn(u32) -> Option<u32> + Sync),
    counts: Counts,
    scratch: Scratch,
    splitter: Splitter,
    mentions: Vec<Match>,
    spans: Vec<Span>,
    unit: Vec<u32>,
    /// The most distinct ids a unit may hold, and the size of the first unit that held more.
    max_unit: usize,
    too_big: Option<usize>,
    /// When set, the counter looks for the units of one document that hold both ids of the pair, instead of
    /// counting: the same walk, so evidence is read from exactly the units that were counted.
    evidence: Option<((u32, u32), Vec<Unit>)>,
}

/// Where a unit of one document is: what [`Counter::flush`] is told, so that evidence can find its text.
#[derive(Debug, Clone, Copy)]
enum Unit {
    Document,
    /// The span of this index in the document's spans.
    Span(usize),
    /// The block of tokens of this index.
    Block(usize),
}

impl<'a> Counter<'a> {
    fn new(
        matcher: &'a Matcher,
        scope: Scope,
        id: &'a (dyn Fn(u32) -> Option<u32> + Sync),
    ) -> Self {
        Counter {
            matcher,
            scope,
            id,
            counts: Counts::default(),
            scratch: Scratch::default(),
            splitter: Splitter::default(),
            mentions: Vec::new(),
            spans: Vec::new(),
            unit: Vec::new(),
            max_unit: usize::MAX,
            too_big: None,
            evidence: None,
        }
    }

    /// Count the unit whose ids are in `self.unit`, and empty it.
    fn flush(&mut self, at: Unit) {
        self.unit.sort_unstable();
        self.unit.dedup();
        if let Some(((a, b), found)) = &mut self.evidence {
            if self.unit.binary_search(a).is_ok() && self.unit.binary_search(b).is_ok() {
                found.push(at);
            }
            self.unit.clear();
            return;
        }
        if self.unit.len() > self.max_unit {
            self.too_big.get_or_insert(self.unit.len());
        } else {
            self.counts.add_unit(&self.unit);
        }
        self.unit.clear();
    }

    /// Add the units of one document.
    fn document(&mut self, text: &str) -> Result<()> {
        self.matcher
            .find_into(text, Offsets::Bytes, &mut self.scratch, &mut self.mentions)?;
        let id = self.id;
        match self.scope {
            Scope::Document => {
                reserve(&mut self.unit, self.mentions.len())?;
                self.unit
                    .extend(self.mentions.iter().filter_map(|m| id(m.entity)));
                self.flush(Unit::Document);
                return Ok(());
            }
            Scope::Paragraph => self.splitter.paragraphs(text, &mut self.spans)?,
            Scope::Sentence => self.splitter.sentences(text, &mut self.spans)?,
            Scope::Window(k) => {
                self.windows(text, k);
                return Ok(());
            }
        }
        // Mentions and spans are both sorted by start: walk them together. A mention belongs to the span it starts
        // in; one that starts outside every span (in white space between paragraphs) belongs to none. Every span is
        // a unit, with mentions or without.
        let (mut cursor, mut flushed) = (0, 0);
        let mentions = std::mem::take(&mut self.mentions);
        for m in &mentions {
            let Some(span) = span_index(&self.spans, &mut cursor, m.byte_start) else {
                continue;
            };
            while flushed < span {
                self.flush(Unit::Span(flushed));
                flushed += 1;
            }
            self.unit.extend(id(m.entity));
        }
        for at in flushed..self.spans.len() {
            self.flush(Unit::Span(at));
        }
        self.mentions = mentions;
        Ok(())
    }

    /// Add the blocks of `k` tokens of one document.
    fn windows(&mut self, text: &str, k: usize) {
        let mut tokens = Tokens::new(text);
        let id = self.id;
        // Mentions are in order, so their blocks are too: fill one block at a time. A block left for a later one
        // is below the later one's index, so it lies inside the text; only the last may not (a mention in
        // punctuation after the last token belongs to no block).
        let (mut block, mut flushed) = (0, 0u64);
        let mentions = std::mem::take(&mut self.mentions);
        for m in &mentions {
            let Some(counted) = id(m.entity) else {
                continue;
            };
            let b = tokens.token_at(m.byte_start) / k;
            if b != block && !self.unit.is_empty() {
                self.flush(Unit::Block(block));
                flushed += 1;
            }
            block = b;
            self.unit.push(counted);
        }
        self.mentions = mentions;
        tokens.advance(text.len());
        let n_blocks = tokens.count.div_ceil(k) as u64;
        if !self.unit.is_empty() && (block as u64) < n_blocks {
            self.flush(Unit::Block(block));
            flushed += 1;
        }
        self.unit.clear();
        // The blocks without a mention.
        self.counts.n_units += n_blocks - flushed;
    }
}

/// Co-occurrence counts of `texts` on `n_threads` threads.
///
/// `id` says what each entity (by gazetteer index) is counted as: itself (`Some(entity)`), a group it rolls up to
/// (`Some(group)`: an agency counted as its country), or nothing (`None`: a kind left out). A unit counts each id
/// once, so an entity and its group mentioned in one unit count once for the group.
///
/// # Errors
///
/// A window of 0 tokens, or a bad thread count.
pub fn cooccurrence<S, F>(
    matcher: &Matcher,
    texts: &[S],
    scope: Scope,
    id: F,
    n_threads: Option<usize>,
) -> Result<Counts>
where
    S: AsRef<str> + Sync,
    F: Fn(u32) -> Option<u32> + Sync + Send,
{
    cooccurrence_capped(matcher, texts, scope, id, n_threads, MAX_UNIT_ENTITIES)
}

/// The default of the most distinct entities one unit may hold: a unit of `n` counts `n (n + 1) / 2` pairs, so a
/// unit of 2,048 adds about 2.1 million (tens of MB of map); one of 4,000 entities took 858 MB.
pub const MAX_UNIT_ENTITIES: usize = 2048;

/// [`cooccurrence`] with a cap on the distinct ids of one unit: a unit with more is an error, not a blow-up of
/// memory (the pairs of a unit are the square of its size, which no streaming bounds).
///
/// # Errors
///
/// As [`cooccurrence`], and [`Error::InvalidArgument`] naming the first document (by position) with a unit of
/// more than `max_unit` distinct ids.
pub fn cooccurrence_capped<S, F>(
    matcher: &Matcher,
    texts: &[S],
    scope: Scope,
    id: F,
    n_threads: Option<usize>,
    max_unit: usize,
) -> Result<Counts>
where
    S: AsRef<str> + Sync,
    F: Fn(u32) -> Option<u32> + Sync + Send,
{
    scope.check(None)?;
    // Chunks of documents, a few per thread, so that each worker fills one map.
    let chunk = texts.len().div_ceil(64).max(1);
    let chunks: Vec<(usize, &[S])> = texts
        .chunks(chunk)
        .enumerate()
        .map(|(i, c)| (i * chunk, c))
        .collect();
    let documents = |&(_, docs): &(usize, &[S])| docs.len() as u64;
    let partial = parallel::try_map_counted(&chunks, n_threads, documents, |&(first, docs)| {
        let mut counter = Counter::new(matcher, scope, &id);
        counter.max_unit = max_unit;
        for (d, text) in docs.iter().enumerate() {
            counter.document(text.as_ref())?;
            if let Some(n) = counter.too_big {
                let doc = first + d;
                return Err(Error::InvalidArgument(format!(
                    "document {doc} has a unit naming {n} distinct entities, more than max_unit_entities={max_unit} \
                     (it alone would add {} pairs); count a smaller scope, or raise the cap",
                    n * (n + 1) / 2
                )));
            }
        }
        Ok(counter.counts)
    })?;
    let mut total = Counts::default();
    for counts in &partial {
        total.merge(counts);
    }
    Ok(total)
}

/// Count `texts` and label the result: the kinds and roll-up of `grouping` resolved against the matcher's
/// gazetteer, the counts in label order, and the [`Key`] that [`Table::add`] checks. What Python's
/// `cybernexus.cooccurrence` calls.
///
/// # Errors
///
/// As [`cooccurrence_capped`], and [`Error::InvalidArgument`] for a kind that no entity has.
pub fn count_table<S>(
    matcher: &Matcher,
    texts: &[S],
    scope: Scope,
    grouping: &Grouping,
    n_threads: Option<usize>,
    max_unit: usize,
) -> Result<Table>
where
    S: AsRef<str> + Sync,
{
    let gazetteer = matcher.gazetteer();
    let plan = grouping.resolve(gazetteer)?;
    let counts = cooccurrence_capped(
        matcher,
        texts,
        scope,
        |e| plan.groups.id(e),
        n_threads,
        max_unit,
    )?;
    let key = Key::new(matcher, scope, grouping.clone());
    Ok(Table::new(&counts, &plan, gazetteer, key))
}

/// One unit behind a pair: the document's position, and the unit's start and end in it (code points).
pub type Evidence = (usize, usize, usize);

/// The units of `texts` that hold both `a` and `b` (labels of `table`), in order, at most `limit`: the units that
/// [`count_table`] counted for the pair, found by the same walk.
///
/// # Errors
///
/// [`Error::UnknownId`] for a label the table does not hold; [`Error::InvalidArgument`] if `matcher` is not set
/// up as the one that made `table` (another gazetteer or rules): its units would not be the ones counted.
pub fn evidence<S>(
    matcher: &Matcher,
    texts: &[S],
    table: &Table,
    (a, b): (&str, &str),
    limit: Option<usize>,
) -> Result<Vec<Evidence>>
where
    S: AsRef<str>,
{
    let number = |id: &str| {
        table
            .labels
            .binary_search_by(|l| l.id.as_str().cmp(id))
            .map(|r| table.numbers[r])
            .map_err(|_| Error::UnknownId(id.to_owned()))
    };
    let pair = (number(a)?, number(b)?);
    let scope = table.key.parse_scope()?;
    let key = Key::new(matcher, scope, table.key.grouping.clone());
    if key != table.key {
        return Err(Error::InvalidArgument(
            "evidence() needs the matcher that made the counts: this one has another gazetteer or other rules"
                .into(),
        ));
    }
    let plan = table.key.grouping.resolve(matcher.gazetteer())?;
    let id = |e| plan.groups.id(e);
    let mut counter = Counter::new(matcher, scope, &id);
    counter.evidence = Some((pair, Vec::new()));
    let limit = limit.unwrap_or(usize::MAX);
    let mut out = Vec::new();
    for (doc, text) in texts.iter().enumerate() {
        if out.len() >= limit {
            break;
        }
        let text = text.as_ref();
        counter.document(text)?;
        let Some((_, found)) = &mut counter.evidence else {
            unreachable!("invariant: set above")
        };
        let mut chars = crate::normalize::CharCursor::new(text);
        for unit in found.drain(..) {
            let (start, end) = match unit {
                Unit::Document => (0, text.len()),
                Unit::Span(i) => (counter.spans[i].start, counter.spans[i].end),
                Unit::Block(b) => match scope {
                    Scope::Window(k) => block_bounds(text, b, k),
                    _ => unreachable!("invariant: blocks only in window scope"),
                },
            };
            out.push((doc, chars.chars_at(start), chars.chars_at(end)));
        }
    }
    out.truncate(limit);
    Ok(out)
}

/// The bytes of block `b` of `k` tokens: from the start of its first token (the text's start for the first block)
/// to the start of the next block's first token, or the text's end. Mentions in punctuation between two blocks
/// belong to the earlier one ([`Tokens::token_at`]), and lie inside these bounds.
fn block_bounds(text: &str, b: usize, k: usize) -> (usize, usize) {
    let start_of = |t: usize| {
        let mut tokens = Tokens::new(text);
        for (i, c) in text.char_indices() {
            tokens.advance(i + c.len_utf8());
            if tokens.count > t {
                return i;
            }
        }
        text.len()
    };
    let start = if b == 0 { 0 } else { start_of(b * k) };
    (start, start_of((b + 1) * k))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use super::*;

    #[test]
    fn a_unit_over_the_cap_is_an_error_naming_its_document() {
        let names = ["Alpha", "Beta", "Gamma", "Delta"];
        let m = matcher(&names);
        let texts = [
            "Alpha and Beta.",
            "Alpha, Beta and Gamma. Delta.",
            "Gamma, Delta and Alpha. Beta.",
        ];
        let capped =
            |max: usize, scope: Scope| cooccurrence_capped(&m, &texts, scope, Some, Some(1), max);
        assert_eq!(
            capped(3, Scope::Sentence).unwrap(),
            cooccurrence(&m, &texts, Scope::Sentence, Some, Some(1)).unwrap()
        );
        let err = capped(3, Scope::Document).unwrap_err().to_string();
        assert_eq!(
            err,
            "document 1 has a unit naming 4 distinct entities, more than max_unit_entities=3 (it alone would add 10 \
             pairs); count a smaller scope, or raise the cap"
        );
        assert!(capped(4, Scope::Document).is_ok());
    }

    #[test]
    fn groups_map_entities_and_check_their_input() {
        let g = Groups::new(3, Some(&[2, -1, 2]), true).unwrap();
        assert_eq!(
            [g.id(0), g.id(1), g.id(2), g.id(7)],
            [Some(2), None, Some(2), Some(7)]
        );
        let g = Groups::new(3, None, false).unwrap();
        assert_eq!([g.id(0), g.id(2), g.id(3)], [Some(0), Some(2), None]);
        let err = |groups: &[i64]| Groups::new(3, Some(groups), true).unwrap_err().to_string();
        assert_eq!(err(&[0, 1]), "groups has 2 items, the gazetteer 3 entities");
        assert_eq!(err(&[0, -2, 1]), "groups holds -2, not a group id or -1");
        assert_eq!(
            err(&[0, 1 << 31, 1]),
            "groups holds 2147483648, not a group id or -1"
        );
        assert!(Groups::new(3, Some(&[0, (1 << 31) - 1, 1]), true).is_ok());
    }
    use crate::gazetteer::{Gazetteer, RawAlias, RawRecord};
    use crate::matcher::Overlaps;

    fn matcher(names: &[&str]) -> Matcher {
        let records = names.iter().map(|n| RawRecord {
            id: n.to_lowercase(),
            kind: "test".into(),
            name: (*n).into(),
            aliases: vec![RawAlias::Text((*n).into())],
            attrs: BTreeMap::new(),
        });
        Matcher::new(
            Arc::new(Gazetteer::from_records(records).unwrap()),
            Overlaps::Longest,
        )
        .unwrap()
    }

    #[test]
    fn scopes_parse_from_their_names_with_one_check_of_the_window() {
        assert_eq!(Scope::parse("sentence", None).unwrap(), Scope::Sentence);
        assert_eq!(Scope::parse("window", Some(50)).unwrap(), Scope::Window(50));
        let message =
            |name: &str, window: Option<i64>| Scope::parse(name, window).unwrap_err().to_string();
        assert_eq!(
            message("window", Some(0)),
            "window must be at least 1 token, got 0"
        );
        assert_eq!(
            message("window", Some(-3)),
            "window must be at least 1 token, got -3"
        );
        assert_eq!(
            message("window", None),
            "scope='window' needs window=<number of tokens>"
        );
        assert_eq!(
            message("document", Some(5)),
            "window is only for scope='window', not \"document\""
        );
        assert_eq!(
            message("line", None),
            "scope must be 'document', 'paragraph', 'sentence' or 'window', got \"line\""
        );
        let m = matcher(&["Iran"]);
        let err = cooccurrence(&m, &["Iran"], Scope::Window(0), Some, Some(1)).unwrap_err();
        assert_eq!(err.to_string(), "window must be at least 1 token");
    }

    #[test]
    fn sentence_scope_links_only_entities_of_one_sentence() {
        let m = matcher(&[
            "Finland", "Norway", "NATO", "Dutch", "British", "Sandworm", "GRU",
        ]);
        let text = "Finland and Norway reported the intrusions to NATO. Dutch and British agencies later tied them \
                    to Sandworm, a unit of the GRU.";
        let c = cooccurrence(&m, &[text], Scope::Sentence, Some, Some(1)).unwrap();
        assert_eq!(c.n_units, 2);
        let sandworm = 5;
        let linked: Vec<u32> = (0..7)
            .filter(|&i| c.pairs.contains_key(&(i.min(sandworm), i.max(sandworm))))
            .collect();
        assert_eq!(linked, vec![3, 4, 5, 6]);
        let d = cooccurrence(&m, &[text], Scope::Document, Some, Some(1)).unwrap();
        assert_eq!((d.n_units, d.pairs.len()), (1, 28));
    }

    #[test]
    fn units_count_entities_once_and_documents_without_mentions() {
        let m = matcher(&["Iran", "Iraq"]);
        let texts = ["Iran, Iran and Iraq.", "nothing here", "Iraq."];
        let c = cooccurrence(&m, &texts, Scope::Document, Some, None).unwrap();
        assert_eq!(c.n_units, 3);
        assert_eq!(
            c.triples(),
            vec![(0, 0, 1), (0, 1, 1), (1, 0, 1), (1, 1, 2)]
        );
    }

    #[test]
    fn roll_up_counts_a_group_once_per_unit() {
        let m = matcher(&["Iran", "Tehran", "Iraq"]);
        // Tehran (1) rolls up to Iran (0); Iraq (2) is left out.
        let group = |e: u32| match e {
            0 | 1 => Some(0),
            _ => None,
        };
        let c = cooccurrence(
            &m,
            &["Iran and Tehran.", "Tehran and Iraq."],
            Scope::Document,
            group,
            None,
        )
        .unwrap();
        assert_eq!(c.triples(), vec![(0, 0, 2)]);
    }

    #[test]
    fn ascii_word_table_is_the_word_rule() {
        for b in 0..128u8 {
            assert_eq!(
                ASCII_WORD[usize::from(b)] == 1,
                is_word(char::from(b)),
                "{b}"
            );
        }
    }

    /// Window counts the way they were first written: every token start collected, a binary search per mention.
    fn windows_reference(m: &Matcher, texts: &[String], k: usize) -> Counts {
        let mut counts = Counts::default();
        for text in texts {
            let mut starts = Vec::new();
            let mut in_word = false;
            for (i, c) in text.char_indices() {
                let w = is_word(c);
                if w && !in_word {
                    starts.push(i);
                }
                in_word = w;
            }
            let mut units = vec![Vec::new(); starts.len().div_ceil(k)];
            for mention in m.find(text, Offsets::Bytes) {
                let t = starts.partition_point(|&s| s <= mention.byte_start);
                let t = if t > 0 && text[starts[t - 1]..mention.byte_start].chars().all(is_word) {
                    t - 1
                } else {
                    t
                };
                if let Some(unit) = units.get_mut(t / k) {
                    unit.push(mention.entity);
                }
            }
            for mut unit in units {
                unit.sort_unstable();
                unit.dedup();
                counts.add_unit(&unit);
            }
        }
        counts
    }

    #[test]
    fn window_counts_equal_the_token_list_reference_on_random_text() {
        // Aliases that start or end in punctuation, so that mentions also start outside tokens and after the last.
        const PIECES: &[&str] = &[
            "Iran",
            "Iraq",
            "US$",
            "#OpIran",
            "C++",
            "x",
            "yy",
            " ",
            "  ",
            ".",
            ",",
            "-",
            "\n",
            "_",
            "9",
            "\u{e9}t\u{e9}",
            "\u{65e5}",
            "\u{2019}s",
            "$",
            "#1",
            "$$",
        ];
        let m = matcher(&[
            "Iran",
            "Iraq",
            "US$",
            "#OpIran",
            "Iran Iraq",
            "C++",
            "\u{e9}t\u{e9}",
            "#1",
            "$$",
        ]);
        let mut random = crate::testing::RandomTexts::new(0x2545_f491_4f6c_dd1d);
        for round in 0..300 {
            let texts: Vec<String> = (0..8).map(|_| random.text(PIECES, 30)).collect();
            for k in [1, 2, 3, 7] {
                let got = cooccurrence(&m, &texts, Scope::Window(k), Some, Some(1)).unwrap();
                let want = windows_reference(&m, &texts, k);
                assert_eq!(got.n_units, want.n_units, "round {round}, k {k}: {texts:?}");
                assert_eq!(
                    got.triples(),
                    want.triples(),
                    "round {round}, k {k}: {texts:?}"
                );
            }
        }
    }

    #[test]
    fn windows_are_non_overlapping_token_blocks() {
        let m = matcher(&["Iran", "Iraq"]);
        // tokens: a b Iran c | Iraq d e f | Iran g
        let c = cooccurrence(
            &m,
            &["a b Iran c Iraq d e f Iran g"],
            Scope::Window(4),
            Some,
            Some(1),
        )
        .unwrap();
        assert_eq!(c.n_units, 3);
        assert_eq!(c.triples(), vec![(0, 0, 2), (1, 1, 1)]);
        assert!(cooccurrence(&m, &["x"], Scope::Window(0), Some, None).is_err());
    }

    #[test]
    fn merging_disjoint_corpora_equals_the_union_for_every_thread_count() {
        let m = matcher(&["Iran", "Iraq", "Syria"]);
        let texts: Vec<String> = (0..300)
            .map(|i| ["Iran and Iraq.", "Syria. Iran.", "Iraq", ""][i % 4].to_string())
            .collect();
        let whole = cooccurrence(&m, &texts, Scope::Sentence, Some, Some(1)).unwrap();
        let mut parts = cooccurrence(&m, &texts[..100], Scope::Sentence, Some, Some(2)).unwrap();
        parts.merge(&cooccurrence(&m, &texts[100..], Scope::Sentence, Some, Some(3)).unwrap());
        assert_eq!(parts, whole);
        assert_eq!(
            cooccurrence(&m, &texts, Scope::Sentence, Some, None).unwrap(),
            whole
        );
    }

    /// `(id, kind, name, attributes)`: a test entity whose one alias is its name.
    type Row<'a> = (&'a str, &'a str, &'a str, &'a [(&'a str, &'a str)]);

    fn records(rows: &[Row<'_>]) -> Matcher {
        let records = rows.iter().map(|&(id, kind, name, attrs)| RawRecord {
            id: id.into(),
            kind: kind.into(),
            name: name.into(),
            aliases: vec![RawAlias::Text(name.into())],
            attrs: attrs
                .iter()
                .map(|&(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        });
        Matcher::new(
            Arc::new(Gazetteer::from_records(records).unwrap()),
            Overlaps::Longest,
        )
        .unwrap()
    }

    fn world() -> Matcher {
        records(&[
            ("zz:gru", "agency", "GRU", &[("country", "RU")]),
            ("country:RU", "country", "Russia", &[("iso2", "RU")]),
            ("a:apt28", "threat_actor", "APT28", &[("sponsor", "RU")]),
            ("b:lazarus", "threat_actor", "Lazarus", &[]),
            ("r:baltic", "region", "Baltic Sea", &[]),
        ])
    }

    fn ids(t: &Table) -> Vec<&str> {
        t.labels.iter().map(|l| l.id.as_str()).collect()
    }

    #[test]
    fn a_table_is_in_label_order_with_the_full_matrix_in_csr() {
        let m = world();
        let texts = [
            "GRU and APT28 near the Baltic Sea.",
            "Russia. APT28 and Russia.",
            "Lazarus.",
        ];
        let t = count_table(
            &m,
            &texts,
            Scope::Sentence,
            &Grouping::default(),
            Some(1),
            10,
        )
        .unwrap();
        // Regions are not counted by default; labels sorted by id, not by gazetteer position.
        assert_eq!(ids(&t), ["a:apt28", "b:lazarus", "country:RU", "zz:gru"]);
        assert_eq!(t.n_units, 4);
        // Sentences: {GRU, APT28}, {Russia}, {APT28, Russia}, {Lazarus}.
        assert_eq!(
            t.entries,
            [
                (0, 0, 2),
                (0, 2, 1),
                (0, 3, 1),
                (1, 1, 1),
                (2, 2, 2),
                (3, 3, 1)
            ]
        );
        let (indptr, indices, data) = t.to_csr();
        assert_eq!(indptr, [0, 3, 4, 6, 8]);
        assert_eq!(indices, [0, 2, 3, 1, 0, 2, 0, 3]);
        assert_eq!(data, [2, 1, 1, 1, 1, 2, 1, 1]);
        let shields = Grouping::new(Some(vec!["region".into(), "agency".into()]), Rollup::None);
        let t = count_table(&m, &texts, Scope::Document, &shields, Some(1), 10).unwrap();
        assert_eq!(ids(&t), ["r:baltic", "zz:gru"]);
        assert_eq!(t.entries, [(0, 0, 1), (0, 1, 1), (1, 1, 1)]);
    }

    #[test]
    fn roll_ups_count_groups_with_their_labels() {
        let m = world();
        let texts = ["GRU and APT28 and Russia. Lazarus."];
        let by_country = Grouping::new(None, Rollup::Country);
        let t = count_table(&m, &texts, Scope::Document, &by_country, Some(1), 10).unwrap();
        assert_eq!(ids(&t), ["b:lazarus", "country:RU"]);
        assert_eq!(t.labels[1].name, "Russia");
        assert_eq!(t.entries, [(0, 0, 1), (0, 1, 1), (1, 1, 1)]);
        let map: BTreeMap<String, String> = [("zz:gru", "state"), ("a:apt28", "state")]
            .iter()
            .map(|&(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let mapped = Grouping::new(
            Some(vec!["agency".into(), "threat_actor".into()]),
            Rollup::Map(map),
        );
        let t = count_table(&m, &texts, Scope::Document, &mapped, Some(1), 10).unwrap();
        assert_eq!(ids(&t), ["b:lazarus", "state"]);
        assert_eq!(
            (t.labels[1].name.as_str(), t.labels[1].kind.as_str()),
            ("state", "group")
        );
        let typo = Grouping::new(Some(vec!["threat-actor".into()]), Rollup::None);
        assert_eq!(
            count_table(&m, &texts, Scope::Document, &typo, None, 10)
                .unwrap_err()
                .to_string(),
            "no entity has kind 'threat-actor' (the kinds are: agency, country, region, threat_actor)"
        );
        // A mapping keyed by names changes nothing: refused, with the id of the name. One known key is enough.
        let map = |pairs: &[(&str, &str)]| {
            Rollup::Map(
                pairs
                    .iter()
                    .map(|&(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
            )
        };
        let by_name = Grouping::new(None, map(&[("APT28", "state"), ("nobody", "state")]));
        assert_eq!(
            count_table(&m, &texts, Scope::Document, &by_name, None, 10)
                .unwrap_err()
                .to_string(),
            "rollup: none of the mapping's 2 keys is an entity id of the gazetteer (the first is 'APT28'); keys \
             must be entity ids ('APT28' is a name; its entity's id is 'a:apt28')"
        );
        let partly = Grouping::new(None, map(&[("a:apt28", "state"), ("nobody", "state")]));
        let t = count_table(&m, &texts, Scope::Document, &partly, None, 10).unwrap();
        assert_eq!(ids(&t), ["b:lazarus", "country:RU", "state", "zz:gru"]);
    }

    /// The table of every split of a corpus, added up in either order, equals the table of the whole.
    #[test]
    fn tables_of_the_parts_add_up_to_the_table_of_the_whole() {
        let m = world();
        let pool = [
            "GRU and APT28.",
            "Russia. APT28.",
            "Lazarus and Russia.",
            "",
            "Nothing.",
        ];
        let texts: Vec<&str> = (0..40)
            .map(|i| pool[(i * 7 + i / 3) % pool.len()])
            .collect();
        for scope in [Scope::Document, Scope::Sentence, Scope::Window(2)] {
            let count =
                |t: &[&str]| count_table(&m, t, scope, &Grouping::default(), Some(2), 100).unwrap();
            let whole = count(&texts);
            for cut in [0, 1, 13, 39, 40] {
                let (a, b) = (count(&texts[..cut]), count(&texts[cut..]));
                assert_eq!(a.add(&b).unwrap(), whole, "{scope:?} cut at {cut}");
                let mut other_way = b.add(&a).unwrap();
                // Adding is commutative up to the order in which the documents were seen: the counts are equal.
                other_way.key = whole.key.clone();
                assert_eq!(other_way, whole);
            }
            assert_eq!(Table::empty(whole.key.clone()).add(&whole).unwrap(), whole);
        }
    }

    #[test]
    fn tables_counted_differently_refuse_to_add() {
        let m = world();
        let texts = ["GRU and APT28."];
        let t =
            |m: &Matcher, scope, g: &Grouping| count_table(m, &texts, scope, g, None, 10).unwrap();
        let base = t(&m, Scope::Sentence, &Grouping::default());
        let error = |other: &Table| base.add(other).unwrap_err().to_string();
        assert_eq!(
            error(&t(&m, Scope::Window(5), &Grouping::default())),
            "cannot add counts of scope 'window:5' to counts of scope 'sentence'"
        );
        assert_eq!(
            error(&t(&m, Scope::Sentence, &Grouping::new(None, Rollup::Country))),
            "cannot add counts made with kinds=None, rollup='country' to counts made with kinds=None, rollup=None"
        );
        let other = records(&[("zz:gru", "agency", "GRU", &[])]);
        assert!(error(&t(&other, Scope::Sentence, &Grouping::default()))
            .starts_with("cannot add counts made with another gazetteer"));
        let all = Matcher::new(Arc::clone(m.gazetteer()), Overlaps::All).unwrap();
        assert_eq!(
            error(&t(&all, Scope::Sentence, &Grouping::default())),
            "cannot add counts of a matcher with overlaps='all', resolve='local', variants=True, patterns=True, \
             acronyms=True, support=True, shields=True to counts of a matcher with overlaps='longest', \
             resolve='local', variants=True, patterns=True, acronyms=True, support=True, shields=True"
        );
    }

    #[test]
    fn a_table_reads_back_from_its_bytes_and_damaged_bytes_are_errors() {
        let m = world();
        let texts = ["GRU and APT28. Russia and APT28.", "Lazarus."];
        let t = count_table(
            &m,
            &texts,
            Scope::Window(3),
            &Grouping::new(None, Rollup::Country),
            None,
            10,
        )
        .unwrap();
        let bytes = t.to_bytes();
        assert_eq!(Table::from_bytes(&bytes).unwrap(), t);
        for cut in 0..bytes.len() {
            assert!(
                Table::from_bytes(&bytes[..cut]).is_err(),
                "prefix of {cut} bytes"
            );
        }
        // Every single byte of the entries changed: an error, or a table that still checks out (never a panic).
        let header_end = bytes.len() - 16 * t.entries.len();
        for at in header_end..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x41;
            let _ = Table::from_bytes(&damaged);
        }
        let mut swapped = bytes.clone();
        swapped[header_end..header_end + 16].copy_from_slice(&bytes[bytes.len() - 16..]);
        assert!(Table::from_bytes(&swapped).is_err());
    }

    #[test]
    fn evidence_gives_the_counted_units_in_code_points() {
        let m = world();
        let texts = [
            "Été: GRU et APT28. Rien.\n\nAPT28 seul.",
            "Lazarus.",
            "APT28 – GRU!",
        ];
        let t = count_table(&m, &texts, Scope::Sentence, &Grouping::default(), None, 10).unwrap();
        let found = evidence(&m, &texts, &t, ("zz:gru", "a:apt28"), None).unwrap();
        assert_eq!(found, [(0, 0, 18), (2, 0, 12)]);
        assert_eq!(
            texts[0].chars().take(18).collect::<String>(),
            "Été: GRU et APT28."
        );
        assert_eq!(
            evidence(&m, &texts, &t, ("zz:gru", "a:apt28"), Some(1)).unwrap(),
            [(0, 0, 18)]
        );
        assert!(evidence(&m, &texts, &t, ("zz:gru", "b:lazarus"), None)
            .unwrap()
            .is_empty());
        assert_eq!(
            evidence(&m, &texts, &t, ("zz:gru", "nobody"), None)
                .unwrap_err()
                .to_string(),
            "no entity with id \"nobody\""
        );
        let w = count_table(&m, &texts, Scope::Window(2), &Grouping::default(), None, 10).unwrap();
        // Tokens of document 0: Été GRU | et APT28 | Rien APT28 | seul; document 2: APT28 GRU.
        let found = evidence(&m, &texts, &w, ("a:apt28", "zz:gru"), None).unwrap();
        assert_eq!(found, [(2, 0, 12)]);
        let found = evidence(&m, &texts, &w, ("a:apt28", "a:apt28"), None).unwrap();
        assert_eq!(found, [(0, 9, 19), (0, 19, 32), (2, 0, 12)]);
        let other = records(&[("zz:gru", "agency", "GRU", &[])]);
        assert!(evidence(&other, &texts, &t, ("zz:gru", "zz:gru"), None).is_err());
    }
}
