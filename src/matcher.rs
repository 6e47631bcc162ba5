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

use crate::context::{self, Resolution};
use crate::error::{reserve, Error, Result};
use crate::gazetteer::Gazetteer;
use crate::normalize::{
    count_chars, is_word, normalize_collapsed, normalize_with, CharCursor, Spare,
};
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
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for any other name.
    pub fn parse(name: &str) -> Result<Overlaps> {
        match name {
            "longest" => Ok(Overlaps::Longest),
            "all" => Ok(Overlaps::All),
            _ => Err(Error::choice("overlaps", "'longest' or 'all'", name)),
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

/// How a name shared by a group and its software is read (see [`crate::context`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resolve {
    /// From the words next to each mention ("Conti ransomware", "Conti operators"); the default reading otherwise.
    Local,
    /// As `Local`, then a mention without a cue takes the reading that cues gave the same name elsewhere in the
    /// document (one sense per document, where its cues agree by majority).
    Document,
    /// No context: always the default reading.
    None,
}

impl Resolve {
    /// Every accepted name.
    pub const NAMES: [&'static str; 3] = ["local", "document", "none"];

    /// Parse `"local"`, `"document"` or `"none"`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for any other name.
    pub fn parse(name: &str) -> Result<Resolve> {
        match name {
            "local" => Ok(Resolve::Local),
            "document" => Ok(Resolve::Document),
            "none" => Ok(Resolve::None),
            _ => Err(Error::choice(
                "resolve",
                "'local', 'document' or 'none'",
                name,
            )),
        }
    }

    /// The mode's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Resolve::Local => "local",
            Resolve::Document => "document",
            Resolve::None => "none",
        }
    }
}

/// Which of the rules beyond the alias search a matcher applies.
///
/// One flag per rule rather than a bit set: each is a keyword argument in Python and a row of the evaluation. [`Rules::default`] applies all of them; each can be
/// turned off on its own (the evaluation measures them one at a time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(clippy::struct_excessive_bools)]
pub struct Rules {
    /// How names shared by a group and its software are read.
    pub resolve: Resolve,
    /// Match the CamelCase variants of group and software names (see [`crate::gazetteer::variants`]).
    pub variants: bool,
    /// Find numbered clusters by their vendors' schemes (see [`crate::patterns`]).
    pub patterns: bool,
    /// An acronym a document defines after a mention ("Golden Chickens (GC)") names that entity for the rest of it.
    pub acronyms: bool,
    /// Aliases that need support count only with it (see [`crate::gazetteer::Alias::needs_support`]), and software
    /// names in a long text that says nothing of computer security only with a cue; when off, they count as any
    /// other alias.
    pub support: bool,
    /// Country names in money amounts, certificate fields and quoted file names are not mentions, nor are country
    /// names that are a person's ("Chad Johnson", "Michael Jordan").
    pub shields: bool,
}

impl Rules {
    /// The on/off rules by the names of their keyword arguments, in a fixed order (the order of a pickled
    /// matcher's flags).
    pub fn switches(&self) -> [(&'static str, bool); 5] {
        [
            ("variants", self.variants),
            ("patterns", self.patterns),
            ("acronyms", self.acronyms),
            ("support", self.support),
            ("shields", self.shields),
        ]
    }
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            resolve: Resolve::Local,
            variants: true,
            patterns: true,
            acronyms: true,
            support: true,
            shields: true,
        }
    }
}

impl Rules {
    /// No rule beyond the alias search, its boundaries, case policies and URL rule.
    pub const NONE: Rules = Rules {
        resolve: Resolve::None,
        variants: false,
        patterns: false,
        acronyms: false,
        support: false,
        shields: false,
    };
}

/// `<Matcher: 3 entities, 9 alias patterns, overlaps='longest'>`, as Python's `repr` shows it.
impl std::fmt::Display for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let g = self.gazetteer();
        write!(
            f,
            "<Matcher: {} entities, {} alias patterns, overlaps='{}'>",
            g.len(),
            g.pattern_count(),
            self.overlaps().as_str()
        )
    }
}

/// How a mention's span was found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Via {
    /// An alias as written in the gazetteer.
    #[default]
    Alias,
    /// A generated variant of an alias (see [`crate::gazetteer::variants`]).
    Variant,
    /// A vendor's numbering scheme (see [`crate::patterns`]).
    Pattern,
    /// An acronym defined in the document.
    Acronym,
}

impl Via {
    /// The names users see, by [`Via::code`].
    pub const NAMES: [&'static str; 4] = ["alias", "variant", "pattern", "acronym"];

    /// The name users see.
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Alias => "alias",
            Via::Variant => "variant",
            Via::Pattern => "pattern",
            Via::Acronym => "acronym",
        }
    }

    /// A small code for columnar output (the variant's position).
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// One mention: a span of the text and the entity (and alias) it names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    /// How the entity was chosen among the candidates of the span (see [`Resolution::name`]).
    pub resolved_by: Resolution,
    /// Whether the span names more than one entity and the choice is a guess: nothing in the context decided, or
    /// the alias names two entities of the same kind (two groups).
    pub ambiguous: bool,
    /// How the span was found.
    pub via: Via,
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
    /// [`Resolution`] code of each mention (0: nothing to choose).
    pub resolved_by: Vec<u16>,
    /// Whether each mention is ambiguous (see [`Match::ambiguous`]).
    pub ambiguous: Vec<bool>,
    /// [`Via::code`] of each mention.
    pub via: Vec<u8>,
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

    /// Room for `additional` more rows in every column (the segment columns only `with_segments`).
    fn reserve(&mut self, additional: usize, with_segments: bool) -> Result<()> {
        reserve(&mut self.doc, additional)?;
        reserve(&mut self.start, additional)?;
        reserve(&mut self.end, additional)?;
        reserve(&mut self.entity, additional)?;
        reserve(&mut self.alias, additional)?;
        if with_segments {
            reserve(&mut self.sentence, additional)?;
            reserve(&mut self.paragraph, additional)?;
        }
        reserve(&mut self.resolved_by, additional)?;
        reserve(&mut self.ambiguous, additional)?;
        reserve(&mut self.via, additional)
    }

    /// Number the threat actors named by a numbering scheme densely: entity numbers past the gazetteer's (see
    /// [`Gazetteer::pattern_entity_number`]) become `gazetteer.len() + k` for the k-th distinct one in increasing
    /// order, so that a label table of the gazetteer's entities followed by the entities of the returned numbers
    /// (their numbers before, in that order; see [`Gazetteer::entities_numbered`]) covers every row.
    #[allow(clippy::cast_possible_wrap, clippy::cast_sign_loss)] // entity numbers fit in i32 (see find_table)
    pub fn compact_pattern_entities(&mut self, gazetteer: &Gazetteer) -> Vec<u32> {
        let n = gazetteer.len() as i32;
        let mut extra: Vec<i32> = self.entity.iter().copied().filter(|&e| e >= n).collect();
        if extra.is_empty() {
            return Vec::new();
        }
        extra.sort_unstable();
        extra.dedup();
        for e in &mut self.entity {
            if *e >= n {
                *e = n + extra.binary_search(e).unwrap_or(0) as i32;
            }
        }
        extra.into_iter().map(|e| e as u32).collect()
    }
}

/// A compiled gazetteer, ready to search text. Cheap to clone and to share between threads.
#[derive(Debug, Clone)]
pub struct Matcher {
    gazetteer: Arc<Gazetteer>,
    trie: Arc<WordTrie>,
    overlaps: Overlaps,
    rules: Rules,
    /// The kind of each entity, as a code the rules compare cheaply.
    kinds: Arc<[Kind]>,
    /// Whether each entity is software of type `tool` (`PsExec`, `AdFind`, rclone), which the security-context rule
    /// leaves alone: a tool named in an administrator's text is the tool.
    tools: Arc<[bool]>,
    /// Automaton for texts that would make the walks too dear, built on first need (see `find_with_automaton`).
    automaton: Arc<OnceLock<Option<aho_corasick::AhoCorasick>>>,
}

/// The length from which a document that names no security word is taken to be about something else (see
/// `Matcher::drop_software_outside_security`): about 80 words, more than a headline, a post or a sentence.
pub const SECURITY_CONTEXT_BYTES: usize = 500;

/// Matches of one text, and with segments asked for, the (sentence, paragraph) of each.
pub type Located = (Vec<Match>, Option<Vec<(i64, i64)>>);

/// The entity kinds the rules treat specially.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Country,
    Agency,
    ThreatActor,
    Software,
    Other,
}

impl Kind {
    fn of(kind: &str) -> Kind {
        match kind {
            "country" => Kind::Country,
            "agency" => Kind::Agency,
            "threat_actor" => Kind::ThreatActor,
            "software" => Kind::Software,
            _ => Kind::Other,
        }
    }

    /// Whether a mention of this kind supports a needs-support alias in its sentence.
    fn supports(self) -> bool {
        matches!(self, Kind::Agency | Kind::ThreatActor | Kind::Software)
    }
}

/// A candidate that passed the checks, before overlap resolution.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub start: usize,
    pub end: usize,
    pub entity: u32,
    pub alias: u32,
    pub resolved: Resolution,
    pub ambiguous: bool,
    pub via: Via,
    /// Whether the alias needs support (and the rule is on).
    pub support: bool,
    /// The gazetteer pattern the span matched (`u32::MAX` for spans found otherwise).
    pub pattern: u32,
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
            resolved_by: self.resolved,
            ambiguous: self.ambiguous,
            via: self.via,
        }
    }
}

/// An accepted candidate of one span.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pick {
    entity: u32,
    alias: u32,
    variant: bool,
    support: bool,
}

impl Matcher {
    /// Compile `gazetteer` (about 6 ms and 1.6 MB for the built-in one).
    ///
    /// # Errors
    ///
    /// [`Error::EmptyGazetteer`] for a gazetteer without entities, [`Error::Build`] if the alias set is too large.
    pub fn new(gazetteer: Arc<Gazetteer>, overlaps: Overlaps) -> Result<Matcher> {
        Matcher::with_rules(gazetteer, overlaps, Rules::default())
    }

    /// [`Matcher::new`] with a choice of [`Rules`].
    ///
    /// # Errors
    ///
    /// As [`Matcher::new`].
    pub fn with_rules(
        gazetteer: Arc<Gazetteer>,
        overlaps: Overlaps,
        rules: Rules,
    ) -> Result<Matcher> {
        if gazetteer.is_empty() {
            return Err(Error::EmptyGazetteer);
        }
        let trie = WordTrie::new(gazetteer.pattern_texts().iter().map(|t| &**t))?;
        let kinds = gazetteer
            .entities()
            .iter()
            .map(|e| Kind::of(&e.kind))
            .collect();
        let tools = gazetteer
            .entities()
            .iter()
            .map(|e| e.kind == "software" && e.attrs.get("type").is_some_and(|t| t == "tool"))
            .collect();
        Ok(Matcher {
            gazetteer,
            trie: Arc::new(trie),
            overlaps,
            rules,
            kinds,
            tools,
            automaton: Arc::new(OnceLock::new()),
        })
    }

    /// The rules this matcher applies.
    pub fn rules(&self) -> Rules {
        self.rules
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
    ///
    /// # Panics
    ///
    /// If the memory for the text's mentions or its folded copy cannot be had ([`Matcher::try_find`] reports that
    /// as an error instead).
    pub fn find(&self, text: &str, offsets: Offsets) -> Vec<Match> {
        self.try_find(text, offsets)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Matcher::find`], with a failed allocation of an input-sized buffer reported as an error.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfMemory`].
    pub fn try_find(&self, text: &str, offsets: Offsets) -> Result<Vec<Match>> {
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        self.find_into(text, offsets, &mut scratch, &mut out)?;
        Ok(out)
    }

    /// The mentions of `text` into `out` (emptied first), with the buffers of `scratch`.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfMemory`] when a buffer that grows with the text cannot (see [`crate::error::reserve`]).
    pub(crate) fn find_into(
        &self,
        text: &str,
        offsets: Offsets,
        scratch: &mut Scratch,
        out: &mut Vec<Match>,
    ) -> Result<()> {
        let Scratch {
            hits,
            ends,
            spare,
            picks,
            sentences,
            splitter,
        } = scratch;
        hits.clear();
        let norm = normalize_with(text, spare)?;
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
        // The first failed allocation; the walk skips every start after it.
        let mut failed: Option<Error> = None;
        self.trie.for_each_start_resumable(haystack, |p, resume| {
            // A start inside the last chosen mention cannot be chosen. The offset map is monotone (and maps character
            // boundaries one to one), so `p` before the mention's end in the searched bytes is before it in the
            // original; the second test only makes that explicit where the map is not the identity.
            if failed.is_some()
                || cost > budget
                || (p < taken_norm && (identity || norm.map.to_original(p) < taken))
            {
                return;
            }
            ends.clear();
            cost += self.trie.walk_from(haystack, p, resume, ends);
            if ends.is_empty() {
                return;
            }
            let start = norm.map.to_original(p);
            // Longest first: with leftmost-longest selection the first candidate accepted at a start is the pick.
            for &(ne, pattern) in ends.iter().rev() {
                let end = norm.map.to_original(ne);
                match self.accept_span(text, start, end, pattern, all, hits, picks) {
                    Ok(true) if !all => {
                        (taken_norm, taken) = (ne, end);
                        break;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
        });
        let ascii = norm.ascii;
        norm.recycle(spare);
        if let Some(e) = failed {
            return Err(e);
        }
        if cost > budget {
            hits.clear();
            self.find_with_automaton(text, hits, picks)?;
        }
        out.clear();
        if all {
            hits.sort_unstable_by_key(|h| (h.start, Reverse(h.end), h.entity));
        }
        if self.rules.patterns {
            self.add_pattern_hits(text, hits)?;
        }
        self.refine(text, hits, picks, splitter, sentences)?;
        // In leftmost-longest mode the hits are already in order and do not overlap.
        reserve(out, hits.len())?;
        out.extend(hits.iter().copied().map(Hit::into_match));
        if offsets == Offsets::Chars && !ascii {
            to_char_offsets(text, out);
        }
        Ok(())
    }

    /// Check the candidate `text[start..end]` (pattern `pattern`) and push its hits: boundaries on the original text,
    /// then each candidate entity's case policy, then the URL rule and the shields; where several entities remain,
    /// the context chooses (see [`Matcher::choose`]). Returns whether anything was pushed, or
    /// [`Error::OutOfMemory`] if `hits` cannot grow.
    #[allow(clippy::too_many_arguments)]
    fn accept_span(
        &self,
        text: &str,
        start: usize,
        end: usize,
        pattern: u32,
        all: bool,
        hits: &mut Vec<Hit>,
        picks: &mut Vec<Pick>,
    ) -> Result<bool> {
        if !at_boundaries(text, start, end) {
            return Ok(false);
        }
        let span = &text[start..end];
        let candidates = self.gazetteer.candidates(pattern);
        picks.clear();
        // Which entities have a pick: a search of the few picks for the usual span, a set where a span names many
        // entities (a crafted gazetteer of 40k entities sharing one alias made the search quadratic).
        let mut picked: Option<rustc_hash::FxHashSet<u32>> =
            (candidates.len() > 16).then(Default::default);
        for c in candidates {
            // Candidates are sorted by (policy rank, variant, default rank, entity, alias), so the first accepted one
            // per entity is the alias to report, and the first accepted one overall is the default reading.
            let taken = match &picked {
                Some(set) => set.contains(&c.entity),
                None => picks.iter().any(|p| p.entity == c.entity),
            };
            if (c.variant && !self.rules.variants) || taken || !c.accepts(span) {
                continue;
            }
            if let Some(set) = &mut picked {
                set.insert(c.entity);
            }
            picks.push(Pick {
                entity: c.entity,
                alias: c.alias,
                variant: c.variant,
                support: c.needs_support && self.rules.support,
            });
        }
        // The URL rule is the dearest check and the same for every candidate of the span: run it once, and only for a
        // span that some candidate's case policy accepts (most rejected spans are acronyms in lower case).
        if picks.is_empty() || in_url_or_path(text, start, end) {
            return Ok(false);
        }
        if self.rules.shields
            && picks
                .iter()
                .any(|p| self.kinds[p.entity as usize] == Kind::Country)
            && context::shielded_country(text, start, end)
        {
            picks.retain(|p| self.kinds[p.entity as usize] != Kind::Country);
            if picks.is_empty() {
                return Ok(false);
            }
        }
        if self.rules.shields
            && picks
                .iter()
                .any(|p| self.kinds[p.entity as usize] == Kind::Software)
            && context::company_name(text, end)
        {
            picks.retain(|p| self.kinds[p.entity as usize] != Kind::Software);
            if picks.is_empty() {
                return Ok(false);
            }
        }
        if picks.len() == 1 && self.rules.resolve != Resolve::None {
            self.actor_behind_software(text, start, end, picks);
        }
        let (chosen, resolved, ambiguous) = if picks.len() == 1 {
            (0, Resolution::NONE, false)
        } else {
            self.choose(text, start, end, picks)
        };
        let hit = |p: &Pick, resolved: Resolution, ambiguous: bool| Hit {
            start,
            end,
            entity: p.entity,
            alias: p.alias,
            resolved,
            ambiguous,
            via: if p.variant { Via::Variant } else { Via::Alias },
            support: p.support,
            pattern,
        };
        reserve(hits, if all { picks.len() } else { 1 })?;
        if all {
            // Every reading: the chosen one with its resolution, the others as ambiguous alternatives.
            for (i, p) in picks.iter().enumerate() {
                if i == chosen {
                    hits.push(hit(p, resolved, ambiguous));
                } else {
                    hits.push(hit(p, Resolution::NONE, true));
                }
            }
        } else {
            hits.push(hit(&picks[chosen], resolved, ambiguous));
        }
        Ok(true)
    }

    /// "The Conti ransomware gang": a software name that ends with its type ("Conti ransomware", "Winnti malware")
    /// followed by a cue for the group is the group that shares the name before the type word. Adds that group (by
    /// its alias for the shorter name) to the lone pick of the span, so that the cue decides between the two.
    fn actor_behind_software(&self, text: &str, start: usize, end: usize, picks: &mut Vec<Pick>) {
        const TYPE_WORDS: [&str; 2] = ["ransomware", "malware"];
        if self.kinds[picks[0].entity as usize] != Kind::Software {
            return;
        }
        let span = &text[start..end];
        let Some((base, word)) = span.rsplit_once(|c: char| c.is_whitespace() || c == '-') else {
            return;
        };
        if !TYPE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
            || context::find_cue(text, start, end).and_then(Resolution::sense)
                != Some(context::Sense::Actor)
        {
            return;
        }
        let base = base.trim_end();
        if let Some((entity, alias)) = self
            .gazetteer
            .lookup_alias(base)
            .into_iter()
            .find(|&(e, _)| self.kinds[e as usize] == Kind::ThreatActor)
        {
            picks.push(Pick {
                entity,
                alias,
                variant: false,
                support: false,
            });
        }
    }

    /// Choose among the entities of one span (`picks`, at least two, in default order): where a group and software
    /// share the name and the context has a cue ([`context::find_cue`]), the first entity of the cue's kind; else the
    /// first one, marked ambiguous. Returns the position in `picks`, the resolution and whether it is ambiguous.
    fn choose(
        &self,
        text: &str,
        start: usize,
        end: usize,
        picks: &[Pick],
    ) -> (usize, Resolution, bool) {
        let kind_of = |p: &Pick| self.kinds[p.entity as usize];
        let has = |k: Kind| picks.iter().any(|p| kind_of(p) == k);
        if self.rules.resolve != Resolve::None && has(Kind::ThreatActor) && has(Kind::Software) {
            if let Some(cue) = context::find_cue(text, start, end) {
                let kind = match cue.sense() {
                    Some(context::Sense::Software) => Kind::Software,
                    _ => Kind::ThreatActor,
                };
                if let Some(i) = picks.iter().position(|p| kind_of(p) == kind) {
                    let same = picks.iter().filter(|p| kind_of(p) == kind).count();
                    return (i, cue, same > 1);
                }
            }
        }
        (0, Resolution::DEFAULT, true)
    }

    /// Add the names of numbering schemes ("UNC4841", "Storm-0558", "TG 3390"): a name that a threat actor of the
    /// gazetteer has resolves to it (in any spacing: "UNC 2452" is APT29 when "UNC2452" is its alias), any other is
    /// a threat actor of its own ([`Gazetteer::entity_at`]). With leftmost-longest selection a scheme name replaces
    /// the shorter mentions inside it and yields to a mention as long or longer; with `overlaps="all"` it is added
    /// unless an alias names the same span. The URL and path rule applies.
    fn add_pattern_hits(&self, text: &str, hits: &mut Vec<Hit>) -> Result<()> {
        let index = self.gazetteer.scheme_index();
        let all = self.overlaps == Overlaps::All;
        let first_new = hits.len();
        let mut removed = false;
        for pm in index.patterns.find_iter(text) {
            let (start, end) = (pm.start, pm.end);
            if !at_boundaries(text, start, end) || in_url_or_path(text, start, end) {
                continue;
            }
            let (entity, alias) = index
                .known
                .get(&(pm.scheme, pm.number))
                .copied()
                .unwrap_or_else(|| {
                    (
                        self.gazetteer.pattern_entity_number(pm.scheme, pm.number),
                        0,
                    )
                });
            let hit = Hit {
                start,
                end,
                entity,
                alias,
                resolved: Resolution::NONE,
                ambiguous: false,
                via: Via::Pattern,
                support: false,
                pattern: u32::MAX,
            };
            let old = &hits[..first_new];
            if all {
                // A span that the gazetteer names as written keeps only its own readings.
                if !old.iter().any(|h| h.start == start && h.end == end) {
                    reserve(hits, 1)?;
                    hits.push(hit);
                }
                continue;
            }
            // Leftmost-longest: the hits found so far are sorted and disjoint.
            let lo = old.partition_point(|h| h.end <= start);
            let hi = old.partition_point(|h| h.start < end);
            let inside = old[lo..hi]
                .iter()
                .all(|h| h.start >= start && h.end <= end && h.end - h.start < end - start);
            if !inside {
                continue;
            }
            for h in &mut hits[lo..hi] {
                // Marked for removal: an empty span sorts first and is dropped below.
                h.end = h.start;
                removed = true;
            }
            reserve(hits, 1)?;
            hits.push(hit);
        }
        if hits.len() == first_new {
            return Ok(());
        }
        if removed {
            hits.retain(|h| h.end > h.start);
        }
        if all {
            hits.sort_unstable_by_key(|h| (h.start, Reverse(h.end), h.entity));
        } else {
            hits.sort_unstable_by_key(|h| h.start);
        }
        Ok(())
    }

    /// The rules that need every hit of the text: acronyms the document defines, one sense per document, support.
    /// `hits` are sorted by start (and, with `overlaps="all"`, longest first).
    fn refine(
        &self,
        text: &str,
        hits: &mut Vec<Hit>,
        picks: &mut Vec<Pick>,
        splitter: &mut crate::segment::Splitter,
        sentences: &mut Vec<crate::segment::Span>,
    ) -> Result<()> {
        if hits.is_empty() {
            return Ok(());
        }
        let all = self.overlaps == Overlaps::All;
        if self.rules.shields {
            self.drop_person_names(text, hits);
        }
        if self.rules.acronyms && Self::add_defined_acronyms(text, hits)? {
            if all {
                hits.sort_unstable_by_key(|h| (h.start, Reverse(h.end), h.entity));
            } else {
                hits.sort_unstable_by_key(|h| h.start);
            }
        }
        if self.rules.resolve == Resolve::Document {
            self.one_sense_per_document(text, hits, picks);
        }
        if hits.iter().any(|h| h.support) {
            self.drop_unsupported(text, hits, splitter, sentences)?;
        }
        if self.rules.support {
            self.drop_software_outside_security(text, hits);
        }
        Ok(())
    }

    /// The security-context rule (part of `support`): in a document of some length ([`SECURITY_CONTEXT_BYTES`])
    /// that says nothing of computer security (no word of [`context::SECURITY_WORDS`], no threat actor with a
    /// numbered name such as APT28 or UNC2452), a malware name with no cue next to it is an ordinary name ("the
    /// Toyota Mirai", "Otomo's Akira", "OLED displays"), and so is the group reading of a name that a group shares
    /// with its software. Tools are left alone (`PsExec` in an administrator's guide is `PsExec`), and so is a shorter
    /// text (a headline, a table cell, one sentence), too short for the silence to mean anything.
    fn drop_software_outside_security(&self, text: &str, hits: &mut Vec<Hit>) {
        if text.len() < SECURITY_CONTEXT_BYTES {
            return;
        }
        let uncued = |h: &Hit| {
            h.resolved.sense().is_none()
                && match self.kind(h.entity) {
                    Kind::Software => !self.tools.get(h.entity as usize).copied().unwrap_or(false),
                    Kind::ThreatActor => h.ambiguous && h.via != Via::Pattern,
                    _ => false,
                }
        };
        if !hits.iter().any(uncued) {
            return;
        }
        // A group named by a number is unmistakable; one named by words may itself be the ordinary word
        // ("Sandworm" in a review of Dune), and must not vouch for the rest.
        let numbered_actor = |h: &Hit| {
            self.kind(h.entity) == Kind::ThreatActor
                && !h.ambiguous
                && text[h.start..h.end].bytes().any(|b| b.is_ascii_digit())
        };
        if hits.iter().any(numbered_actor) || context::about_security(text) {
            return;
        }
        hits.retain(|h| !uncued(h));
    }

    /// The given-name rule (part of the shields): a country name that is also a given name is a person's where a
    /// census name stands next to it ([`context::person_name_at`]: "Chad Johnson", "Michael Jordan"), and so is the
    /// same name (entity and alias) elsewhere in the document ("Chad shows Graham around Miami"), except where it
    /// is written as a place ([`context::place_frame`]: "in Chad", "Nairobi, Kenya") and unless the document also
    /// names that country otherwise ("Chadian", "the Republic of Chad"), where only the mentions next to a census
    /// name are dropped.
    fn drop_person_names(&self, text: &str, hits: &mut Vec<Hit>) {
        let subject = |h: &Hit| {
            self.kind(h.entity) == Kind::Country
                && context::is_given_name_country(&text[h.start..h.end])
        };
        if !hits.iter().any(subject) {
            return;
        }
        let mut ends: Vec<usize> = hits.iter().map(|h| h.end).collect();
        ends.sort_unstable();
        let starts_at = |pos: usize| {
            let i = hits.partition_point(|h| h.start < pos);
            hits.get(i).is_some_and(|h| h.start == pos)
        };
        let ends_at = |pos: usize| ends.binary_search(&pos).is_ok();
        // Hits next to a census name, and the (entity, alias) names they are written with.
        let beside: Vec<bool> = hits
            .iter()
            .map(|h| {
                subject(h) && context::person_name_at(text, h.start, h.end, starts_at, ends_at)
            })
            .collect();
        if !beside.contains(&true) {
            return;
        }
        let mut people: Vec<(u32, u32)> = hits
            .iter()
            .zip(&beside)
            .filter(|(_, &b)| b)
            .map(|(h, _)| (h.entity, h.alias))
            .collect();
        people.sort_unstable();
        people.dedup();
        // A name whose country the document also names by another alias keeps its other mentions.
        people.retain(|&(entity, alias)| {
            !hits.iter().any(|h| h.entity == entity && h.alias != alias)
        });
        let mut i = 0;
        hits.retain(|h| {
            let keep = !beside[i]
                && (people.binary_search(&(h.entity, h.alias)).is_err()
                    || context::place_frame(text, h.start));
            i += 1;
            keep
        });
    }

    /// Add the mentions of acronyms defined after a mention ("Golden Chickens (GC)"): the acronym in brackets and
    /// every later occurrence of it, written the same way, at word boundaries and outside other mentions, name the
    /// same entity (first definition wins). Returns whether a hit was added.
    fn add_defined_acronyms(text: &str, hits: &mut Vec<Hit>) -> Result<bool> {
        let mut defined: Vec<(usize, usize, Hit)> = Vec::new();
        for h in hits.iter() {
            if h.via == Via::Acronym {
                continue;
            }
            let Some((s, e)) = context::defined_acronym(text, h.end) else {
                continue;
            };
            let short = &text[s..e];
            if !context::abbreviates(short, &text[h.start..h.end])
                || defined.iter().any(|d| &text[d.0..d.1] == short)
            {
                continue;
            }
            defined.push((s, e, *h));
        }
        if defined.is_empty() {
            return Ok(false);
        }
        // The spans already taken, as sorted disjoint intervals (hits are sorted by start).
        let mut taken: Vec<(usize, usize)> = Vec::new();
        for h in hits.iter() {
            match taken.last_mut() {
                Some(last) if h.start < last.1 => last.1 = last.1.max(h.end),
                _ => taken.push((h.start, h.end)),
            }
        }
        let before = hits.len();
        for (s, e, h) in defined {
            let short = &text[s..e];
            for at in memchr::memmem::find_iter(&text.as_bytes()[s..], short.as_bytes()) {
                let (start, end) = (s + at, s + at + short.len());
                let i = taken.partition_point(|t| t.1 <= start);
                let overlaps_hit = taken.get(i).is_some_and(|t| t.0 < end)
                    || hits[before..]
                        .iter()
                        .any(|x| x.start < end && start < x.end);
                if overlaps_hit
                    || !at_boundaries(text, start, end)
                    || in_url_or_path(text, start, end)
                {
                    continue;
                }
                reserve(hits, 1)?;
                hits.push(Hit {
                    start,
                    end,
                    via: Via::Acronym,
                    resolved: Resolution::NONE,
                    ambiguous: false,
                    support: false,
                    pattern: u32::MAX,
                    ..h
                });
            }
        }
        Ok(hits.len() > before)
    }

    /// With [`Resolve::Document`]: a mention whose shared name got no cue takes the reading that the cues of the
    /// same name (the same gazetteer pattern) gave in this document, where one reading has more cues than the other.
    fn one_sense_per_document(&self, text: &str, hits: &mut [Hit], picks: &mut Vec<Pick>) {
        let cued = |h: &Hit| h.resolved.sense().is_some();
        if !hits.iter().any(cued) {
            return;
        }
        for i in 0..hits.len() {
            if hits[i].resolved != Resolution::DEFAULT || hits[i].pattern == u32::MAX {
                continue;
            }
            let pattern = hits[i].pattern;
            let (mut actor, mut software) = (0, 0);
            for h in hits.iter().filter(|h| h.pattern == pattern) {
                match h.resolved.sense() {
                    Some(context::Sense::Actor) => actor += 1,
                    Some(context::Sense::Software) => software += 1,
                    None => {}
                }
            }
            let kind = match actor.cmp(&software) {
                std::cmp::Ordering::Greater => Kind::ThreatActor,
                std::cmp::Ordering::Less => Kind::Software,
                std::cmp::Ordering::Equal => continue,
            };
            let h = hits[i];
            let span = &text[h.start..h.end];
            picks.clear();
            for c in self.gazetteer.candidates(pattern) {
                if self.kinds[c.entity as usize] == kind
                    && (!c.variant || self.rules.variants)
                    && !picks.iter().any(|p| p.entity == c.entity)
                    && c.accepts(span)
                {
                    picks.push(Pick {
                        entity: c.entity,
                        alias: c.alias,
                        variant: c.variant,
                        support: c.needs_support && self.rules.support,
                    });
                }
            }
            if let Some(p) = picks.first() {
                hits[i] = Hit {
                    entity: p.entity,
                    alias: p.alias,
                    resolved: Resolution::DOCUMENT,
                    ambiguous: picks.len() > 1,
                    via: if p.variant { Via::Variant } else { Via::Alias },
                    support: p.support,
                    ..h
                };
            }
        }
    }

    /// Drop the hits whose alias needs support and has none. An entity is confirmed in a document by a hit through
    /// an alias that needs no support, or by a needs-support hit with a cue of its own kind next to it ("the August
    /// stealer", "the Impact ransomware": see [`context::find_cue`]); every hit of a confirmed entity stands. An
    /// agency's acronym ("MSS", "CISA") also stands with a hit of another agency, a threat actor or software in its
    /// sentence. The ordinary words that software and threat actors are named after ("August", "Impact") do not: a
    /// report names other malware and groups in nearly every sentence, so a co-mention is no evidence for them.
    ///
    /// Performance note: sentences are split only when an agency acronym is left to decide; the ordinary-word hits,
    /// which are the most frequent, need the cue check alone.
    fn drop_unsupported(
        &self,
        text: &str,
        hits: &mut Vec<Hit>,
        splitter: &mut crate::segment::Splitter,
        sentences: &mut Vec<crate::segment::Span>,
    ) -> Result<()> {
        // Sorted, so that a document with many such hits costs n log n, not n squared.
        let mut confirmed: Vec<u32> = hits
            .iter()
            .filter(|h| {
                let want = match self.kind(h.entity) {
                    _ if !h.support => return true,
                    Kind::Software => context::Sense::Software,
                    Kind::ThreatActor => context::Sense::Actor,
                    _ => return false,
                };
                h.resolved.sense() == Some(want)
                    || context::find_cue(text, h.start, h.end).and_then(Resolution::sense)
                        == Some(want)
            })
            .map(|h| h.entity)
            .collect();
        confirmed.sort_unstable();
        confirmed.dedup();
        let open = |h: &Hit| h.support && confirmed.binary_search(&h.entity).is_err();
        if !hits.iter().any(open) {
            return Ok(());
        }
        let agency_open = hits
            .iter()
            .any(|h| open(h) && self.kind(h.entity) == Kind::Agency);
        if agency_open {
            splitter.sentences(text, sentences)?;
        }
        let sentence_of = |at: usize| sentences.partition_point(|s| s.end <= at);
        // Hits are sorted by start, so their sentences are in order too.
        let supporters: Vec<usize> = if agency_open {
            hits.iter()
                .filter(|h| !h.support && self.kind(h.entity).supports())
                .map(|h| sentence_of(h.start))
                .collect()
        } else {
            Vec::new()
        };
        hits.retain(|h| {
            !open(h)
                || (self.kind(h.entity) == Kind::Agency
                    && supporters.binary_search(&sentence_of(h.start)).is_ok())
        });
        Ok(())
    }

    /// The kind of an entity of a hit: a gazetteer entity's own, or a threat actor for the entities that numbering
    /// schemes name beyond the gazetteer ([`Gazetteer::entity_at`]).
    fn kind(&self, entity: u32) -> Kind {
        self.kinds
            .get(entity as usize)
            .copied()
            .unwrap_or(Kind::ThreatActor)
    }

    /// The hits of `text` found with an Aho-Corasick automaton (built on first use), for texts where the word-start
    /// walks would cost more than [`WALK_BUDGET_PER_BYTE`] bytes read per byte of text. In leftmost-longest mode the
    /// hits are left chosen and in order, as the trie path leaves them.
    ///
    /// Why: a walk from each word start reads as far as some alias continues the text, so an alias that the text
    /// almost matches again and again ("a a a ... a b" against "a a a a ...") makes the walks cost the text's length
    /// times the alias's (measured: 2 MB of text, a 1,000-word alias, 4.2 s). The automaton reads each byte once
    /// whatever the aliases. Natural text reads about 0.5 bytes per byte in walks (the 50 MB benchmark corpus).
    fn find_with_automaton(
        &self,
        text: &str,
        hits: &mut Vec<Hit>,
        picks: &mut Vec<Pick>,
    ) -> Result<()> {
        let all = self.overlaps == Overlaps::All;
        let automaton = self.automaton.get_or_init(|| {
            let patterns = self.gazetteer.pattern_texts().iter().map(|t| &**t);
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
            return Ok(());
        };
        // The automaton needs white-space runs collapsed in the text it reads.
        let norm = normalize_collapsed(text)?;
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
            // Leftmost-longest selection as the hits arrive, so that memory stays bounded by the mentions kept and
            // not by every overlapping hit (a crafted gazetteer of nested aliases, "a", "a a", ..., made 2 MB of
            // text collect 2.5 GB of hits). `hits` is the greedy pick over the hits seen so far: sorted, disjoint.
            // Hits arrive in nondecreasing end order, so the only pick a new hit can displace is the first one
            // that ends after its start: it wins there if it starts earlier (or at the same place and is longer),
            // and then every later pick starts before its end and falls. A hit that loses there is never picked,
            // and is not checked at all.
            let slot = if all {
                None
            } else {
                let i = hits.partition_point(|h| h.end <= start);
                match hits.get(i) {
                    Some(h) if (start, Reverse(end)) >= (h.start, Reverse(h.end)) => continue,
                    Some(_) => Some(i),
                    None => None,
                }
            };
            #[allow(clippy::cast_possible_truncation)] // pattern ids come from a u32-indexed table
            let accepted = self.accept_span(
                text,
                start,
                end,
                m.pattern().as_usize() as u32,
                all,
                hits,
                picks,
            )?;
            if let (true, Some(i)) = (accepted, slot) {
                // The new pick (pushed last) replaces the one at `i` and everything after it.
                let last = hits.len() - 1;
                hits.swap(i, last);
                hits.truncate(i + 1);
            }
        }
        Ok(())
    }

    /// [`Matcher::find`] over many texts on `n_threads` threads (see [`parallel::map`]); one vector per text, in
    /// input order, identical for every thread count.
    pub fn find_many<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        offsets: Offsets,
        n_threads: Option<usize>,
    ) -> Result<Vec<Vec<Match>>> {
        parallel::try_map(texts, n_threads, |t| self.try_find(t.as_ref(), offsets))
    }

    /// [`Matcher::find`], and with `segments` the sentence and paragraph of each match (see
    /// [`crate::segment::locate`]).
    ///
    /// # Errors
    ///
    /// [`Error::OutOfMemory`] (see [`Matcher::try_find`]).
    pub fn find_located(&self, text: &str, offsets: Offsets, segments: bool) -> Result<Located> {
        let matches = self.try_find(text, offsets)?;
        let places = if segments {
            let mut places = Vec::new();
            reserve(&mut places, matches.len())?;
            crate::segment::Splitter::default().locate(
                text,
                matches.iter().map(|m| m.byte_start),
                |s, p| places.push((s, p)),
            )?;
            Some(places)
        } else {
            None
        };
        Ok((matches, places))
    }

    /// [`Matcher::find_located`] over many texts (see [`Matcher::find_many`]).
    pub fn find_many_located<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        offsets: Offsets,
        segments: bool,
        n_threads: Option<usize>,
    ) -> Result<Vec<Located>> {
        parallel::try_map(texts, n_threads, |t| {
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
        let documents = |range: &std::ops::Range<usize>| range.len() as u64;
        let parts = parallel::try_map_counted(&chunks, n_threads, documents, |range| {
            let mut part = MatchTable::default();
            let (mut scratch, mut found) = (Scratch::default(), Vec::new());
            let mut splitter = crate::segment::Splitter::default();
            for doc in range.clone() {
                let text = texts[doc].as_ref();
                self.find_into(text, offsets, &mut scratch, &mut found)?;
                part.reserve(found.len(), segments)?;
                if segments {
                    splitter.locate(text, found.iter().map(|m| m.byte_start), |s, p| {
                        part.sentence.push(s);
                        part.paragraph.push(p);
                    })?;
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
                    part.resolved_by.push(m.resolved_by.0);
                    part.ambiguous.push(m.ambiguous);
                    part.via.push(m.via.code());
                }
            }
            Ok(part)
        })?;
        if parts.len() <= 1 {
            return Ok(parts.into_iter().next().unwrap_or_default());
        }
        let total = parts.iter().map(MatchTable::len).sum();
        let mut table = MatchTable::default();
        table.reserve(total, segments)?;
        for part in &parts {
            table.doc.extend_from_slice(&part.doc);
            table.start.extend_from_slice(&part.start);
            table.end.extend_from_slice(&part.end);
            table.entity.extend_from_slice(&part.entity);
            table.alias.extend_from_slice(&part.alias);
            table.sentence.extend_from_slice(&part.sentence);
            table.paragraph.extend_from_slice(&part.paragraph);
            table.resolved_by.extend_from_slice(&part.resolved_by);
            table.ambiguous.extend_from_slice(&part.ambiguous);
            table.via.extend_from_slice(&part.via);
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
    picks: Vec<Pick>,
    sentences: Vec<crate::segment::Span>,
    splitter: crate::segment::Splitter,
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
    let mut cursor = CharCursor::new(text);
    for m in matches {
        m.start = cursor.chars_at(m.byte_start);
        // Ends are not in order when mentions nest (`overlaps="all"`): count the mention's own characters.
        m.end = m.start + count_chars(&text[m.byte_start..m.byte_end]);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::gazetteer::{RawAlias, RawRecord};

    #[test]
    fn switches_name_each_flag_once() {
        let off = |name: &str| {
            let mut r = Rules::default();
            match name {
                "variants" => r.variants = false,
                "patterns" => r.patterns = false,
                "acronyms" => r.acronyms = false,
                "support" => r.support = false,
                "shields" => r.shields = false,
                _ => unreachable!(),
            }
            r
        };
        for (name, on) in Rules::default().switches() {
            assert!(on);
            let switched: Vec<_> = off(name).switches().into_iter().filter(|s| !s.1).collect();
            assert_eq!(switched, [(name, false)]);
        }
    }

    #[test]
    fn a_span_naming_many_entities_reports_each_once() {
        // Over 16 candidates the picks are tracked in a set: the answer must be the one the search gives, each
        // entity once, with its first alias by candidate order ("Shared" and "shared" fold together).
        for n in [3usize, 16, 17, 40] {
            let ids: Vec<String> = (0..n).map(|i| format!("e{i:02}")).collect();
            let names: Vec<String> = (0..n).map(|i| format!("Name{i}")).collect();
            let entities: Vec<(&str, Vec<&str>)> = ids
                .iter()
                .zip(&names)
                .map(|(id, name)| (id.as_str(), vec![name.as_str(), "Shared", "shared"]))
                .collect();
            let entities: Vec<(&str, &[&str])> =
                entities.iter().map(|(id, a)| (*id, a.as_slice())).collect();
            let m = matcher(&entities, Overlaps::All);
            let found = m.find("the Shared one", Offsets::Chars);
            let mut seen: Vec<u32> = found.iter().map(|f| f.entity).collect();
            assert_eq!(found.len(), n, "n = {n}");
            assert!(
                found
                    .iter()
                    .all(|f| (f.start, f.end, f.alias) == (4, 10, 1)),
                "n = {n}"
            );
            seen.sort_unstable();
            assert_eq!(seen, (0..n as u32).collect::<Vec<_>>(), "n = {n}");
        }
    }

    #[test]
    fn via_names_are_indexed_by_code() {
        for via in [Via::Alias, Via::Variant, Via::Pattern, Via::Acronym] {
            assert_eq!(Via::NAMES[via.code() as usize], via.as_str());
        }
    }

    #[test]
    fn a_matcher_displays_as_its_repr() {
        let m = matcher(
            &[("a", &["Alpha", "AL"]), ("b", &["Beta"])],
            Overlaps::Longest,
        );
        assert_eq!(
            m.to_string(),
            "<Matcher: 2 entities, 3 alias patterns, overlaps='longest'>"
        );
    }

    #[test]
    fn a_variant_of_a_shared_name_is_resolved_as_the_name_is() {
        // Before: only the group's "NetWalker" is CamelCase, so "Net Walker" was the group's variant alone, and
        // "The Net Walker ransomware" came out as the group, not ambiguous, where "NetWalker" is resolved by
        // context (found by a user review, 2026-12-07).
        let record = |id: &str, kind: &str, alias: &str| RawRecord {
            id: id.into(),
            kind: kind.into(),
            name: alias.into(),
            aliases: vec![RawAlias::Text(alias.into())],
            attrs: BTreeMap::new(),
        };
        let gazetteer = Gazetteer::from_records([
            record("threat_actor:netwalker", "threat_actor", "NetWalker"),
            record("software:netwalker", "software", "Netwalker"),
        ])
        .unwrap();
        let m = Matcher::new(Arc::new(gazetteer), Overlaps::Longest).unwrap();
        let read = |text: &str| -> Vec<(String, bool, Via)> {
            m.find(text, Offsets::Chars)
                .into_iter()
                .map(|x| {
                    let id = m.gazetteer().entities()[x.entity as usize].id.clone();
                    (id, x.ambiguous, x.via)
                })
                .collect()
        };
        for (written, split) in [
            (
                "The NetWalker ransomware encrypted files.",
                "The Net Walker ransomware encrypted files.",
            ),
            ("NetWalker hit a school.", "Net Walker hit a school."),
            (
                "The NetWalker operators hit a school.",
                "The Net Walker operators hit a school.",
            ),
        ] {
            let (as_written, as_split) = (read(written), read(split));
            assert_eq!(as_written.len(), 1, "{written}");
            assert_eq!(as_split.len(), 1, "{split}");
            assert_eq!(as_split[0].0, as_written[0].0, "{split}");
            assert_eq!(as_split[0].1, as_written[0].1, "{split}");
            assert_eq!(as_split[0].2, Via::Variant, "{split}");
        }
        assert_eq!(
            read("The Net Walker ransomware encrypted files.")[0].0,
            "software:netwalker"
        );
        assert_eq!(
            read("The Net Walker operators hit a school.")[0].0,
            "threat_actor:netwalker"
        );
    }

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
                m.find_with_automaton(text, &mut hits, &mut Vec::new())
                    .unwrap();
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
    fn the_automaton_selects_as_the_trie_on_nested_aliases() {
        // Nested and overlapping aliases, where the automaton reports many hits per mention and a later hit
        // displaces earlier picks ("a b" arriving after "a"); the trie's walks are the reference.
        let entities: &[(&str, &[&str])] = &[
            ("a", &["a"]),
            ("aa", &["a a"]),
            ("ab", &["a b"]),
            ("baa", &["b a a"]),
            ("aaab", &["a a a b"]),
            ("b", &["b"]),
            ("word", &["ab"]),
        ];
        let tokens = ["a", "b", "ab", "A", " ", " ", " ", "  ", "-", ", ", "\n"];
        let m = matcher(entities, Overlaps::Longest);
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut checked = 0;
        for _ in 0..3000 {
            let mut text = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            for _ in 0..(state % 24) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                #[allow(clippy::cast_possible_truncation)] // an index below tokens.len()
                text.push_str(tokens[(state % tokens.len() as u64) as usize]);
            }
            let trie = m.find(&text, Offsets::Bytes);
            let mut hits = Vec::new();
            m.find_with_automaton(&text, &mut hits, &mut Vec::new())
                .unwrap();
            let automaton: Vec<Match> = hits.into_iter().map(Hit::into_match).collect();
            checked += usize::from(trie.len() > 1);
            assert_eq!(trie, automaton, "{text:?}");
        }
        assert!(checked > 500, "{checked}");
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
