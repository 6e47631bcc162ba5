//! The search structure of the matcher: a trie of the folded aliases, entered only where a word can start.
//!
//! # Performance notes
//!
//! *Why not an Aho-Corasick automaton.* An automaton finds every occurrence of every alias: it reads every byte and
//! takes one transition per byte, and most of what it reports ("us" in "thus") then fails the word-boundary rule.
//! Cybernexus only keeps matches that start where a word starts (no alias starts between two word characters), so
//! it only needs to know, at each word start, which aliases the text there begins with: a walk down a plain trie
//! from its root, with no failure transitions, that stops at the first byte no alias continues with. On the
//! benchmark corpus (50 MB of CTI prose, the 7,282 folded aliases of the built-in gazetteer) there are 6.8 million
//! word starts and 22.7 million trie steps, against 50 million automaton transitions; the candidates it reports are
//! exactly those of the automaton that survive the start-of-word check (tested against the `aho-corasick` crate in
//! `tests/core_api.rs`). Measured with the crate on the same bytes and the same aliases: its DFA counts overlapping
//! matches at 165-173 MB/s and takes 180-200 ms and 83 MB to build; a first version of this trie found and reported
//! the word-start candidates at 265 MB/s and builds in 6 ms (criterion, `builtin/build`). The crate cannot do this walk itself: its
//! overlapping search refuses anchored input (`MatchError::InvalidInputAnchored`), and its anchored leftmost-longest
//! search, called at each word start, reports only the longest candidate (losing a valid shorter one) and still ran
//! at 210 MB/s against 250 MB/s for a first version of this walk on the same starts; hence this module.
//!
//! *Finding word starts 64 bytes at a time.* Testing each byte for "word character after a non-word one" with a
//! branch mispredicts at every word edge (the byte loop ran at 360 MB/s). The start positions of a 64-byte block are
//! computed as bit masks instead: on x86-64, SSE2 (part of the baseline, so no run-time detection) classifies 16
//! bytes per instruction (2.9 GB/s); on other targets, and for alias sets with more than four distinct non-word
//! ASCII first bytes, a table lookup per byte builds the same masks without branches (1.0 GB/s). The set bits are then visited with `trailing_zeros`.
//!
//! *The first word, hashed, before any step.* A pattern can start only where the text's first word (its ASCII word
//! bytes, up to the first other byte) is in full the first word of some pattern, because a pattern ends only where
//! a word ends. So each word start first looks its first word up in a bit set of hashed pattern first words (one
//! SSE2 load, a multiply and one load from a set of 32 to 64 bits per first word); only the starts that pass get the
//! quick check and the walk. Walking "target" to learn that `TargetCompany` does not follow, and "malware" for
//! `MalwareDeveloper`, was most of the walking once software names came in: on 20 MB of the benchmark corpus this
//! (with the quick check's dead-walk test) took the walks from 1.88 to 0.44 million and the bytes walked from 10.2
//! to 2.8 million, and `find_table` on one thread from 117 to 155-160 MB/s (interleaved runs of
//! `examples/profile_find`). Doing the lookup after the quick check instead of before it gained half as much; 8 or
//! 64 bits per first word instead of 32 were within noise.
//!
//! *Layout.* States are numbered breadth first, so the states near the root, which nearly every walk visits, sit
//! together in memory. A state with several children, and every state less deep than `QUICK_STEPS` (four), is a row of
//! the dense table indexed by byte class (one load per step); a state with one child (most states deeper than the
//! fourth byte) is a short list of (class, next) pairs. The structure takes 1.6 MB for the built-in aliases (a
//! dense table over every byte class for every state took 46 MB and was slower). A state number carries two flags: whether an alias ends there and
//! whether it is a list, so a step needs no other load.
//!
//! *White space and ASCII case in place.* Byte classes map an ASCII upper-case letter to its lower-case class and
//! every ASCII white-space byte to the class of the space, and a walk that takes a space skips the rest of a
//! white-space run. So ASCII text is searched as written, with no normalised copy (see [`crate::normalize`]): the
//! walk sees "United\n  States" as "united states", as normalisation would.

use crate::error::{Error, Result};

/// Flag of a state number: an alias ends at this state.
const OUT: u32 = 1 << 31;
/// Flag of a state number: the state is a list of pairs (otherwise a dense row).
const LIST: u32 = 1 << 30;
/// Position of a list state's pair count in its state number.
const LEN_SHIFT: u32 = 26;
/// A list holds at most this many pairs; states with more children get a dense row.
const MAX_LIST: usize = 15;
/// Mask of the pair index (list states) or row offset (dense states) in a state number.
const INDEX_MASK: u32 = (1 << LEN_SHIFT) - 1;
/// States with at least this many children get a dense row (as do the states less deep than [`QUICK_STEPS`]).
/// Measured on the built-in aliases (50 MB of CTI prose): 1, 2 and 3 are within noise of each other, and 1 (every
/// state dense) takes several times the memory.
const DENSE_MIN_CHILDREN: usize = 2;
/// Pattern number of a state where no pattern ends.
const NO_PATTERN: u32 = u32::MAX;
/// Number of steps every walk takes without a branch (see [`WordTrie::walk`]); states less deep than this are dense.
const QUICK_STEPS: usize = 4;

/// The first word filter hashes a text's first word by at most this many bytes (see [`WordTrie::first_word_known`]).
const RUN_MAX: usize = 16;

/// The first word of `bytes`: its leading ASCII word bytes, at most [`RUN_MAX`], each with bit 5 set (ASCII letters
/// in lower case; digits unchanged; `_` becomes 0x7F, the same on both sides), as two little-endian words with zeros
/// after the word, and its length.
#[inline]
fn first_word(bytes: &[u8]) -> (u64, u64, usize) {
    let mut buf = [0u8; RUN_MAX];
    let mut len = 0;
    while len < RUN_MAX && len < bytes.len() && is_ascii_word(bytes[len]) {
        buf[len] = bytes[len] | 0x20;
        len += 1;
    }
    let (lo, hi) = buf.split_at(8);
    let word = |half: &[u8]| u64::from_le_bytes(half.try_into().unwrap_or([0; 8]));
    (word(lo), word(hi), len)
}

/// Bit of a first word in [`WordTrie::first_words`], from the top `64 - shift` bits of a multiplicative hash.
#[inline]
fn first_word_bit(lo: u64, hi: u64, len: usize, shift: u32) -> usize {
    let h = (lo.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ hi.wrapping_mul(0xC2B2_AE3D_27D4_EB4F).rotate_left(31)
        ^ len as u64)
        .wrapping_mul(0x1656_67B1_9E37_79F9);
    #[allow(clippy::cast_possible_truncation)] // at most 26 bits are left
    let bit = (h >> shift) as usize;
    bit
}

/// The bit set of the first words of `patterns` and its shift (see [`WordTrie::first_word_known`]).
fn first_word_set(patterns: &[&[u8]]) -> (Vec<u64>, u32) {
    // 32 to 64 bits per distinct first word and one hash: about one unknown word in 32 to 64 passes (with 16 bits,
    // 5% more walks on the benchmark corpus).
    let mut words: Vec<(u64, u64, usize)> = patterns.iter().map(|p| first_word(p)).collect();
    words.sort_unstable();
    words.dedup();
    let bits = (words.len() * 32)
        .next_power_of_two()
        .clamp(1 << 12, 1 << 26);
    let shift = 64 - bits.trailing_zeros();
    let mut set = vec![0u64; bits / 64];
    for (lo, hi, len) in words {
        let bit = first_word_bit(lo, hi, len, shift);
        set[bit / 64] |= 1 << (bit % 64);
    }
    (set, shift)
}

pub(crate) use crate::normalize::is_ascii_word;

/// A trie of byte strings, searched from word starts; see the module documentation.
#[derive(Clone)]
pub struct WordTrie {
    /// Byte -> class; 0 for bytes that occur in no pattern.
    class: [u8; 256],
    /// Number of classes, 0 included.
    classes: usize,
    /// Length of a dense row: the ASCII classes and class 0. (Rows indexed by every class were 2.7 times as long
    /// for the built-in aliases, whose Cyrillic, Arabic and Chinese names bring 90 byte values, and the walk spent
    /// a fifth more time waiting for memory.)
    width: usize,
    /// Transitions of dense states on non-ASCII classes, as sorted keys `(state << 8) | class` ...
    wide_key: Vec<u64>,
    /// ... and their targets.
    wide_next: Vec<u32>,
    /// Class of the ASCII space (0 if no pattern has a space).
    space: u8,
    /// Dense rows, `width` entries each; entries are state numbers (0: no transition).
    dense: Vec<u32>,
    /// Pattern ending at each dense row (by row number), `u32::MAX` for none.
    dense_out: Vec<u32>,
    /// Classes of the list states' pairs.
    pair_class: Vec<u8>,
    /// Targets of the list states' pairs.
    pair_next: Vec<u32>,
    /// Pattern ending at each list state (by index of its first pair), `u32::MAX` for none.
    pair_out: Vec<u32>,
    /// Byte -> whether some pattern starts with it (folded).
    first: [bool; 256],
    /// Non-word ASCII bytes some pattern starts with (`#`, `.`, `(`): word-start masks do not cover them.
    special_first: Vec<u8>,
    /// Bit set over hashes of the patterns' first words ([`first_word`]): a start whose first word has no bit
    /// here begins no pattern.
    first_words: Vec<u64>,
    /// Right shift that leaves a hash's bit number ([`first_word_bit`]).
    first_word_shift: u32,
    /// Number of patterns.
    patterns: usize,
}

impl std::fmt::Debug for WordTrie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordTrie")
            .field("patterns", &self.patterns)
            .field("classes", &self.classes)
            .field("dense_rows", &self.dense_out.len())
            .field("list_pairs", &self.pair_class.len())
            .field("heap_bytes", &self.heap_bytes())
            .finish_non_exhaustive()
    }
}

/// Where [`WordTrie::walk_from`] goes on from, as [`WordTrie::for_each_start_resumable`] found it: opaque, so that
/// no caller can hand the walk a state number the trie does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resume(u32);

/// Key of a dense state's transition on a non-ASCII class in [`WordTrie::wide_key`].
#[inline]
fn wide_key(state: u32, c: u8) -> u64 {
    (u64::from(state & !OUT) << 8) | u64::from(c)
}

/// A trie node while building.
#[derive(Default)]
struct Node {
    children: Vec<(u8, u32)>,
    pattern: Option<u32>,
}

/// Byte classes of `patterns`: 0 for bytes in no pattern, one class per other byte, ASCII upper case sharing the
/// class of its lower case and ASCII white space that of the space. ASCII bytes get the lowest classes. Returns the
/// table, the number of classes and the number of ASCII classes plus one (the width of a dense row).
fn byte_classes(patterns: &[&[u8]]) -> Result<([u8; 256], usize, usize)> {
    let mut used = [false; 256];
    for b in patterns.iter().flat_map(|p| p.iter()) {
        used[usize::from(b.to_ascii_lowercase())] = true;
    }
    let mut class = [0u8; 256];
    let mut classes = 1usize;
    let mut width = 1;
    for b in 0..=255u8 {
        if used[usize::from(b)] {
            // At most 230 distinct bytes remain once upper-case ASCII is folded, so this fits a u8.
            class[usize::from(b)] =
                u8::try_from(classes).map_err(|_| Error::Build("too many byte classes".into()))?;
            classes += 1;
            if b.is_ascii() {
                width = classes;
            }
        }
    }
    for b in b'A'..=b'Z' {
        class[usize::from(b)] = class[usize::from(b.to_ascii_lowercase())];
    }
    let space = class[usize::from(b' ')];
    for b in [b'\t', b'\n', 0x0b, 0x0c, b'\r'] {
        class[usize::from(b)] = space;
    }
    Ok((class, classes, width))
}

/// The trie of `patterns` over byte classes, node 0 the root.
fn build_nodes(patterns: &[&[u8]], class: &[u8; 256]) -> Result<Vec<Node>> {
    let mut nodes = vec![Node::default()];
    for (index, pattern) in patterns.iter().enumerate() {
        if pattern.is_empty() {
            return Err(Error::Build(format!("pattern {index} is empty")));
        }
        // The walk reads any white-space run of the text as one space, so a pattern may only hold single spaces
        // between other bytes (as normalised aliases do).
        let bad_space = pattern.first() == Some(&b' ')
            || pattern.last() == Some(&b' ')
            || pattern.windows(2).any(|w| w == b"  ")
            || pattern
                .iter()
                .any(|&b| (b.is_ascii_whitespace() && b != b' ') || b == 0x0b);
        if bad_space {
            return Err(Error::Build(format!(
                "pattern {index} ({:?}) has white space other than single spaces between words",
                String::from_utf8_lossy(pattern)
            )));
        }
        let mut node = 0usize;
        for &b in *pattern {
            let c = class[usize::from(b)];
            node = if let Some(&(_, next)) = nodes[node].children.iter().find(|&&(k, _)| k == c) {
                next as usize
            } else {
                let next = nodes.len();
                let id =
                    u32::try_from(next).map_err(|_| Error::Build("too many trie states".into()))?;
                nodes[node].children.push((c, id));
                nodes.push(Node::default());
                next
            };
        }
        if nodes[node].pattern.is_some() {
            return Err(Error::Build(format!(
                "pattern {index} ({:?}) is repeated",
                String::from_utf8_lossy(pattern)
            )));
        }
        nodes[node].pattern =
            Some(u32::try_from(index).map_err(|_| Error::Build("too many patterns".into()))?);
    }
    Ok(nodes)
}

impl WordTrie {
    /// Build the trie of `patterns`, matched ASCII case-insensitively (pattern `i` is reported as `i`). Patterns
    /// must be distinct after ASCII lower-casing, non-empty, and hold no white space other than single spaces (as
    /// the gazetteer's folded aliases are).
    ///
    /// # Errors
    ///
    /// [`Error::Build`] if a pattern is empty or repeated, or if the trie would exceed its size limits (about 67
    /// million list pairs or a billion dense entries).
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Result<WordTrie> {
        let patterns: Vec<&[u8]> = patterns.into_iter().map(str::as_bytes).collect();
        let (class, classes, width) = byte_classes(&patterns)?;
        let mut nodes = build_nodes(&patterns, &class)?;
        // Breadth-first order, then a number (row offset or pair index, with flags) for every node.
        let mut order = Vec::with_capacity(nodes.len());
        let mut depth = vec![0usize; nodes.len()];
        order.push(0usize);
        let mut i = 0;
        while i < order.len() {
            let parent = order[i];
            nodes[parent].children.sort_unstable();
            for &(_, child) in &nodes[parent].children {
                depth[child as usize] = depth[parent] + 1;
                order.push(child as usize);
            }
            i += 1;
        }
        let too_big = || Error::Build("the alias set is too large for one matcher".into());
        let mut number = vec![0u32; nodes.len()];
        // Row 0 is the dead row: all zeros, so that a step from "no state" stays there (see `walk`).
        let (mut rows, mut pairs) = (1usize, 0usize);
        for &n in &order {
            let node = &nodes[n];
            let out = if node.pattern.is_some() { OUT } else { 0 };
            let kids = node.children.len();
            let dense = depth[n] < QUICK_STEPS || kids >= DENSE_MIN_CHILDREN || kids > MAX_LIST;
            number[n] = if dense {
                let offset = u32::try_from(rows * width)
                    .ok()
                    .filter(|&o| o < LIST)
                    .ok_or_else(too_big)?;
                rows += 1;
                offset | out
            } else {
                // A leaf gets one pair that nothing takes (class 0 leads nowhere), so that it has an index.
                let len = kids.max(1);
                let index = u32::try_from(pairs)
                    .ok()
                    .filter(|&p| p <= INDEX_MASK)
                    .ok_or_else(too_big)?;
                pairs += len;
                #[allow(clippy::cast_possible_truncation)] // len <= MAX_LIST
                let len = len as u32;
                index | (len << LEN_SHIFT) | LIST | out
            };
        }
        let mut trie = WordTrie {
            class,
            classes,
            space: class[usize::from(b' ')],
            width,
            dense: vec![0; rows * width],
            wide_key: Vec::new(),
            wide_next: Vec::new(),
            dense_out: vec![NO_PATTERN; rows],
            pair_class: vec![0; pairs],
            pair_next: vec![0; pairs],
            pair_out: vec![NO_PATTERN; pairs],
            first: [false; 256],
            special_first: Vec::new(),
            first_words: Vec::new(),
            first_word_shift: 0,
            patterns: patterns.len(),
        };
        (trie.first_words, trie.first_word_shift) = first_word_set(&patterns);
        for &n in &order {
            let node = &nodes[n];
            let id = number[n] & !OUT;
            if id & LIST == 0 {
                let offset = id as usize;
                for &(c, child) in &node.children {
                    if usize::from(c) < width {
                        trie.dense[offset + usize::from(c)] = number[child as usize];
                    } else {
                        trie.wide_key.push(wide_key(id, c));
                        trie.wide_next.push(number[child as usize]);
                    }
                }
                trie.dense_out[offset / width] = node.pattern.unwrap_or(NO_PATTERN);
            } else {
                let index = (id & INDEX_MASK) as usize;
                for (k, &(c, child)) in node.children.iter().enumerate() {
                    trie.pair_class[index + k] = c;
                    trie.pair_next[index + k] = number[child as usize];
                }
                trie.pair_out[index] = node.pattern.unwrap_or(NO_PATTERN);
            }
        }
        // Keys are pushed in breadth-first order with sorted children, which is already their order; sorting keeps
        // the binary search right whatever the numbering.
        let mut wide: Vec<(u64, u32)> = trie
            .wide_key
            .iter()
            .copied()
            .zip(trie.wide_next.iter().copied())
            .collect();
        wide.sort_unstable();
        (trie.wide_key, trie.wide_next) = wide.into_iter().unzip();
        trie.find_first_bytes();
        Ok(trie)
    }

    /// Fill [`WordTrie::first`] and [`WordTrie::special_first`] from the root's transitions.
    fn find_first_bytes(&mut self) {
        for b in 0..=255u8 {
            let c = self.class[usize::from(b)];
            self.first[usize::from(b)] = c != 0 && self.step(self.root(), c) != 0;
            if self.first[usize::from(b)] && b.is_ascii() && !is_ascii_word(b) {
                self.special_first.push(b);
            }
        }
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.patterns
    }

    /// Whether the trie has no pattern.
    pub fn is_empty(&self) -> bool {
        self.patterns == 0
    }

    /// Bytes of heap memory held.
    pub fn heap_bytes(&self) -> usize {
        self.dense.len() * 4
            + self.dense_out.len() * 4
            + self.wide_key.len() * (8 + 4)
            + self.pair_class.len() * (1 + 4 + 4)
            + self.special_first.len()
            + self.first_words.len() * 8
    }

    /// Whether some pattern has the first word of `haystack[start..]` (see [`first_word`]; no false negatives).
    ///
    /// Performance note: a pattern can only start where the text's first word is the pattern's own first word in
    /// full (a pattern ends where a word ends, and its first word ends at a byte that is no word byte, or with the
    /// pattern). So "target" and "malware" are no start even though `TargetCompany` and `MalwareDeveloper` are
    /// aliases, which the trie alone learns only after walking the whole word. Hashing the word takes no branch on
    /// the text; the bit set is small enough to stay in the first-level caches' neighbourhood.
    #[inline]
    fn first_word_known(&self, haystack: &[u8], start: usize) -> bool {
        #[cfg(target_arch = "x86_64")]
        let (lo, hi, len) = if start + RUN_MAX <= haystack.len() {
            first_word_sse2(&haystack[start..start + RUN_MAX])
        } else {
            first_word(&haystack[start..])
        };
        #[cfg(not(target_arch = "x86_64"))]
        let (lo, hi, len) = first_word(&haystack[start..]);
        let bit = first_word_bit(lo, hi, len, self.first_word_shift);
        (self.first_words[bit / 64] >> (bit % 64)) & 1 != 0
    }

    /// The state reached from `state` on class `c`, 0 if none.
    #[inline]
    fn step(&self, state: u32, c: u8) -> u32 {
        if state & LIST == 0 {
            if usize::from(c) < self.width {
                return self.dense[state as usize + usize::from(c)];
            }
            return self
                .wide_key
                .binary_search(&wide_key(state, c))
                .map_or(0, |i| self.wide_next[i]);
        }
        let index = (state & INDEX_MASK) as usize;
        let len = ((state >> LEN_SHIFT) & 0xF) as usize;
        for k in index..index + len {
            if self.pair_class[k] == c {
                return self.pair_next[k];
            }
        }
        0
    }

    /// The root's state number: the dense row after the dead row.
    #[inline]
    fn root(&self) -> u32 {
        // The row width is at most 103 (ASCII classes and class 0) and fits in 30 bits.
        #[allow(clippy::cast_possible_truncation)]
        let root = self.width as u32;
        root
    }

    /// Whether `haystack[start..]` surely begins with no pattern, decided in [`QUICK_STEPS`] steps without a branch.
    ///
    /// Performance note: seven walks in ten end within four bytes, and a walk that ends with a branch mispredicts
    /// it, which cost as much as the walk's memory loads. States less deep than [`QUICK_STEPS`] are dense rows and
    /// "no state" is the dead row 0, whose entries are 0, so four steps are four loads with no test between them;
    /// only when a pattern ends within them, a walk survives them, or they leave the ASCII classes or take a space
    /// (where [`WordTrie::walk`] would skip a white-space run) does the full walk run.
    ///
    /// Returns 0 where no pattern starts; the root where the walk must start from the root; otherwise the state
    /// reached after [`QUICK_STEPS`] bytes, from which [`WordTrie::walk_from`] goes on (no pattern ended on the way
    /// and none of the bytes was white space, so those steps were exactly the walk's first ones).
    #[inline]
    #[allow(clippy::needless_bitwise_bool)] // `&` and `|` on purpose: no branch on the text
    fn quick_check(&self, haystack: &[u8], start: usize) -> u32 {
        let Some(bytes) = haystack.get(start..start + QUICK_STEPS) else {
            return self.root();
        };
        let c: [u8; QUICK_STEPS] = std::array::from_fn(|k| self.class[usize::from(bytes[k])]);
        let mut state = self.root();
        let (mut flags, mut odd, mut dead) = (0u32, false, false);
        for &ck in &c {
            // A step on a non-ASCII class reads the wrong row entry, and a step after a space would not have skipped
            // the rest of a white-space run: from then on the steps are not the walk's.
            odd |= usize::from(ck) >= self.width;
            state = self.dense[(state & !OUT) as usize + usize::from(ck).min(self.width - 1)];
            dead |= !odd & (state == 0);
            odd |= (ck == self.space) & (ck != 0);
            flags |= state;
        }
        // `state` is 0 unless the walk survived; `flags` has OUT if a pattern ended on the way. A walk that died on a
        // step that was its own, with no pattern ended before, finds nothing ("of the": no pattern goes on "of "), and
        // `state` is then 0. The choice is a select, not a branch: its outcome is as unpredictable as the text.
        let from_root = (flags & OUT != 0) | (odd & !dead);
        let mask = 0u32.wrapping_sub(u32::from(from_root));
        (state & !mask) | (self.root() & mask)
    }

    /// The pattern ending at `state` (which has the [`OUT`] flag).
    #[inline]
    fn pattern_at(&self, state: u32) -> u32 {
        if state & LIST == 0 {
            self.dense_out[(state & !OUT) as usize / self.width]
        } else {
            self.pair_out[(state & INDEX_MASK) as usize]
        }
    }

    /// Push `(end, pattern)` for every pattern that `haystack[start..]` begins with (ASCII case ignored, an ASCII
    /// white-space run read as one space), shortest first, leaving out those that end between two ASCII word bytes.
    /// Returns the number of bytes the walk read (its cost).
    #[inline]
    pub fn walk(&self, haystack: &[u8], start: usize, ends: &mut Vec<(usize, u32)>) -> usize {
        self.walk_from(haystack, start, Resume(self.root()), ends)
    }

    /// [`WordTrie::walk`], resumed from `state`, the state that [`WordTrie::for_each_start_resumable`] passed with
    /// `start` (the root, or the state after the first `QUICK_STEPS` (four) bytes).
    ///
    /// Performance note: resuming skips the steps the quick check has just taken; before, the walk took them again
    /// from the root, and they were more than half of all steps on the benchmark corpus.
    #[inline]
    pub fn walk_from(
        &self,
        haystack: &[u8],
        start: usize,
        resume: Resume,
        ends: &mut Vec<(usize, u32)>,
    ) -> usize {
        let state = resume.0;
        let mut i = if state == self.root() {
            start
        } else {
            start + QUICK_STEPS
        };
        let mut state = state;
        while i < haystack.len() {
            let c = self.class[usize::from(haystack[i])];
            let next = self.step(state & !OUT, c);
            if next == 0 {
                break;
            }
            i += 1;
            if c == self.space && c != 0 {
                while i < haystack.len() && self.class[usize::from(haystack[i])] == c {
                    i += 1;
                }
            }
            if next & OUT != 0
                && (i == haystack.len()
                    || !(is_ascii_word(haystack[i - 1]) && is_ascii_word(haystack[i])))
            {
                ends.push((i, self.pattern_at(next)));
            }
            state = next;
        }
        i - start + 1
    }

    /// Call `f` with every position of `haystack` where a pattern may start, in increasing order: every position
    /// holding the first byte of a pattern, except those between two ASCII word bytes (a pattern can start there
    /// in the bytes but never at a word boundary) and those that a branch-free check of the first four bytes rules
    /// out. May also call it at other positions (where [`WordTrie::walk`] then finds nothing).
    #[inline]
    pub fn for_each_start(&self, haystack: &[u8], mut f: impl FnMut(usize)) {
        self.for_each_start_resumable(haystack, |p, _| f(p));
    }

    /// [`WordTrie::for_each_start`], also passing the state to give [`WordTrie::walk_from`] for that start.
    #[inline]
    pub fn for_each_start_resumable(&self, haystack: &[u8], f: impl FnMut(usize, Resume)) {
        #[cfg(target_arch = "x86_64")]
        if self.special_first.len() <= 4 {
            return self.starts_sse2(haystack, f);
        }
        self.starts_table(haystack, f);
    }

    /// Call `f` at `base + i` for every bit `i` of `starts` whose start [`WordTrie::quick_check`] does not rule out.
    ///
    /// Performance note: the quick checks of a block run first, in a loop without a data-dependent branch, so that
    /// the CPU overlaps their memory loads; then `f` runs for the few starts left. (Checking each start just before
    /// its walk mispredicted the branch on its outcome about one time in three.)
    #[inline]
    fn visit(
        &self,
        haystack: &[u8],
        base: usize,
        mut starts: u64,
        f: &mut impl FnMut(usize, Resume),
    ) {
        let mut known = 0u64;
        while starts != 0 {
            let i = starts.trailing_zeros();
            known |= u64::from(self.first_word_known(haystack, base + i as usize)) << i;
            starts &= starts - 1;
        }
        let mut kept = 0u64;
        let mut resume = [0u32; 64];
        while known != 0 {
            let i = known.trailing_zeros();
            let state = self.quick_check(haystack, base + i as usize);
            resume[i as usize] = state;
            kept |= u64::from(state != 0) << i;
            known &= known - 1;
        }
        while kept != 0 {
            let i = kept.trailing_zeros() as usize;
            f(base + i, Resume(resume[i]));
            kept &= kept - 1;
        }
    }

    /// [`WordTrie::for_each_start`] with a table lookup per byte (any target, any pattern set).
    fn starts_table(&self, haystack: &[u8], mut f: impl FnMut(usize, Resume)) {
        // Bit 0: ASCII word byte; bit 1: some pattern starts with this byte.
        let mut table = [0u8; 256];
        for b in 0..=255u8 {
            table[usize::from(b)] =
                u8::from(is_ascii_word(b)) | (u8::from(self.first[usize::from(b)]) << 1);
        }
        let mut carry = 0u64;
        for (block, chunk) in haystack.chunks(64).enumerate() {
            let (mut word, mut first) = (0u64, 0u64);
            for (i, &b) in chunk.iter().enumerate() {
                let t = u64::from(table[usize::from(b)]);
                word |= (t & 1) << i;
                first |= ((t >> 1) & 1) << i;
            }
            let starts = first & !(word & ((word << 1) | carry));
            carry = word >> 63;
            self.visit(haystack, block * 64, starts, &mut f);
        }
    }

    /// [`WordTrie::for_each_start`] with SSE2: word starts, UTF-8 lead bytes and up to four special first bytes.
    #[cfg(target_arch = "x86_64")]
    #[allow(clippy::cast_possible_wrap, clippy::cast_sign_loss)]
    fn starts_sse2(&self, haystack: &[u8], mut f: impl FnMut(usize, Resume)) {
        use std::arch::x86_64::{
            __m128i, _mm_add_epi8, _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8,
            _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_setzero_si128,
        };
        let specials: Vec<u8> = self.special_first.clone();
        let mut carry = 0u64;
        let mut base = 0usize;
        // Safety: SSE2 is part of the x86-64 baseline, so the intrinsics are available on every x86-64 CPU; the
        // only memory access is `_mm_loadu_si128` (unaligned load) of 16 bytes at `base + 16 * k`, and
        // `base + 64 <= haystack.len()` holds in the loop, so every load is inside the slice.
        unsafe {
            // Unsigned range checks with signed compares: x + (0x80 - lo) < -128 + (hi - lo + 1) as i8.
            let lower = _mm_set1_epi8(0x20);
            let letter_shift = _mm_set1_epi8(0x80u8.wrapping_sub(b'a') as i8);
            let letter_limit = _mm_set1_epi8((-128 + 26) as i8);
            let digit_shift = _mm_set1_epi8(0x80u8.wrapping_sub(b'0') as i8);
            let digit_limit = _mm_set1_epi8((-128 + 10) as i8);
            let underscore = _mm_set1_epi8(b'_' as i8);
            let below_lead = _mm_set1_epi8(-65); // 0xBF: lead bytes are 0xC0..=0xFF, i.e. -64..=-1
            let zero = _mm_setzero_si128();
            let special: Vec<__m128i> = specials.iter().map(|&b| _mm_set1_epi8(b as i8)).collect();
            while base + 64 <= haystack.len() {
                let (mut word, mut other) = (0u64, 0u64);
                for k in 0..4 {
                    #[allow(clippy::cast_ptr_alignment)] // an unaligned load: any alignment is fine
                    let v = _mm_loadu_si128(haystack.as_ptr().add(base + 16 * k).cast::<__m128i>());
                    let letter = _mm_cmplt_epi8(
                        _mm_add_epi8(_mm_or_si128(v, lower), letter_shift),
                        letter_limit,
                    );
                    let digit = _mm_cmplt_epi8(_mm_add_epi8(v, digit_shift), digit_limit);
                    let w =
                        _mm_or_si128(_mm_or_si128(letter, digit), _mm_cmpeq_epi8(v, underscore));
                    let mut o =
                        _mm_and_si128(_mm_cmpgt_epi8(v, below_lead), _mm_cmplt_epi8(v, zero));
                    for s in &special {
                        o = _mm_or_si128(o, _mm_cmpeq_epi8(v, *s));
                    }
                    word |= u64::from(_mm_movemask_epi8(w) as u16) << (16 * k);
                    other |= u64::from(_mm_movemask_epi8(o) as u16) << (16 * k);
                }
                let starts = (word & !((word << 1) | carry)) | other;
                carry = word >> 63;
                self.visit(haystack, base, starts, &mut f);
                base += 64;
            }
        }
        let mut previous_word = carry != 0;
        for (i, &b) in haystack.iter().enumerate().skip(base) {
            let word = is_ascii_word(b);
            if (word && !previous_word) || b >= 0xC0 || specials.contains(&b) {
                let state = self.quick_check(haystack, i);
                if state != 0 && self.first_word_known(haystack, i) {
                    f(i, Resume(state));
                }
            }
            previous_word = word;
        }
    }
}

/// [`first_word`] of exactly [`RUN_MAX`] bytes, with SSE2 (part of the x86-64 baseline).
#[cfg(target_arch = "x86_64")]
#[inline]
#[allow(clippy::cast_possible_wrap, clippy::cast_sign_loss)]
fn first_word_sse2(bytes: &[u8]) -> (u64, u64, usize) {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_and_si128, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_cvtsi128_si64,
        _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_setr_epi8,
        _mm_unpackhi_epi64,
    };
    assert!(bytes.len() >= RUN_MAX);
    // Safety: SSE2 is part of the x86-64 baseline; the one load reads 16 bytes of `bytes`, which holds at least 16.
    unsafe {
        #[allow(clippy::cast_ptr_alignment)] // an unaligned load: any alignment is fine
        let v = _mm_loadu_si128(bytes.as_ptr().cast::<__m128i>());
        let lower = _mm_set1_epi8(0x20);
        let folded = _mm_or_si128(v, lower);
        let letter = _mm_cmplt_epi8(
            _mm_add_epi8(folded, _mm_set1_epi8(0x80u8.wrapping_sub(b'a') as i8)),
            _mm_set1_epi8((-128 + 26) as i8),
        );
        let digit = _mm_cmplt_epi8(
            _mm_add_epi8(v, _mm_set1_epi8(0x80u8.wrapping_sub(b'0') as i8)),
            _mm_set1_epi8((-128 + 10) as i8),
        );
        let word = _mm_or_si128(
            _mm_or_si128(letter, digit),
            _mm_cmpeq_epi8(v, _mm_set1_epi8(b'_' as i8)),
        );
        let mask = _mm_movemask_epi8(word) as u32;
        let len = (!mask).trailing_zeros().min(16);
        let index = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        #[allow(clippy::cast_possible_truncation)] // len <= 16
        let keep = _mm_cmplt_epi8(index, _mm_set1_epi8(len as i8));
        let run = _mm_and_si128(folded, keep);
        let lo = _mm_cvtsi128_si64(run) as u64;
        let hi = _mm_cvtsi128_si64(_mm_unpackhi_epi64(run, run)) as u64;
        (lo, hi, len as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (start, end, pattern) by brute force: each pattern compared at each start the trie visits.
    fn brute(patterns: &[&str], haystack: &[u8]) -> Vec<(usize, usize, u32)> {
        let fold = |b: u8| {
            let b = b.to_ascii_lowercase();
            if b.is_ascii_whitespace() || b == 0x0b {
                b' '
            } else {
                b
            }
        };
        let mut out = Vec::new();
        for start in 0..haystack.len() {
            if start > 0 && is_ascii_word(haystack[start - 1]) && is_ascii_word(haystack[start]) {
                continue;
            }
            for (k, p) in patterns.iter().enumerate() {
                // Compare, reading an ASCII white-space run in the text as one space.
                let (mut i, mut ok) = (start, true);
                for &b in p.as_bytes() {
                    if i >= haystack.len() || fold(haystack[i]) != b {
                        ok = false;
                        break;
                    }
                    i += 1;
                    if b == b' ' {
                        while i < haystack.len() && fold(haystack[i]) == b' ' {
                            i += 1;
                        }
                    }
                }
                let joined = ok
                    && i < haystack.len()
                    && is_ascii_word(haystack[i - 1])
                    && is_ascii_word(haystack[i]);
                if ok && !joined {
                    out.push((start, i, u32::try_from(k).unwrap()));
                }
            }
        }
        out.sort_unstable();
        out
    }

    fn found(trie: &WordTrie, haystack: &[u8]) -> Vec<(usize, usize, u32)> {
        let mut out = Vec::new();
        let mut ends = Vec::new();
        trie.for_each_start(haystack, |p| {
            ends.clear();
            trie.walk(haystack, p, &mut ends);
            out.extend(ends.iter().map(|&(e, k)| (p, e, k)));
        });
        out.sort_unstable();
        out
    }

    #[test]
    fn finds_what_brute_force_finds() {
        let patterns = [
            "us",
            "usa",
            "united states",
            "united states of america",
            "iran",
            "iran air",
            "#opisrael",
            ".net",
            "türkiye",
            "中国",
            "a",
            "x_1",
            "(isc)²",
        ];
        let trie = WordTrie::new(patterns).unwrap();
        let mut text = String::from(
            "The US, USA and the United\n  States of America; thus Iran Airways, IRAN AIR. #OpIsrael .NET dotnet \
             TüRKİYE türkiye 中国政府 a b x_1 x_12 (ISC)² A",
        );
        // Long enough for several 64-byte blocks, with matches across block edges.
        for i in 0..40 {
            text.push_str(&" usa iran".repeat(i % 7));
            text.push_str("united\tstates ");
        }
        let haystack = text.as_bytes();
        assert_eq!(found(&trie, haystack), brute(&patterns, haystack));
        // The table path (other targets, or more than four special first bytes) agrees.
        let mut table = Vec::new();
        trie.starts_table(haystack, |p, state| table.push((p, state)));
        let mut any = Vec::new();
        trie.for_each_start_resumable(haystack, |p, state| any.push((p, state)));
        // Walks resumed from the quick check's state find what walks from the root find.
        let walked = |starts: &[(usize, Resume)], resume: bool| {
            let mut v = Vec::new();
            for &(p, state) in starts {
                let mut ends = Vec::new();
                if resume {
                    trie.walk_from(haystack, p, state, &mut ends);
                } else {
                    trie.walk(haystack, p, &mut ends);
                }
                v.extend(ends.into_iter().map(|(e, k)| (p, e, k)));
            }
            v
        };
        assert!(any.iter().any(|&(_, r)| r.0 != trie.root()));
        assert_eq!(walked(&table, true), walked(&any, false));
        assert_eq!(walked(&any, true), walked(&any, false));
    }

    /// Texts made of words that begin like the patterns ("target" before "targetcompany"), in every case, with
    /// spaces, punctuation and underscores between them; a small LCG keeps them the same from run to run.
    fn prefix_texts() -> Vec<String> {
        let words = [
            "target",
            "TargetCompany",
            "targetcompany",
            "malware",
            "MalwareDeveloper",
            "the",
            "The Dukes",
            "THE  DUKES",
            "dukes",
            "of",
            "office",
            "apt",
            "APT28",
            "apt_28",
            "apt-28",
            "x",
            "xx",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "abcdefghijklmnopqrst",
            "ABCDEFGHIJKLMNOPQ",
            "_",
            "9",
            "98",
        ];
        let seps = [" ", ", ", "\n", "-", "'s ", ".", "", "  "];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            #[allow(clippy::cast_possible_truncation)]
            let k = (seed % n as u64) as usize;
            k
        };
        (0..40)
            .map(|_| {
                let mut t = String::new();
                for _ in 0..next(120) {
                    t.push_str(words[next(words.len())]);
                    t.push_str(seps[next(seps.len())]);
                }
                t
            })
            .collect()
    }

    #[test]
    fn first_word_filter_loses_no_start() {
        // ASCII patterns only, so that the empty first word (a start at a non-word byte) is not in the set.
        let patterns = [
            "targetcompany",
            "malwaredeveloper",
            "the dukes",
            "office of the dni",
            "apt28",
            "apt 28",
            "apt-28",
            "x",
            "abcdefghijklmnopq",
            "9",
        ];
        let trie = WordTrie::new(patterns).unwrap();
        for text in prefix_texts() {
            let haystack = text.as_bytes();
            assert_eq!(
                found(&trie, haystack),
                brute(&patterns, haystack),
                "{text:?}"
            );
        }
        // A word that only begins a pattern's first word is no start: no walk along "malware" or "target".
        let text = b"the target of malware, apt28 and TargetCompany";
        let mut starts = Vec::new();
        trie.for_each_start(text, |p| starts.push(p));
        assert!(!starts.contains(&4) && !starts.contains(&14), "{starts:?}");
        assert!(starts.contains(&23) && starts.contains(&33), "{starts:?}");
    }

    #[test]
    fn first_word_is_the_same_with_sse2_and_without() {
        #[cfg(target_arch = "x86_64")]
        for text in prefix_texts() {
            let bytes = text.as_bytes();
            for start in 0..bytes.len().saturating_sub(RUN_MAX) {
                let window = &bytes[start..start + RUN_MAX];
                assert_eq!(first_word_sse2(window), first_word(window), "{window:?}");
            }
        }
        let (lo, hi, len) = first_word(b"TARGET_9x company");
        assert_eq!(len, 9);
        assert_eq!(lo.to_le_bytes(), *b"target\x7f9");
        assert_eq!(hi, u64::from(b'x'));
        assert_eq!(first_word(b"-x"), (0, 0, 0));
        assert_eq!(first_word(b"abcdefghijklmnopqrstu").2, RUN_MAX);
    }

    #[test]
    fn refuses_empty_and_repeated_patterns() {
        assert!(matches!(WordTrie::new(["a", ""]), Err(Error::Build(_))));
        assert!(matches!(WordTrie::new(["ab", "AB"]), Err(Error::Build(_))));
        for bad in ["a\tb", "a  b", " a", "a ", "a\nb"] {
            assert!(
                matches!(WordTrie::new([bad]), Err(Error::Build(_))),
                "{bad:?}"
            );
        }
        assert!(WordTrie::new(["a b"]).is_ok());
    }
}
