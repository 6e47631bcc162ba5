//! Entities, aliases with case policies, and the gazetteer that indexes them.
//!
//! A gazetteer is an ordered list of [`Entity`] values with unique ids. Each entity has a kind (`country`, `agency`,
//! `threat_actor`, or any kind a user invents), a canonical name, aliases and string attributes. Its canonical name
//! is always one of its aliases: if the record does not list it, it is added first, with the default case policy.
//!
//! Building a gazetteer validates every record and indexes every alias by its normalised, case-folded form (see
//! [`crate::normalize`]); the matcher compiles that index into one automaton.

mod builtin;
mod load;
mod record;
pub mod variants;

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::normalize::{eq_exact, is_upper, normalize_str};
use crate::patterns::{builtin_schemes, Patterns, Scheme, MAX_DIGITS, SCHEME_BLOCK};

pub use builtin::CAPITAL_FORMS;
pub use load::{parse_csv, parse_json, read_csv, read_json};
pub use record::{
    read_parts, read_record, RawAlias, RawRecord, RecordValue, Shape, TypeNames, ALIAS_KEYS,
    RECORD_KEYS,
};

/// How an alias compares with the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CasePolicy {
    /// Only as written: acronyms and aliases that are ordinary words ("US", "SEA", "LEAD").
    Exact,
    /// The first character must be an upper- or title-case letter; the rest compares case-insensitively
    /// ("Turkey" and "TURKEY", not "turkey").
    UpperFirst,
    /// Any case, also for non-ASCII letters ("TÜRKİYE", "Türkiye").
    Insensitive,
}

impl CasePolicy {
    /// Every policy name accepted by [`CasePolicy::parse`], `auto` included.
    pub const NAMES: [&'static str; 4] = ["auto", "insensitive", "exact", "upper_first"];

    /// The policy's name, as accepted by [`CasePolicy::parse`].
    pub fn as_str(self) -> &'static str {
        match self {
            CasePolicy::Exact => "exact",
            CasePolicy::UpperFirst => "upper_first",
            CasePolicy::Insensitive => "insensitive",
        }
    }

    /// Parse a policy name; `auto` resolves with [`CasePolicy::auto`] for `alias`.
    pub fn parse(name: &str, alias: &str) -> Option<CasePolicy> {
        match name {
            "auto" => Some(CasePolicy::auto(alias)),
            "exact" => Some(CasePolicy::Exact),
            "upper_first" => Some(CasePolicy::UpperFirst),
            "insensitive" => Some(CasePolicy::Insensitive),
            _ => None,
        }
    }

    /// The default policy of an alias given as a plain string.
    ///
    /// An alias that looks like an acronym (one token, at least one upper-case letter and no lower-case letter:
    /// "US", "U.S.", "GRU", "APT28") is [`CasePolicy::Exact`], so that "us" or "gru" in ordinary prose does not
    /// match; every other alias is [`CasePolicy::Insensitive`].
    pub fn auto(alias: &str) -> CasePolicy {
        let alias = alias.trim_matches(char::is_whitespace);
        let one_token = !alias.chars().any(char::is_whitespace);
        let has_upper = alias.chars().any(char::is_uppercase);
        let has_lower = alias.chars().any(char::is_lowercase);
        if one_token && has_upper && !has_lower {
            CasePolicy::Exact
        } else {
            CasePolicy::Insensitive
        }
    }

    /// Rank used to choose among entities that share a span: the more specific policy wins.
    pub(crate) fn rank(self) -> u8 {
        match self {
            CasePolicy::Exact => 0,
            CasePolicy::UpperFirst => 1,
            CasePolicy::Insensitive => 2,
        }
    }
}

/// One alias of an entity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Alias {
    /// The alias as written in the gazetteer (trimmed).
    pub text: String,
    /// How it compares with the text.
    pub case: CasePolicy,
    /// What kind of name it is ("name", "abbreviation", "adjective", ...), if the gazetteer says.
    pub form: Option<String>,
    /// Whether a mention by this alias needs support to count: another entity of the field (an agency, a threat
    /// actor or software) in the same sentence, or an alias of the same entity that needs none elsewhere in the
    /// document. For acronyms that are also technical terms ("MSS", "RGB") and aliases that are ordinary words.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub needs_support: bool,
}

/// A named thing the matcher finds: a country, an agency, a threat actor, or a user-defined kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entity {
    /// Stable id, unique in its gazetteer (`country:RU`, `threat_actor:apt28`).
    pub id: String,
    /// Kind (`country`, `agency`, `threat_actor`, ...).
    pub kind: String,
    /// Canonical name.
    pub name: String,
    /// Aliases, the canonical name included.
    pub aliases: Vec<Alias>,
    /// String attributes (iso2, sponsor country, catalogue ids, ...), sorted by key.
    pub attrs: BTreeMap<String, String>,
}

/// One way an alias can match: which entity and alias, and how the matched text must compare.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub entity: u32,
    pub alias: u32,
    pub case: CasePolicy,
    /// The alias (or variant) normalised without case folding, for [`CasePolicy::Exact`].
    pub exact: Box<str>,
    /// Whether the pattern is a generated variant of the alias (see [`crate::gazetteer::variants`]), not the alias as written.
    pub variant: bool,
    /// Whether the alias starts with the article "the", which is not part of its case policy.
    pub article: bool,
    /// Whether the alias needs support (see [`Alias::needs_support`]).
    pub needs_support: bool,
    /// Rank among candidates of one span when the context decides nothing (lower first); see [`default_rank`].
    pub rank: u8,
}

impl Candidate {
    /// Whether `span`, the original text whose folded form equals this alias's folded form, passes the case policy.
    ///
    /// A leading article is not part of the policy ("the Dukes" and "THE DUKES" for an alias written "The Dukes"),
    /// and a span written wholly in capitals passes an exact alias of two or more words that has lower-case letters
    /// (headline capitals: "THE DUKES", "SHADOW BROKERS"), since no ordinary word is written that way.
    #[inline]
    pub fn accepts(&self, span: &str) -> bool {
        let (span, exact) = if self.article {
            (strip_article(span), strip_article(&self.exact))
        } else {
            (span, &*self.exact)
        };
        match self.case {
            CasePolicy::Insensitive => true,
            CasePolicy::UpperFirst => span.chars().next().is_some_and(is_upper),
            CasePolicy::Exact => {
                eq_exact(span, exact)
                    || (self.exact.contains(' ')
                        && exact.chars().any(char::is_lowercase)
                        && !span.chars().any(char::is_lowercase))
            }
        }
    }

    /// Sort key: most specific policy first, then aliases as written before variants, then the default rank, then
    /// gazetteer order.
    fn key(&self) -> (u8, bool, u8, u32, u32) {
        (
            self.case.rank(),
            self.variant,
            self.rank,
            self.entity,
            self.alias,
        )
    }
}

/// A pattern's candidates: `start..end` in [`Gazetteer`]'s candidate array.
type Range = (u32, u32);

/// The candidates, tagged with their pattern, sorted by pattern and then by [`Candidate::key`] and laid out in one
/// array: the ranges and the candidates of [`Gazetteer`].
///
/// Performance note: the tags arrive almost in order (a pattern's number is given when its first alias is seen,
/// so only repeated aliases and variants come late), which the standard library's stable sort finishes in about
/// one pass over the runs; one vector per pattern, flattened afterwards, was one allocation per pattern.
fn flatten(
    mut tagged: Vec<(u32, Candidate)>,
    patterns: usize,
) -> Result<(Vec<Range>, Vec<Candidate>)> {
    let too_many = || Error::Build("too many aliases".into());
    u32::try_from(tagged.len()).map_err(|_| too_many())?;
    tagged.sort_by_key(|(p, c)| (*p, c.key()));
    let mut ranges = Vec::with_capacity(patterns);
    let mut flat = Vec::with_capacity(tagged.len());
    for (p, candidate) in tagged {
        while ranges.len() <= p as usize {
            let here = flat.len() as u32;
            ranges.push((here, here));
        }
        flat.push(candidate);
        ranges[p as usize].1 = flat.len() as u32;
    }
    let here = flat.len() as u32;
    ranges.resize(patterns, (here, here));
    Ok((ranges, flat))
}

/// `s` without a leading "the" and the white space after it (any case), or `s` itself.
fn strip_article(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() > 4 && b[..3].eq_ignore_ascii_case(b"the") {
        let rest = s[3..].trim_start();
        if rest.len() < s.len() - 3 && !rest.is_empty() {
            return rest;
        }
    }
    s
}

/// Rank of a candidate when nothing in the context decides between the entities of a span: a threat actor's alias
/// of form `malware` (a group named after its ransomware or malware) yields to other entities, so that the software
/// itself is the default reading of its name; every other candidate ranks equal (gazetteer order decides).
fn default_rank(entity: &Entity, alias: &Alias) -> u8 {
    u8::from(entity.kind == "threat_actor" && alias.form.as_deref() == Some("malware"))
}

/// Counts returned by [`Gazetteer::stats`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Number of entities.
    pub entities: usize,
    /// Number of aliases over all entities.
    pub aliases: usize,
    /// Entities per kind.
    pub by_kind: BTreeMap<String, usize>,
    /// Entities per source.
    pub by_source: BTreeMap<String, usize>,
}

/// `<Gazetteer: 3 entities (country: 2, threat_actor: 1), 9 aliases>`, as Python's `repr` shows it.
impl std::fmt::Display for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let stats = self.stats();
        let kinds: Vec<String> = stats
            .by_kind
            .iter()
            .map(|(k, n)| format!("{k}: {n}"))
            .collect();
        write!(
            f,
            "<Gazetteer: {} entities ({}), {} aliases>",
            stats.entities,
            kinds.join(", "),
            stats.aliases
        )
    }
}

/// How [`Gazetteer::merge`] resolves an id that both gazetteers define.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnConflict {
    /// Keep the left entity's kind and name (the kinds must agree), add the right entity's aliases that the left one
    /// lacks, and merge the attributes with the right one's values winning.
    Union,
    /// The right entity replaces the left one (at the left one's position).
    Replace,
    /// The left entity is kept as it is.
    Keep,
    /// Fail with [`Error::Merge`].
    Error,
}

impl OnConflict {
    /// Every accepted name, in the order of the variants.
    pub const NAMES: [&'static str; 4] = ["union", "replace", "keep", "error"];

    /// Parse a conflict rule by name.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for any other name.
    pub fn parse(name: &str) -> Result<OnConflict> {
        match name {
            "union" => Ok(OnConflict::Union),
            "replace" => Ok(OnConflict::Replace),
            "keep" => Ok(OnConflict::Keep),
            "error" => Ok(OnConflict::Error),
            _ => Err(Error::choice(
                "on_conflict",
                &format!(
                    "one of {}",
                    OnConflict::NAMES.map(|n| format!("'{n}'")).join(", ")
                ),
                name,
            )),
        }
    }
}

/// The kind of the records that declare a numbering scheme instead of an entity to find (see [`Gazetteer::schemes`]).
pub const PATTERN_KIND: &str = "pattern";

/// Most numbering schemes a gazetteer may declare (each takes a block of [`SCHEME_BLOCK`] entity numbers).
pub const MAX_SCHEMES: usize = 1000;

/// An immutable, validated, indexed collection of entities.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    entities: Vec<Entity>,
    by_id: HashMap<String, u32>,
    /// Folded alias forms, one per pattern of the matcher's trie.
    pattern_texts: Vec<Arc<str>>,
    /// Each pattern's candidates: `candidates[start..end]`, sorted by [`Candidate::key`].
    pattern_ranges: Vec<Range>,
    /// The candidates of every pattern, in pattern order, in one array.
    ///
    /// Performance note: the matcher reads a pattern's candidates at every candidate end (about one per 150 bytes
    /// of text); one vector per pattern put them in 25,900 separate allocations, one more dependent load each.
    candidates: Vec<Candidate>,
    /// Pattern numbers by folded text; the keys are shared with `pattern_texts`.
    by_pattern: HashMap<Arc<str>, u32>,
    /// The numbering schemes (built-in and declared), compiled, and the entity and alias each known scheme name is.
    schemes: Arc<SchemeIndex>,
    /// [`Gazetteer::fingerprint`], computed on first use.
    fingerprint: std::sync::OnceLock<u64>,
}

/// Two gazetteers are equal when their entities are, in order: what a pickle keeps and the fingerprint hashes
/// (the search tables are built from the entities).
impl PartialEq for Gazetteer {
    fn eq(&self, other: &Gazetteer) -> bool {
        std::ptr::eq(self, other)
            || (self.fingerprint() == other.fingerprint() && self.entities == other.entities)
    }
}

impl Eq for Gazetteer {}

/// Numbering schemes and the names of them that the gazetteer's threat actors have.
#[derive(Debug)]
pub(crate) struct SchemeIndex {
    pub patterns: Patterns,
    /// (scheme, number) -> (entity, alias) of the first threat actor with an alias that is that name.
    pub known: HashMap<(u32, u32), (u32, u32)>,
}

/// A numbering scheme declared by a record of kind [`PATTERN_KIND`]: the name is the prefix as written, and the
/// attributes `digits` ("4" or "3-5"), `pad` (default 0), `vendor` and `id_prefix` (default: the prefix in lower
/// case) describe it. The scheme's name is the id without `pattern:`.
fn declared_scheme(index: usize, entity: &Entity) -> Result<Scheme> {
    let fail = |message: String| Error::Record {
        index: Some(index),
        id: Some(entity.id.clone()),
        message,
    };
    let number = |key: &str, text: &str| -> Result<usize> {
        text.trim().parse::<usize>().map_err(|_| {
            fail(format!(
                "attribute {key:?} must be a number or a range like \"3-5\", got {text:?}"
            ))
        })
    };
    let digits = entity.attrs.get("digits").map_or("1-6", String::as_str);
    let (min_digits, max_digits) = if let Some((a, b)) = digits.split_once('-') {
        (number("digits", a)?, number("digits", b)?)
    } else {
        let n = number("digits", digits)?;
        (n, n)
    };
    if max_digits > MAX_DIGITS {
        return Err(fail(format!(
            "a scheme has at most {MAX_DIGITS} digits, got {digits:?}"
        )));
    }
    let pad = match entity.attrs.get("pad") {
        Some(p) => number("pad", p)?,
        None => 0,
    };
    let id = &entity.id;
    Ok(Scheme {
        name: id.strip_prefix("pattern:").unwrap_or(id).to_owned(),
        vendor: entity.attrs.get("vendor").cloned().unwrap_or_default(),
        prefix: entity.name.clone(),
        id_prefix: entity.attrs.get("id_prefix").cloned().unwrap_or_default(),
        min_digits,
        max_digits,
        pad,
    })
}

/// The distinct folded alias forms, numbered in order of first appearance: one shared string per form, in the
/// numbered list and as the key of the table that finds its number.
struct PatternTable {
    texts: Vec<Arc<str>>,
    by_text: HashMap<Arc<str>, u32>,
}

impl PatternTable {
    fn with_capacity(n: usize) -> PatternTable {
        PatternTable {
            texts: Vec::with_capacity(n),
            by_text: HashMap::with_capacity(n),
        }
    }

    fn len(&self) -> usize {
        self.texts.len()
    }

    /// The number of `folded`, given the next one if it is new.
    fn number(&mut self, folded: String) -> u32 {
        // One hash per alias: the shared string is made before the look-up, and dropped if the form is known.
        match self.by_text.entry(folded.into()) {
            Entry::Occupied(known) => *known.get(),
            Entry::Vacant(new) => {
                let p = self.texts.len() as u32;
                self.texts.push(Arc::clone(new.key()));
                new.insert(p);
                p
            }
        }
    }
}

/// What [`Candidate::accepts`] compares a span with: the text normalised without case folding for an exact
/// alias, and nothing for the other policies, which never read it.
fn exact_form(text: &str, case: CasePolicy) -> Box<str> {
    if case == CasePolicy::Exact {
        normalize_str(text, false).into_boxed_str()
    } else {
        Box::default()
    }
}

impl Gazetteer {
    /// Read a JSON gazetteer file (see [`read_json`]) and build it; every error names the file.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the file cannot be read, else [`Error::File`].
    pub fn from_json(path: &std::path::Path) -> Result<Gazetteer> {
        read_json(path)
            .and_then(|records| Gazetteer::from_records(records).map_err(|e| e.in_file(path)))
    }

    /// Read a CSV gazetteer file (see [`read_csv`]) and build it; every error names the file.
    ///
    /// # Errors
    ///
    /// As [`Gazetteer::from_json`].
    pub fn from_csv(path: &std::path::Path) -> Result<Gazetteer> {
        read_csv(path)
            .and_then(|records| Gazetteer::from_records(records).map_err(|e| e.in_file(path)))
    }

    /// Validate and index `records`, in order.
    pub fn from_records(records: impl IntoIterator<Item = RawRecord>) -> Result<Gazetteer> {
        let entities = records
            .into_iter()
            .enumerate()
            .map(|(index, record)| record.into_entity(index))
            .collect::<Result<Vec<_>>>()?;
        Gazetteer::new(entities)
    }

    /// Index already-built entities. Fails on duplicate ids and on entities without a usable alias.
    pub fn new(entities: Vec<Entity>) -> Result<Gazetteer> {
        let mut by_id = HashMap::with_capacity(entities.len());
        // Sized for one pattern per alias up front: growing a table of 160k strings by doubling rehashed it eight
        // times and made the build grow faster than its input (issue 13's scaling table).
        let aliases: usize = entities.iter().map(|e| e.aliases.len()).sum();
        let mut patterns = PatternTable::with_capacity(aliases);
        let mut tagged: Vec<(u32, Candidate)> = Vec::with_capacity(aliases);
        let mut declared: Vec<(usize, Scheme)> = Vec::new();
        for (index, entity) in entities.iter().enumerate() {
            let e = u32::try_from(index).map_err(|_| {
                Error::InvalidArgument("a gazetteer holds at most 2^32 - 1 entities".into())
            })?;
            match by_id.entry(entity.id.clone()) {
                Entry::Occupied(first) => {
                    return Err(Error::DuplicateId {
                        id: entity.id.clone(),
                        first: *first.get() as usize,
                        second: index,
                    });
                }
                Entry::Vacant(new) => {
                    new.insert(e);
                }
            }
            if entity.kind == PATTERN_KIND {
                declared.push((index, declared_scheme(index, entity)?));
                continue;
            }
            for (a, alias) in entity.aliases.iter().enumerate() {
                let folded = normalize_str(&alias.text, true);
                if folded.is_empty() {
                    return Err(Error::Record {
                        index: Some(index),
                        id: Some(entity.id.clone()),
                        message: format!(
                            "alias {a} ({:?}) is empty after normalisation",
                            alias.text
                        ),
                    });
                }
                let candidate = Candidate {
                    entity: e,
                    alias: a as u32,
                    case: alias.case,
                    exact: exact_form(&alias.text, alias.case),
                    variant: false,
                    article: strip_article(&folded).len() < folded.len(),
                    needs_support: alias.needs_support,
                    rank: default_rank(entity, alias),
                };
                tagged.push((patterns.number(folded), candidate));
            }
        }
        tag_variants(&entities, &mut patterns, &mut tagged);
        let (pattern_ranges, flat) = flatten(tagged, patterns.len())?;
        let PatternTable {
            texts: pattern_texts,
            by_text: by_pattern,
        } = patterns;
        let schemes = Arc::new(SchemeIndex::new(&entities, declared)?);
        Ok(Gazetteer {
            entities,
            by_id,
            pattern_texts,
            pattern_ranges,
            candidates: flat,
            by_pattern,
            schemes,
            fingerprint: std::sync::OnceLock::new(),
        })
    }

    /// A 64-bit fingerprint of the entities (ids, kinds, names, aliases with their policies and forms,
    /// attributes), the same in every process and on every platform: what partial results made with "the same
    /// gazetteer" compare (co-occurrence counts refuse to add counts of two gazetteers). Computed once.
    pub fn fingerprint(&self) -> u64 {
        *self.fingerprint.get_or_init(|| fnv1a(&self.to_bytes()))
    }

    /// The numbering schemes whose names the matcher finds (with `patterns` on): the built-in ones
    /// ([`crate::patterns::builtin_schemes`]) and those declared by records of kind [`PATTERN_KIND`].
    pub fn schemes(&self) -> &[Scheme] {
        self.schemes.patterns.schemes()
    }

    pub(crate) fn scheme_index(&self) -> &SchemeIndex {
        &self.schemes
    }

    /// The entity number of the scheme name (`scheme`, `number`) that no entity has: after every entity, a block of
    /// [`SCHEME_BLOCK`] numbers per scheme.
    pub fn pattern_entity_number(&self, scheme: u32, number: u32) -> u32 {
        self.entities.len() as u32 + scheme * SCHEME_BLOCK + number
    }

    /// The entities numbered `numbers` (see [`Gazetteer::entity_at`]), in that order.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if a number names no entity, as a number from another gazetteer may.
    pub fn entities_numbered(&self, numbers: &[u32]) -> Result<Vec<Entity>> {
        numbers
            .iter()
            .map(|&i| {
                self.entity_at(i)
                    .map(std::borrow::Cow::into_owned)
                    .ok_or_else(|| {
                        Error::InvalidArgument(format!(
                            "no entity is numbered {i} in this gazetteer"
                        ))
                    })
            })
            .collect()
    }

    /// The entity numbered `index`: one of [`Gazetteer::entities`], or a threat actor named by a numbering scheme
    /// (see [`Gazetteer::pattern_entity_number`]), made on the fly; `None` past both.
    pub fn entity_at(&self, index: u32) -> Option<std::borrow::Cow<'_, Entity>> {
        let n = self.entities.len() as u32;
        if index < n {
            return Some(std::borrow::Cow::Borrowed(&self.entities[index as usize]));
        }
        let (scheme, number) = ((index - n) / SCHEME_BLOCK, (index - n) % SCHEME_BLOCK);
        let patterns = &self.schemes.patterns;
        let s = patterns.schemes().get(scheme as usize)?;
        let name = patterns.canonical_name(scheme, number);
        let mut attrs = BTreeMap::new();
        attrs.insert("scheme".to_owned(), s.name.clone());
        attrs.insert("sources".to_owned(), "pattern".to_owned());
        if !s.vendor.is_empty() {
            attrs.insert("vendor".to_owned(), s.vendor.clone());
        }
        Some(std::borrow::Cow::Owned(Entity {
            id: patterns.id(scheme, number),
            kind: "threat_actor".to_owned(),
            name: name.clone(),
            aliases: vec![Alias {
                text: name,
                case: CasePolicy::Exact,
                form: Some("pattern".to_owned()),
                needs_support: false,
            }],
            attrs,
        }))
    }

    /// The entities, in order.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether the gazetteer has no entity.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// Number of distinct folded alias forms (the automaton's pattern count).
    pub fn pattern_count(&self) -> usize {
        self.pattern_texts.len()
    }

    /// Position of the entity with this id.
    pub fn index_of(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    /// The entity with this id.
    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.index_of(id).map(|i| &self.entities[i as usize])
    }

    /// The entities that `text`, taken as a whole, names: the entities with an alias whose folded form equals the
    /// folded `text` and whose case policy accepts it, in gazetteer order.
    pub fn lookup(&self, text: &str) -> Vec<u32> {
        let folded = normalize_str(text, true);
        let Some(&p) = self.by_pattern.get(folded.as_str()) else {
            return Vec::new();
        };
        let span = text.trim_matches(char::is_whitespace);
        let mut found: Vec<u32> = self
            .candidates(p)
            .iter()
            .filter(|c| c.accepts(span))
            .map(|c| c.entity)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The (entity, alias) pairs whose alias, as written (not a variant), `text` names as a whole and whose case
    /// policy accepts it: the first alias of each entity, in gazetteer order.
    pub fn lookup_alias(&self, text: &str) -> Vec<(u32, u32)> {
        let folded = normalize_str(text, true);
        let Some(&p) = self.by_pattern.get(folded.as_str()) else {
            return Vec::new();
        };
        let span = text.trim_matches(char::is_whitespace);
        let mut found: Vec<(u32, u32)> = Vec::new();
        for c in self.candidates(p) {
            if !c.variant && c.accepts(span) && !found.iter().any(|f| f.0 == c.entity) {
                found.push((c.entity, c.alias));
            }
        }
        found.sort_unstable();
        found
    }

    /// The folded text of every pattern, in pattern order.
    pub(crate) fn pattern_texts(&self) -> &[Arc<str>] {
        &self.pattern_texts
    }

    /// The candidates of pattern `p`, sorted by [`Candidate::key`].
    #[inline]
    pub(crate) fn candidates(&self, p: u32) -> &[Candidate] {
        let (start, end) = self.pattern_ranges[p as usize];
        &self.candidates[start as usize..end as usize]
    }

    /// A new gazetteer with the entities of `self` followed by those of `other` that `self` lacks; an id both define
    /// is resolved by `on_conflict`.
    pub fn merge(&self, other: &Gazetteer, on_conflict: OnConflict) -> Result<Gazetteer> {
        let mut entities = self.entities.clone();
        for right in &other.entities {
            let Some(i) = self.index_of(&right.id) else {
                entities.push(right.clone());
                continue;
            };
            let left = &mut entities[i as usize];
            match on_conflict {
                OnConflict::Keep => {}
                OnConflict::Replace => *left = right.clone(),
                OnConflict::Error => return Err(Error::Merge {
                    id: right.id.clone(),
                    message:
                        "both gazetteers define it (pass on_conflict='union', 'replace' or 'keep')"
                            .into(),
                }),
                OnConflict::Union => {
                    if left.kind != right.kind {
                        return Err(Error::Merge {
                            id: right.id.clone(),
                            message: format!(
                                "its kinds differ ({:?} and {:?})",
                                left.kind, right.kind
                            ),
                        });
                    }
                    for alias in &right.aliases {
                        if !left.aliases.contains(alias) {
                            left.aliases.push(alias.clone());
                        }
                    }
                    left.attrs
                        .extend(right.attrs.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
        }
        Gazetteer::new(entities)
    }

    /// The country an entity belongs to: a country's own `iso2`, else the `country` attribute (agencies), else the
    /// `sponsor` attribute (threat actors).
    pub fn country_of(entity: &Entity) -> Option<&str> {
        ["iso2", "country", "sponsor"]
            .iter()
            .find_map(|k| entity.attrs.get(*k))
            .map(String::as_str)
    }

    /// A new gazetteer with the entities that `keep` accepts, in order.
    pub fn retain_entities(&self, keep: impl Fn(&Entity) -> bool) -> Result<Gazetteer> {
        Gazetteer::new(self.entities.iter().filter(|e| keep(e)).cloned().collect())
    }

    /// A new gazetteer whose entities keep only the aliases that `keep` accepts. An entity may be left without
    /// aliases: it can still be looked up by id, but is never matched.
    pub fn retain_aliases(&self, keep: impl Fn(&Entity, &Alias) -> bool) -> Result<Gazetteer> {
        let entities = self
            .entities
            .iter()
            .map(|e| {
                let aliases = e.aliases.iter().filter(|a| keep(e, a)).cloned().collect();
                Entity {
                    aliases,
                    ..e.clone()
                }
            })
            .collect();
        Gazetteer::new(entities)
    }

    /// A new gazetteer with the entities of the given kinds and countries (`None`: any), in order. A country is an
    /// ISO 3166-1 alpha-2 code in any case, compared with [`Gazetteer::country_of`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a kind that no entity has (see [`Gazetteer::check_kinds`]).
    pub fn filter(
        &self,
        kinds: Option<&[String]>,
        countries: Option<&[String]>,
    ) -> Result<Gazetteer> {
        if let Some(kinds) = kinds {
            self.check_kinds(kinds)?;
        }
        let countries: Option<Vec<String>> =
            countries.map(|c| c.iter().map(|c| c.to_uppercase()).collect());
        self.retain_entities(|e| {
            kinds.is_none_or(|k| k.contains(&e.kind))
                && countries.as_ref().is_none_or(|c| {
                    Gazetteer::country_of(e).is_some_and(|own| c.iter().any(|x| x == own))
                })
        })
    }

    /// Refuse a kind that no entity has: selecting it would give nothing, and it is far more often a typo
    /// (`"threat-actor"`) than a wish.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming the first such kind and the kinds there are.
    pub fn check_kinds(&self, kinds: &[String]) -> Result<()> {
        let Some(unknown) = kinds
            .iter()
            .find(|k| !self.entities.iter().any(|e| &e.kind == *k))
        else {
            return Ok(());
        };
        let mut known: Vec<&str> = self.entities.iter().map(|e| e.kind.as_str()).collect();
        known.sort_unstable();
        known.dedup();
        let known = if known.is_empty() {
            "none: the gazetteer is empty".to_owned()
        } else {
            known.join(", ")
        };
        Err(Error::InvalidArgument(format!(
            "no entity has kind '{unknown}' (the kinds are: {known})"
        )))
    }

    /// A new gazetteer without the entities with these ids.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownId`] for the first id the gazetteer does not have.
    pub fn without(&self, ids: &[String]) -> Result<Gazetteer> {
        // A mask by index: the ids are looked up once each in the id table, not hashed again into a set that every
        // entity is then looked up in.
        let mut dropped = vec![false; self.entities.len()];
        for id in ids {
            let i = self
                .index_of(id)
                .ok_or_else(|| Error::UnknownId(id.clone()))?;
            dropped[i as usize] = true;
        }
        Gazetteer::new(
            self.entities
                .iter()
                .zip(&dropped)
                .filter(|&(_, &d)| !d)
                .map(|(e, _)| e.clone())
                .collect(),
        )
    }

    /// A new gazetteer without the aliases whose text is one of `aliases` (compared folded, as the matcher
    /// compares: case, white space and typography) or whose form is one of `forms`, from the entities in `entities`
    /// (`None`: from every entity). An entity may be left without aliases: it keeps its id but is never matched.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownId`] for the first id in `entities` the gazetteer does not have; [`Error::InvalidArgument`]
    /// for a form that no alias has, here or in the built-in gazetteer (see [`Gazetteer::check_forms`]).
    pub fn without_aliases(
        &self,
        aliases: &[String],
        forms: &[String],
        entities: Option<&[String]>,
    ) -> Result<Gazetteer> {
        self.check_forms(forms)?;
        let texts: std::collections::HashSet<String> =
            aliases.iter().map(|t| normalize_str(t, true)).collect();
        let only = entities.map(|ids| self.known_ids(ids)).transpose()?;
        self.retain_aliases(|e, a| {
            let targeted = only.as_ref().is_none_or(|ids| ids.contains(e.id.as_str()));
            let by_form = a.form.as_ref().is_some_and(|f| forms.contains(f));
            !(targeted && (by_form || texts.contains(&normalize_str(&a.text, true))))
        })
    }

    /// Refuse an alias form that no alias has, in this gazetteer or in the built-in one (capitals included): removing
    /// it would remove nothing, and it is far more often a typo (`"adjectiv"`) than a wish. A form of the built-in
    /// set is accepted where this gazetteer has none of it (`forms="capital"` on the built-in set without capitals).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming the first such form and the forms there are.
    pub fn check_forms(&self, forms: &[String]) -> Result<()> {
        let has = |g: &Gazetteer, f: &str| {
            g.entities
                .iter()
                .any(|e| e.aliases.iter().any(|a| a.form.as_deref() == Some(f)))
        };
        let Some(unknown) = forms.iter().find(|f| !has(self, f)) else {
            return Ok(());
        };
        let builtin = Gazetteer::builtin(true)?;
        let Some(unknown) = forms
            .iter()
            .skip_while(|f| *f != unknown)
            .find(|f| !has(self, f) && !has(&builtin, f))
        else {
            return Ok(());
        };
        let mut known: Vec<&str> = self
            .entities
            .iter()
            .chain(builtin.entities.iter())
            .flat_map(|e| e.aliases.iter().filter_map(|a| a.form.as_deref()))
            .collect();
        known.sort_unstable();
        known.dedup();
        Err(Error::InvalidArgument(format!(
            "no alias has form '{unknown}' (the forms are: {})",
            known.join(", ")
        )))
    }

    /// `ids` as a set, or [`Error::UnknownId`] for the first one the gazetteer does not have.
    fn known_ids<'a>(&self, ids: &'a [String]) -> Result<std::collections::HashSet<&'a str>> {
        if let Some(unknown) = ids.iter().find(|id| self.index_of(id).is_none()) {
            return Err(Error::UnknownId(unknown.clone()));
        }
        Ok(ids.iter().map(String::as_str).collect())
    }

    /// Entities whose name or an alias contains `query` (compared folded, see [`normalize_str`]), best first, each
    /// with the position of the alias that matched (for a match on the name, the alias that is the name): exact
    /// name, exact alias, the query as whole words of the name, then of an alias ("bear" in "Fancy Bear", not in
    /// "Bearlyfy"), name prefix, alias prefix, containment in the name, then in an alias; ties keep gazetteer order.
    /// Only entities of `kinds` (`None`: any), at most `limit` (`None`: all). An empty query finds nothing.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a kind that no entity has (see [`Gazetteer::check_kinds`]).
    pub fn search(
        &self,
        query: &str,
        kinds: Option<&[String]>,
        limit: Option<usize>,
    ) -> Result<Vec<(u32, u32)>> {
        if let Some(kinds) = kinds {
            self.check_kinds(kinds)?;
        }
        let q = normalize_str(query, true);
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let mut scored: Vec<(u8, u32, u32)> = Vec::new();
        for (i, e) in self.entities.iter().enumerate() {
            if kinds.is_some_and(|k| !k.contains(&e.kind)) {
                continue;
            }
            let name = normalize_str(&e.name, true);
            let aliases: Vec<String> = e
                .aliases
                .iter()
                .map(|a| normalize_str(&a.text, true))
                .collect();
            let name_at = e.aliases.iter().position(|a| a.text == e.name).unwrap_or(0);
            // The best level of the name, then of each alias; the lowest wins, the first alias on a tie.
            let by_name = [
                (name == q, 0),
                (whole_words(&name, &q), 2),
                (name.starts_with(&q), 4),
                (name.contains(&q), 6),
            ]
            .into_iter()
            .find_map(|(hit, level)| hit.then_some((level, name_at)));
            let by_alias = aliases
                .iter()
                .enumerate()
                .filter_map(|(k, a)| {
                    [
                        (*a == q, 1),
                        (whole_words(a, &q), 3),
                        (a.starts_with(&q), 5),
                        (a.contains(&q), 7),
                    ]
                    .into_iter()
                    .find_map(|(hit, level)| hit.then_some((level, k)))
                })
                .min_by_key(|&(level, _)| level);
            let Some((level, alias)) = by_name.into_iter().chain(by_alias).min_by_key(|h| h.0)
            else {
                continue;
            };
            // Positions within a gazetteer fit in u32 (checked when it was built).
            #[allow(clippy::cast_possible_truncation)]
            scored.push((level, i as u32, alias as u32));
        }
        scored.sort_unstable();
        Ok(scored
            .into_iter()
            .map(|(_, i, alias)| (i, alias))
            .take(limit.unwrap_or(usize::MAX))
            .collect())
    }

    /// Counts for inspection: entities and aliases, entities by kind, and entities by source (the space-separated
    /// names in each entity's `sources` attribute; `unknown` when it has none).
    pub fn stats(&self) -> Stats {
        let mut stats = Stats::default();
        for e in &self.entities {
            stats.entities += 1;
            stats.aliases += e.aliases.len();
            *stats.by_kind.entry(e.kind.clone()).or_default() += 1;
            match e.attrs.get("sources").filter(|s| !s.trim().is_empty()) {
                Some(sources) => {
                    for s in sources.split_whitespace() {
                        *stats.by_source.entry(s.to_owned()).or_default() += 1;
                    }
                }
                None => *stats.by_source.entry("unknown".to_owned()).or_default() += 1,
            }
        }
        stats
    }

    /// Serialise the entities (for pickling).
    ///
    /// # Panics
    ///
    /// Never: entities hold only strings and maps, which always serialise.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&self.entities).expect("invariant: entities are plain strings and maps")
    }

    /// Rebuild a gazetteer from [`Gazetteer::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Gazetteer> {
        let entities: Vec<Entity> =
            serde_json::from_slice(bytes).map_err(|e| Error::State(e.to_string()))?;
        Gazetteer::new(entities)
    }
}

impl SchemeIndex {
    fn new(entities: &[Entity], declared: Vec<(usize, Scheme)>) -> Result<SchemeIndex> {
        if declared.len() > MAX_SCHEMES {
            let (index, scheme) = &declared[MAX_SCHEMES];
            return Err(Error::Record {
                index: Some(*index),
                id: Some(format!("pattern:{}", scheme.name)),
                message: format!("a gazetteer declares at most {MAX_SCHEMES} schemes"),
            });
        }
        let mut schemes = builtin_schemes();
        let builtin = schemes.len();
        let indices: Vec<usize> = declared.iter().map(|(i, _)| *i).collect();
        schemes.extend(declared.into_iter().map(|(_, s)| s));
        let patterns = Patterns::new(schemes.clone()).map_err(|message| {
            // Name the first declared scheme the message is about, if any.
            let at = schemes[builtin..]
                .iter()
                .position(|s| message.contains(&format!("{:?}", s.name)))
                .unwrap_or(0);
            Error::Record {
                index: Some(indices.get(at).copied().unwrap_or(0)),
                id: schemes
                    .get(builtin + at)
                    .map(|s| format!("pattern:{}", s.name)),
                message,
            }
        })?;
        let mut known = HashMap::new();
        for (e, entity) in entities.iter().enumerate() {
            if entity.kind != "threat_actor" {
                continue;
            }
            for (a, alias) in entity.aliases.iter().enumerate() {
                if let Some(key) = patterns.parse(&alias.text) {
                    known.entry(key).or_insert((e as u32, a as u32));
                }
            }
        }
        Ok(SchemeIndex { patterns, known })
    }
}

/// FNV-1a, 64 bits: a hash with a fixed definition (the standard library's and `FxHash`'s may change between
/// releases), so that fingerprints written into pickles compare across processes and versions. Written here because
/// it is eight lines and needs no crate.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Whether `query` occurs in `text` as whole words: at a place where neither the character before nor the one
/// after is a letter or a digit.
fn whole_words(text: &str, query: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(query).any(|(at, _)| {
        !word(text[..at].chars().next_back()) && !word(text[at + query.len()..].chars().next())
    })
}

/// Add the variants' candidates to `tagged` (see [`variants`]).
fn tag_variants(
    entities: &[Entity],
    patterns: &mut PatternTable,
    tagged: &mut Vec<(u32, Candidate)>,
) {
    // Variants (CamelCase joined or split) become patterns of their own, but only where no alias as written
    // has the same folded form (an alias always beats another entity's variant), and once per entity. A
    // variant belongs to every entity whose alias folds as the one it is made from: "Net Walker", split from
    // the group's "NetWalker", names the software "Netwalker" too, so that context decides between them there
    // as it does for the name as written.
    let written = patterns.len();
    let mut sharers: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
    let mut pattern_of: HashMap<(u32, u32), u32> = HashMap::with_capacity(tagged.len());
    for (p, c) in tagged.iter() {
        if variants::KINDS.contains(&entities[c.entity as usize].kind.as_str()) {
            sharers.entry(*p).or_default().push((c.entity, c.alias));
            pattern_of.insert((c.entity, c.alias), *p);
        }
    }
    let mut varied: std::collections::HashSet<(u32, u32)> = std::collections::HashSet::new();
    for (e, entity) in entities.iter().enumerate() {
        for (a, alias) in entity.aliases.iter().enumerate() {
            for (text, case) in variants::variants(entity, alias) {
                let folded = normalize_str(&text, true);
                if folded.is_empty() {
                    continue;
                }
                let p = patterns.number(folded);
                if (p as usize) < written {
                    continue;
                }
                let own = [(e as u32, a as u32)];
                let shared = pattern_of
                    .get(&(e as u32, a as u32))
                    .and_then(|q| sharers.get(q))
                    .map_or(&own[..], Vec::as_slice);
                for &(owner, owner_alias) in shared {
                    if !varied.insert((p, owner)) {
                        continue;
                    }
                    let owner_entity = &entities[owner as usize];
                    let source = &owner_entity.aliases[owner_alias as usize];
                    tagged.push((
                        p,
                        Candidate {
                            entity: owner,
                            alias: owner_alias,
                            case,
                            exact: exact_form(&text, case),
                            variant: true,
                            article: false,
                            needs_support: source.needs_support,
                            rank: default_rank(owner_entity, source),
                        },
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, aliases: &[&str]) -> RawRecord {
        RawRecord {
            id: id.into(),
            kind: "country".into(),
            name: aliases[0].into(),
            aliases: aliases
                .iter()
                .map(|a| RawAlias::Text((*a).into()))
                .collect(),
            attrs: BTreeMap::new(),
        }
    }

    #[test]
    fn a_gazetteer_displays_its_kinds_and_aliases() {
        let mut b = record("b", &["Bee", "B1"]);
        b.kind = "other".into();
        let g = Gazetteer::from_records([record("a", &["Ay"]), b, record("c", &["Sea"])]).unwrap();
        let expected = "<Gazetteer: 3 entities (country: 2, other: 1), 4 aliases>";
        assert_eq!(g.to_string(), expected);
    }

    #[test]
    fn acronyms_default_to_exact_and_names_to_insensitive() {
        assert_eq!(CasePolicy::auto("US"), CasePolicy::Exact);
        assert_eq!(CasePolicy::auto("U.S."), CasePolicy::Exact);
        assert_eq!(CasePolicy::auto("APT28"), CasePolicy::Exact);
        assert_eq!(CasePolicy::auto("Fancy Bear"), CasePolicy::Insensitive);
        assert_eq!(CasePolicy::auto("FANCY BEAR"), CasePolicy::Insensitive);
        assert_eq!(CasePolicy::auto("28"), CasePolicy::Insensitive);
    }

    #[test]
    fn rejects_duplicate_ids() {
        let err = Gazetteer::from_records([record("x", &["A"]), record("x", &["B"])]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "duplicate entity id \"x\" (records 0 and 1)"
        );
    }

    #[test]
    fn rejects_alias_that_is_empty_after_normalisation() {
        let err = Gazetteer::from_records([record("x", &["A", " \u{a0} "])]).unwrap_err();
        assert!(
            err.to_string().contains("record 0 (id \"x\"): alias"),
            "{err}"
        );
    }

    #[test]
    fn lookup_respects_case_policy() {
        let g = Gazetteer::from_records([record("us", &["United States", "US"])]).unwrap();
        assert_eq!(g.lookup("united  STATES"), vec![0]);
        assert_eq!(g.lookup("US"), vec![0]);
        assert!(g.lookup("us").is_empty());
    }

    #[test]
    fn merge_union_adds_aliases_and_overrides_attributes() {
        let mut a = record("x", &["Alpha"]);
        a.attrs.insert("k".into(), "1".into());
        let mut b = record("x", &["Alpha", "Alfa"]);
        b.attrs.insert("k".into(), "2".into());
        let left = Gazetteer::from_records([a]).unwrap();
        let right = Gazetteer::from_records([b, record("y", &["Beta"])]).unwrap();
        let merged = left.merge(&right, OnConflict::Union).unwrap();
        assert_eq!(merged.len(), 2);
        let x = merged.get("x").unwrap();
        assert_eq!(
            x.aliases
                .iter()
                .map(|a| a.text.as_str())
                .collect::<Vec<_>>(),
            ["Alpha", "Alfa"]
        );
        assert_eq!(x.attrs["k"], "2");
        assert!(left.merge(&right, OnConflict::Error).is_err());
        assert_eq!(
            left.merge(&right, OnConflict::Keep)
                .unwrap()
                .get("x")
                .unwrap()
                .attrs["k"],
            "1"
        );
    }

    #[test]
    fn retains_entities_and_aliases() {
        let g = Gazetteer::from_records([record("a", &["Alpha", "ALF"]), record("b", &["Beta"])])
            .unwrap();
        let only_b = g.retain_entities(|e| e.id == "b").unwrap();
        assert_eq!(only_b.len(), 1);
        assert_eq!(only_b.index_of("b"), Some(0));
        let no_acronyms = g
            .retain_aliases(|_, a| a.case != CasePolicy::Exact)
            .unwrap();
        assert_eq!(no_acronyms.get("a").unwrap().aliases.len(), 1);
        assert!(no_acronyms.lookup("ALF").is_empty());
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    /// Three entities of two kinds and countries: `ru` (country RU), `apt28` (threat actor, sponsor RU, aliases
    /// with a form), `cn-mss` (agency of CN).
    fn mixed() -> Gazetteer {
        let mut apt28 = record("apt28", &["APT28"]);
        apt28.kind = "threat_actor".into();
        apt28.attrs.insert("sponsor".into(), "RU".into());
        apt28.aliases.push(RawAlias::Spec {
            text: "Fancy  Bear".into(),
            case: None,
            form: Some("crowdstrike".into()),
            needs_support: false,
        });
        let mut ru = record("ru", &["Russia", "Russian Federation"]);
        ru.attrs.insert("iso2".into(), "RU".into());
        let mut mss = record("cn-mss", &["Ministry of State Security", "MSS"]);
        mss.kind = "agency".into();
        mss.attrs.insert("country".into(), "CN".into());
        Gazetteer::from_records([ru, apt28, mss]).unwrap()
    }

    #[test]
    fn filter_by_kind_and_country() {
        let g = mixed();
        let ids = |g: &Gazetteer| {
            g.entities()
                .iter()
                .map(|e| e.id.clone())
                .collect::<Vec<_>>()
        };
        let kinds = strings(&["agency", "threat_actor"]);
        assert_eq!(
            ids(&g.filter(Some(&kinds), None).unwrap()),
            ["apt28", "cn-mss"]
        );
        assert_eq!(
            ids(&g.filter(None, Some(&strings(&["ru"]))).unwrap()),
            ["ru", "apt28"]
        );
        assert_eq!(
            ids(&g.filter(Some(&kinds), Some(&strings(&["RU"]))).unwrap()),
            ["apt28"]
        );
        // A kind no entity has is a typo far more often than a wish: refused, not an empty gazetteer.
        assert_eq!(
            g.filter(Some(&strings(&["agency", "software"])), None)
                .unwrap_err()
                .to_string(),
            "no entity has kind 'software' (the kinds are: agency, country, threat_actor)"
        );
        assert_eq!(
            ids(&g.filter(None, None).unwrap()),
            ["ru", "apt28", "cn-mss"]
        );
    }

    #[test]
    fn without_refuses_unknown_ids() {
        let g = mixed();
        let left = g.without(&strings(&["apt28"])).unwrap();
        assert_eq!(left.len(), 2);
        assert_eq!(left.index_of("cn-mss"), Some(1));
        let err = g.without(&strings(&["ru", "apt-28"])).unwrap_err();
        assert!(
            matches!(&err, Error::UnknownId(id) if id == "apt-28"),
            "{err}"
        );
        assert_eq!(err.to_string(), "no entity with id \"apt-28\"");
    }

    #[test]
    fn without_aliases_by_folded_text_form_and_entity() {
        let g = mixed();
        let aliases = |g: &Gazetteer, id: &str| {
            g.get(id)
                .unwrap()
                .aliases
                .iter()
                .map(|a| a.text.clone())
                .collect::<Vec<_>>()
        };
        let by_text = g
            .without_aliases(&strings(&["fancy bear", "MSS"]), &[], None)
            .unwrap();
        assert_eq!(aliases(&by_text, "apt28"), ["APT28"]);
        assert_eq!(aliases(&by_text, "cn-mss"), ["Ministry of State Security"]);
        let by_form = g
            .without_aliases(&[], &strings(&["crowdstrike"]), None)
            .unwrap();
        assert_eq!(aliases(&by_form, "apt28"), ["APT28"]);
        // Only from the entities named: Russia keeps "Russia".
        let only = g
            .without_aliases(
                &strings(&["Russia", "APT28"]),
                &[],
                Some(&strings(&["apt28"])),
            )
            .unwrap();
        assert_eq!(aliases(&only, "ru"), ["Russia", "Russian Federation"]);
        assert_eq!(aliases(&only, "apt28"), ["Fancy  Bear"]);
        let err = g
            .without_aliases(&[], &[], Some(&strings(&["nope"])))
            .unwrap_err();
        assert!(matches!(err, Error::UnknownId(_)));
    }

    #[test]
    fn search_ranks_whole_words_above_prefixes_and_names_the_alias() {
        let g = Gazetteer::from_records([
            record("bearlyfy", &["Bearlyfy"]),
            record("apt28", &["APT28", "Sofacy", "Fancy Bear"]),
            record("smokeybear", &["SmokeyBear"]),
            record("white", &["White Bear"]),
            record("bear", &["BEAR"]),
            record("polar", &["Polar", "Bearish Group"]),
        ])
        .unwrap();
        // Exact name, whole words of a name, of an alias, a name prefix, an alias prefix, containment.
        assert_eq!(
            g.search("bear", None, None).unwrap(),
            vec![(4, 0), (3, 0), (1, 2), (0, 0), (5, 1), (2, 0)]
        );
        assert_eq!(g.search("fancy  BEAR", None, None).unwrap(), vec![(1, 2)]);
        assert_eq!(g.search("sofacy", None, None).unwrap(), vec![(1, 1)]);
        assert!(whole_words("fancy bear", "bear") && whole_words("bear-like", "bear"));
        assert!(!whole_words("bearlyfy", "bear") && !whole_words("smokeybear", "bear"));
    }

    #[test]
    fn a_kind_or_form_that_nothing_has_is_refused_not_matched_to_nothing() {
        // Before: search("bear", kind="actor") and without_aliases(forms="adjectiv") returned nothing and removed
        // nothing, where filter(kind="actor") raised (a user review, 2026-12-07).
        let g = mixed();
        let err = g
            .search("bear", Some(&strings(&["actor"])), None)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            Error::InvalidArgument(
                "no entity has kind 'actor' (the kinds are: agency, country, threat_actor)".into()
            )
            .to_string()
        );
        let err = g
            .without_aliases(&[], &strings(&["crowdstrike", "adjectiv"]), None)
            .unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("no alias has form 'adjectiv' (the forms are: ")
                && message.contains("adjective")
                && message.contains("crowdstrike"),
            "{message}"
        );
        // A form of the built-in set that this gazetteer lacks is a no-op, not an error.
        let same = g
            .without_aliases(&[], &strings(&["capital"]), None)
            .unwrap();
        assert_eq!(same.entities(), g.entities());
    }

    #[test]
    fn search_by_kind() {
        let g = mixed();
        let ids = |hits: Vec<(u32, u32)>| hits.into_iter().map(|h| h.0).collect::<Vec<_>>();
        assert_eq!(ids(g.search("ss", None, None).unwrap()), vec![0, 2]);
        assert_eq!(
            ids(g.search("ss", Some(&strings(&["agency"])), None).unwrap()),
            vec![2]
        );
        assert_eq!(
            g.search("ss", Some(&strings(&["agency"])), Some(0))
                .unwrap(),
            Vec::<(u32, u32)>::new()
        );
    }

    #[test]
    fn search_ranks_exact_then_whole_words_then_prefix_then_containment() {
        let g = Gazetteer::from_records([
            record("x", &["Bearded", "Other"]),
            record("y", &["Venomous Bear", "Snake"]),
            record("z", &["Bear"]),
            record("w", &["Panda", "Fancy Bear"]),
        ])
        .unwrap();
        // "Venomous Bear" and "Fancy Bear" hold the word; "Bearded" only starts with it.
        assert_eq!(
            g.search("bear", None, None).unwrap(),
            vec![(2, 0), (1, 0), (3, 1), (0, 0)]
        );
        assert_eq!(
            g.search("  FANCY  bear ", None, None).unwrap(),
            vec![(3, 1)]
        );
        assert!(g.search("", None, None).unwrap().is_empty());
        assert_eq!(
            g.search("bear", None, Some(2)).unwrap(),
            vec![(2, 0), (1, 0)]
        );
    }

    #[test]
    fn state_round_trips() {
        let g = Gazetteer::from_records([record("x", &["Alpha", "ALF"])]).unwrap();
        let back = Gazetteer::from_bytes(&g.to_bytes()).unwrap();
        assert_eq!(back.entities(), g.entities());
    }
}
