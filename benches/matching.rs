//! Criterion benchmarks of the core matcher (no Python): one group per public operation.
//!
//! Run with `cargo bench --bench matching`. The corpus is synthetic (deterministic), news-like ASCII with about one
//! alias occurrence per 200 bytes, plus a non-ASCII variant that exercises the folding path.
//!
//! The `builtin` group runs the built-in gazetteer (`Gazetteer::builtin(false)`, as Python users get it) over the
//! shipped MISP descriptions (real prose) and, on the same bytes, the aho-corasick crate's DFA alone over the same
//! folded aliases (counting overlapping matches, nothing else): the ceiling `find_table` is compared with in BENCHMARKS.md. Its
//! `find_table_1_thread_*` variants turn the context rules off, all or one at a time, to show what each costs.

use std::hint::black_box;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use cybernexus::{Gazetteer, Matcher, Offsets, Overlaps, RawAlias, RawRecord, Resolve, Rules};

const WORDS: &[&str] = &[
    "the",
    "ministry",
    "said",
    "on",
    "Tuesday",
    "that",
    "attackers",
    "targeted",
    "networks",
    "of",
    "several",
    "agencies",
    "and",
    "contractors",
    "in",
    "a",
    "campaign",
    "linked",
    "to",
    "state",
    "hackers",
    "officials",
    "reported",
    "intrusions",
    "because",
    "users",
    "opened",
    "malicious",
    "documents",
    "sent",
    "by",
    "email",
];

/// A small xorshift generator, so the corpus is the same on every run without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 16) as usize
    }
}

fn aliases(n: usize) -> Vec<String> {
    let mut rng = Rng(7);
    let syllables = [
        "ka", "ro", "mi", "tan", "vel", "zor", "qui", "bex", "lum", "dra", "sto", "fen",
    ];
    (0..n)
        .map(|i| {
            let words = 1 + rng.next() % 3;
            let mut name: Vec<String> = (0..words)
                .map(|_| {
                    let s: String = (0..2 + rng.next() % 2)
                        .map(|_| syllables[rng.next() % syllables.len()])
                        .collect();
                    let mut c = s.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                })
                .collect();
            name.push(format!("{i}"));
            name.join(" ")
        })
        .collect()
}

fn corpus(names: &[String], bytes: usize, non_ascii: bool) -> Vec<String> {
    let mut rng = Rng(42);
    let mut docs = Vec::new();
    let mut doc = String::new();
    let mut total = 0;
    while total < bytes {
        if rng.next() % 30 == 0 {
            doc.push_str(&names[rng.next() % names.len()]);
        } else {
            doc.push_str(WORDS[rng.next() % WORDS.len()]);
        }
        doc.push_str(if non_ascii && rng.next() % 50 == 0 {
            "\u{a0}é "
        } else {
            " "
        });
        if doc.len() >= 2000 {
            total += doc.len();
            docs.push(std::mem::take(&mut doc));
        }
    }
    docs
}

fn matcher(names: &[String]) -> Matcher {
    let records = names.iter().enumerate().map(|(i, name)| RawRecord {
        id: format!("e{i}"),
        kind: "test".into(),
        name: name.clone(),
        aliases: vec![RawAlias::Text(name.to_uppercase())],
        attrs: std::collections::BTreeMap::default(),
    });
    Matcher::new(
        Arc::new(Gazetteer::from_records(records).unwrap()),
        Overlaps::Longest,
    )
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let names = aliases(3000);
    let m = matcher(&names);
    for (label, non_ascii) in [("ascii", false), ("non_ascii", true)] {
        let docs = corpus(&names, 4 << 20, non_ascii);
        let bytes: usize = docs.iter().map(String::len).sum();
        let mut group = c.benchmark_group(format!("find_{label}"));
        group.throughput(Throughput::Bytes(bytes as u64));
        group.sample_size(10);
        group.bench_function("find_chars_1_thread", |b| {
            b.iter(|| {
                docs.iter()
                    .map(|d| m.find(black_box(d), Offsets::Chars).len())
                    .sum::<usize>()
            });
        });
        group.bench_function("find_table_1_thread", |b| {
            b.iter(|| {
                m.find_table(black_box(&docs), Offsets::Chars, Some(1), false)
                    .unwrap()
                    .len()
            });
        });
        group.bench_function("find_table_2_threads", |b| {
            b.iter(|| {
                m.find_table(black_box(&docs), Offsets::Chars, Some(2), false)
                    .unwrap()
                    .len()
            });
        });
        group.finish();
    }
    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    group.bench_function("matcher_3000_names", |b| {
        b.iter(|| matcher(black_box(&names)));
    });
    group.finish();
}

/// The shipped MISP descriptions (one JSON object per line with a `text` field), repeated to about 4 MB.
fn misp_descriptions() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/python/cybernexus/data/misp_descriptions.jsonl"
    );
    let once: Vec<String> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            value["text"].as_str().unwrap().to_owned()
        })
        .collect();
    let size: usize = once.iter().map(String::len).sum();
    std::iter::repeat_n(once, (4 << 20) / size + 1)
        .flatten()
        .collect()
}

/// The distinct folded aliases of `gazetteer`: the patterns the matcher puts in its automaton.
fn folded_aliases(gazetteer: &Gazetteer) -> Vec<String> {
    let folded: std::collections::BTreeSet<String> = gazetteer
        .entities()
        .iter()
        .flat_map(|e| &e.aliases)
        .map(|a| cybernexus::normalize::normalize_str(&a.text, true))
        .collect();
    folded.into_iter().collect()
}

fn bench_builtin(c: &mut Criterion) {
    // What users get: `Gazetteer.builtin()` and `Matcher()` in Python are this gazetteer (capitals left out).
    let gazetteer = Gazetteer::builtin(false).unwrap();
    let docs = misp_descriptions();
    let bytes: usize = docs.iter().map(String::len).sum();
    let matcher = Matcher::new(Arc::clone(&gazetteer), Overlaps::Longest).unwrap();
    let crate_alone = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .match_kind(MatchKind::Standard)
        .ascii_case_insensitive(true)
        .build(folded_aliases(&gazetteer))
        .unwrap();

    let mut group = c.benchmark_group("builtin");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("find_table_1_thread", |b| {
        b.iter(|| {
            matcher
                .find_table(black_box(&docs), Offsets::Chars, Some(1), false)
                .unwrap()
                .len()
        });
    });
    // What the context rules cost: all off, then each one off alone (names as in `Rules`).
    let variants = [
        ("rules_off", Rules::NONE),
        (
            "patterns_off",
            Rules {
                patterns: false,
                ..Rules::default()
            },
        ),
        (
            "support_off",
            Rules {
                support: false,
                ..Rules::default()
            },
        ),
        (
            "resolve_off",
            Rules {
                resolve: Resolve::None,
                ..Rules::default()
            },
        ),
    ];
    for (name, rules) in variants {
        let m = Matcher::with_rules(Arc::clone(&gazetteer), Overlaps::Longest, rules).unwrap();
        group.bench_function(format!("find_table_1_thread_{name}"), |b| {
            b.iter(|| {
                m.find_table(black_box(&docs), Offsets::Chars, Some(1), false)
                    .unwrap()
                    .len()
            });
        });
    }
    group.bench_function("ceiling_crate_dfa_overlapping_count", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| {
                    crate_alone
                        .find_overlapping_iter(black_box(d.as_bytes()))
                        .count()
                })
                .sum::<usize>()
        });
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("build", |b| {
        b.iter(|| Matcher::new(Arc::clone(black_box(&gazetteer)), Overlaps::Longest).unwrap());
    });
    group.bench_function("build_crate_dfa", |b| {
        b.iter(|| {
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::DFA))
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(true)
                .build(folded_aliases(black_box(&gazetteer)))
                .unwrap()
        });
    });
    group.finish();
}

criterion_group!(benches, bench, bench_builtin);
criterion_main!(benches);
