//! Labelled co-occurrence counts: the result users keep, add and pickle.
//!
//! A [`Table`] holds the counts of one corpus over the entities (or groups) that occur in it, in label order, with
//! the [`Key`] of how they were counted. Two tables add up, exactly, when their keys agree; the sum of the tables
//! of disjoint parts of a corpus equals the table of the whole, whatever the split and the order of the sums.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::grouping::{Grouping, Label, Plan};
use super::{Counts, Scope};
use crate::error::{Error, Result};
use crate::gazetteer::Gazetteer;
use crate::matcher::Matcher;

/// What two tables must agree on to be added: the same gazetteer, the same matcher rules, the same unit, the same
/// kinds and roll-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    /// [`Gazetteer::fingerprint`] of the matcher's gazetteer.
    pub gazetteer: u64,
    /// The matcher's overlap mode and rules, as its keyword arguments say them.
    pub matcher: String,
    /// The unit: `"document"`, `"paragraph"`, `"sentence"` or `"window:<k>"`.
    pub scope: String,
    /// The kinds counted and the roll-up.
    pub grouping: Grouping,
}

impl Key {
    /// The key of counts made by `matcher` with `scope` and `grouping`.
    pub fn new(matcher: &Matcher, scope: Scope, grouping: Grouping) -> Key {
        let rules = matcher.rules();
        let mut setup = format!(
            "overlaps='{}', resolve='{}'",
            matcher.overlaps().as_str(),
            rules.resolve.as_str()
        );
        for (name, on) in rules.switches() {
            let _ = write!(setup, ", {name}={}", if on { "True" } else { "False" });
        }
        Key {
            gazetteer: matcher.gazetteer().fingerprint(),
            matcher: setup,
            scope: scope.name(),
            grouping,
        }
    }

    /// The scope this key counts with.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if the scope is not one [`Scope::name`] writes (a damaged pickle).
    pub fn parse_scope(&self) -> Result<Scope> {
        let (name, window) = match self.scope.split_once(':') {
            Some((name, k)) => (name, k.parse::<i64>().ok()),
            None => (self.scope.as_str(), None),
        };
        Scope::parse(name, window).map_err(|_| {
            Error::InvalidArgument(format!(
                "cannot read co-occurrence counts: bad scope {:?}",
                self.scope
            ))
        })
    }

    /// Why counts with key `other` cannot be added to counts with this key, if they cannot.
    fn mismatch(&self, other: &Key) -> Option<String> {
        if self.scope != other.scope {
            return Some(format!(
                "cannot add counts of scope '{}' to counts of scope '{}'",
                other.scope, self.scope
            ));
        }
        if self.grouping != other.grouping {
            return Some(format!(
                "cannot add counts made with {} to counts made with {}",
                other.grouping.describe(),
                self.grouping.describe()
            ));
        }
        if self.gazetteer != other.gazetteer {
            return Some(format!(
                "cannot add counts made with another gazetteer (fingerprint {:016x}, not {:016x}): count both parts \
                 with the same matcher",
                other.gazetteer, self.gazetteer
            ));
        }
        if self.matcher != other.matcher {
            return Some(format!(
                "cannot add counts of a matcher with {} to counts of a matcher with {}",
                other.matcher, self.matcher
            ));
        }
        None
    }
}

/// Co-occurrence counts over labelled entities: entry (i, j) is the number of units mentioning both `labels[i]`
/// and `labels[j]`, entry (i, i) the number of units mentioning `labels[i]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Number of units.
    pub n_units: u64,
    /// The entities (or groups) that occur, sorted by id.
    pub labels: Vec<Label>,
    /// For each label, the number it was counted as ([`Plan`]): what [`super::evidence`] looks for.
    pub numbers: Vec<u32>,
    /// The upper triangle, `(row, column, count)` with `row <= column`, sorted.
    pub entries: Vec<(u32, u32, u64)>,
    /// How the counts were made.
    pub key: Key,
}

/// Bytes that start [`Table::to_bytes`], with the format's version.
const MAGIC: &[u8; 8] = b"cxcount1";

#[derive(Serialize, Deserialize)]
struct Header {
    n_units: u64,
    labels: Vec<Label>,
    numbers: Vec<u32>,
    /// Number of entries that follow: a cut at an entry's end is then an error, not a smaller table.
    entries: usize,
    key: Key,
}

impl Table {
    /// Label the counts of a corpus: `plan` says what the counted numbers are.
    pub fn new(counts: &Counts, plan: &Plan, gazetteer: &Gazetteer, key: Key) -> Table {
        let mut present: Vec<(Label, u32)> = counts
            .pairs
            .keys()
            .filter(|(i, j)| i == j)
            .map(|&(n, _)| (plan.label(gazetteer, n), n))
            .collect();
        present.sort_unstable_by(|a, b| a.0.id.cmp(&b.0.id));
        let row: rustc_hash::FxHashMap<u32, u32> =
            present.iter().zip(0u32..).map(|(p, r)| (p.1, r)).collect();
        let mut entries: Vec<(u32, u32, u64)> = counts
            .pairs
            .iter()
            .map(|(&(i, j), &c)| {
                let (a, b) = (row[&i], row[&j]);
                (a.min(b), a.max(b), c)
            })
            .collect();
        entries.sort_unstable();
        let (labels, numbers) = present.into_iter().unzip();
        Table {
            n_units: counts.n_units,
            labels,
            numbers,
            entries,
            key,
        }
    }

    /// The counts of no text.
    pub fn empty(key: Key) -> Table {
        Table {
            n_units: 0,
            labels: Vec::new(),
            numbers: Vec::new(),
            entries: Vec::new(),
            key,
        }
    }

    /// The counts of the union of two disjoint corpora.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if the two were counted differently (see [`Key`]): the message says how.
    pub fn add(&self, other: &Table) -> Result<Table> {
        if let Some(why) = self.key.mismatch(&other.key) {
            return Err(Error::InvalidArgument(why));
        }
        // Both label lists are sorted: merge them, and map each side's rows to the union's (an increasing map, so
        // each side's entries stay sorted under it).
        let (mut labels, mut numbers) = (Vec::new(), Vec::new());
        let (mut from_a, mut from_b) = (Vec::new(), Vec::new());
        let (mut left, mut right) = (0, 0);
        while left < self.labels.len() || right < other.labels.len() {
            let order = match (self.labels.get(left), other.labels.get(right)) {
                (Some(a), Some(b)) => a.id.cmp(&b.id),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            let row = labels.len() as u32;
            if order.is_le() {
                labels.push(self.labels[left].clone());
                numbers.push(self.numbers[left]);
                from_a.push(row);
                left += 1;
            } else {
                labels.push(other.labels[right].clone());
                numbers.push(other.numbers[right]);
            }
            if order.is_ge() {
                from_b.push(row);
                right += 1;
            }
        }
        let moved = |m: &[u32], e: &(u32, u32, u64)| (m[e.0 as usize], m[e.1 as usize], e.2);
        let mut ours = self.entries.iter().map(|e| moved(&from_a, e)).peekable();
        let mut theirs = other.entries.iter().map(|e| moved(&from_b, e)).peekable();
        let mut entries = Vec::with_capacity(self.entries.len().max(other.entries.len()));
        loop {
            let next = match (ours.peek(), theirs.peek()) {
                (Some(x), Some(y)) => match (x.0, x.1).cmp(&(y.0, y.1)) {
                    std::cmp::Ordering::Less => ours.next(),
                    std::cmp::Ordering::Greater => theirs.next(),
                    std::cmp::Ordering::Equal => {
                        let (x, y) = (ours.next(), theirs.next());
                        x.zip(y).map(|(x, y)| (x.0, x.1, x.2 + y.2))
                    }
                },
                (Some(_), None) => ours.next(),
                (None, _) => theirs.next(),
            };
            match next {
                Some(e) => entries.push(e),
                None => break,
            }
        }
        Ok(Table {
            n_units: self.n_units + other.n_units,
            labels,
            numbers,
            entries,
            key: self.key.clone(),
        })
    }

    /// The full symmetric matrix in compressed sparse row form, rows and columns in label order:
    /// `(indptr, indices, data)`, int64 as scipy wants.
    #[allow(clippy::cast_possible_wrap)] // rows and counts are far below i64::MAX
    pub fn to_csr(&self) -> (Vec<i64>, Vec<i64>, Vec<i64>) {
        let mut full = Vec::with_capacity(2 * self.entries.len());
        for &(i, j, c) in &self.entries {
            full.push((i, j, c));
            if i != j {
                full.push((j, i, c));
            }
        }
        full.sort_unstable();
        let mut indptr = vec![0i64; self.labels.len() + 1];
        for &(i, _, _) in &full {
            indptr[i as usize + 1] += 1;
        }
        for r in 0..self.labels.len() {
            indptr[r + 1] += indptr[r];
        }
        let indices = full.iter().map(|e| i64::from(e.1)).collect();
        let data = full.iter().map(|e| e.2 as i64).collect();
        (indptr, indices, data)
    }

    /// A compact binary form (what a pickle holds): a JSON header, then 16 bytes per stored entry.
    ///
    /// # Panics
    ///
    /// Never: the header is plain strings and numbers, which JSON always writes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let header = Header {
            n_units: self.n_units,
            labels: self.labels.clone(),
            numbers: self.numbers.clone(),
            entries: self.entries.len(),
            key: self.key.clone(),
        };
        let header = serde_json::to_vec(&header).expect("invariant: the header is plain data");
        let mut out = Vec::with_capacity(MAGIC.len() + 8 + header.len() + 16 * self.entries.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(header.len() as u64).to_le_bytes());
        out.extend_from_slice(&header);
        for &(i, j, c) in &self.entries {
            out.extend_from_slice(&i.to_le_bytes());
            out.extend_from_slice(&j.to_le_bytes());
            out.extend_from_slice(&c.to_le_bytes());
        }
        out
    }

    /// Read [`Table::to_bytes`] back, checking every entry.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for bytes that are not a table of this version, or whose entries are out of
    /// range, out of order, or inconsistent (a pair counted in more units than one of its entities).
    pub fn from_bytes(bytes: &[u8]) -> Result<Table> {
        let bad = |why: &str| {
            Error::InvalidArgument(format!(
                "cannot read co-occurrence counts (damaged, or written by another version): {why}"
            ))
        };
        let rest = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or_else(|| bad("wrong magic bytes"))?;
        let (len, rest) = rest.split_at_checked(8).ok_or_else(|| bad("truncated"))?;
        let len = usize::try_from(u64::from_le_bytes(len.try_into().unwrap_or_default()))
            .map_err(|_| bad("header too long"))?;
        let (header, body) = rest.split_at_checked(len).ok_or_else(|| bad("truncated"))?;
        let header: Header =
            serde_json::from_slice(header).map_err(|e| bad(&format!("header: {e}")))?;
        header.key.parse_scope()?;
        if header.numbers.len() != header.labels.len() {
            return Err(bad("labels and numbers differ in length"));
        }
        if !header.labels.windows(2).all(|w| w[0].id < w[1].id) {
            return Err(bad("labels not sorted"));
        }
        if Some(body.len()) != header.entries.checked_mul(16) {
            return Err(bad("truncated entries"));
        }
        let n = header.labels.len() as u32;
        let u32_at = |b: &[u8]| u32::from_le_bytes(b.try_into().unwrap_or_default());
        let entries: Vec<(u32, u32, u64)> = body
            .chunks_exact(16)
            .map(|e| {
                let count = u64::from_le_bytes(e[8..].try_into().unwrap_or_default());
                (u32_at(&e[..4]), u32_at(&e[4..8]), count)
            })
            .collect();
        let mut diagonal = vec![0u64; n as usize];
        for w in entries.windows(2) {
            if (w[0].0, w[0].1) >= (w[1].0, w[1].1) {
                return Err(bad("entries not sorted"));
            }
        }
        for &(i, j, c) in &entries {
            if i > j || j >= n || c == 0 {
                return Err(bad("an entry out of range"));
            }
            if i == j {
                diagonal[i as usize] = c;
            }
        }
        for &(i, j, c) in &entries {
            if c > diagonal[i as usize] || c > diagonal[j as usize] || c > header.n_units {
                return Err(bad("a pair counted more often than its entities"));
            }
        }
        Ok(Table {
            n_units: header.n_units,
            labels: header.labels,
            numbers: header.numbers,
            entries,
            key: header.key,
        })
    }
}
