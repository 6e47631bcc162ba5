//! Criterion benchmarks of the core matcher (no Python): one group per public operation.
//!
//! Run with `cargo bench --bench matching`. The corpus is synthetic (deterministic), news-like ASCII with about one
//! alias occurrence per 200 bytes, plus a non-ASCII variant that exercises the folding path.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use cybernexus::{Gazetteer, Matcher, Offsets, Overlaps, RawAlias, RawRecord};

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

criterion_group!(benches, bench);
criterion_main!(benches);
